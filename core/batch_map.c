/*
 * Mapping one MessageBatch object onto ambc_batch_t.
 *
 * The page parser (page.c) cuts the known members of a batch out of the stream into the record
 * buffer, decoded, with only '"' and '\\' escaped. That text is token-parsed with jsmn and its
 * members are mapped through descriptor tables (key, kind, offset, size, bit) in the manner of
 * Zephyr's json.h, so adding a field is one table row, not another strcmp chain. The mapper
 * also takes ordinary JSON (any escapes), which the benchmark uses to map from whole-page
 * tokens.
 */
#include <stddef.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "ambc/batch.h"
#include "batch_map.h"
#include "json_util.h"

/* A string value of the record buffer is at most this long, so token offsets fit an int. */
typedef char record_fits_int[AMBC_RECORD_BUF_SIZE < 65536u ? 1 : -1];

#define FIELD(name, keyoff, kind, code, member, bit)                                               \
    {                                                                                              \
        name, keyoff, (uint8_t)(sizeof(name) - 1u - (keyoff)), kind, code,                         \
            (uint16_t)offsetof(ambc_batch_t, member),                                              \
            (uint16_t)sizeof(((ambc_batch_t *)0)->member), bit                                     \
    }
#define COUNT(key, code, member, bit)                                                              \
    FIELD("request_counts." key, 15u, K_U32, code, request_counts.member, bit)

/* Each table's codes are 'a' + the row: field_of_code() relies on it. */
static const ambc_field_t batch_fields[] = {
    FIELD("id", 0u, K_ID, 'a', id, AMBC_BATCH_F_ID),
    FIELD("type", 0u, K_TYPE, 'b', id, AMBC_BATCH_F_TYPE),
    FIELD("processing_status", 0u, K_STATUS, 'c', status_text, AMBC_BATCH_F_PROCESSING_STATUS),
    FIELD("request_counts", 0u, K_COUNTS, 'd', request_counts, AMBC_BATCH_F_REQUEST_COUNTS),
    FIELD("created_at", 0u, K_TIME, 'e', created_at, AMBC_BATCH_F_CREATED_AT),
    FIELD("expires_at", 0u, K_TIME, 'f', expires_at, AMBC_BATCH_F_EXPIRES_AT),
    FIELD("ended_at", 0u, K_TIME_NULL, 'g', ended_at, AMBC_BATCH_F_ENDED_AT),
    FIELD("cancel_initiated_at", 0u, K_TIME_NULL, 'h', cancel_initiated_at,
          AMBC_BATCH_F_CANCEL_INITIATED_AT),
    FIELD("archived_at", 0u, K_TIME_NULL, 'i', archived_at, AMBC_BATCH_F_ARCHIVED_AT),
    FIELD("results_url", 0u, K_URL_NULL, 'j', results_url, AMBC_BATCH_F_RESULTS_URL),
};

/* The record DELETE answers: {"id":"...","type":"message_batch_deleted"}. */
static const ambc_field_t deleted_fields[] = {
    FIELD("id", 0u, K_ID, 'a', id, AMBC_BATCH_F_ID),
    FIELD("type", 0u, K_TYPE_DELETED, 'b', id, AMBC_BATCH_F_TYPE),
};

static const ambc_field_t count_fields[] = {
    COUNT("processing", 'a', processing, AMBC_BATCH_F_COUNT_PROCESSING),
    COUNT("succeeded", 'b', succeeded, AMBC_BATCH_F_COUNT_SUCCEEDED),
    COUNT("errored", 'c', errored, AMBC_BATCH_F_COUNT_ERRORED),
    COUNT("canceled", 'd', canceled, AMBC_BATCH_F_COUNT_CANCELED),
    COUNT("expired", 'e', expired, AMBC_BATCH_F_COUNT_EXPIRED),
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A decoded key is held in KEY_BUF bytes: more than the longest known key with its NUL
 * ("cancel_initiated_at"), so a key that does not fit is not a known one. */
#define KEY_BUF 24u
typedef char key_buf_holds_known_keys[sizeof("cancel_initiated_at") < KEY_BUF ? 1 : -1];

/* The token budget and the record buffer's size (batch.h) assume these tables. */
typedef char tokens_match_tables[AMBC_RECORD_MAX_TOKENS ==
                                         1u + 2u * (COUNT_OF(batch_fields) + COUNT_OF(count_fields))
                                     ? 1
                                     : -1];

static const char *const status_names[] = {"unknown", "in_progress", "canceling", "ended"};

const char *ambc_batch_status_name(ambc_batch_status_t status)
{
    unsigned i = (unsigned)status;
    return i < COUNT_OF(status_names) ? status_names[i] : status_names[0];
}

/* Every key is found with one hash and one compare: (len * 8 + key[0] + key[1] * 4) mod 16
 * gives each key of a table its own slot (checked by tests/unit/test_batch_map.c, which
 * looks every key up). 0xFF: no key there. */
#define KEY_HASH(k, n) ((((n)*8u) + (unsigned char)(k)[0] + (unsigned char)(k)[1] * 4u) & 15u)
static const uint8_t batch_slots[16] = {2, 8, 0xFF, 0xFF, 0xFF, 5, 3, 0xFF,
                                        1, 0, 0xFF, 4,    0xFF, 6, 9, 7};
static const uint8_t count_slots[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0xFF, 3,
                                        0,    0xFF, 0xFF, 0xFF, 0xFF, 4, 0xFF, 1};

static const ambc_field_t *find(const ambc_field_t *table, const uint8_t *slots, const char *key,
                                size_t len)
{
    const ambc_field_t *f;
    uint8_t i = slots[KEY_HASH(key, len)];
    if (i == 0xFF) {
        return NULL;
    }
    f = &table[i];
    return f->keylen == len && memcmp(f->name + f->keyoff, key, len) == 0 ? f : NULL;
}

const ambc_field_t *ambc_batch_field_find(bool deleted, bool counts, const char *key, size_t len)
{
    size_t i;
    if (len < 2) {
        return NULL; /* no known key is shorter; the hash reads two bytes */
    }
    if (deleted) {
        for (i = 0; i < COUNT_OF(deleted_fields); i++) {
            const ambc_field_t *f = &deleted_fields[i];
            if (f->keylen == len && memcmp(f->name, key, len) == 0) {
                return f;
            }
        }
        return NULL;
    }
    return counts ? find(count_fields, count_slots, key, len)
                  : find(batch_fields, batch_slots, key, len);
}

/* The field of a code the record buffer holds (ambc_field_t.code), or NULL. */
static const ambc_field_t *field_of_code(bool deleted, bool counts, const char *key, size_t len)
{
    const ambc_field_t *table = deleted ? deleted_fields : counts ? count_fields : batch_fields;
    size_t n = deleted  ? COUNT_OF(deleted_fields)
               : counts ? COUNT_OF(count_fields)
                        : COUNT_OF(batch_fields);
    size_t i = (size_t)((unsigned char)key[0] - 'a');
    return len == 1 && i < n ? &table[i] : NULL;
}

/* The first of the fields whose bit is in `bits`, for naming a missing key. */
static const ambc_field_t *field_by_bit(uint32_t bits)
{
    size_t i;
    for (i = 0; i < COUNT_OF(batch_fields); i++) {
        if (bits & batch_fields[i].bit) {
            return &batch_fields[i];
        }
    }
    for (i = 0; i < COUNT_OF(count_fields); i++) {
        if (bits & count_fields[i].bit) {
            return &count_fields[i];
        }
    }
    return NULL;
}

size_t ambc_batch_field_limit(const ambc_field_t *f)
{
    switch ((ambc_field_kind_t)f->kind) {
    case K_TYPE:
    case K_TYPE_DELETED:
        return AMBC_BATCH_TYPE_TEXT_MAX;
    case K_TIME:
    case K_TIME_NULL:
        return AMBC_RFC3339_TEXT_MAX;
    default: /* the char array, less its NUL */
        return (size_t)f->size - 1u;
    }
}

ambc_status_t ambc_batch_field_too_long(const ambc_field_t *f)
{
    switch ((ambc_field_kind_t)f->kind) {
    case K_TYPE:
    case K_TYPE_DELETED:
        return AMBC_ERR_JSON_SHAPE; /* cannot be the type it must be */
    case K_TIME:
    case K_TIME_NULL:
        return AMBC_ERR_TIME_INVALID;
    case K_COUNTS:
    case K_U32:
        return AMBC_ERR_JSON_TYPE; /* a string where a count belongs */
    default:
        return AMBC_ERR_STRING_TOO_LONG;
    }
}

/* ---- mapping ------------------------------------------------------------------------------ */

typedef struct {
    const char *json;
    const jsmntok_t *t;
    int ntok;
    bool coded;   /* keys are ambc_field_t.code letters (a record page.c cut out) */
    bool deleted; /* the record DELETE answers */
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

/* The decoded value of a string token into dst (size bytes, NUL-terminated). Without a
 * backslash the bytes are the value (the text was validated before jsmn saw it). */
static ambc_status_t decode(const map_ctx_t *m, const jsmntok_t *v, char *dst, size_t size,
                            size_t *len)
{
    const char *src = m->json + v->start;
    size_t n = tok_len(v);
    ambc_status_t st;
    if (memchr(src, '\\', n) == NULL) { /* no escape: no U+0000 either (validated text) */
        if (n >= size) {
            dst[0] = '\0';
            return AMBC_ERR_STRING_TOO_LONG;
        }
        memcpy(dst, src, n);
        dst[n] = '\0';
        *len = n;
        return AMBC_OK;
    }
    st = json_unescape_text(src, n, dst, size, len, true);
    /* page.c never copies a U+0000, but ordinary JSON may hold a "\\u0000" */
    return st == AMBC_OK && memchr(dst, '\0', *len) != NULL ? AMBC_ERR_JSON_NUL : st;
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

static ambc_status_t map_status(const map_ctx_t *m, const jsmntok_t *v)
{
    ambc_batch_t *b = m->out;
    size_t len = 0;
    unsigned i;
    ambc_status_t st = decode(m, v, b->status_text, sizeof(b->status_text), &len);
    b->processing_status = AMBC_BATCH_STATUS_UNKNOWN;
    for (i = 1; st == AMBC_OK && i < COUNT_OF(status_names); i++) {
        if (strcmp(b->status_text, status_names[i]) == 0) {
            b->processing_status = (ambc_batch_status_t)i;
        }
    }
    return st;
}

/* type and timestamps are compared or parsed decoded, from a small stack copy. */
static ambc_status_t map_text(const map_ctx_t *m, const ambc_field_t *f, const jsmntok_t *v,
                              void *dst)
{
    char text[AMBC_RFC3339_TEXT_MAX + 1u]; /* also holds any type text that could match */
    size_t len = 0;
    ambc_status_t st = decode(m, v, text, sizeof(text), &len);
    if (f->kind == K_TYPE || f->kind == K_TYPE_DELETED) {
        const char *want = f->kind == K_TYPE ? "message_batch" : "message_batch_deleted";
        return st == AMBC_OK && strcmp(text, want) == 0 ? AMBC_OK : AMBC_ERR_JSON_SHAPE;
    }
    if (st != AMBC_OK) {
        return AMBC_ERR_TIME_INVALID; /* too long, or U+0000: not a timestamp either way */
    }
    return ambc_rfc3339_parse(text, len, (int64_t *)dst);
}

/* Map one value whose type class (string/null/other) has already been checked. */
static ambc_status_t map_value(map_ctx_t *m, const ambc_field_t *f, const jsmntok_t *v)
{
    char *base = (char *)m->out;
    size_t len = 0;
    switch ((ambc_field_kind_t)f->kind) {
    case K_ID:
    case K_URL_NULL:
        return decode(m, v, base + f->offset, f->size, &len);
    case K_STATUS:
        return map_status(m, v);
    case K_TYPE:
    case K_TYPE_DELETED:
    case K_TIME:
    case K_TIME_NULL:
        return map_text(m, f, v, base + f->offset);
    case K_U32:
        return map_u32(m, v, (uint32_t *)(void *)(base + f->offset));
    default: /* K_COUNTS is mapped by the caller */
        return AMBC_OK;
    }
}

/* Null and type checks shared by every kind, then the value itself. */
static ambc_status_t map_field(map_ctx_t *m, const ambc_field_t *f, const jsmntok_t *v)
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

/* Map the members of the object at token `obj`; iterative, no recursion: the only nested
 * object mapped (request_counts) is handled one level down by the caller. Keys are decoded
 * before they are looked up. */
static ambc_status_t map_members(map_ctx_t *m, int obj, bool counts, int *counts_obj,
                                 const char **err_field)
{
    int i = obj + 1;
    int k;
    for (k = 0; k < m->t[obj].size; k++) {
        char key[KEY_BUF];
        size_t klen = 0;
        const ambc_field_t *f = NULL;
        ambc_status_t st;
        if (i + 1 >= m->ntok || m->t[i].type != JSMN_STRING) {
            return AMBC_ERR_JSON_INVALID;
        }
        if (m->coded) {
            f = field_of_code(m->deleted, counts, m->json + m->t[i].start, tok_len(&m->t[i]));
        } else if (decode(m, &m->t[i], key, sizeof(key), &klen) == AMBC_OK) {
            f = ambc_batch_field_find(m->deleted, counts, key, klen);
        }
        if (f != NULL) {
            st = map_field(m, f, &m->t[i + 1]);
            if (st != AMBC_OK) {
                *err_field = f->name;
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

static ambc_status_t map_object(const char *json, const jsmntok_t *t, int ntok, int obj, bool coded,
                                bool deleted, ambc_batch_t *out, const char **err_field)
{
    map_ctx_t m;
    int counts = -1;
    ambc_status_t st;
    record_reset(out);
    *err_field = NULL;
    m.json = json;
    m.t = t;
    m.ntok = ntok;
    m.coded = coded;
    m.deleted = deleted;
    m.out = out;
    if (obj < 0 || obj >= ntok || t[obj].type != JSMN_OBJECT) {
        return AMBC_ERR_JSON_SHAPE;
    }
    st = map_members(&m, obj, false, &counts, err_field);
    if (st == AMBC_OK && counts >= 0) {
        st = map_members(&m, counts, true, &counts, err_field);
    }
    return st;
}

ambc_status_t ambc_batch_map_tokens(const char *json, const jsmntok_t *t, int ntok, int obj,
                                    ambc_batch_t *out, const char **err_field)
{
    return map_object(json, t, ntok, obj, false, false, out, err_field);
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

ambc_status_t ambc_batch_map_record(const char *json, size_t len, bool deleted, ambc_batch_t *out,
                                    const char **err_field)
{
    jsmntok_t tokens[AMBC_RECORD_MAX_TOKENS];
    jsmn_parser parser;
    const ambc_field_t *missing;
    ambc_status_t st;
    int r;
    *err_field = NULL;
    jsmn_init(&parser);
    r = jsmn_parse(&parser, json, len, tokens, AMBC_RECORD_MAX_TOKENS);
    AMBC_ASSERT(r >= 0); /* the cutter's bounds make a jsmn failure impossible */
    if (r < 0) {
        return jsmn_status(r);
    }
    st = map_object(json, tokens, r, 0, true, deleted, out, err_field);
    if (st != AMBC_OK) {
        return st;
    }
    missing = field_by_bit((deleted ? AMBC_BATCH_F_ID | AMBC_BATCH_F_TYPE : AMBC_BATCH_F_ALL) &
                           ~out->present);
    if (missing != NULL) {
        *err_field = missing->name;
        return AMBC_ERR_JSON_MISSING; /* never a record shown with zeros where a key was */
    }
    return AMBC_OK;
}
