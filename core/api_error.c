/* The API error record and its streaming body parser (see include/ambc/api_error.h). */
#include <string.h>

#include "ambc/api_error.h"
#include "ambc/config.h" /* the feature switch below depends on it */

/* The keys of the error shape: three at depth 1, then two inside "error" at depth 2. */
enum { K_NONE, K_TYPE, K_ERROR, K_REQUEST_ID, K_ERROR_TYPE, K_ERROR_MESSAGE };
#define BIT(k) (uint8_t)(1u << (k))

/*
 * Name lists are NUL-separated and end with an empty name: one string instead of a table of
 * pointers to strings, and one find_name() for type names and keys alike.
 */
static const char type_names[] = "none\0invalid_request_error\0authentication_error\0"
                                 "billing_error\0permission_error\0not_found_error\0"
                                 "conflict_error\0request_too_large\0rate_limit_error\0"
                                 "api_error\0timeout_error\0overloaded_error\0unknown\0";

/* Index of text[0..len) in a name list, or the number of names when it is not one of them. */
static unsigned find_name(const char *names, const char *text, size_t len)
{
    unsigned i;
    for (i = 0; *names != '\0'; i++) {
        size_t n = strlen(names);
        if (n == len && memcmp(names, text, len) == 0) {
            break;
        }
        names += n + 1;
    }
    return i;
}

const char *ambc_api_error_type_name(ambc_api_error_type_t type)
{
    const char *name = type_names;
    unsigned i = (unsigned)type;
    if (i > AMBC_API_ERROR_UNKNOWN) {
        i = AMBC_API_ERROR_UNKNOWN;
    }
    for (; i > 0; i--) {
        name += strlen(name) + 1;
    }
    return name;
}

ambc_api_error_type_t ambc_api_error_type_from_text(const char *text, size_t len)
{
    unsigned i = (text != NULL) ? find_name(type_names, text, len) : AMBC_API_ERROR_UNKNOWN;
    /* "none" and "unknown" name no type the API sends */
    return i > AMBC_API_ERROR_NONE && i < AMBC_API_ERROR_UNKNOWN ? (ambc_api_error_type_t)i
                                                                 : AMBC_API_ERROR_UNKNOWN;
}

#if defined(CONFIG_AMBC_API_ERROR_BODY) /* Kconfig: the error body parser */

static const char depth1_keys[] = "type\0error\0request_id\0"; /* K_TYPE .. K_REQUEST_ID */
static const char depth2_keys[] = "type\0message\0";           /* K_ERROR_TYPE, K_ERROR_MESSAGE */

/* Drop a UTF-8 sequence left incomplete at the end of s[0..len) by a truncation. */
static size_t utf8_trim(const char *s, size_t len)
{
    size_t i = len, back = 0;
    unsigned char c;
    while (i > 0 && back < 4) {
        c = (unsigned char)s[--i];
        back++;
        if ((c & 0xC0u) != 0x80u) { /* a lead byte (or ASCII): is its sequence whole? */
            size_t need = c < 0x80u ? 1 : c >= 0xF0u ? 4 : c >= 0xE0u ? 3 : c >= 0xC0u ? 2 : 1;
            return back >= need ? len : i;
        }
    }
    return len;
}

/* Append n bytes to a fixed field; on overflow keep what fits, whole characters only. */
static void append_bytes(char *dst, size_t size, bool *truncated, const char *text, size_t n)
{
    size_t have = strlen(dst);
    size_t room = size - 1 - have;
    if (*truncated) {
        return;
    }
    if (n > room) {
        n = room;
        *truncated = true;
    }
    memcpy(dst + have, text, n);
    have += n;
    if (*truncated) {
        have = utf8_trim(dst, have);
    }
    dst[have] = '\0';
}

/* Append decoded text. A U+0000 (from "\\u0000") would end the C string there and hide the
 * rest, so each one is replaced by U+FFFD, the replacement character. */
static void append_text(char *dst, size_t size, bool *truncated, const char *text, size_t n)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    const char *nul;
    while ((nul = memchr(text, '\0', n)) != NULL) {
        size_t before = (size_t)(nul - text);
        append_bytes(dst, size, truncated, text, before);
        append_bytes(dst, size, truncated, replacement, sizeof(replacement) - 1u);
        text += before + 1u;
        n -= before + 1u;
    }
    append_bytes(dst, size, truncated, text, n);
}

/* A key by its path: "type", "error" and "request_id" of the root object, and "type" and
 * "message" only inside the root's "error" object (a "type" anywhere else is not the error's). */
static uint8_t key_at(const ambc_api_error_parser_t *p, const ambc_json_event_t *ev)
{
    unsigned i;
    if (ev->truncated) {
        return K_NONE;
    }
    if (ev->depth == 1) {
        i = find_name(depth1_keys, ev->text, ev->len);
        return i < 3 ? (uint8_t)(K_TYPE + i) : K_NONE;
    }
    if (ev->depth == 2 && p->in_error) {
        i = find_name(depth2_keys, ev->text, ev->len);
        return i < 2 ? (uint8_t)(K_ERROR_TYPE + i) : K_NONE;
    }
    return K_NONE;
}

/* The value of a known key; false when it is not what the shape says. */
static bool take_value(ambc_api_error_parser_t *p, const ambc_json_event_t *ev)
{
    ambc_api_error_t *e = p->err;
    bool str = ev->type == AMBC_JSON_STRING;
    switch (p->key) {
    case K_TYPE:
        return str && ev->len == 5 && memcmp(ev->text, "error", 5) == 0;
    case K_ERROR:
        p->in_error = ev->type == AMBC_JSON_OBJ_BEGIN;
        return p->in_error;
    case K_ERROR_TYPE:
        if (str) { /* a literal has no text: checked before any copy */
            append_text(e->type_text, sizeof(e->type_text), &e->type_truncated, ev->text, ev->len);
        }
        return str;
    case K_ERROR_MESSAGE:
        if (str) {
            append_text(e->message, sizeof(e->message), &e->message_truncated, ev->text, ev->len);
        }
        return str;
    case K_REQUEST_ID:
        if (str && !p->id_from_header) { /* the header's request-id wins */
            append_text(e->request_id, sizeof(e->request_id), &e->request_id_truncated, ev->text,
                        ev->len);
        }
        return str || ev->type == AMBC_JSON_NULL;
    default:
        return true;
    }
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    ambc_api_error_parser_t *p = (ambc_api_error_parser_t *)ctx;
    if (ev->depth == 0) {
        return ev->type == AMBC_JSON_OBJ_BEGIN || ev->type == AMBC_JSON_OBJ_END
                   ? AMBC_OK
                   : AMBC_ERR_JSON_SHAPE;
    }
    if (ev->type == AMBC_JSON_KEY) {
        p->key = key_at(p, ev);
        if (p->key == K_NONE) {
            ambc_json_scan_skip_value(&p->scan); /* decoys and whatever else: unseen */
            return AMBC_OK;
        }
        if (p->seen & BIT(p->key)) {
            return AMBC_ERR_JSON_SHAPE; /* a key twice */
        }
        p->seen = (uint8_t)(p->seen | BIT(p->key));
        return AMBC_OK;
    }
    if (ev->type == AMBC_JSON_OBJ_END || ev->type == AMBC_JSON_ARR_END) {
        if (ev->depth == 1) {
            p->in_error = false; /* the end of the error object (or of another member) */
        }
        return AMBC_OK;
    }
    if (p->key == K_NONE) {
        return AMBC_OK;
    }
    if (!take_value(p, ev)) {
        return AMBC_ERR_JSON_SHAPE;
    }
    if (!ev->partial) {
        p->key = K_NONE; /* a value's last part: later events belong to other keys */
    }
    return AMBC_OK;
}

void ambc_api_error_parser_init(ambc_api_error_parser_t *p, ambc_api_error_t *err,
                                uint16_t http_status, const char *request_id,
                                bool request_id_truncated)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof(*p));
    if (err == NULL) {
        return; /* nothing to fill: the parser stays inert (p->err NULL) */
    }
    memset(err, 0, sizeof(*err));
    p->err = err;
    err->http_status = http_status;
    if (request_id != NULL && request_id[0] != '\0') {
        append_text(err->request_id, sizeof(err->request_id), &err->request_id_truncated,
                    request_id, strlen(request_id));
        err->request_id_truncated = err->request_id_truncated || request_id_truncated;
        p->id_from_header = true;
    }
    ambc_json_scan_init(&p->scan, on_event, p);
}

void ambc_api_error_parser_feed(ambc_api_error_parser_t *p, const uint8_t *data, size_t len)
{
    if ((p == NULL) || (p->err == NULL)) {
        return;
    }
    if (!p->failed && ambc_json_scan_feed(&p->scan, (const char *)data, len) != AMBC_OK) {
        p->failed = true;
    }
}

void ambc_api_error_parser_finish(ambc_api_error_parser_t *p)
{
    ambc_api_error_t *e = (p != NULL) ? p->err : NULL;
    uint8_t need = BIT(K_TYPE) | BIT(K_ERROR) | BIT(K_ERROR_TYPE);
    if (e == NULL) {
        return;
    }
    if (!p->failed && ambc_json_scan_finish(&p->scan) == AMBC_OK && (p->seen & need) == need) {
        e->from_body = true;
        e->type = ambc_api_error_type_from_text(e->type_text, strlen(e->type_text));
        return;
    }
    /* Not the error shape: what was picked up is not trustworthy; keep status and id. */
    e->from_body = false;
    e->type = AMBC_API_ERROR_NONE;
    e->type_text[0] = '\0';
    e->message[0] = '\0';
    e->type_truncated = false;
    e->message_truncated = false;
}

#else /* !CONFIG_AMBC_API_ERROR_BODY */

/* Kconfig: error bodies are not read. The record keeps the HTTP status and the request-id
 * header (truncated to its buffer and flagged); from_body stays false, type NONE. */
void ambc_api_error_parser_init(ambc_api_error_parser_t *p, ambc_api_error_t *err,
                                uint16_t http_status, const char *request_id,
                                bool request_id_truncated)
{
    size_t n = request_id != NULL ? strlen(request_id) : 0;
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof(*p));
    if (err == NULL) {
        return;
    }
    memset(err, 0, sizeof(*err));
    p->err = err;
    err->http_status = http_status;
    err->request_id_truncated = request_id_truncated || n >= sizeof(err->request_id);
    n = n < sizeof(err->request_id) ? n : sizeof(err->request_id) - 1u;
    memcpy(err->request_id, request_id != NULL ? request_id : "", n);
    err->request_id[n] = '\0';
}

void ambc_api_error_parser_feed(ambc_api_error_parser_t *p, const uint8_t *data, size_t len)
{
    (void)p;
    (void)data;
    (void)len;
}

void ambc_api_error_parser_finish(ambc_api_error_parser_t *p)
{
    (void)p;
}

#endif /* CONFIG_AMBC_API_ERROR_BODY */
