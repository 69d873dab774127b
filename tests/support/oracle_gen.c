/* Oracle, part 4: a seeded generator of hostile-but-valid list pages, optionally with one
 * targeted defect. It states what it meant (the records, the page, or where and how the page
 * fails), so the reference is itself checked against a second, independent opinion.
 *
 * Hostile but valid: key order shuffled at every level; any character of any key or value
 * written escaped or not (\uXXXX in either case, surrogate pairs, short escapes, \/); random
 * whitespace between tokens; unknown members of any size (up to ~1 MB strings) and nesting (to
 * the 32-level limit) everywhere, including keys that are near misses of known keys; nulls;
 * control and non-ASCII characters; unknown statuses; every RFC 3339 form time.h allows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define MAX_LEVEL CONFIG_AMBC_JSON_MAX_DEPTH

typedef struct {
    ambc_batch_t b;
    char time_text[5][96];
} rec_plan_t;

enum { W_REC, W_COUNTS, W_PAGE };

/* JSON mutations (OD_JSON) */
enum {
    J_TRAIL_COMMA,
    J_MISSING_COMMA,
    J_MISSING_COLON,
    J_DOUBLE_COLON,
    J_UNQUOTED_KEY,
    J_COMMENT,
    J_BAD_VALUE, /* an extra member whose value is not JSON */
    J_CTRL_IN_KEPT,
    J_TRUNCATE,
    J__MEMBER_COUNT,
    /* page only */
    J_TRAILING_GARBAGE = J__MEMBER_COUNT,
    J_DATA_TRAIL_COMMA,
    J_DATA_NO_COMMA,
    J_BOM,
    J_EMPTY,
    J__COUNT
};

/* member ids inside an object */
enum {
    M_UNKNOWN = 100, /* 100..199 */
    M_DUP = 200,     /* 200 + known key */
    M_BAD = 300,     /* J_BAD_VALUE */
    M_DEEP = 301,    /* nesting one past the limit */
    M_NOTOBJ = 302,  /* a data element that is not an object */
};

typedef struct {
    uint64_t s;
    uint8_t *p;
    size_t len, cap;
    const oracle_gen_opts_t *o;
    oracle_page_t *out;
    unsigned ws_style, esc_pct, slash_pct;
    bool huge_page;
    size_t closed; /* records whose closing brace has been written */
    /* the defect plan */
    oracle_defect_t d;
    int d_where, d_rec, d_key, d_sub;
    int jmut, jslot; /* JSON mutation and the member slot it applies to */
    bool fired;
    size_t *rec_start, *rec_end, n_rec_pos;
    size_t root_end;
} gen_t;

static const char *const rec_keys[10] = {
    "id",         "type",     "processing_status",   "request_counts", "created_at",
    "expires_at", "ended_at", "cancel_initiated_at", "archived_at",    "results_url",
};
static const char *const count_keys[5] = {"processing", "succeeded", "errored", "canceled",
                                          "expired"};
static const char *const count_fields[5] = {
    "request_counts.processing", "request_counts.succeeded", "request_counts.errored",
    "request_counts.canceled",   "request_counts.expired",
};
static const char *const page_keys[4] = {"data", "has_more", "first_id", "last_id"};

static const char *const defect_names[OD__COUNT] = {
    "none", "missing", "duplicate", "type", "nul", "value", "shape", "limit", "json",
};

const char *oracle_defect_name(oracle_defect_t d)
{
    return d < OD__COUNT ? defect_names[d] : "?";
}

/* ---------------------------------------------------------------- randomness and output */

static uint64_t rnd(gen_t *g)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t below(gen_t *g, uint32_t n)
{
    return n ? (uint32_t)(rnd(g) % n) : 0;
}

static bool chance(gen_t *g, unsigned pct)
{
    return below(g, 100) < pct;
}

static void put(gen_t *g, const void *s, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        while (g->len + n + 1 > g->cap) {
            g->cap = g->cap ? g->cap * 2 : 4096;
        }
        g->p = realloc(g->p, g->cap);
        if (g->p == NULL) {
            abort();
        }
    }
    memcpy(g->p + g->len, s, n);
    g->len += n;
}

static void putch(gen_t *g, char c)
{
    put(g, &c, 1);
}

static void puts_(gen_t *g, const char *s)
{
    put(g, s, strlen(s));
}

static void ws(gen_t *g)
{
    static const char w[] = " \t\n\r";
    unsigned n = 0, k;
    switch (g->ws_style) {
    case 0:
        return;
    case 1:
        n = chance(g, 30) ? 1 : 0;
        break;
    default:
        n = below(g, 5);
        if (g->ws_style == 3 && chance(g, 1)) {
            n = 100 + below(g, 1900);
        }
        break;
    }
    for (k = 0; k < n; k++) {
        putch(g, w[g->ws_style == 1 ? 0 : below(g, 4)]);
    }
}

static void fire(gen_t *g, int unit, ambc_status_t st, const char *field, bool limit,
                 const char *fmt, ...)
{
    va_list ap;
    if (g->fired) {
        return;
    }
    g->fired = true;
    g->out->unit_record = unit;
    g->out->n_before = g->closed;
    g->out->status = st;
    g->out->field = field;
    g->out->limit_only = limit;
    va_start(ap, fmt);
    vsnprintf(g->out->what, sizeof(g->out->what), fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- strings */

static void put_hex4(gen_t *g, unsigned v)
{
    static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
    int style = (int)below(g, 3), k;
    for (k = 3; k >= 0; k--) {
        unsigned d = (v >> (4 * k)) & 15u;
        bool upper = style == 0 ? false : style == 1 ? true : chance(g, 50);
        putch(g, upper ? up[d] : lo[d]);
    }
}

static void put_u(gen_t *g, unsigned long cp)
{
    if (cp > 0xFFFF) {
        cp -= 0x10000;
        puts_(g, "\\u");
        put_hex4(g, (unsigned)(0xD800 + (cp >> 10)));
        puts_(g, "\\u");
        put_hex4(g, (unsigned)(0xDC00 + (cp & 0x3FF)));
        return;
    }
    puts_(g, "\\u");
    put_hex4(g, (unsigned)cp);
}

/* One UTF-8 sequence at d (valid by construction). */
static size_t utf8_cp(const uint8_t *d, size_t n, unsigned long *cp)
{
    size_t l = d[0] < 0x80 ? 1 : d[0] < 0xE0 ? 2 : d[0] < 0xF0 ? 3 : 4, k;
    if (l > n) {
        l = 1;
    }
    *cp = l == 1 ? d[0] : l == 2 ? (d[0] & 0x1Fu) : l == 3 ? (d[0] & 0x0Fu) : (d[0] & 0x07u);
    for (k = 1; k < l; k++) {
        *cp = (*cp << 6) | (d[k] & 0x3Fu);
    }
    return l;
}

/* A JSON string whose decoding is exactly d[0..n). */
static void put_str(gen_t *g, const char *d, size_t n)
{
    size_t i = 0;
    putch(g, '"');
    while (i < n) {
        unsigned long cp;
        size_t l = utf8_cp((const uint8_t *)d + i, n - i, &cp);
        const char *sh = NULL;
        switch (cp) {
        case '"':
            sh = "\\\"";
            break;
        case '\\':
            sh = "\\\\";
            break;
        case '\b':
            sh = "\\b";
            break;
        case '\f':
            sh = "\\f";
            break;
        case '\n':
            sh = "\\n";
            break;
        case '\r':
            sh = "\\r";
            break;
        case '\t':
            sh = "\\t";
            break;
        case '/':
            sh = chance(g, g->slash_pct) ? "\\/" : NULL;
            break;
        default:
            break;
        }
        if (sh != NULL && chance(g, 75)) {
            puts_(g, sh);
        } else if (cp < 0x20 || cp == '"' || cp == '\\' || chance(g, g->esc_pct)) {
            put_u(g, cp);
        } else {
            put(g, d + i, l);
        }
        i += l;
    }
    putch(g, '"');
}

static void put_cstr(gen_t *g, const char *s)
{
    put_str(g, s, strlen(s));
}

static size_t enc_utf8(char *o, unsigned long cp)
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

/* Random valid UTF-8 of exactly `target` bytes (no U+0000) into o. */
static size_t rand_text_n(gen_t *g, char *o, size_t target)
{
    size_t n = 0;
    while (n < target) {
        unsigned long cp;
        unsigned c = below(g, 100);
        char tmp[4];
        size_t l;
        if (c < 50) {
            cp = 0x20 + below(g, 0x5F);
        } else if (c < 56) {
            cp = chance(g, 90) ? 1 + below(g, 0x1F) : 0x7F;
        } else if (c < 62) {
            cp = (unsigned long)"\"\\/"[below(g, 3)];
        } else if (c < 76) {
            cp = 0x80 + below(g, 0x780);
        } else if (c < 90) {
            do {
                cp = 0x800 + below(g, 0xF800);
            } while (cp >= 0xD800 && cp <= 0xDFFF);
        } else {
            cp = 0x10000 + below(g, 0x100000);
        }
        l = enc_utf8(tmp, cp);
        if (n + l > target) {
            cp = 'a' + below(g, 26);
            l = enc_utf8(tmp, cp);
        }
        memcpy(o + n, tmp, l);
        n += l;
    }
    o[n] = 0;
    return n;
}

/* Random text of at most max bytes (exactly max one time in five). */
static size_t rand_text(gen_t *g, char *o, size_t max)
{
    return rand_text_n(g, o, chance(g, 20) ? max : below(g, (uint32_t)max + 1));
}

static void rand_id(gen_t *g, char *o, size_t max)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if (chance(g, 40) && max >= 34) {
        int k;
        strcpy(o, "msgbatch_01");
        for (k = 0; k < 22; k++) {
            o[11 + k] = b62[below(g, 62)];
        }
        o[33] = 0;
        return;
    }
    rand_text(g, o, max);
}

/* ---------------------------------------------------------------- numbers, times */

static uint32_t rand_count(gen_t *g)
{
    switch (below(g, 10)) {
    case 0:
    case 1:
    case 2:
        return 0;
    case 3:
        return UINT32_MAX;
    case 4:
        return below(g, 10);
    case 5:
        return UINT32_MAX - below(g, 3);
    case 6:
    case 7:
        return below(g, 100001);
    default:
        return (uint32_t)rnd(g);
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

#define SEC_0000  INT64_C(-62167219200) /* 0000-01-01T00:00:00Z */
#define SEC_10000 INT64_C(253402300800) /* 10000-01-01T00:00:00Z */

/* A valid RFC 3339 text in one of the forms time.h allows and the instant it means. With
 * long_frac, the fraction is made long enough for the text to pass AMBC_RFC3339_TEXT_MAX. */
static void rand_time(gen_t *g, char *text, size_t cap, int64_t *us, bool long_frac)
{
    for (;;) {
        int64_t sec, local, days, sod, y;
        unsigned mo, d, hh, mi, ss, nfrac = 0, k, micro = 0, zone = below(g, 10);
        int off = 0;
        bool leap = chance(g, 6);
        char zbuf[8], frac[64], sep;
        if (chance(g, 40)) {
            sec = INT64_C(1672531200) + (int64_t)below(g, 5u * 365u * 86400u);
        } else if (chance(g, 5)) { /* within a day of the ends: offsets take it past them */
            sec = (chance(g, 50) ? SEC_0000 : SEC_10000) - 86400 + (int64_t)below(g, 2 * 86400);
        } else {
            sec = SEC_0000 + (int64_t)(rnd(g) % (uint64_t)(SEC_10000 - SEC_0000));
        }
        if (zone < 3) {
            strcpy(zbuf, zone == 2 ? "z" : "Z");
        } else if (zone == 3) {
            strcpy(zbuf, chance(g, 50) ? "-00:00" : "+00:00");
        } else {
            unsigned oh = below(g, 24), om = chance(g, 50) ? 0 : below(g, 60);
            bool neg = chance(g, 50);
            off = (neg ? -1 : 1) * (int)(oh * 3600 + om * 60);
            snprintf(zbuf, sizeof(zbuf), "%c%02u:%02u", neg ? '-' : '+', oh, om);
        }
        local = sec + off;
        if (leap) { /* show the instant at a whole minute as hh:(mm-1):60 */
            local -= local - floor_div(local, 60) * 60;
            sec = local - off;
        }
        days = floor_div(leap ? local - 1 : local, 86400);
        sod = (leap ? local - 1 : local) - days * 86400;
        oracle_civil_from_days(days, &y, &mo, &d);
        if (y < 0 || y > 9999) {
            continue;
        }
        hh = (unsigned)(sod / 3600);
        mi = (unsigned)(sod / 60 % 60);
        ss = leap ? 60u : (unsigned)(sod % 60);
        switch (below(g, 5)) {
        case 0:
            nfrac = 0;
            break;
        case 1:
        case 2:
            nfrac = 6;
            break;
        default:
            nfrac = 1 + below(g, 12);
            break;
        }
        if (long_frac) {
            nfrac = 41 - 19 - 1 - (unsigned)strlen(zbuf) + below(g, 10);
        } else if (chance(g, 4)) { /* 39 or 40 bytes: at AMBC_RFC3339_TEXT_MAX, still valid */
            nfrac = AMBC_RFC3339_TEXT_MAX - 20 - (unsigned)strlen(zbuf) - below(g, 2);
        }
        for (k = 0; k < nfrac; k++) {
            frac[k] = (char)('0' + below(g, 10));
            if (k < 6) {
                micro = micro * 10u + (unsigned)(frac[k] - '0');
            }
        }
        for (k = nfrac; k < 6; k++) {
            micro *= 10u;
        }
        frac[nfrac] = 0;
        sep = chance(g, 80) ? 'T' : chance(g, 50) ? 't' : ' ';
        snprintf(text, cap, "%04d-%02u-%02u%c%02u:%02u:%02u%s%s%s", (int)y, mo, d, sep, hh, mi, ss,
                 nfrac ? "." : "", frac, zbuf);
        *us = sec * 1000000 + (int64_t)micro;
        return;
    }
}

/* A text that is not RFC 3339 (by our own parser), at most 40 bytes. */
static void bad_time(gen_t *g, char *text, size_t cap)
{
    static const char *const fixed[] = {
        "2023-02-29T00:00:00Z",
        "1900-02-29T12:00:00Z",
        "2100-02-29T12:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-08-20T24:00:00Z",
        "2024-08-20T18:60:00Z",
        "2024-08-20T18:37:61Z",
        "2024-08-20T18:37:24",
        "2024-08-20T18:37:24.Z",
        "2024-08-20T18:37:24+24:00",
        "2024-08-20T18:37:24+23:60",
        "2024-08-20T18:37:24+0530",
        "2024-08-20T18:37:24+05",
        "2024-08-20T18:37:24ZZ",
        "2024-08-20T18:37:24Z ",
        " 2024-08-20T18:37:24Z",
        "2024-08-20x18:37:24Z",
        "2024-08-20_18:37:24Z",
        "24-08-20T18:37:24Z",
        "+2024-08-20T18:37:24Z",
        "2024-8-20T18:37:24Z",
        "2024-08-20",
        "",
        "2024-08-20T18:37Z",
        "2024-08-20T18:37:24.1e3Z",
        "2024/08/20T18:37:24Z",
        "2024-08-20T18:37:24.123456\xef\xbc\xba",
        "\xef\xbc\x92"
        "024-08-20T18:37:24Z",
        "2024-08-20T18:37:24 Z",
        "2024-08-20T18:37:24-",
        "2024-08-20T18:37:24.-1Z",
        "2024-08-20T18:37:24,5Z",
        "2024-08-20t18:37:24UTC",
    };
    for (;;) {
        int64_t us;
        if (chance(g, 70)) {
            snprintf(text, cap, "%s", fixed[below(g, sizeof(fixed) / sizeof(fixed[0]))]);
        } else { /* a valid one with one byte changed */
            size_t l;
            rand_time(g, text, cap, &us, false);
            l = strlen(text);
            text[below(g, (uint32_t)l)] = "x:-T.9+Z "[below(g, 9)];
        }
        if (strlen(text) <= AMBC_RFC3339_TEXT_MAX && !oracle_rfc3339(text, strlen(text), &us)) {
            return;
        }
    }
}

/* ---------------------------------------------------------------- unknown members */

static void rand_number(gen_t *g)
{
    char b[160];
    size_t n = 0;
    unsigned k, ni;
    if (chance(g, 30)) {
        b[n++] = '-';
    }
    if (chance(g, 25)) {
        b[n++] = '0';
    } else {
        ni = chance(g, 10) ? 20 + below(g, 80) : 1 + below(g, 12);
        b[n++] = (char)('1' + below(g, 9));
        for (k = 1; k < ni; k++) {
            b[n++] = (char)('0' + below(g, 10));
        }
    }
    if (chance(g, 30)) {
        b[n++] = '.';
        ni = 1 + below(g, chance(g, 10) ? 40 : 6);
        for (k = 0; k < ni; k++) {
            b[n++] = (char)('0' + below(g, 10));
        }
    }
    if (chance(g, 20)) {
        b[n++] = chance(g, 50) ? 'e' : 'E';
        if (chance(g, 60)) {
            b[n++] = chance(g, 50) ? '+' : '-';
        }
        ni = 1 + below(g, 4);
        for (k = 0; k < ni; k++) {
            b[n++] = (char)('0' + below(g, 10));
        }
    }
    put(g, b, n);
}

/* Keys that are not `known` after decoding, many of them near misses. */
static void unknown_key(gen_t *g, const char *const *known, int n_known)
{
    static const char *const near[] = {
        "ID",
        "Id",
        "id ",
        " id",
        "ids",
        "i",
        "",
        "typ",
        "types",
        "Type",
        "processing_statu",
        "processing_status_",
        "request_count",
        "request_counts ",
        "created",
        "created_at_",
        "expires",
        "ended",
        "ended_at\t",
        "cancel_initiated",
        "archived_at_",
        "results",
        "results_uri",
        "data",
        "has_more",
        "first_id",
        "last_id",
        "processing",
        "succeeded",
        "errored",
        "canceled",
        "expired",
        "dat",
        "datas",
        "has-more",
        "hasMore",
        "first",
        "last_id ",
        "request_counts.errored",
        "msgbatch",
        "message_batch",
        "url",
    };
    char k[512];
    size_t kl;
    for (;;) {
        int i;
        bool clash = false;
        switch (below(g, 6)) {
        case 0:
        case 1: /* a near miss */
            snprintf(k, sizeof(k), "%s", near[below(g, sizeof(near) / sizeof(near[0]))]);
            kl = strlen(k);
            break;
        case 2: /* a known key of this level with U+0000 and maybe more after it */
            snprintf(k, sizeof(k), "%s", known[below(g, (uint32_t)n_known)]);
            kl = strlen(k);
            k[kl++] = 0;
            if (chance(g, 50)) {
                k[kl++] = 'x';
            }
            break;
        case 3: /* a known key then enough to pass any scanner buffer */
            snprintf(k, sizeof(k), "%s", known[below(g, (uint32_t)n_known)]);
            kl = strlen(k);
            while (kl < 90 + below(g, 200)) {
                k[kl++] = chance(g, 90) ? '_' : (char)('a' + below(g, 26));
            }
            break;
        default:
            kl = rand_text(g, k, chance(g, 10) ? 300 : 16);
            break;
        }
        for (i = 0; i < n_known; i++) {
            if (strlen(known[i]) == kl && memcmp(known[i], k, kl) == 0) {
                clash = true;
            }
        }
        if (!clash) {
            break;
        }
    }
    put_str(g, k, kl);
}

static void rand_value(gen_t *g, unsigned level, int *budget);

static void rand_string_value(gen_t *g)
{
    static char big[1 << 20];
    size_t n;
    if (g->huge_page && chance(g, 2)) {
        n = (64u << 10) + below(g, (1u << 20) - (64u << 10) - 8);
        rand_text_n(g, big, n);
        put_str(g, big, n);
        g->out->huge = true;
        return;
    }
    if (chance(g, 5)) { /* U+0000 is fine where nothing keeps it */
        put(g, "\"a\\u0000b\"", 10);
        return;
    }
    n = rand_text(g, big, chance(g, 5) ? 3000 : 24);
    put_str(g, big, n);
}

/* A container at `level` (root object = 1) nested down to exactly `to`, then a scalar. */
static void deep_value(gen_t *g, unsigned level, unsigned to)
{
    unsigned l;
    char *closers = malloc(to + 1);
    size_t nc = 0;
    for (l = level; l <= to; l++) {
        if (chance(g, 50)) {
            putch(g, '[');
            ws(g);
            if (chance(g, 30)) {
                puts_(g, "1,");
                ws(g);
            }
            closers[nc++] = ']';
        } else {
            putch(g, '{');
            ws(g);
            unknown_key(g, rec_keys, 10);
            ws(g);
            putch(g, ':');
            ws(g);
            closers[nc++] = '}';
        }
    }
    rand_value(g, to + 1, &(int){0});
    while (nc > 0) {
        ws(g);
        putch(g, closers[--nc]);
    }
    free(closers);
}

/* Any JSON value; a container would be at `level`; never deeper than MAX_LEVEL. */
static void rand_value(gen_t *g, unsigned level, int *budget)
{
    unsigned c = below(g, 100), n, k;
    if (level > MAX_LEVEL || *budget <= 0) {
        c = below(g, 55);
    }
    (*budget)--;
    if (c < 30) {
        rand_string_value(g);
    } else if (c < 45) {
        rand_number(g);
    } else if (c < 55) {
        puts_(g, c < 48 ? "true" : c < 51 ? "false" : "null");
    } else if (c < 58) {
        deep_value(g, level, MAX_LEVEL);
    } else if (c < 78) {
        putch(g, '[');
        n = below(g, 5);
        for (k = 0; k < n; k++) {
            ws(g);
            if (k) {
                putch(g, ',');
                ws(g);
            }
            rand_value(g, level + 1, budget);
        }
        ws(g);
        putch(g, ']');
    } else {
        putch(g, '{');
        n = below(g, 5);
        for (k = 0; k < n; k++) {
            ws(g);
            if (k) {
                putch(g, ',');
                ws(g);
            }
            /* known keys of every level are fine in here: nothing maps them */
            if (chance(g, 30)) {
                put_cstr(g, chance(g, 50) ? rec_keys[below(g, 10)] : page_keys[below(g, 4)]);
            } else {
                unknown_key(g, count_keys, 5);
            }
            ws(g);
            putch(g, ':');
            ws(g);
            rand_value(g, level + 1, budget);
        }
        ws(g);
        putch(g, '}');
    }
}

/* A value that is not JSON (J_BAD_VALUE). */
static void bad_value(gen_t *g)
{
    static const char *const bad[] = {
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"\\U0041\"",
        "\"\\'\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\\ud800x\"",
        "\"\\uD83D\\uD83D\"",
        "01",
        "-",
        "1.",
        ".5",
        "+1",
        "1e",
        "1e+",
        "0x1F",
        "NaN",
        "-Infinity",
        "1.5.2",
        "--1",
        "2.e3",
        "tru",
        "nul",
        "True",
        "NULL",
        "falsey",
        "[1}",
        "{\"a\":1]",
        "'x'",
        "[1,]",
        "{\"a\":1,}",
        "[,1]",
        "{,}",
        "\"a\" \"b\"",
        "[1 2]",
        "\"\\u00\"",
        "-01",
        "1e5e5",
        "\"\x01\"",
        "\"tab\there\"",
        "\"\x1f\"",
        "\"a\nb\"",
        "\"\\\"",
        "{\"a\" 1}",
        "{1:2}",
        "[\"a\":1]",
        "\xef\xbb\xbf"
        "1",
    };
    if (chance(g, 5)) { /* a raw NUL byte, in a string or outside one */
        put(g, chance(g, 50) ? "\"a\0b\"" : "\0", chance(g, 50) ? 5 : 1);
        return;
    }
    puts_(g, bad[below(g, sizeof(bad) / sizeof(bad[0]))]);
}

/* ---------------------------------------------------------------- objects */

typedef struct {
    int ids[64];
    int n;
} members_t;

static void shuffle(gen_t *g, members_t *m)
{
    int i;
    for (i = m->n - 1; i > 0; i--) {
        int j = (int)below(g, (uint32_t)i + 1), t = m->ids[i];
        m->ids[i] = m->ids[j];
        m->ids[j] = t;
    }
}

static void add_unknown(gen_t *g, members_t *m)
{
    unsigned n = chance(g, 60) ? below(g, 3) : chance(g, 80) ? below(g, 6) : 12, k;
    for (k = 0; k < n && m->n < 60; k++) {
        m->ids[m->n++] = M_UNKNOWN + (int)k;
    }
}

typedef void (*member_fn)(gen_t *g, void *ctx, int id);

static void put_key(gen_t *g, const char *k, size_t kl, bool mutate, int unit)
{
    if (mutate && g->jmut == J_UNQUOTED_KEY) {
        fire(g, unit, 0, NULL, false, "unquoted key %s", k);
        put(g, k, kl);
    } else {
        put_str(g, k, kl);
    }
    ws(g);
    if (mutate && g->jmut == J_MISSING_COLON) {
        fire(g, unit, 0, NULL, false, "no colon after key %s", k);
    } else {
        putch(g, ':');
    }
    if (mutate && g->jmut == J_DOUBLE_COLON) {
        fire(g, unit, 0, NULL, false, "two colons after key %s", k);
        putch(g, ':');
    }
    ws(g);
}

/* The object `level` (root = 1) with members in the order given; known members are written
 * by fn; unknown, bad and deep ones here. jslot >= 0 applies the JSON mutation g->jmut there
 * (unit names the record it is in, -1 for the page). */
static void emit_object(gen_t *g, unsigned level, const char *const *known, int n_known,
                        const members_t *m, member_fn fn, void *ctx, int jslot, int unit)
{
    int s;
    putch(g, '{');
    for (s = 0; s < m->n; s++) {
        int id = m->ids[s];
        bool here = s == jslot;
        ws(g);
        if (s > 0) {
            if (here && g->jmut == J_MISSING_COMMA) {
                fire(g, unit, 0, NULL, false, "no comma before member %d", s);
            } else {
                putch(g, ',');
            }
            ws(g);
        }
        if (here && g->jmut == J_COMMENT) {
            fire(g, unit, 0, NULL, false, "a comment");
            puts_(g, chance(g, 50) ? "/* c */" : "// c\n");
            ws(g);
        }
        if (id >= M_UNKNOWN && id < M_DUP) {
            int budget = 1 + (int)below(g, 30);
            if (here && (g->jmut == J_UNQUOTED_KEY || g->jmut == J_MISSING_COLON ||
                         g->jmut == J_DOUBLE_COLON)) {
                put_key(g, "zz", 2, true, unit);
            } else {
                unknown_key(g, known, n_known);
                ws(g);
                putch(g, ':');
                ws(g);
            }
            rand_value(g, level + 1, &budget);
        } else if (id == M_BAD) {
            unknown_key(g, known, n_known);
            ws(g);
            putch(g, ':');
            ws(g);
            fire(g, unit, 0, NULL, false, "a value that is not JSON");
            bad_value(g);
        } else if (id == M_DEEP) {
            unknown_key(g, known, n_known);
            ws(g);
            putch(g, ':');
            ws(g);
            fire(g, unit, AMBC_ERR_JSON_DEPTH, NULL, true, "nesting to level %d", MAX_LEVEL + 1);
            deep_value(g, level + 1, MAX_LEVEL + 1);
        } else {
            const char *k = known[id >= M_DUP ? id - M_DUP : id];
            put_key(g, k, strlen(k), here, unit);
            fn(g, ctx, id);
        }
    }
    if (g->jmut == J_TRAIL_COMMA && jslot == m->n) {
        fire(g, unit, 0, NULL, false, "a trailing comma");
        ws(g);
        putch(g, ',');
    }
    ws(g);
    putch(g, '}');
}

/* Decide where a member-level JSON mutation goes in m (adding a slot when it needs one). */
static int plan_jslot(gen_t *g, members_t *m)
{
    int slot;
    switch (g->jmut) {
    case J_TRAIL_COMMA:
        return m->n;
    case J_BAD_VALUE:
        slot = (int)below(g, (uint32_t)m->n + 1);
        memmove(&m->ids[slot + 1], &m->ids[slot], (size_t)(m->n - slot) * sizeof(int));
        m->ids[slot] = M_BAD;
        m->n++;
        return slot;
    case J_MISSING_COMMA:
        return m->n > 1 ? 1 + (int)below(g, (uint32_t)m->n - 1) : -1;
    default:
        return m->n > 0 ? (int)below(g, (uint32_t)m->n) : -1;
    }
}

/* ---------------------------------------------------------------- wrong types */

/* A JSON value that is none of the types in `ok` (bits: 1 string, 2 number, 4 bool, 8 null,
 * 16 array, 32 object). */
static const char *wrong_value(gen_t *g, unsigned ok)
{
    static const struct {
        unsigned t;
        const char *v;
    } all[] = {
        {1, "\"x\""},    {1, "\"5\""},
        {1, "\"true\""}, {2, "0"},
        {2, "17"},       {2, "-1.5e3"},
        {4, "true"},     {4, "false"},
        {8, "null"},     {16, "[]"},
        {16, "[1]"},     {16, "[\"ended\"]"},
        {32, "{}"},      {32, "{\"id\":\"x\"}"},
    };
    for (;;) {
        unsigned i = below(g, sizeof(all) / sizeof(all[0]));
        if (!(all[i].t & ok)) {
            return all[i].v;
        }
    }
}

/* ---------------------------------------------------------------- records */

typedef struct {
    rec_plan_t *plan;
    int k;
    bool here; /* the defect is in this record */
} rec_ctx_t;

static void emit_counts_member(gen_t *g, void *ctx, int id)
{
    rec_ctx_t *rc = ctx;
    int i = id >= M_DUP ? id - M_DUP : id;
    const ambc_request_counts_t *c = &rc->plan->b.request_counts;
    uint32_t v = i == 0   ? c->processing
                 : i == 1 ? c->succeeded
                 : i == 2 ? c->errored
                 : i == 3 ? c->canceled
                          : c->expired;
    char num[32];
    if (rc->here && g->d_where == W_COUNTS && g->d_key == i && id < M_DUP) {
        if (g->d == OD_TYPE) {
            fire(g, rc->k, AMBC_ERR_JSON_TYPE, count_fields[i], false, "%s of a wrong type",
                 count_fields[i]);
            puts_(g, wrong_value(g, 2));
            return;
        }
        if (g->d == OD_VALUE) {
            static const char *const bad[] = {
                "-1",
                "-0",
                "1.0",
                "0.5",
                "1e2",
                "1E0",
                "1e-0",
                "4294967296",
                "99999999999",
                "-4294967295",
                "0.0",
                "12345678901234567890",
                "18446744073709551616",
                "123456789012345678901",
                "0e0",
                "4294967295.0",
            };
            const char *b = bad[below(g, sizeof(bad) / sizeof(bad[0]))];
            fire(g, rc->k, AMBC_ERR_NUMBER_RANGE, count_fields[i], false, "%s = %s",
                 count_fields[i], b);
            puts_(g, b);
            return;
        }
    }
    snprintf(num, sizeof(num), "%u", (unsigned)v);
    puts_(g, num);
}

static void emit_counts(gen_t *g, rec_ctx_t *rc, unsigned level)
{
    members_t m;
    int i, jslot = -1;
    bool here = rc->here && g->d_where == W_COUNTS;
    m.n = 0;
    for (i = 0; i < 5; i++) {
        if (here && g->d == OD_MISSING && g->d_key == i) {
            fire(g, rc->k, AMBC_ERR_JSON_MISSING, count_fields[i], false, "%s missing",
                 count_fields[i]);
            continue;
        }
        m.ids[m.n++] = i;
    }
    if (here && g->d == OD_DUP) {
        fire(g, rc->k, AMBC_ERR_JSON_SHAPE, count_fields[g->d_key], false, "%s twice",
             count_fields[g->d_key]);
        m.ids[m.n++] = M_DUP + g->d_key;
    }
    add_unknown(g, &m);
    if (here && g->d == OD_LIMIT) {
        m.ids[m.n++] = M_DEEP;
    }
    shuffle(g, &m);
    if (here && g->d == OD_JSON) {
        jslot = plan_jslot(g, &m);
    }
    emit_object(g, level, count_keys, 5, &m, emit_counts_member, rc, jslot, rc->k);
}

static void emit_time(gen_t *g, rec_ctx_t *rc, int i, bool defect)
{
    const rec_plan_t *p = rc->plan;
    uint32_t bit = 1u << i;
    char t[96];
    int64_t us;
    if (defect && g->d == OD_TYPE) {
        fire(g, rc->k, AMBC_ERR_JSON_TYPE, rec_keys[i], false, "%s of a wrong type", rec_keys[i]);
        puts_(g, wrong_value(g, i <= 5 ? 1u : 1u | 8u));
        return;
    }
    if (defect && g->d == OD_VALUE && chance(g, 15)) { /* a valid text with U+0000 in it */
        size_t l, at;
        rand_time(g, t + 1, sizeof(t) - 1, &us, false);
        l = strlen(t + 1);
        at = below(g, (uint32_t)l + 1);
        memmove(t, t + 1, at);
        t[at] = 0;
        fire(g, rc->k, AMBC_ERR_TIME_INVALID, rec_keys[i], false, "%s holds U+0000 at %zu",
             rec_keys[i], at);
        put_str(g, t, l + 1);
        return;
    }
    if (defect && g->d == OD_VALUE) {
        bad_time(g, t, sizeof(t));
        fire(g, rc->k, AMBC_ERR_TIME_INVALID, rec_keys[i], false, "%s = \"%s\"", rec_keys[i], t);
        put_cstr(g, t);
        return;
    }
    if (defect && g->d == OD_LIMIT) {
        rand_time(g, t, sizeof(t), &us, true);
        fire(g, rc->k, AMBC_ERR_TIME_INVALID, rec_keys[i], true, "%s is %zu bytes", rec_keys[i],
             strlen(t));
        put_cstr(g, t);
        return;
    }
    if (p->b.null & bit) {
        puts_(g, "null");
        return;
    }
    put_cstr(g, p->time_text[i - 4]);
}

/* A kept string (id, processing_status, results_url) with a NUL or past its limit. */
static void emit_kept_defect(gen_t *g, int unit, const char *field, size_t max)
{
    char s[2048];
    size_t n;
    if (g->d == OD_NUL) {
        char t[2048];
        size_t at;
        n = rand_text(g, t, max - 2);
        at = chance(g, 30) ? 0 : below(g, (uint32_t)n + 1);
        while (at < n && ((uint8_t)t[at] & 0xC0) == 0x80) { /* on a character boundary */
            at++;
        }
        memcpy(s, t, at);
        s[at] = 0;
        memcpy(s + at + 1, t + at, n - at);
        fire(g, unit, AMBC_ERR_JSON_NUL, field, false, "%s holds U+0000", field);
        put_str(g, s, n + 1);
        return;
    }
    n = rand_text_n(g, s, chance(g, 40) ? max : max + below(g, 300));
    fire(g, unit, AMBC_ERR_STRING_TOO_LONG, field, true, "%s is %zu bytes", field, n);
    put_str(g, s, n);
}

static void emit_rec_member(gen_t *g, void *ctx, int id)
{
    rec_ctx_t *rc = ctx;
    const ambc_batch_t *b = &rc->plan->b;
    int i = id >= M_DUP ? id - M_DUP : id;
    bool defect = rc->here && g->d_where == W_REC && g->d_key == i && id < M_DUP &&
                  g->d != OD_MISSING && g->d != OD_DUP && g->d != OD_JSON;
    if (rc->here && g->d == OD_JSON && g->jmut == J_CTRL_IN_KEPT && i == 0 && id < M_DUP) {
        char ctl = (char)(1 + below(g, 31));
        fire(g, rc->k, 0, NULL, false, "raw control character 0x%02x in id", ctl);
        putch(g, '"');
        puts_(g, "msg");
        putch(g, ctl);
        puts_(g, "batch\"");
        return;
    }
    if (defect && g->d == OD_TYPE && (i < 4 || i == 9)) {
        fire(g, rc->k, AMBC_ERR_JSON_TYPE, rec_keys[i], false, "%s of a wrong type", rec_keys[i]);
        puts_(g, wrong_value(g, i == 3 ? 32u : i == 9 ? 1u | 8u : 1u));
        return;
    }
    switch (i) {
    case 0:
    case 2:
    case 9:
        if (defect) {
            emit_kept_defect(g, rc->k, rec_keys[i],
                             i == 0   ? CONFIG_AMBC_ID_MAX
                             : i == 2 ? CONFIG_AMBC_STATUS_TEXT_MAX
                                      : CONFIG_AMBC_URL_MAX);
        } else if (i == 9 && (b->null & AMBC_BATCH_F_RESULTS_URL)) {
            puts_(g, "null");
        } else {
            put_cstr(g, i == 0 ? b->id : i == 2 ? b->status_text : b->results_url);
        }
        break;
    case 1:
        if (defect) { /* OD_VALUE */
            static const char *const bad[] = {
                "message_batches",
                "Message_batch",
                "message_batch ",
                "message",
                "",
                "message_batch_deleted",
                "message-batch",
                "message_batch_______________________________________",
            };
            const char *t = bad[below(g, sizeof(bad) / sizeof(bad[0]))];
            if (chance(g, 15)) { /* "message_batch" and U+0000: not message_batch */
                fire(g, rc->k, AMBC_ERR_JSON_SHAPE, "type", false, "type is message_batch+NUL");
                put_str(g, "message_batch\0", 14);
                return;
            }
            fire(g, rc->k, AMBC_ERR_JSON_SHAPE, "type", false, "type is \"%s\"", t);
            put_cstr(g, t);
        } else {
            put_cstr(g, "message_batch");
        }
        break;
    case 3:
        emit_counts(g, rc, 4);
        break;
    default:
        emit_time(g, rc, i, defect);
        break;
    }
}

static void plan_record(gen_t *g, rec_plan_t *p)
{
    static const char *const known[] = {"in_progress", "canceling", "ended"};
    static const char *const near[] = {
        "Ended", "ended ", "in-progress", "in_progress\n", "canceled", "cancelling",
        "",      "ENDED",  "in_progres",  "ended\xc2\xa0", "expired",  "archived",
    };
    ambc_batch_t *b = &p->b;
    int i;
    memset(p, 0, sizeof(*p));
    rand_id(g, b->id, CONFIG_AMBC_ID_MAX - 1);
    switch (below(g, 10)) {
    case 0:
        rand_text(g, b->status_text, CONFIG_AMBC_STATUS_TEXT_MAX - 1);
        break;
    case 1:
        snprintf(b->status_text, sizeof(b->status_text), "%s",
                 near[below(g, sizeof(near) / sizeof(near[0]))]);
        break;
    default:
        snprintf(b->status_text, sizeof(b->status_text), "%s", known[below(g, 3)]);
        break;
    }
    b->processing_status = strcmp(b->status_text, "in_progress") == 0 ? AMBC_BATCH_IN_PROGRESS
                           : strcmp(b->status_text, "canceling") == 0 ? AMBC_BATCH_CANCELING
                           : strcmp(b->status_text, "ended") == 0     ? AMBC_BATCH_ENDED
                                                                      : AMBC_BATCH_STATUS_UNKNOWN;
    b->request_counts.processing = rand_count(g);
    b->request_counts.succeeded = rand_count(g);
    b->request_counts.errored = rand_count(g);
    b->request_counts.canceled = rand_count(g);
    b->request_counts.expired = rand_count(g);
    for (i = 0; i < 5; i++) {
        int64_t *dst = i == 0   ? &b->created_at
                       : i == 1 ? &b->expires_at
                       : i == 2 ? &b->ended_at
                       : i == 3 ? &b->cancel_initiated_at
                                : &b->archived_at;
        if (i >= 2 && chance(g, 40)) {
            *dst = AMBC_TIME_NULL;
            b->null |= 1u << (i + 4);
            continue;
        }
        rand_time(g, p->time_text[i], sizeof(p->time_text[i]), dst, false);
    }
    if (chance(g, 40)) {
        b->null |= AMBC_BATCH_F_RESULTS_URL;
    } else if (chance(g, 60)) {
        snprintf(b->results_url, sizeof(b->results_url),
                 "https://api.anthropic.com/v1/messages/batches/msgbatch_%08x/results",
                 (unsigned)rnd(g));
    } else {
        rand_text(g, b->results_url, CONFIG_AMBC_URL_MAX - 1);
    }
    b->present = AMBC_BATCH_F_ALL;
}

static void emit_record(gen_t *g, rec_plan_t *p, int k)
{
    rec_ctx_t rc = {p, k, g->d_rec == k};
    members_t m;
    int i, jslot = -1;
    bool here = rc.here && g->d_where == W_REC;
    m.n = 0;
    for (i = 0; i < 10; i++) {
        if (here && g->d == OD_MISSING && g->d_key == i) {
            fire(g, k, AMBC_ERR_JSON_MISSING, rec_keys[i], false, "%s missing", rec_keys[i]);
            continue;
        }
        m.ids[m.n++] = i;
    }
    if (here && g->d == OD_DUP) {
        fire(g, k, AMBC_ERR_JSON_SHAPE, rec_keys[g->d_key], false, "%s twice", rec_keys[g->d_key]);
        m.ids[m.n++] = M_DUP + g->d_key;
    }
    add_unknown(g, &m);
    if (here && g->d == OD_LIMIT && g->d_key < 0) {
        m.ids[m.n++] = M_DEEP;
    }
    shuffle(g, &m);
    if (here && g->d == OD_JSON && g->jmut != J_CTRL_IN_KEPT && g->jmut != J_TRUNCATE) {
        jslot = plan_jslot(g, &m);
    }
    g->rec_start[k] = g->len;
    emit_object(g, 3, rec_keys, 10, &m, emit_rec_member, &rc, jslot, k);
    g->rec_end[k] = g->len;
    g->closed++;
}

/* ---------------------------------------------------------------- the page */

typedef struct {
    rec_plan_t *plans;
    int n;
    char first[CONFIG_AMBC_ID_MAX], last[CONFIG_AMBC_ID_MAX];
    bool first_null, last_null, has_more;
    int notobj_at; /* OD_SHAPE: a non-object element before record notobj_at, else -1 */
    int data_seen;
} page_ctx_t;

static void emit_data(gen_t *g, page_ctx_t *pc, bool second)
{
    int k, n = second ? (int)below(g, 2) : pc->n;
    putch(g, '[');
    for (k = 0; k <= n; k++) {
        bool elem = false;
        if (!second && k == pc->notobj_at) {
            static const char *const v[] = {"1", "\"msgbatch\"", "null", "true", "[]", "[{}]"};
            ws(g);
            if (k > 0) {
                putch(g, ',');
                ws(g);
            }
            fire(g, -1, AMBC_ERR_JSON_SHAPE, NULL, false, "element %d of data not an object", k);
            puts_(g, v[below(g, 6)]);
            elem = true;
        }
        if (k == n) {
            break;
        }
        ws(g);
        if (k > 0 || elem) {
            if (!(g->d == OD_JSON && g->jmut == J_DATA_NO_COMMA && !second && k == 1)) {
                putch(g, ',');
            } else {
                fire(g, -1, 0, NULL, false, "no comma between records 0 and 1");
            }
            ws(g);
        }
        if (second) {
            rec_plan_t extra;
            plan_record(g, &extra);
            emit_record(g, &extra, pc->n); /* its slot in rec_start/rec_end is spare */
        } else {
            emit_record(g, &pc->plans[k], k);
        }
    }
    if (g->d == OD_JSON && g->jmut == J_DATA_TRAIL_COMMA && !second) {
        fire(g, -1, 0, NULL, false, "a trailing comma in data");
        ws(g);
        putch(g, ',');
    }
    ws(g);
    putch(g, ']');
}

static void emit_cursor(gen_t *g, page_ctx_t *pc, int i)
{
    const char *v = i == 2 ? pc->first : pc->last;
    bool isnull = i == 2 ? pc->first_null : pc->last_null;
    if (isnull) {
        puts_(g, "null");
    } else {
        put_cstr(g, v);
    }
}

static void emit_page_member(gen_t *g, void *ctx, int id)
{
    page_ctx_t *pc = ctx;
    int i = id >= M_DUP ? id - M_DUP : id;
    bool defect = g->d_where == W_PAGE && g->d_key == i && id < M_DUP;
    if (id >= M_DUP) {
        fire(g, -1, AMBC_ERR_JSON_SHAPE, page_keys[i], false, "%s twice", page_keys[i]);
    }
    if (defect && g->d == OD_TYPE) {
        fire(g, -1, AMBC_ERR_JSON_TYPE, page_keys[i], false, "%s of a wrong type", page_keys[i]);
        puts_(g, wrong_value(g, i == 0 ? 16u : i == 1 ? 4u : 1u | 8u));
        return;
    }
    if (defect && (g->d == OD_NUL || g->d == OD_LIMIT)) {
        emit_kept_defect(g, -1, page_keys[i], CONFIG_AMBC_ID_MAX);
        return;
    }
    switch (i) {
    case 0:
        emit_data(g, pc, id >= M_DUP || pc->data_seen++ > 0);
        break;
    case 1:
        puts_(g, (id >= M_DUP ? chance(g, 50) : pc->has_more) ? "true" : "false");
        break;
    default:
        emit_cursor(g, pc, i);
        break;
    }
}

/* Choose the defect and where it goes; n may grow to give a record-level defect a record. */
static void plan_defect(gen_t *g, int *n)
{
    const oracle_gen_opts_t *o = g->o;
    bool rec;
    g->d_rec = -1;
    g->d_where = W_PAGE;
    g->d_key = 0;
    g->jmut = -1;
    if (o->force_defect >= 0) {
        g->d = (oracle_defect_t)o->force_defect;
    } else {
        g->d = chance(g, o->defect_pct) ? (oracle_defect_t)(1 + below(g, OD__COUNT - 1)) : OD_NONE;
    }
    if (g->d == OD_NONE) {
        return;
    }
    rec = g->d == OD_VALUE || (g->d != OD_SHAPE && chance(g, 75));
    if (rec && *n == 0) {
        *n = 1;
    }
    if (rec) {
        g->d_rec = (int)below(g, (uint32_t)*n);
        g->d_where = chance(g, 25) ? W_COUNTS : W_REC;
    }
    switch (g->d) {
    case OD_MISSING:
        g->d_key = (int)below(g, g->d_where == W_REC ? 10 : g->d_where == W_COUNTS ? 5 : 2);
        break;
    case OD_DUP:
    case OD_TYPE:
        g->d_key = (int)below(g, g->d_where == W_REC ? 10 : g->d_where == W_COUNTS ? 5 : 4);
        break;
    case OD_NUL:
        if (g->d_where == W_COUNTS) {
            g->d_where = W_REC;
        }
        g->d_key = g->d_where == W_REC ? (int[]){0, 2, 9}[below(g, 3)] : 2 + (int)below(g, 2);
        break;
    case OD_VALUE:
        g->d_key =
            g->d_where == W_COUNTS ? (int)below(g, 5) : (int[]){1, 4, 5, 6, 7, 8}[below(g, 6)];
        break;
    case OD_SHAPE:
        g->d_sub = (int)below(g, 2); /* 0 root not an object, 1 an element not an object */
        break;
    case OD_LIMIT:
        if (g->d_where == W_REC) {
            g->d_key = (int[]){0, 2, 9, 4, 5, 6, 7, 8, -1}[below(g, 9)];
        } else if (g->d_where == W_PAGE) {
            g->d_key = (int[]){2, 3, -1}[below(g, 3)];
        }
        break;
    case OD_JSON:
        if (g->d_where == W_COUNTS && chance(g, 50)) {
            g->d_where = W_REC;
        }
        g->jmut = rec ? (int)below(g, J__MEMBER_COUNT) : (int)below(g, J__COUNT);
        if (!rec && g->jmut == J_CTRL_IN_KEPT) {
            g->jmut = J_BAD_VALUE;
        }
        if (g->jmut == J_DATA_NO_COMMA && *n < 2) {
            *n = 2;
        }
        if (g->d_where == W_COUNTS && g->jmut >= J_CTRL_IN_KEPT) {
            g->jmut = J_BAD_VALUE;
        }
        break;
    default:
        break;
    }
}

static void add_want(oracle_page_t *out, const ambc_batch_t *b)
{
    if (out->n_want == out->cap_want) {
        out->cap_want = out->cap_want ? out->cap_want * 2 : 16;
        out->want = realloc(out->want, out->cap_want * sizeof(*out->want));
        if (out->want == NULL) {
            abort();
        }
    }
    out->want[out->n_want++] = *b;
}

static void emit_page(gen_t *g, page_ctx_t *pc)
{
    members_t m;
    int jslot = -1, i;
    m.n = 0;
    for (i = 0; i < 4; i++) {
        bool opt = i >= 2;
        if (g->d == OD_MISSING && g->d_where == W_PAGE && g->d_key == i) {
            continue;
        }
        if (opt && chance(g, 15) && !(g->d_where == W_PAGE && g->d_key == i && g->d != OD_NONE)) {
            continue; /* first_id/last_id may be absent */
        }
        m.ids[m.n++] = i;
    }
    {
        oracle_page_t *out = g->out;
        memset(&out->want_page, 0, sizeof(out->want_page));
        for (i = 0; i < m.n; i++) {
            out->want_page.present |= (uint8_t)(1u << m.ids[i]);
        }
        out->want_page.has_more = pc->has_more;
        out->want_page.count = (uint32_t)pc->n;
        for (i = 2; i < 4; i++) {
            bool isnull = i == 2 ? pc->first_null : pc->last_null;
            if (!(out->want_page.present & (1u << i))) {
                continue;
            }
            if (isnull) {
                out->want_page.null |= (uint8_t)(1u << i);
            } else {
                strcpy(i == 2 ? out->want_page.first_id : out->want_page.last_id,
                       i == 2 ? pc->first : pc->last);
            }
        }
    }
    if (g->d == OD_DUP && g->d_where == W_PAGE) {
        m.ids[m.n++] = M_DUP + g->d_key;
    }
    add_unknown(g, &m);
    if (g->d == OD_LIMIT && g->d_where == W_PAGE && g->d_key < 0) {
        m.ids[m.n++] = M_DEEP;
    }
    shuffle(g, &m);
    if (g->d == OD_DUP && g->d_where == W_PAGE) { /* the first occurrence comes first */
        int a = -1, b = -1, t;
        for (i = 0; i < m.n; i++) {
            if (m.ids[i] == g->d_key) {
                a = i;
            } else if (m.ids[i] == M_DUP + g->d_key) {
                b = i;
            }
        }
        if (a > b) {
            t = m.ids[a];
            m.ids[a] = m.ids[b];
            m.ids[b] = t;
        }
    }
    if (g->d == OD_JSON && g->d_rec < 0 && g->jmut < J__MEMBER_COUNT && g->jmut != J_TRUNCATE &&
        g->jmut != J_CTRL_IN_KEPT) {
        jslot = plan_jslot(g, &m);
    }
    emit_object(g, 1, page_keys, 4, &m, emit_page_member, pc, jslot, -1);
}

void oracle_gen_page(const oracle_gen_opts_t *o, oracle_page_t *out)
{
    gen_t g;
    page_ctx_t pc;
    int n, k;
    memset(out, 0, sizeof(*out));
    memset(&g, 0, sizeof(g));
    memset(&pc, 0, sizeof(pc));
    g.s = o->seed * 0x2545F4914F6CDD1Du + 1;
    g.o = o;
    g.out = out;
    out->unit_record = -1;
    g.ws_style = below(&g, 4);
    g.esc_pct = (unsigned[]){0, 5, 30, 100}[below(&g, 4)];
    g.slash_pct = below(&g, 101);
    g.huge_page = o->allow_huge && chance(&g, 3);
    n = (int)below(&g, o->max_records + 1);
    if (chance(&g, 3)) {
        n = (int)below(&g, 4 * o->max_records + 1);
    }
    plan_defect(&g, &n);
    out->defect = g.d;
    pc.n = n;
    pc.plans = calloc((size_t)n + 1, sizeof(*pc.plans));
    g.rec_start = calloc((size_t)n + 4, sizeof(size_t));
    g.rec_end = calloc((size_t)n + 4, sizeof(size_t));
    g.n_rec_pos = (size_t)n + 4;
    for (k = 0; k < n; k++) {
        plan_record(&g, &pc.plans[k]);
        add_want(out, &pc.plans[k].b);
    }
    pc.notobj_at = g.d == OD_SHAPE && g.d_sub == 1 ? (int)below(&g, (uint32_t)n + 1) : -1;
    pc.has_more = chance(&g, 50);
    for (k = 0; k < 2; k++) {
        char *dst = k == 0 ? pc.first : pc.last;
        bool *isnull = k == 0 ? &pc.first_null : &pc.last_null;
        unsigned c = below(&g, 10);
        if (c < 2 || (n == 0 && c < 6)) {
            *isnull = true;
        } else if (c < 7 && n > 0) {
            strcpy(dst, pc.plans[k == 0 ? 0 : n - 1].b.id);
        } else {
            rand_id(&g, dst, CONFIG_AMBC_ID_MAX - 1);
        }
    }
    if (g.d == OD_JSON && g.jmut == J_BOM) {
        put(&g, "\xef\xbb\xbf", 3);
        fire(&g, -1, 0, NULL, false, "a byte order mark");
    }
    ws(&g);
    if (g.d == OD_SHAPE && g.d_sub == 0) {
        static const char *const v[] = {"[]",   "\"data\"", "0",
                                        "null", "true",     "[{\"data\":[],\"has_more\":false}]"};
        fire(&g, -1, AMBC_ERR_JSON_SHAPE, NULL, false, "the root is not an object");
        puts_(&g, v[below(&g, 6)]);
    } else {
        emit_page(&g, &pc);
    }
    if (g.d == OD_MISSING && g.d_where == W_PAGE) { /* known only at the end of the page */
        fire(&g, -1, AMBC_ERR_JSON_MISSING, page_keys[g.d_key], false, "%s missing",
             page_keys[g.d_key]);
    }
    g.root_end = g.len;
    ws(&g);
    if (g.d == OD_JSON && g.jmut == J_TRAILING_GARBAGE) {
        static const char *const v[] = {"x", "{}", ",", "]", "}", "0", "\"\"", "\x01", "[]"};
        fire(&g, -1, 0, NULL, false, "bytes after the page");
        puts_(&g, v[below(&g, 9)]);
    }
    if (g.d == OD_JSON && (g.jmut == J_TRUNCATE || g.jmut == J_EMPTY)) {
        size_t cut = 0;
        if (g.jmut == J_TRUNCATE && g.d_rec >= 0) {
            size_t a = g.rec_start[g.d_rec] + 1, b = g.rec_end[g.d_rec] - 1;
            cut = a + below(&g, (uint32_t)(b - a + 1));
        } else if (g.jmut == J_TRUNCATE) {
            cut = below(&g, (uint32_t)g.root_end);
        }
        g.fired = false;
        g.closed = 0;
        for (k = 0; k < n; k++) {
            if (g.rec_end[k] <= cut) {
                g.closed++;
            }
        }
        fire(&g, -1, AMBC_ERR_JSON_UNEXPECTED_END, NULL, false, "the body stops at %zu of %zu", cut,
             g.len);
        for (k = 0; k < n; k++) {
            if (g.rec_start[k] < cut && cut < g.rec_end[k]) {
                out->unit_record = k;
            }
        }
        g.len = cut;
    }
    if (g.d != OD_NONE && !g.fired) {
        fprintf(stderr, "oracle_gen: seed %llu: defect %s planned but not written\n",
                (unsigned long long)o->seed, oracle_defect_name(g.d));
        abort();
    }
    out->buf = g.p ? g.p : calloc(1, 1);
    out->len = g.len;
    out->cap = g.cap;
    if (g.d == OD_NONE) {
        out->n_before = (size_t)n;
    }
    free(pc.plans);
    free(g.rec_start);
    free(g.rec_end);
}

void oracle_page_free(oracle_page_t *pg)
{
    free(pg->buf);
    free(pg->want);
    memset(pg, 0, sizeof(*pg));
}
