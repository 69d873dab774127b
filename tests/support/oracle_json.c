/* Oracle, part 1: a strict RFC 8259 lexer, a string decoder and an RFC 3339 parser, written
 * from the RFCs and include/ambc/{json,time}.h, not from core/. Plain, slow-is-fine test code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "oracle: out of memory\n");
        abort();
    }
    return q;
}

static void tok_push(oj_lex_t *lx, uint8_t kind, size_t start, size_t end)
{
    if (!lx->keep) {
        return;
    }
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 256;
        lx->tok = xrealloc(lx->tok, lx->cap * sizeof(*lx->tok));
    }
    lx->tok[lx->n].kind = kind;
    lx->tok[lx->n].start = start;
    lx->tok[lx->n].end = end;
    lx->n++;
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Four hex digits at p[i..i+4). */
static oj_verdict_t hex4(const uint8_t *p, size_t len, size_t i, unsigned *u, size_t *err)
{
    unsigned k, v = 0;
    for (k = 0; k < 4; k++) {
        int h;
        if (i + k >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        h = hexval(p[i + k]);
        if (h < 0) {
            *err = i + k;
            return OJ_INVALID;
        }
        v = v * 16u + (unsigned)h;
    }
    *u = v;
    return OJ_OK;
}

/* A string whose opening quote is p[i]. */
static oj_verdict_t scan_string(const uint8_t *p, size_t len, size_t i, size_t *end, size_t *err)
{
    i++;
    for (;;) {
        uint8_t c;
        unsigned u, u2;
        oj_verdict_t v;
        if (i >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        c = p[i];
        if (c == '"') {
            *end = i + 1;
            return OJ_OK;
        }
        if (c < 0x20) {
            *err = i;
            return OJ_INVALID;
        }
        if (c != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        c = p[i + 1];
        if (strchr("\"\\/bfnrt", c) != NULL && c != 0) {
            i += 2;
            continue;
        }
        if (c != 'u') {
            *err = i + 1;
            return OJ_INVALID;
        }
        if ((v = hex4(p, len, i + 2, &u, err)) != OJ_OK) {
            return v;
        }
        i += 6;
        if (u >= 0xDC00 && u <= 0xDFFF) { /* a low surrogate alone */
            *err = i - 1;
            return OJ_INVALID;
        }
        if (u < 0xD800 || u > 0xDBFF) {
            continue;
        }
        /* a high surrogate: exactly \uDC00..\uDFFF must follow */
        if (i >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        if (p[i] != '\\') {
            *err = i;
            return OJ_INVALID;
        }
        if (i + 1 >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        if (p[i + 1] != 'u') {
            *err = i + 1;
            return OJ_INVALID;
        }
        if ((v = hex4(p, len, i + 2, &u2, err)) != OJ_OK) {
            return v;
        }
        if (u2 < 0xDC00 || u2 > 0xDFFF) {
            *err = i + 5;
            return OJ_INVALID;
        }
        i += 6;
    }
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? starting at p[i]. */
static oj_verdict_t scan_number(const uint8_t *p, size_t len, size_t i, size_t *end, size_t *err)
{
    if (p[i] == '-') {
        i++;
    }
    if (i >= len) {
        *err = len;
        return OJ_UNEXPECTED_END;
    }
    if (p[i] == '0') {
        i++;
    } else if (p[i] >= '1' && p[i] <= '9') {
        while (i < len && is_digit(p[i])) {
            i++;
        }
    } else {
        *err = i;
        return OJ_INVALID;
    }
    if (i < len && p[i] == '.') {
        i++;
        if (i >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        if (!is_digit(p[i])) {
            *err = i;
            return OJ_INVALID;
        }
        while (i < len && is_digit(p[i])) {
            i++;
        }
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-')) {
            i++;
        }
        if (i >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        if (!is_digit(p[i])) {
            *err = i;
            return OJ_INVALID;
        }
        while (i < len && is_digit(p[i])) {
            i++;
        }
    }
    *end = i;
    return OJ_OK;
}

static oj_verdict_t scan_literal(const uint8_t *p, size_t len, size_t i, const char *lit,
                                 size_t *end, size_t *err)
{
    size_t k;
    for (k = 0; lit[k] != 0; k++) {
        if (i + k >= len) {
            *err = len;
            return OJ_UNEXPECTED_END;
        }
        if (p[i + k] != (uint8_t)lit[k]) {
            *err = i + k;
            return OJ_INVALID;
        }
    }
    *end = i + k;
    return OJ_OK;
}

static void set_cut(oj_lex_t *lx, size_t i, size_t sn)
{
    lx->cut = i;
    lx->n_open = sn;
}

static oj_verdict_t fail(oj_lex_t *lx, oj_verdict_t v, size_t pos)
{
    lx->verdict = v;
    lx->err_pos = pos;
    /* tokens past the cut belong to no closed prefix */
    while (lx->n > 0 && lx->tok[lx->n - 1].end > lx->cut) {
        lx->n--;
    }
    return v;
}

static size_t skip_ws(const uint8_t *p, size_t len, size_t i)
{
    while (i < len && is_ws(p[i])) {
        i++;
    }
    return i;
}

/* An iterative recursive-descent: `open` is the container stack. Between two cuts the stack
 * never changes (every push and pop is followed by a cut), so at an error it is the stack at
 * the cut. */
oj_verdict_t oj_lex(const uint8_t *p, size_t len, unsigned max_depth, bool keep_tokens,
                    oj_lex_t *lx)
{
    size_t i = 0, sn = 0, end = 0, err = 0;
    oj_verdict_t v;
    memset(lx, 0, sizeof(*lx));
    lx->keep = keep_tokens;
    lx->verdict = OJ_OK;

value:
    i = skip_ws(p, len, i);
    if (i >= len) {
        return fail(lx, OJ_UNEXPECTED_END, len);
    }
    switch (p[i]) {
    case '{':
    case '[':
        if (max_depth != 0 && sn >= max_depth) {
            return fail(lx, OJ_DEPTH, i);
        }
        if (sn == lx->open_cap) {
            lx->open_cap = lx->open_cap ? lx->open_cap * 2 : 64;
            lx->open = xrealloc(lx->open, lx->open_cap);
        }
        lx->open[sn++] = p[i] == '{' ? OJ_OBJ_BEGIN : OJ_ARR_BEGIN;
        if (sn > lx->max_depth) {
            lx->max_depth = (unsigned)sn;
        }
        tok_push(lx, lx->open[sn - 1], i, i + 1);
        i++;
        set_cut(lx, i, sn);
        i = skip_ws(p, len, i);
        if (i >= len) {
            return fail(lx, OJ_UNEXPECTED_END, len);
        }
        if (lx->open[sn - 1] == OJ_OBJ_BEGIN) {
            if (p[i] == '}') {
                goto close;
            }
            goto key;
        }
        if (p[i] == ']') {
            goto close;
        }
        goto value;
    case '"':
        if ((v = scan_string(p, len, i, &end, &err)) != OJ_OK) {
            return fail(lx, v, err);
        }
        tok_push(lx, OJ_STRING, i, end);
        break;
    case 't':
    case 'f':
    case 'n': {
        const char *lit = p[i] == 't' ? "true" : p[i] == 'f' ? "false" : "null";
        if ((v = scan_literal(p, len, i, lit, &end, &err)) != OJ_OK) {
            return fail(lx, v, err);
        }
        tok_push(lx, p[i] == 't' ? OJ_TRUE : p[i] == 'f' ? OJ_FALSE : OJ_NULL, i, end);
        break;
    }
    default:
        if (p[i] != '-' && !is_digit(p[i])) {
            return fail(lx, OJ_INVALID, i);
        }
        if ((v = scan_number(p, len, i, &end, &err)) != OJ_OK) {
            return fail(lx, v, err);
        }
        tok_push(lx, OJ_NUMBER, i, end);
        break;
    }
    i = end;
    goto after;

close: /* p[i] closes the innermost container */
    tok_push(lx, lx->open[sn - 1] == OJ_OBJ_BEGIN ? OJ_OBJ_END : OJ_ARR_END, i, i + 1);
    sn--;
    i++;
    goto after;

key: /* p[i] is the first byte of what must be a key */
    i = skip_ws(p, len, i);
    if (i >= len) {
        return fail(lx, OJ_UNEXPECTED_END, len);
    }
    if (p[i] != '"') {
        return fail(lx, OJ_INVALID, i);
    }
    if ((v = scan_string(p, len, i, &end, &err)) != OJ_OK) {
        return fail(lx, v, err);
    }
    tok_push(lx, OJ_KEY, i, end);
    i = skip_ws(p, len, end);
    if (i >= len) {
        return fail(lx, OJ_UNEXPECTED_END, len);
    }
    if (p[i] != ':') {
        return fail(lx, OJ_INVALID, i);
    }
    i++;
    goto value;

after: /* a value ended at i */
    set_cut(lx, i, sn);
    i = skip_ws(p, len, i);
    if (sn == 0) {
        if (i < len) {
            return fail(lx, OJ_INVALID, i);
        }
        return OJ_OK;
    }
    if (i >= len) {
        return fail(lx, OJ_UNEXPECTED_END, len);
    }
    if (lx->open[sn - 1] == OJ_OBJ_BEGIN) {
        if (p[i] == ',') {
            i++;
            goto key;
        }
        if (p[i] == '}') {
            goto close;
        }
        return fail(lx, OJ_INVALID, i);
    }
    if (p[i] == ',') {
        i++;
        goto value;
    }
    if (p[i] == ']') {
        goto close;
    }
    return fail(lx, OJ_INVALID, i);
}

void oj_lex_free(oj_lex_t *lx)
{
    free(lx->tok);
    free(lx->open);
    memset(lx, 0, sizeof(*lx));
}

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned long hex4_of(const uint8_t *p)
{
    return (unsigned long)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 |
                           hexval(p[3]));
}

char *oj_decode(const uint8_t *raw, size_t raw_len, size_t *out_len)
{
    char *o = xrealloc(NULL, raw_len + 1); /* decoding never grows: \uXXXX (6) -> <= 3 bytes */
    size_t i = 0, n = 0;
    while (i < raw_len) {
        unsigned long cp;
        if (raw[i] != '\\') {
            o[n++] = (char)raw[i++];
            continue;
        }
        switch (raw[i + 1]) {
        case 'b':
            o[n++] = '\b';
            break;
        case 'f':
            o[n++] = '\f';
            break;
        case 'n':
            o[n++] = '\n';
            break;
        case 'r':
            o[n++] = '\r';
            break;
        case 't':
            o[n++] = '\t';
            break;
        case 'u':
            cp = hex4_of(raw + i + 2);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned long lo = hex4_of(raw + i + 8);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            n += put_utf8(o + n, cp);
            i += 6;
            continue;
        default: /* " \ / */
            o[n++] = (char)raw[i + 1];
            break;
        }
        i += 2;
    }
    o[n] = 0;
    *out_len = n;
    return o;
}

/* ---------------------------------------------------------------- RFC 3339 */

/* Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms). */
int64_t oracle_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void oracle_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
    size_t k;
    unsigned v = 0;
    for (k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') {
            return false;
        }
        v = v * 10u + (unsigned)(s[k] - '0');
    }
    *out = v;
    return true;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29u : md[m - 1];
}

/* YYYY-MM-DD(T|t| )HH:MM:SS(.d+)?(Z|z|(+|-)hh:mm) */
bool oracle_rfc3339(const char *s, size_t len, int64_t *out_us)
{
    unsigned y, mo, d, h, mi, sec, oh = 0, om = 0, frac = 0, scale = 100000;
    size_t i;
    int sign = 0;
    int64_t t;
    if (len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec)) {
        return false;
    }
    i = 19;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (scale > 0) {
                frac += (unsigned)(s[i] - '0') * scale;
                scale /= 10;
            }
            i++;
        }
        if (i == start) {
            return false;
        }
    }
    if (i >= len) {
        return false;
    }
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '+' ? 1 : -1;
        if (len - i < 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
            !digits(s + i + 4, 2, &om)) {
            return false;
        }
        i += 6;
    } else {
        return false;
    }
    if (i != len || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
        sec > 60 || oh > 23 || om > 59) {
        return false;
    }
    t = oracle_days_from_civil((int64_t)y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
        (int64_t)sec;
    t -= (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
    *out_us = t * 1000000 + (int64_t)frac;
    return true;
}
