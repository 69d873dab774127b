/*
 * Streaming JSON scanner (see include/ambc/json.h).
 *
 * One byte-driven state machine. The only per-text memory is one bit per nesting level
 * and the scalar buffer; strings are scanned in runs so the common case (plain bytes)
 * costs a compare per byte and one memcpy per run.
 */
#include <string.h>

#include "ambc/json.h"
#include "json_util.h"

enum {
    ST_VALUE,        /* a value must come (after ':' or ',' in an array) */
    ST_VALUE_OR_END, /* after '[': a value or ']' */
    ST_KEY_OR_END,   /* after '{': a key or '}' */
    ST_KEY,          /* after ',' in an object: a key */
    ST_COLON,        /* after a key */
    ST_AFTER,        /* after a value inside a container: ',' or the closer */
    ST_DONE,         /* the root value is complete: only whitespace may follow */
    ST_STRING,       /* inside a string (key or value) */
    ST_ESCAPE,       /* after a backslash */
    ST_UNICODE,      /* inside \uXXXX; sub counts digits */
    ST_NUMBER,       /* sub holds the number sub-state */
    ST_LITERAL,      /* sub holds literal index << 3 | position */
};

/* Number sub-states; the ones marked "may end" can be followed by a delimiter. */
enum {
    N_MINUS,
    N_ZERO /* may end */,
    N_INT /* may end */,
    N_DOT,
    N_FRAC /* may end */,
    N_EXP,
    N_EXP_SIGN,
    N_EXP_DIGITS /* may end */
};

enum {
    F_KEY = 1u << 0,     /* the string being scanned is a key */
    F_TRUNC = 1u << 2,   /* the key or number overflowed buf */
    F_HIGH = 1u << 3,    /* a high surrogate was seen; a low one must follow at once */
    F_STARTED = 1u << 4, /* a root value has begun */
    F_ESC = 1u << 5,     /* the part of the string being decoded came from an escape, in part */
};

/* Bytes that end a run of plain string content: '"', '\\' and the control characters.
 * One table load per byte instead of three compares in the hottest loop of the scanner. */
#define SPECIAL_8(b) 1, 1, 1, 1, 1, 1, 1, 1
static const uint8_t string_special[256] = {
    SPECIAL_8(0),
    SPECIAL_8(8),
    SPECIAL_8(16),
    SPECIAL_8(24), /* 0x00..0x1F */
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,          /* 0x22 '"' */
    [0x5C] = 1, /* '\\' */
};

static const char *const literals[3] = {"true", "false", "null"};
static const ambc_json_event_type_t literal_events[3] = {AMBC_JSON_TRUE, AMBC_JSON_FALSE,
                                                         AMBC_JSON_NULL};

void ambc_json_scan_init(ambc_json_scan_t *s, ambc_json_event_fn fn, void *ctx)
{
    if (s == NULL) {
        return;
    }
    memset(s, 0, sizeof(*s));
    s->fn = fn;
    s->ctx = ctx;
    s->state = ST_VALUE;
}

void ambc_json_scan_skip_value(ambc_json_scan_t *s)
{
    if (s != NULL &&
        s->state == ST_COLON) { /* a key was just read: its value is next, at this depth */
        s->skip = s->depth;
    }
}

/* Inside a value that passes by unseen. Keys sit at depth >= 1, so skip 0 means none. */
static bool skipping(const ambc_json_scan_t *s)
{
    return s->skip != 0 && s->depth >= s->skip;
}

static bool muted(const ambc_json_scan_t *s)
{
    return s->fn == NULL || skipping(s); /* validating only, or a value passing by */
}

static ambc_status_t emit(ambc_json_scan_t *s, ambc_json_event_type_t type, size_t offset,
                          bool partial)
{
    ambc_json_event_t ev;
    if (s->fn == NULL) {
        return AMBC_OK;
    }
    ev.type = type;
    ev.depth = s->depth;
    ev.partial = partial;
    ev.truncated = (s->flags & F_TRUNC) != 0;
    ev.escaped = (s->flags & F_ESC) != 0;
    ev.text = NULL;
    ev.len = 0;
    if (type == AMBC_JSON_KEY || type == AMBC_JSON_STRING || type == AMBC_JSON_NUMBER) {
        ev.text = s->buf;
        ev.len = s->len;
    }
    ev.offset = offset;
    return s->fn(s->ctx, &ev);
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* A value just ended: decide what may follow it, and end the skip if it was the skipped
 * value. Callers decide whether to report the value before calling this. */
static void value_done(ambc_json_scan_t *s)
{
    s->state = (uint8_t)(s->depth == 0 ? ST_DONE : ST_AFTER);
    if (s->skip == s->depth) {
        s->skip = 0;
    }
}

static ambc_status_t open_container(ambc_json_scan_t *s, bool object, size_t i)
{
    ambc_status_t st;
    if (s->depth >= CONFIG_AMBC_JSON_MAX_DEPTH) {
        return AMBC_ERR_JSON_DEPTH;
    }
    st = skipping(s) ? AMBC_OK
                     : emit(s, object ? AMBC_JSON_OBJ_BEGIN : AMBC_JSON_ARR_BEGIN, i, false);
    if (object) {
        s->objects |= (uint64_t)1 << s->depth;
    } else {
        s->objects &= ~((uint64_t)1 << s->depth);
    }
    s->depth++;
    s->state = (uint8_t)(object ? ST_KEY_OR_END : ST_VALUE_OR_END);
    return st;
}

static bool top_is_object(const ambc_json_scan_t *s)
{
    return ((s->objects >> (s->depth - 1u)) & 1u) != 0;
}

static ambc_status_t close_container(ambc_json_scan_t *s, bool object, size_t i)
{
    bool hidden;
    if (s->depth == 0 || top_is_object(s) != object) {
        return AMBC_ERR_JSON_INVALID;
    }
    s->depth--;
    hidden = skipping(s); /* also the skipped container's own closer */
    value_done(s);
    return hidden ? AMBC_OK : emit(s, object ? AMBC_JSON_OBJ_END : AMBC_JSON_ARR_END, i, false);
}

static void begin_scalar(ambc_json_scan_t *s, uint8_t state, uint8_t sub)
{
    s->state = state;
    s->sub = sub;
    s->len = 0;
    s->flags = (uint8_t)(s->flags & ~(F_TRUNC | F_HIGH | F_KEY | F_ESC));
}

/* The first byte of a value. */
static ambc_status_t value_start(ambc_json_scan_t *s, unsigned char c, size_t i)
{
    s->flags = (uint8_t)(s->flags | F_STARTED);
    switch (c) {
    case '{':
        return open_container(s, true, i);
    case '[':
        return open_container(s, false, i);
    case '"':
        begin_scalar(s, ST_STRING, 0);
        return AMBC_OK;
    case 't':
        begin_scalar(s, ST_LITERAL, (0u << 3) | 1u);
        return AMBC_OK;
    case 'f':
        begin_scalar(s, ST_LITERAL, (1u << 3) | 1u);
        return AMBC_OK;
    case 'n':
        begin_scalar(s, ST_LITERAL, (2u << 3) | 1u);
        return AMBC_OK;
    case '-':
        begin_scalar(s, ST_NUMBER, N_MINUS);
        break;
    default:
        if (c < '0' || c > '9') {
            return AMBC_ERR_JSON_INVALID;
        }
        begin_scalar(s, ST_NUMBER, c == '0' ? N_ZERO : N_INT);
        break;
    }
    s->buf[0] = (char)c;
    s->len = 1;
    return AMBC_OK;
}

/* Structural states: whitespace, punctuation and the start of values. */
static ambc_status_t step_structure(ambc_json_scan_t *s, unsigned char c, size_t i)
{
    if (is_ws(c)) {
        return AMBC_OK;
    }
    switch (s->state) {
    case ST_VALUE:
        return value_start(s, c, i);
    case ST_VALUE_OR_END:
        return c == ']' ? close_container(s, false, i) : value_start(s, c, i);
    case ST_KEY_OR_END:
        if (c == '}') {
            return close_container(s, true, i);
        }
        /* fall through */
    case ST_KEY:
        if (c != '"') {
            return AMBC_ERR_JSON_INVALID;
        }
        begin_scalar(s, ST_STRING, 0);
        s->flags = (uint8_t)(s->flags | F_KEY);
        return AMBC_OK;
    case ST_COLON:
        if (c != ':') {
            return AMBC_ERR_JSON_INVALID;
        }
        s->state = ST_VALUE;
        return AMBC_OK;
    case ST_AFTER:
        if (c == ',') {
            s->state = (uint8_t)(top_is_object(s) ? ST_KEY : ST_VALUE);
            return AMBC_OK;
        }
        if (c == '}' || c == ']') {
            return close_container(s, c == '}', i);
        }
        return AMBC_ERR_JSON_INVALID;
    default: /* ST_DONE */
        return AMBC_ERR_JSON_INVALID;
    }
}

#if defined(CONFIG_AMBC_OP_RESULTS)
/* Bytes at the end of a full part that begin a UTF-8 character it does not complete (0..3):
 * they go to the next part, so no part of valid UTF-8 ends inside a character. Only the
 * results mapper hands parts over as they are (text chunks); a core without it keeps none. */
static uint16_t utf8_tail(const char *buf, uint16_t len)
{
    uint16_t k;
    for (k = 1; k <= 3 && k <= len; k++) {
        unsigned char c = (unsigned char)buf[len - k];
        if ((c & 0xC0u) != 0x80u) { /* not a continuation byte: where the character began */
            uint16_t need = (uint16_t)(c >= 0xF0u ? 4 : c >= 0xE0u ? 3 : c >= 0xC0u ? 2 : 1);
            return need > k ? k : 0u;
        }
    }
    return 0;
}
#endif

/* Hand over the full buffer as a part of a long string value, but for a character it ends
 * inside of, which starts the next part. */
static ambc_status_t emit_part(ambc_json_scan_t *s, size_t i)
{
#if defined(CONFIG_AMBC_OP_RESULTS)
    uint16_t keep = utf8_tail(s->buf, s->len);
#else
    uint16_t keep = 0;
#endif
    ambc_status_t st;
    s->len = (uint16_t)(s->len - keep);
    st = emit(s, AMBC_JSON_STRING, i, true);
    memmove(s->buf, s->buf + s->len, keep);
    s->len = keep;
    s->flags = (uint8_t)(s->flags & ~F_ESC); /* the next part starts clean (its tail was raw) */
    return st;
}

/* Append decoded string bytes, handing over a part of a long string value first when the
 * buffer is full. `whole`: the n bytes (one decoded escape, at most 4) stay in one part. A run
 * of raw bytes fills the buffer to the last byte (less an unfinished UTF-8 character), so where
 * parts end depends only on the text, never on how it was sliced (a consumer's verdict on a
 * part must not depend on it either). */
static ambc_status_t put(ambc_json_scan_t *s, const char *p, size_t n, size_t i, bool whole)
{
    while (n > 0) {
        size_t room = sizeof(s->buf) - s->len;
        size_t take;
        if (room == 0 || (whole && n > room)) {
            ambc_status_t st;
            if (s->flags & F_KEY) {
                s->flags = (uint8_t)(s->flags | F_TRUNC);
                return AMBC_OK;
            }
            st = emit_part(s, i);
            if (st != AMBC_OK) {
                return st;
            }
            continue;
        }
        take = n < room ? n : room;
        memcpy(s->buf + s->len, p, take);
        s->len = (uint16_t)(s->len + take);
        p += take;
        n -= take;
    }
    return AMBC_OK;
}

/* The decoded bytes of one escape: flagged after put, so they are in the part flagged even when
 * put had to hand over a full part first. */
static ambc_status_t put_escaped(ambc_json_scan_t *s, const char *p, size_t n, size_t i)
{
    ambc_status_t st = put(s, p, n, i, true);
    s->flags = (uint8_t)(s->flags | F_ESC);
    return st;
}

static ambc_status_t end_string(ambc_json_scan_t *s, size_t i)
{
    bool key = (s->flags & F_KEY) != 0;
    bool report = !muted(s);
    if (s->flags & F_HIGH) {
        return AMBC_ERR_JSON_INVALID; /* a high surrogate with no low one */
    }
    if (key) {
        s->state = ST_COLON;
    } else {
        value_done(s);
    }
    return report ? emit(s, key ? AMBC_JSON_KEY : AMBC_JSON_STRING, i, false) : AMBC_OK;
}

/* Scan a run of string bytes starting at *pi; stops after the closing quote or a backslash. */
static ambc_status_t scan_string(ambc_json_scan_t *s, const char *data, size_t len, size_t *pi)
{
    size_t i = *pi;
    size_t start = i;
    unsigned char c = 0;
    ambc_status_t st = AMBC_OK;
    if (s->flags & F_HIGH) {
        /* only "\u<low surrogate>" may follow a high surrogate */
        if ((unsigned char)data[i] != '\\') {
            return AMBC_ERR_JSON_INVALID;
        }
    }
    while (i < len && !string_special[(unsigned char)data[i]]) {
        i++;
    }
    if (i < len) {
        c = (unsigned char)data[i];
    }
    if (i > start && !muted(s)) {
        st = put(s, data + start, i - start, i - 1, false);
    }
    *pi = i;
    if (st != AMBC_OK || i == len) {
        return st;
    }
    *pi = i + 1;
    if (c == '"') {
        return end_string(s, i);
    }
    if (c == '\\') {
        s->state = ST_ESCAPE;
        return AMBC_OK;
    }
    return AMBC_ERR_JSON_INVALID; /* a raw control character */
}

static ambc_status_t step_escape(ambc_json_scan_t *s, unsigned char c, size_t i)
{
    char out;
    if (c == 'u') {
        s->state = ST_UNICODE;
        s->sub = 0;
        s->ucode = 0;
        return AMBC_OK;
    }
    out = json_simple_escape(c);
    if (out == 0 || (s->flags & F_HIGH)) {
        return AMBC_ERR_JSON_INVALID;
    }
    s->state = ST_STRING;
    return muted(s) ? AMBC_OK : put_escaped(s, &out, 1, i);
}

static ambc_status_t step_unicode(ambc_json_scan_t *s, unsigned char c, size_t i)
{
    int h = json_hex(c);
    char out[4];
    uint32_t cp;
    if (h < 0) {
        return AMBC_ERR_JSON_INVALID;
    }
    s->ucode = (s->ucode << 4) | (uint32_t)h;
    if (++s->sub < 4) {
        return AMBC_OK;
    }
    s->state = ST_STRING;
    cp = s->ucode & 0xFFFFu;
    if (s->flags & F_HIGH) {
        if (!JSON_IS_LOW_SURROGATE(cp)) {
            return AMBC_ERR_JSON_INVALID;
        }
        s->flags = (uint8_t)(s->flags & ~F_HIGH);
        cp = 0x10000u + (((uint32_t)s->high - 0xD800u) << 10) + (cp - 0xDC00u);
    } else if (JSON_IS_HIGH_SURROGATE(cp)) {
        s->flags = (uint8_t)(s->flags | F_HIGH);
        s->high = (uint16_t)cp; /* kept for the pair */
        return AMBC_OK;
    } else if (JSON_IS_LOW_SURROGATE(cp)) {
        return AMBC_ERR_JSON_INVALID;
    }
    if (muted(s)) {
        return AMBC_OK;
    }
    return put_escaped(s, out, json_utf8_put(cp, out), i);
}

/* Append one number byte; a number longer than the buffer keeps its prefix, flagged. */
static void number_put(ambc_json_scan_t *s, unsigned char c)
{
    if (muted(s)) {
        return;
    }
    if (s->len < sizeof(s->buf)) {
        s->buf[s->len++] = (char)c;
    } else {
        s->flags = (uint8_t)(s->flags | F_TRUNC);
    }
}

static bool number_may_end(uint8_t sub)
{
    return sub == N_ZERO || sub == N_INT || sub == N_FRAC || sub == N_EXP_DIGITS;
}

static ambc_status_t end_number(ambc_json_scan_t *s, size_t i)
{
    bool report = !muted(s);
    value_done(s);
    return report ? emit(s, AMBC_JSON_NUMBER, i, false) : AMBC_OK;
}

/* The next sub-state for byte c, or 0xFF when c cannot continue the number. */
static uint8_t number_next(uint8_t sub, unsigned char c)
{
    bool digit = c >= '0' && c <= '9';
    switch (sub) {
    case N_MINUS:
        return digit ? (c == '0' ? N_ZERO : N_INT) : 0xFF;
    case N_ZERO:
    case N_INT:
        if (digit) {
            return sub == N_INT ? N_INT : 0xFF; /* no leading zeros */
        }
        return c == '.' ? N_DOT : (c == 'e' || c == 'E') ? N_EXP : 0xFF;
    case N_DOT:
        return digit ? N_FRAC : 0xFF;
    case N_FRAC:
        return digit ? N_FRAC : (c == 'e' || c == 'E') ? N_EXP : 0xFF;
    case N_EXP:
        return (c == '+' || c == '-') ? N_EXP_SIGN : digit ? N_EXP_DIGITS : 0xFF;
    default: /* N_EXP_SIGN, N_EXP_DIGITS */
        return digit ? N_EXP_DIGITS : 0xFF;
    }
}

/* Returns through *consumed whether c belonged to the number (else it is re-read). */
static ambc_status_t step_number(ambc_json_scan_t *s, unsigned char c, size_t i, bool *consumed)
{
    uint8_t next = number_next(s->sub, c);
    if (next != 0xFF) {
        s->sub = next;
        number_put(s, c);
        return AMBC_OK;
    }
    if (!number_may_end(s->sub)) {
        return AMBC_ERR_JSON_INVALID;
    }
    *consumed = false;
    return end_number(s, i);
}

static ambc_status_t step_literal(ambc_json_scan_t *s, unsigned char c, size_t i)
{
    unsigned which = (unsigned)s->sub >> 3;
    unsigned pos = s->sub & 7u;
    const char *lit = literals[which];
    bool report;
    if ((unsigned char)lit[pos] != c) {
        return AMBC_ERR_JSON_INVALID;
    }
    pos++;
    s->sub = (uint8_t)((which << 3) | pos);
    if (lit[pos] != '\0') {
        return AMBC_OK;
    }
    report = !muted(s);
    value_done(s);
    return report ? emit(s, literal_events[which], i, false) : AMBC_OK;
}

static ambc_status_t step(ambc_json_scan_t *s, const char *data, size_t len, size_t *pi)
{
    unsigned char c = (unsigned char)data[*pi];
    bool consumed = true;
    ambc_status_t st;
    switch (s->state) {
    case ST_STRING:
        return scan_string(s, data, len, pi);
    case ST_ESCAPE:
        st = step_escape(s, c, *pi);
        break;
    case ST_UNICODE:
        st = step_unicode(s, c, *pi);
        break;
    case ST_NUMBER:
        st = step_number(s, c, *pi, &consumed);
        break;
    case ST_LITERAL:
        st = step_literal(s, c, *pi);
        break;
    default:
        st = step_structure(s, c, *pi);
        break;
    }
    if (consumed) {
        (*pi)++;
    }
    return st;
}

ambc_status_t ambc_json_scan_feed(ambc_json_scan_t *s, const char *data, size_t len)
{
    size_t i = 0;
    if ((s == NULL) || ((data == NULL) && (len > 0u))) {
        return AMBC_ERR_INVALID_ARG; /* the scanner's own state is left as it was */
    }
    if (s->err != AMBC_OK) {
        return s->err;
    }
    while (i < len) {
        ambc_status_t st = step(s, data, len, &i);
        if (st != AMBC_OK) {
            s->err = st;
            return st;
        }
    }
    return AMBC_OK;
}

ambc_status_t ambc_json_scan_finish(ambc_json_scan_t *s)
{
    if (s == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (s->err != AMBC_OK) {
        return s->err;
    }
    if (s->state == ST_NUMBER && s->depth == 0 && number_may_end(s->sub)) {
        s->err = end_number(s, 0);
        return s->err;
    }
    if (s->state != ST_DONE) {
        s->err = AMBC_ERR_JSON_UNEXPECTED_END;
    }
    return s->err;
}
