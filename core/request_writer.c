/*
 * The request writer (include/ambc/create.h): one request of a create body at a time, passed
 * to a sink as it is written. Everything is checked on the way (custom_id, that raw params are
 * one JSON object, UTF-8 of texts) and nothing is kept but a byte count and a running hash,
 * so the same writer serves the counting pass and the sending pass of ambc_batches_create().
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "ambc/create.h"
#include "json_util.h"
#include "request_writer.h"

#if defined(CONFIG_AMBC_OP_CREATE) /* Kconfig feature switch: off, none of this exists */

/* What the current request has (parts). */
enum {
    P_ID = 1u << 0,
    P_PARAMS = 1u << 1,
    P_DONE = 1u << 2,
    P_RAW = 1u << 3,
    P_OBJECT = 1u << 4,
    P_OPEN = 1u << 5, /* its `{` is written: the source has written something */
};

/* Where the params writer is (params). */
enum { W_NONE, W_HEAD, W_SYSTEM, W_MESSAGE, W_ENDED };

#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME  UINT64_C(1099511628211)

void ambc_request_writer_init(ambc_request_writer_t *w, ambc_body_sink_fn sink, void *ctx)
{
    if (w == NULL) {
        return;
    }
    memset(w, 0, sizeof(*w));
    w->sink = sink;
    w->sink_ctx = ctx;
    w->hash = FNV_OFFSET;
}

/* A writer that may take a call: set up with a sink, and no sticky failure. */
static bool ready(const ambc_request_writer_t *w)
{
    return (w != NULL) && (w->sink != NULL) && (w->err == AMBC_OK);
}

/* Why a writer that is not ready refuses: no writer or no sink, else its sticky failure. */
static ambc_status_t refused(const ambc_request_writer_t *w)
{
    return ((w == NULL) || (w->sink == NULL)) ? AMBC_ERR_INVALID_ARG : w->err;
}

static ambc_status_t fail(ambc_request_writer_t *w, ambc_status_t st)
{
    if (w->err == AMBC_OK) {
        w->err = st;
    }
    return w->err;
}

ambc_status_t request_writer_put(ambc_request_writer_t *w, const char *data, size_t len)
{
    size_t i;
    ambc_status_t st;
    if (w->err != AMBC_OK || len == 0) {
        return w->err;
    }
    for (i = 0; i < len; i++) {
        w->hash = (w->hash ^ (unsigned char)data[i]) * FNV_PRIME;
    }
    w->bytes += len;
    st = w->sink(w->sink_ctx, data, len);
    return st == AMBC_OK ? AMBC_OK : fail(w, st);
}

static ambc_status_t put_str(ambc_request_writer_t *w, const char *s)
{
    return request_writer_put(w, s, strlen(s));
}

/* A member's separator and name: `,"name":`, the comma unless it is the object's first. The
 * request's own `{` (after a comma, but for the first request) is written with its first
 * member, so a source that has no request i has written nothing. */
static ambc_status_t member(ambc_request_writer_t *w, bool first, const char *name)
{
    ambc_status_t st = AMBC_OK;
    if (!(w->parts & P_OPEN)) {
        w->parts = (uint8_t)(w->parts | P_OPEN);
        st = put_str(w, w->index == 0 ? "{" : ",{");
    }
    if (st == AMBC_OK && !first) {
        st = request_writer_put(w, ",", 1);
    }
    if (st == AMBC_OK) {
        st = put_str(w, "\"");
    }
    if (st == AMBC_OK) {
        st = put_str(w, name);
    }
    return st == AMBC_OK ? put_str(w, "\":") : st;
}

ambc_status_t ambc_request_begin(ambc_request_writer_t *w, uint32_t index)
{
    if (!ready(w)) {
        return refused(w);
    }
    w->index = index;
    w->parts = 0;
    w->params = W_NONE;
    w->text = 0;
    w->utf8 = 0;
    return AMBC_OK;
}

bool request_writer_touched(const ambc_request_writer_t *w)
{
    return w->parts != 0;
}

/* Raw params end when the scanner says the one value is whole. */
static ambc_status_t finish_raw(ambc_request_writer_t *w)
{
    if (!(w->parts & P_OBJECT) || ambc_json_scan_finish(&w->scan) != AMBC_OK) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    w->parts = (uint8_t)(w->parts | P_DONE);
    return AMBC_OK;
}

ambc_status_t ambc_request_end(ambc_request_writer_t *w)
{
    if (!ready(w)) {
        return refused(w);
    }
    if (!(w->parts & P_ID)) {
        return fail(w, AMBC_ERR_CUSTOM_ID);
    }
    if ((w->parts & P_RAW) && finish_raw(w) != AMBC_OK) {
        return w->err;
    }
    if (!(w->parts & P_DONE)) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    return put_str(w, "}");
}

static bool custom_id_ok(const char *id)
{
    size_t n = 0;
    if (id == NULL) {
        return false;
    }
    for (; id[n] != '\0'; n++) {
        char c = id[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok || n >= AMBC_CUSTOM_ID_MAX) {
            return false;
        }
    }
    return n > 0;
}

ambc_status_t ambc_request_custom_id(ambc_request_writer_t *w, const char *custom_id)
{
    ambc_status_t st;
    if (!ready(w)) {
        return refused(w);
    }
    if (custom_id == NULL) {
        return AMBC_ERR_INVALID_ARG; /* refused for its argument: the writer is unchanged */
    }
    if ((w->parts & P_ID) || !custom_id_ok(custom_id)) {
        return fail(w, AMBC_ERR_CUSTOM_ID);
    }
    if ((w->parts & P_PARAMS) && !(w->parts & P_DONE)) {
        if (!(w->parts & P_RAW) || finish_raw(w) != AMBC_OK) {
            return fail(w, AMBC_ERR_PARAMS); /* in the middle of the params */
        }
    }
    st = member(w, !(w->parts & P_PARAMS), "custom_id");
    if (st == AMBC_OK) {
        st = put_str(w, "\""); /* the characters allowed need no escaping */
    }
    if (st == AMBC_OK) {
        st = put_str(w, custom_id);
    }
    w->parts = (uint8_t)(w->parts | P_ID);
    return st == AMBC_OK ? put_str(w, "\"") : st;
}

/* ---- raw params ---------------------------------------------------------------------------- */

static bool utf8_byte(ambc_request_writer_t *w, unsigned char c);

/* JSON text is UTF-8 (RFC 8259 8.1), and the API refuses a body that is not: every byte of raw
 * params is checked, a character may straddle two parts. */
static bool utf8_ok(ambc_request_writer_t *w, const char *json, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (!utf8_byte(w, (unsigned char)json[i])) {
            return false;
        }
    }
    return true;
}

/* Raw params must open an object: the first byte that is not whitespace is '{'. The scanner
 * (without a callback: validating only, nothing decoded) checks the rest, a second value too. */
static bool opens_object(ambc_request_writer_t *w, const char *json, size_t len)
{
    size_t i;
    for (i = 0; i < len && !(w->parts & P_OBJECT); i++) {
        char c = json[i];
        if (c == '{') {
            w->parts = (uint8_t)(w->parts | P_OBJECT);
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

ambc_status_t ambc_request_params_json(ambc_request_writer_t *w, const char *json, size_t len)
{
    if (!ready(w)) {
        return refused(w);
    }
    if ((json == NULL) && (len > 0u)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((w->parts & P_DONE) || ((w->parts & P_PARAMS) && !(w->parts & P_RAW))) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    if (!(w->parts & P_PARAMS)) {
        ambc_json_scan_init(&w->scan, NULL, NULL);
        w->parts = (uint8_t)(w->parts | P_PARAMS | P_RAW);
        if (member(w, !(w->parts & P_ID), "params") != AMBC_OK) {
            return w->err;
        }
    }
    if (!utf8_ok(w, json, len)) {
        return fail(w, AMBC_ERR_TEXT_UTF8);
    }
    if (!opens_object(w, json, len) || ambc_json_scan_feed(&w->scan, json, len) != AMBC_OK) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    return request_writer_put(w, json, len);
}

/* ---- the params writer --------------------------------------------------------------------- */

/* UTF-8, one byte at a time, so a character may straddle two parts (json_util.h). */
static bool utf8_byte(ambc_request_writer_t *w, unsigned char c)
{
    return json_utf8_byte(&w->utf8, &w->lo, &w->hi, c);
}

/* The JSON escape of an ASCII byte that cannot stand in a string as it is, or NULL. */
static const char *escape_of(unsigned char c, char buf[7])
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20) {
            return NULL;
        }
        memcpy(buf, "\\u00", 4);
        buf[4] = hex[c >> 4];
        buf[5] = hex[c & 15u];
        buf[6] = '\0';
        return buf;
    }
}

/* Text of an open string: checked as UTF-8, escaped where JSON needs it, passed on in runs. */
static ambc_status_t put_text(ambc_request_writer_t *w, const char *text, size_t len)
{
    size_t i, from = 0;
    ambc_status_t st = AMBC_OK;
    if (text == NULL && len > 0) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    for (i = 0; i < len && st == AMBC_OK; i++) {
        unsigned char c = (unsigned char)text[i];
        char buf[7];
        const char *esc;
        if (!utf8_byte(w, c)) {
            return fail(w, AMBC_ERR_TEXT_UTF8);
        }
        esc = c < 0x80 ? escape_of(c, buf) : NULL;
        if (esc != NULL) {
            st = request_writer_put(w, text + from, i - from);
            if (st == AMBC_OK) {
                st = put_str(w, esc);
            }
            from = i + 1;
        }
    }
    return st == AMBC_OK ? request_writer_put(w, text + from, len - from) : st;
}

static ambc_status_t open_text(ambc_request_writer_t *w, const char *text, size_t len)
{
    ambc_status_t st = put_str(w, "\"");
    w->text = 1;
    w->utf8 = 0;
    return st == AMBC_OK ? put_text(w, text, len) : st;
}

/* The open string ends: on a whole character. */
static ambc_status_t close_text(ambc_request_writer_t *w)
{
    if (!w->text) {
        return w->err;
    }
    if (w->utf8 != 0) {
        return fail(w, AMBC_ERR_TEXT_UTF8); /* a character cut off at the end */
    }
    w->text = 0;
    return put_str(w, "\"");
}

ambc_status_t ambc_params_begin(ambc_request_writer_t *w, const char *model, uint32_t max_tokens)
{
    char digits[11]; /* a uint32_t in decimal, and its NUL */
    size_t n = sizeof(digits);
    ambc_status_t st;
    if (!ready(w)) {
        return refused(w);
    }
    if (model == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((w->parts & P_PARAMS) || model[0] == '\0' || max_tokens == 0) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    w->parts = (uint8_t)(w->parts | P_PARAMS);
    w->params = W_HEAD;
    st = member(w, !(w->parts & P_ID), "params");
    if (st == AMBC_OK) {
        st = put_str(w, "{\"model\":");
    }
    if (st == AMBC_OK) {
        st = open_text(w, model, strlen(model));
    }
    if (st == AMBC_OK) {
        st = close_text(w);
    }
    do {
        digits[--n] = (char)('0' + max_tokens % 10u);
        max_tokens /= 10u;
    } while (max_tokens > 0);
    if (st == AMBC_OK) {
        st = put_str(w, ",\"max_tokens\":");
    }
    return st == AMBC_OK ? request_writer_put(w, digits + n, sizeof(digits) - n) : st;
}

ambc_status_t ambc_params_system(ambc_request_writer_t *w, const char *text, size_t len)
{
    ambc_status_t st;
    if (!ready(w)) {
        return refused(w);
    }
    if ((text == NULL) && (len > 0u)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (w->params != W_HEAD) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    w->params = W_SYSTEM;
    st = put_str(w, ",\"system\":");
    return st == AMBC_OK ? open_text(w, text, len) : st;
}

ambc_status_t ambc_params_message(ambc_request_writer_t *w, ambc_role_t role, const char *text,
                                  size_t len)
{
    bool first;
    ambc_status_t st;
    if (!ready(w)) {
        return refused(w);
    }
    if (((role != AMBC_ROLE_USER) && (role != AMBC_ROLE_ASSISTANT)) ||
        ((text == NULL) && (len > 0u))) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((w->params < W_HEAD) || (w->params > W_MESSAGE)) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    first = w->params != W_MESSAGE;
    st = close_text(w);
    if (st == AMBC_OK) {
        st = put_str(w, first ? ",\"messages\":[{\"role\":\"" : "},{\"role\":\"");
    }
    if (st == AMBC_OK) {
        st =
            put_str(w, role == AMBC_ROLE_USER ? "user\",\"content\":" : "assistant\",\"content\":");
    }
    w->params = W_MESSAGE;
    return st == AMBC_OK ? open_text(w, text, len) : st;
}

ambc_status_t ambc_params_text(ambc_request_writer_t *w, const char *text, size_t len)
{
    if (!ready(w)) {
        return refused(w);
    }
    if ((text == NULL) && (len > 0u)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (!w->text || (w->params != W_SYSTEM && w->params != W_MESSAGE)) {
        return fail(w, AMBC_ERR_PARAMS);
    }
    return put_text(w, text, len);
}

ambc_status_t ambc_params_end(ambc_request_writer_t *w)
{
    ambc_status_t st;
    if (!ready(w)) {
        return refused(w);
    }
    if (w->params != W_MESSAGE) {
        return fail(w, AMBC_ERR_PARAMS); /* not begun, or no message */
    }
    st = close_text(w);
    w->params = W_ENDED;
    w->parts = (uint8_t)(w->parts | P_DONE);
    return st == AMBC_OK ? put_str(w, "}]}") : st;
}

#endif /* CONFIG_AMBC_OP_CREATE */
