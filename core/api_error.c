/* The API error record and its streaming body parser (see include/ambc/api_error.h). */
#include <string.h>

#include "ambc/api_error.h"

/* The keys of the error shape, with the depth their value sits at. */
enum { K_NONE, K_TYPE, K_ERROR, K_ERROR_TYPE, K_ERROR_MESSAGE, K_REQUEST_ID };
#define BIT(k) (uint8_t)(1u << (k))

static const char *const type_names[] = {
    "none",           "invalid_request_error", "authentication_error",
    "billing_error",  "permission_error",      "not_found_error",
    "conflict_error", "request_too_large",     "rate_limit_error",
    "api_error",      "timeout_error",         "overloaded_error",
    "unknown",
};

const char *ambc_api_error_type_name(ambc_api_error_type_t type)
{
    unsigned i = (unsigned)type;
    return i < sizeof(type_names) / sizeof(type_names[0]) ? type_names[i] : "unknown";
}

ambc_api_error_type_t ambc_api_error_type_from_text(const char *text, size_t len)
{
    unsigned i;
    for (i = AMBC_API_ERROR_INVALID_REQUEST; i < AMBC_API_ERROR_UNKNOWN; i++) {
        if (strlen(type_names[i]) == len && memcmp(type_names[i], text, len) == 0) {
            return (ambc_api_error_type_t)i;
        }
    }
    return AMBC_API_ERROR_UNKNOWN;
}

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

/* Append text to a fixed field; on overflow keep what fits, whole characters only. */
static void append_text(char *dst, size_t size, bool *truncated, const char *text, size_t n)
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

static uint8_t key_at(const ambc_json_event_t *ev)
{
    static const struct {
        const char *name;
        uint8_t depth, key;
    } keys[] = {{"type", 1, K_TYPE},
                {"error", 1, K_ERROR},
                {"request_id", 1, K_REQUEST_ID},
                {"type", 2, K_ERROR_TYPE},
                {"message", 2, K_ERROR_MESSAGE}};
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (keys[i].depth == ev->depth && strlen(keys[i].name) == ev->len &&
            memcmp(keys[i].name, ev->text, ev->len) == 0 && !ev->truncated) {
            return keys[i].key;
        }
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
        return ev->type == AMBC_JSON_OBJ_BEGIN;
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
        p->key = key_at(ev);
        if (p->key != K_NONE && (p->seen & BIT(p->key))) {
            return AMBC_ERR_JSON_SHAPE; /* a key twice */
        }
        if (p->key != K_NONE) {
            p->seen = (uint8_t)(p->seen | BIT(p->key));
        }
        return AMBC_OK;
    }
    if (ev->type == AMBC_JSON_OBJ_END || ev->type == AMBC_JSON_ARR_END || p->key == K_NONE) {
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
    memset(p, 0, sizeof(*p));
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
    ambc_json_scan_set_quiet_depth(&p->scan, 2); /* the shape's values are no deeper */
}

void ambc_api_error_parser_feed(ambc_api_error_parser_t *p, const uint8_t *data, size_t len)
{
    if (!p->failed && ambc_json_scan_feed(&p->scan, (const char *)data, len) != AMBC_OK) {
        p->failed = true;
    }
}

void ambc_api_error_parser_finish(ambc_api_error_parser_t *p)
{
    ambc_api_error_t *e = p->err;
    uint8_t need = BIT(K_TYPE) | BIT(K_ERROR) | BIT(K_ERROR_TYPE);
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
