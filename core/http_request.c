/* HTTP/1.1 request head writer.
 *
 * The same emit routine runs twice: once into a counting sink to get the exact size, then,
 * only if that fits, into the caller's buffer. Validation runs before either, so a rejected
 * or oversized request never leaves half a head in the buffer. */
#include "ambc/http.h"
#include "http_encode.h"

#include <string.h>

/* A NULL buf counts without writing: that is the measuring pass. */
typedef struct {
    char *buf;
    size_t len;
} sink_t;

/* Same predicate as in http_response.c; kept static in both so neither file exports it. */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *s)
{
    if (s == NULL || *s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!is_tchar((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        unsigned char x = (unsigned char)*a;
        if (x >= 'A' && x <= 'Z') {
            x = (unsigned char)(x - 'A' + 'a');
        }
        if (x != (unsigned char)*b) {
            return false;
        }
    }
    return *a == *b;
}

/* Host and path go on the wire verbatim, so anything that could end the line, split the
 * request line or start a query/fragment is refused rather than escaped: the caller owns
 * their encoding. */
static bool is_visible(const char *s, bool path)
{
    if (s == NULL || *s == '\0' || (path && *s != '/')) {
        return false;
    }
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x21 || c > 0x7E || (path && (c == '?' || c == '#'))) {
            return false;
        }
    }
    return true;
}

/* Header injection guard: a value may hold HTAB but no other CTL, so it cannot end its
 * line or smuggle a second header. The framing headers are the writer's alone, because a
 * second Host or Content-Length is exactly how request smuggling starts. */
static bool header_ok(const ambc_http_field_t *h)
{
    static const char *const framing[] = {"host", "content-length", "transfer-encoding"};
    if (!is_token(h->name) || h->value == NULL) {
        return false;
    }
    for (size_t i = 0; i < sizeof framing / sizeof framing[0]; i++) {
        if (ieq(h->name, framing[i])) {
            return false;
        }
    }
    for (const char *v = h->value; *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            return false;
        }
    }
    return true;
}

static bool request_ok(const ambc_http_request_t *r)
{
    if (!is_token(r->method) || !is_visible(r->host, false) || !is_visible(r->path, true)) {
        return false;
    }
    if ((r->query == NULL && r->query_count > 0) || (r->headers == NULL && r->header_count > 0)) {
        return false;
    }
    for (size_t i = 0; i < r->query_count; i++) {
        if (r->query[i].name == NULL || r->query[i].name[0] == '\0') {
            return false;
        }
    }
    for (size_t i = 0; i < r->header_count; i++) {
        if (!header_ok(&r->headers[i])) {
            return false;
        }
    }
    return true;
}

/* Saturates so a pathological measure reports SIZE_MAX instead of wrapping to a small
 * number that would then "fit". */
static void put(sink_t *s, const char *src, size_t n)
{
    if (s->buf != NULL) {
        memcpy(s->buf + s->len, src, n);
    }
    s->len = (SIZE_MAX - s->len < n) ? SIZE_MAX : s->len + n;
}

static void put_str(sink_t *s, const char *str)
{
    put(s, str, strlen(str));
}

static void put_encoded(sink_t *s, const char *str)
{
    for (; *str != '\0'; str++) {
        char esc[3];
        put(s, esc, ambc_http_percent_encode_byte((unsigned char)*str, esc));
    }
}

static void put_u64(sink_t *s, uint64_t v)
{
    char digits[20]; /* UINT64_MAX has 20 decimal digits */
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + (v % 10u));
        v /= 10u;
    } while (v != 0u);
    put(s, digits + n, sizeof digits - n);
}

static void emit(const ambc_http_request_t *r, sink_t *s)
{
    char sep = '?';
    put_str(s, r->method);
    put(s, " ", 1);
    put_str(s, r->path);
    for (size_t i = 0; i < r->query_count; i++) {
        if (r->query[i].value == NULL) {
            continue;
        }
        put(s, &sep, 1);
        put_encoded(s, r->query[i].name);
        put(s, "=", 1);
        put_encoded(s, r->query[i].value);
        sep = '&';
    }
    put_str(s, " HTTP/1.1\r\nHost: ");
    put_str(s, r->host);
    put(s, "\r\n", 2);
    for (size_t i = 0; i < r->header_count; i++) {
        put_str(s, r->headers[i].name);
        put(s, ": ", 2);
        put_str(s, r->headers[i].value);
        put(s, "\r\n", 2);
    }
    if (r->content_length >= 0) {
        put_str(s, "Content-Length: ");
        put_u64(s, (uint64_t)r->content_length);
        put(s, "\r\n", 2);
    }
    put(s, "\r\n", 2);
}

ambc_status_t ambc_http_request_write(const ambc_http_request_t *req, char *buf, size_t buf_size,
                                      size_t *out_len)
{
    sink_t measure = {NULL, 0};
    sink_t out = {buf, 0};

    if (out_len == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    *out_len = 0;
    if (req == NULL || (buf == NULL && buf_size > 0) || !request_ok(req)) {
        return AMBC_ERR_INVALID_ARG;
    }
    emit(req, &measure);
    *out_len = measure.len;
    if (measure.len > buf_size) {
        return AMBC_ERR_BUFFER_TOO_SMALL;
    }
    emit(req, &out);
    return AMBC_OK;
}
