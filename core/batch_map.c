/*
 * Mapping one MessageBatch object onto ambc_batch_t.
 *
 * The object arrives whole in the record buffer (cut out of the stream by page.c and already
 * validated by the scanner), is token-parsed with jsmn, and its members are mapped through
 * descriptor tables (key, kind, offset, size, bit) in the manner of Zephyr's json.h, so adding
 * a field is one table row, not another strcmp chain.
 */
#include <stddef.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "ambc/batch.h"
#include "batch_map.h"

/* ambc_json_tok_t mirrors jsmntok_t so callers can size token storage without jsmn.h. */
typedef char tok_size_matches[sizeof(ambc_json_tok_t) == sizeof(jsmntok_t) ? 1 : -1];
typedef char
    tok_start_matches[offsetof(ambc_json_tok_t, start) == offsetof(jsmntok_t, start) ? 1 : -1];
typedef char
    tok_parent_matches[offsetof(ambc_json_tok_t, parent) == offsetof(jsmntok_t, parent) ? 1 : -1];

typedef enum {
    K_ID,        /* string, not null, into a char array */
    K_TYPE,      /* the string "message_batch" */
    K_STATUS,    /* processing_status enum */
    K_COUNTS,    /* the request_counts object, mapped with its own table */
    K_TIME,      /* RFC 3339, not null */
    K_TIME_NULL, /* RFC 3339 or null */
    K_URL_NULL,  /* string or null, into a char array */
    K_U32,       /* non-negative integer */
} kind_t;

typedef struct {
    const char *key;
    uint8_t keylen;
    uint8_t kind;
    uint16_t offset; /* into ambc_batch_t */
    uint16_t size;   /* of the char array, for strings */
    uint32_t bit;
} field_t;

#define FIELD(k, kind, member, bit)                                                                \
    {                                                                                              \
        k, (uint8_t)(sizeof(k) - 1), kind, (uint16_t)offsetof(ambc_batch_t, member),               \
            (uint16_t)sizeof(((ambc_batch_t *)0)->member), bit                                     \
    }

static const field_t batch_fields[] = {
    FIELD("id", K_ID, id, AMBC_BATCH_F_ID),
    FIELD("type", K_TYPE, id, AMBC_BATCH_F_TYPE),
    FIELD("processing_status", K_STATUS, processing_status, AMBC_BATCH_F_PROCESSING_STATUS),
    FIELD("request_counts", K_COUNTS, request_counts, AMBC_BATCH_F_REQUEST_COUNTS),
    FIELD("created_at", K_TIME, created_at, AMBC_BATCH_F_CREATED_AT),
    FIELD("expires_at", K_TIME, expires_at, AMBC_BATCH_F_EXPIRES_AT),
    FIELD("ended_at", K_TIME_NULL, ended_at, AMBC_BATCH_F_ENDED_AT),
    FIELD("cancel_initiated_at", K_TIME_NULL, cancel_initiated_at,
          AMBC_BATCH_F_CANCEL_INITIATED_AT),
    FIELD("archived_at", K_TIME_NULL, archived_at, AMBC_BATCH_F_ARCHIVED_AT),
    FIELD("results_url", K_URL_NULL, results_url, AMBC_BATCH_F_RESULTS_URL),
};

static const field_t count_fields[] = {
    FIELD("processing", K_U32, request_counts.processing, AMBC_BATCH_F_COUNT_PROCESSING),
    FIELD("succeeded", K_U32, request_counts.succeeded, AMBC_BATCH_F_COUNT_SUCCEEDED),
    FIELD("errored", K_U32, request_counts.errored, AMBC_BATCH_F_COUNT_ERRORED),
    FIELD("canceled", K_U32, request_counts.canceled, AMBC_BATCH_F_COUNT_CANCELED),
    FIELD("expired", K_U32, request_counts.expired, AMBC_BATCH_F_COUNT_EXPIRED),
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const status_names[] = {"unknown", "in_progress", "canceling", "ended"};

const char *ambc_batch_status_name(ambc_batch_status_t status)
{
    unsigned i = (unsigned)status;
    return i < COUNT_OF(status_names) ? status_names[i] : status_names[0];
}

typedef struct {
    const char *json;
    const jsmntok_t *t;
    int ntok;
    ambc_batch_t *out;
} map_ctx_t;

static size_t tok_len(const jsmntok_t *t)
{
    return (size_t)(t->end - t->start);
}

static bool tok_is_null(const map_ctx_t *m, const jsmntok_t *t)
{
    return t->type == JSMN_PRIMITIVE && m->json[t->start] == 'n';
}

static bool tok_equals(const map_ctx_t *m, const jsmntok_t *t, const char *s)
{
    size_t n = strlen(s);
    return t->type == JSMN_STRING && tok_len(t) == n && memcmp(m->json + t->start, s, n) == 0;
}

/* Index of the token after the whole value at index i (jsmn lays a value's tokens out
 * contiguously, each starting inside its parent's span). */
static int skip_value(const map_ctx_t *m, int i)
{
    int end = m->t[i].end;
    int j = i + 1;
    while (j < m->ntok && m->t[j].start < end) {
        j++;
    }
    return j;
}

/* The key as written, unless it has escapes: then decoded into kbuf. */
static bool key_text(const map_ctx_t *m, const jsmntok_t *k, char *kbuf, size_t ksize,
                     const char **key, size_t *klen)
{
    const char *raw = m->json + k->start;
    if (memchr(raw, '\\', tok_len(k)) == NULL) {
        *key = raw;
        *klen = tok_len(k);
        return true;
    }
    *key = kbuf;
    return ambc_json_unescape(raw, tok_len(k), kbuf, ksize, klen) == AMBC_OK;
}

static const field_t *find_field(const field_t *table, size_t n, const char *key, size_t klen)
{
    size_t i;
    for (i = 0; i < n; i++) { /* length and first byte rule out almost every row cheaply */
        if (table[i].keylen == klen && table[i].key[0] == key[0] &&
            memcmp(table[i].key, key, klen) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

static ambc_status_t map_string(const map_ctx_t *m, const jsmntok_t *v, char *dst, size_t size)
{
    const char *src = m->json + v->start;
    size_t len = tok_len(v);
    /* The element was validated by the scanner: without a backslash the bytes are the value. */
    if (memchr(src, '\\', len) == NULL) {
        if (len >= size) {
            dst[0] = '\0';
            return AMBC_ERR_STRING_TOO_LONG;
        }
        memcpy(dst, src, len);
        dst[len] = '\0';
        return AMBC_OK;
    }
    return ambc_json_unescape(src, len, dst, size, NULL);
}

static ambc_status_t map_u32(const map_ctx_t *m, const jsmntok_t *v, uint32_t *dst)
{
    const char *p = m->json + v->start;
    size_t n = tok_len(v), i;
    uint64_t acc = 0;
    if (v->type != JSMN_PRIMITIVE || n == 0 || p[0] == 't' || p[0] == 'f' || p[0] == 'n') {
        return AMBC_ERR_JSON_TYPE;
    }
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return AMBC_ERR_NUMBER_RANGE; /* negative, fractional or exponent form */
        }
        acc = acc * 10u + (uint64_t)(p[i] - '0');
        if (acc > UINT32_MAX) {
            return AMBC_ERR_NUMBER_RANGE;
        }
    }
    *dst = (uint32_t)acc;
    return AMBC_OK;
}

static ambc_status_t map_status(const map_ctx_t *m, const jsmntok_t *v, ambc_batch_status_t *dst)
{
    unsigned i;
    *dst = AMBC_BATCH_STATUS_UNKNOWN;
    for (i = 1; i < COUNT_OF(status_names); i++) {
        if (tok_equals(m, v, status_names[i])) {
            *dst = (ambc_batch_status_t)i;
        }
    }
    return AMBC_OK;
}

static ambc_status_t map_time(const map_ctx_t *m, const jsmntok_t *v, int64_t *dst)
{
    return ambc_rfc3339_parse(m->json + v->start, tok_len(v), dst);
}

/* Map one value whose type class (string/null/other) has already been checked. */
static ambc_status_t map_value(map_ctx_t *m, const field_t *f, const jsmntok_t *v)
{
    char *base = (char *)m->out;
    switch ((kind_t)f->kind) {
    case K_ID:
    case K_URL_NULL:
        return map_string(m, v, base + f->offset, f->size);
    case K_TYPE:
        return tok_equals(m, v, "message_batch") ? AMBC_OK : AMBC_ERR_JSON_SHAPE;
    case K_STATUS:
        return map_status(m, v, (ambc_batch_status_t *)(void *)(base + f->offset));
    case K_TIME:
    case K_TIME_NULL:
        return map_time(m, v, (int64_t *)(void *)(base + f->offset));
    case K_U32:
        return map_u32(m, v, (uint32_t *)(void *)(base + f->offset));
    default: /* K_COUNTS is mapped by the caller */
        return AMBC_OK;
    }
}

/* Null and type checks shared by every kind, then the value itself. */
static ambc_status_t map_field(map_ctx_t *m, const field_t *f, const jsmntok_t *v)
{
    bool nullable = f->kind == K_TIME_NULL || f->kind == K_URL_NULL;
    if (m->out->present & f->bit) {
        return AMBC_ERR_JSON_SHAPE; /* the same key twice: which one is meant? */
    }
    m->out->present |= f->bit;
    if (tok_is_null(m, v)) {
        if (!nullable) {
            return AMBC_ERR_JSON_TYPE;
        }
        m->out->null |= f->bit;
        return AMBC_OK;
    }
    if (f->kind == K_COUNTS) {
        return v->type == JSMN_OBJECT ? AMBC_OK : AMBC_ERR_JSON_TYPE;
    }
    if (f->kind != K_U32 && v->type != JSMN_STRING) {
        return AMBC_ERR_JSON_TYPE;
    }
    return map_value(m, f, v);
}

/* Map the members of the object at token `obj` through `table`; iterative, no recursion:
 * the only nested object mapped (request_counts) is handled one level down by the caller. */
static ambc_status_t map_members(map_ctx_t *m, int obj, const field_t *table, size_t n,
                                 int *counts_obj)
{
    int i = obj + 1;
    int k;
    for (k = 0; k < m->t[obj].size; k++) {
        char kbuf[24];
        const char *key;
        size_t klen;
        const field_t *f = NULL;
        ambc_status_t st;
        if (i + 1 >= m->ntok || m->t[i].type != JSMN_STRING) {
            return AMBC_ERR_JSON_INVALID;
        }
        if (key_text(m, &m->t[i], kbuf, sizeof(kbuf), &key, &klen)) {
            f = find_field(table, n, key, klen);
        }
        if (f != NULL) {
            st = map_field(m, f, &m->t[i + 1]);
            if (st != AMBC_OK) {
                return st;
            }
            if (f->kind == K_COUNTS && !tok_is_null(m, &m->t[i + 1])) {
                *counts_obj = i + 1;
            }
        }
        i = skip_value(m, i + 1);
    }
    return AMBC_OK;
}

static void record_reset(ambc_batch_t *out)
{
    memset(out, 0, sizeof(*out));
    out->created_at = AMBC_TIME_NULL;
    out->expires_at = AMBC_TIME_NULL;
    out->ended_at = AMBC_TIME_NULL;
    out->cancel_initiated_at = AMBC_TIME_NULL;
    out->archived_at = AMBC_TIME_NULL;
}

static ambc_status_t jsmn_status(int r)
{
    switch (r) {
    case JSMN_ERROR_NOMEM:
        return AMBC_ERR_JSON_TOO_MANY_TOKENS;
    case JSMN_ERROR_PART:
        return AMBC_ERR_JSON_UNEXPECTED_END;
    default:
        return AMBC_ERR_JSON_INVALID;
    }
}

ambc_status_t ambc_batch_map_tokens(const char *json, const ambc_json_tok_t *tokens, int ntok,
                                    int obj, ambc_batch_t *out)
{
    map_ctx_t m;
    int counts = -1;
    ambc_status_t st;
    record_reset(out);
    m.json = json;
    m.t = (const jsmntok_t *)(const void *)tokens;
    m.ntok = ntok;
    m.out = out;
    if (obj < 0 || obj >= ntok || m.t[obj].type != JSMN_OBJECT) {
        return AMBC_ERR_JSON_SHAPE;
    }
    st = map_members(&m, obj, batch_fields, COUNT_OF(batch_fields), &counts);
    if (st == AMBC_OK && counts >= 0) {
        st = map_members(&m, counts, count_fields, COUNT_OF(count_fields), &counts);
    }
    if (st == AMBC_OK && !(out->present & AMBC_BATCH_F_ID)) {
        st = AMBC_ERR_JSON_SHAPE; /* a batch without an id cannot be used or paged past */
    }
    return st;
}

ambc_status_t ambc_batch_map_valid(const char *json, size_t len, ambc_json_tok_t *tokens,
                                   size_t ntokens, ambc_batch_t *out)
{
    jsmn_parser parser;
    int r;
    jsmn_init(&parser);
    r = jsmn_parse(&parser, json, len, (jsmntok_t *)(void *)tokens, (unsigned int)ntokens);
    if (r < 0) {
        return jsmn_status(r);
    }
    return ambc_batch_map_tokens(json, tokens, r, 0, out);
}

ambc_status_t ambc_batch_parse(const char *json, size_t len, ambc_json_tok_t *tokens,
                               size_t ntokens, ambc_batch_t *out)
{
    /* jsmn's strict mode still takes some invalid JSON: validate with the scanner first. */
    ambc_json_scan_t scan;
    ambc_status_t st;
    if (json == NULL || tokens == NULL || out == NULL || ntokens == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    ambc_json_scan_init(&scan, NULL, NULL);
    ambc_json_scan_set_quiet_depth(&scan, 0);
    st = ambc_json_scan_feed(&scan, json, len);
    if (st == AMBC_OK) {
        st = ambc_json_scan_finish(&scan);
    }
    return st != AMBC_OK ? st : ambc_batch_map_valid(json, len, tokens, ntokens, out);
}
