/* Streaming HTTP/1.1 response parser.
 *
 * One byte at a time through the head (status line, headers, chunk-size lines, trailers),
 * whole runs at a time through body data. Nothing is buffered but the values of the few
 * headers ambc interprets, so a 1-byte feed and a 1-MB feed cost the same RAM, and limits
 * are counters rather than buffer sizes. */
#include "ambc/http.h"

#include <stddef.h>
#include <string.h>

enum {
    S_STATUS,      /* status line */
    S_NAME_START,  /* first byte of a header/trailer line, or the empty line */
    S_NAME,        /* inside a field name */
    S_VALUE,       /* inside a field value */
    S_CHUNK_SIZE,  /* chunk-size line, extensions included */
    S_CHUNK_DATA,  /* body run */
    S_CHUNK_CR,    /* the CR after chunk data */
    S_CHUNK_LF,    /* the LF after chunk data */
    S_BODY_LENGTH, /* body run */
    S_BODY_CLOSE,  /* body run */
    S_DONE
};

/* Header names the parser keeps, lowercase; matched byte by byte as the name arrives, one
 * bit of priv.candidates per entry, so no name is ever stored. */
enum {
    H_CONTENT_LENGTH,
    H_TRANSFER_ENCODING,
    H_CONNECTION,
    H_CONTENT_TYPE,
    H_CONTENT_ENCODING,
    H_REQUEST_ID,
    H_RETRY_AFTER,
    H_RETRY_AFTER_MS,
    H_X_SHOULD_RETRY,
    H_DATE,
    H_COUNT,
    H_NONE = 0xFF
};

static const char *const kept_names[H_COUNT] = {
    "content-length", "transfer-encoding", "connection",     "content-type",   "content-encoding",
    "request-id",     "retry-after",       "retry-after-ms", "x-should-retry", "date"};

/* Chunk-size line phases (priv.sub in S_CHUNK_SIZE). */
enum { CS_FIRST, CS_DIGITS, CS_BWS, CS_EXT };

#define ALL_CANDIDATES ((uint16_t)((1u << H_COUNT) - 1u))

/* --- character classes ------------------------------------------------------------------ */

/* Same predicate as in http_request.c; kept static in both so neither file exports it. */
static bool is_tchar(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* CTL per RFC 5234 minus HTAB: never allowed in a value, reason phrase or extension. */
static bool is_bad_ctl(uint8_t c)
{
    return (c < 0x20 && c != '\t') || c == 0x7F;
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(uint8_t c)
{
    if (is_digit(c)) {
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

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Case-insensitive compare of n bytes of a against the lowercase NUL-terminated b. */
static bool ieq_n(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower((uint8_t)a[i]) != (uint8_t)b[i]) {
            return false;
        }
    }
    return true;
}

static const char *skip_ows(const char *s)
{
    while (is_ws((uint8_t)*s)) {
        s++;
    }
    return s;
}

/* --- per-message reset ------------------------------------------------------------------ */

/* ambc_http_response_init() clears the results with one memset up to priv: priv must stay the
 * last member (anything after it would not be cleared), checked here by the compiler. */
AMBC_STATIC_ASSERT(sizeof(ambc_http_response_t) - offsetof(ambc_http_response_t, priv) -
                           sizeof(((ambc_http_response_t *)0)->priv) <
                       sizeof(uint64_t),
                   http_response_priv_is_last);

/* Everything a 1xx interim response may have set is cleared before the next message, so
 * the final response's results never mix with an interim one's. */
static void reset_message(ambc_http_response_t *r)
{
    /* The public results all precede priv: one memset, then the two non-zero "absent"s. */
    memset(r, 0, offsetof(ambc_http_response_t, priv));
    r->retry_after_ms = -1;
    r->should_retry = -1;
    r->priv.state = S_STATUS;
    r->priv.line_len = 0;
    r->priv.cr = false;
    r->priv.te_chunked = false;
    r->priv.conn_close = false;
    r->priv.conn_keep_alive = false;
}

/* --- kept header values ----------------------------------------------------------------- */

/* Where the current header's value goes. request-id, content-type and date are informational,
 * so they truncate (trunc set); the others drive framing or retries and must fit whole. */
static char *value_target(ambc_http_response_t *r, size_t *cap, bool **trunc)
{
    *trunc = NULL;
    *cap = CONFIG_AMBC_HTTP_VALUE_MAX;
    switch (r->priv.header) {
    case H_NONE:
        return NULL;
    case H_REQUEST_ID:
        *cap = CONFIG_AMBC_REQUEST_ID_MAX;
        *trunc = &r->request_id_truncated;
        return r->request_id;
    case H_CONTENT_TYPE:
        *cap = CONFIG_AMBC_CONTENT_TYPE_MAX;
        *trunc = &r->content_type_truncated;
        return r->content_type;
    case H_RETRY_AFTER:
        return r->retry_after;
    case H_DATE:
        *trunc = &r->date_truncated;
        return r->date;
    default:
        return r->priv.value;
    }
}

/* Stores one value byte. Trailing whitespace must not count toward the limit (it is trimmed
 * later), so whitespace past the end is only counted and the limit is checked on the next
 * non-whitespace byte, which is the first one that would really be kept. */
static ambc_status_t value_put(ambc_http_response_t *r, uint8_t c)
{
    size_t cap;
    bool *trunc;
    char *buf = value_target(r, &cap, &trunc);

    if (buf == NULL || (trunc != NULL && *trunc)) {
        return AMBC_OK;
    }
    if (!is_ws(c) && r->priv.vlen >= cap - 1) {
        if (trunc == NULL) {
            return AMBC_ERR_HTTP_HEADER_VALUE;
        }
        *trunc = true;
        return AMBC_OK;
    }
    if (r->priv.vlen < cap - 1) {
        buf[r->priv.vlen] = (char)c;
    }
    r->priv.vlen++;
    if (!is_ws(c)) {
        r->priv.vend = r->priv.vlen;
    }
    return AMBC_OK;
}

/* A repeated field replaces the earlier value (last one wins), flag included. */
static void value_begin(ambc_http_response_t *r)
{
    size_t cap;
    bool *trunc;
    char *buf = value_target(r, &cap, &trunc);

    r->priv.vlen = 0;
    r->priv.vend = 0;
    if (trunc != NULL) {
        *trunc = false;
    }
    if (buf != NULL) {
        buf[0] = '\0';
    }
}

/* NUL-terminates the kept value without its trailing whitespace; returns it (or NULL). */
static const char *value_finish(ambc_http_response_t *r)
{
    size_t cap;
    bool *trunc;
    char *buf = value_target(r, &cap, &trunc);
    size_t n = r->priv.vend;

    if (buf == NULL) {
        return NULL;
    }
    if (trunc != NULL && *trunc) {
        n = cap - 1;
        while (n > 0 && is_ws((uint8_t)buf[n - 1])) {
            n--;
        }
    }
    buf[n] = '\0';
    return buf;
}

/* --- interpreting kept headers ---------------------------------------------------------- */

/* 1#( OWS 1*DIGIT OWS ) with every element equal: RFC 9110 lets a recipient accept a list
 * of identical values, which some proxies produce by merging duplicate fields. */
static ambc_status_t parse_length_list(const char *s, uint64_t *out)
{
    bool have = false;
    uint64_t first = 0;

    for (;;) {
        uint64_t v = 0;
        s = skip_ows(s);
        if (!is_digit((uint8_t)*s)) {
            return AMBC_ERR_HTTP_CONTENT_LENGTH;
        }
        for (; is_digit((uint8_t)*s); s++) {
            unsigned d = (unsigned)(*s - '0');
            /* constants only: the device links no 64-bit division routine */
            if (v > UINT64_MAX / 10u || v * 10u > UINT64_MAX - d) {
                return AMBC_ERR_HTTP_CONTENT_LENGTH;
            }
            v = v * 10u + d;
        }
        if (have && v != first) {
            return AMBC_ERR_HTTP_CONFLICTING_LENGTH;
        }
        first = v;
        have = true;
        s = skip_ows(s);
        if (*s == '\0') {
            *out = first;
            return AMBC_OK;
        }
        if (*s != ',') {
            return AMBC_ERR_HTTP_CONTENT_LENGTH;
        }
        s++;
    }
}

static ambc_status_t apply_content_length(ambc_http_response_t *r, const char *v)
{
    uint64_t n;
    ambc_status_t st = parse_length_list(v, &n);

    if (st != AMBC_OK) {
        return st;
    }
    /* Two framings at once is the classic smuggling setup: refuse rather than pick one. */
    if (r->priv.te_chunked || (r->has_content_length && r->content_length != n)) {
        return AMBC_ERR_HTTP_CONFLICTING_LENGTH;
    }
    r->has_content_length = true;
    r->content_length = n;
    return AMBC_OK;
}

/* Only a single "chunked" is understood; a second TE field would make it "chunked, chunked"
 * or add a coding we cannot undo. */
static ambc_status_t apply_transfer_encoding(ambc_http_response_t *r, const char *v)
{
    if (r->priv.te_chunked || !ieq_n(v, strlen(v), "chunked")) {
        return AMBC_ERR_HTTP_UNSUPPORTED_CODING;
    }
    if (r->has_content_length) {
        return AMBC_ERR_HTTP_CONFLICTING_LENGTH;
    }
    r->priv.te_chunked = true;
    return AMBC_OK;
}

static void apply_connection(ambc_http_response_t *r, const char *v)
{
    while (*v != '\0') {
        const char *end;
        size_t n;
        v = skip_ows(v);
        end = strchr(v, ',');
        n = (end != NULL) ? (size_t)(end - v) : strlen(v);
        while (n > 0 && is_ws((uint8_t)v[n - 1])) {
            n--;
        }
        if (ieq_n(v, n, "close")) {
            r->priv.conn_close = true;
        } else if (ieq_n(v, n, "keep-alive")) {
            r->priv.conn_keep_alive = true;
        }
        v = (end != NULL) ? end + 1 : v + strlen(v);
    }
}

/* 1*DIGIT [ "." 1*DIGIT ], fractions rounded up so a client never retries early. */
static int64_t parse_retry_ms(const char *s)
{
    int64_t v = 0;
    bool frac = false;

    if (!is_digit((uint8_t)*s)) {
        return -1;
    }
    for (; is_digit((uint8_t)*s); s++) {
        int64_t d = *s - '0';
        v = (v > INT64_MAX / 10 || v * 10 > INT64_MAX - d) ? INT64_MAX : v * 10 + d;
    }
    if (*s == '.') {
        s++;
        if (!is_digit((uint8_t)*s)) {
            return -1;
        }
        for (; is_digit((uint8_t)*s); s++) {
            frac = frac || *s != '0';
        }
    }
    if (*s != '\0') {
        return -1;
    }
    return (frac && v < INT64_MAX) ? v + 1 : v;
}

static ambc_status_t apply_header(ambc_http_response_t *r, const char *v)
{
    switch (r->priv.header) {
    case H_CONTENT_LENGTH:
        return apply_content_length(r, v);
    case H_TRANSFER_ENCODING:
        return apply_transfer_encoding(r, v);
    case H_CONNECTION:
        apply_connection(r, v);
        return AMBC_OK;
    case H_CONTENT_ENCODING:
        /* We never send Accept-Encoding, so a coded body is one we cannot read. */
        return (*v == '\0' || ieq_n(v, strlen(v), "identity")) ? AMBC_OK
                                                               : AMBC_ERR_HTTP_UNSUPPORTED_CODING;
    case H_RETRY_AFTER_MS:
        r->retry_after_ms = parse_retry_ms(v);
        return AMBC_OK;
    case H_X_SHOULD_RETRY:
        r->should_retry = (int8_t)(strcmp(v, "true") == 0 ? 1 : strcmp(v, "false") == 0 ? 0 : -1);
        return AMBC_OK;
    default:
        return AMBC_OK;
    }
}

/* --- end of the header section ---------------------------------------------------------- */

static void choose_framing(ambc_http_response_t *r)
{
    if (r->status == 204 || r->status == 304) {
        r->framing = AMBC_HTTP_FRAMING_NONE;
    } else if (r->priv.te_chunked) {
        r->framing = AMBC_HTTP_FRAMING_CHUNKED;
    } else if (r->has_content_length) {
        r->framing = AMBC_HTTP_FRAMING_LENGTH;
    } else {
        r->framing = AMBC_HTTP_FRAMING_CLOSE;
    }
    if (r->framing == AMBC_HTTP_FRAMING_CLOSE || r->priv.conn_close) {
        r->keep_alive = false;
    } else if (r->version_minor == 0) {
        /* RFC 9112 6.1: Transfer-Encoding in a 1.0 message means the connection must go. */
        r->keep_alive = r->priv.conn_keep_alive && !r->priv.te_chunked;
    } else {
        r->keep_alive = true;
    }
}

static void begin_chunk_size(ambc_http_response_t *r)
{
    r->priv.state = S_CHUNK_SIZE;
    r->priv.sub = CS_FIRST;
    r->priv.remaining = 0;
    r->priv.line_len = 0;
}

static ambc_status_t headers_complete(ambc_http_response_t *r)
{
    if (r->status / 100 == 1) {
        /* An interim response (100 Continue, 103 Early Hints) has no body and is not the
         * answer: forget it and parse the next status line. The section budget is kept, so
         * a stream of interim responses cannot run forever. */
        reset_message(r);
        return AMBC_OK;
    }
    choose_framing(r);
    if (r->priv.cb.on_headers != NULL) {
        ambc_status_t st = r->priv.cb.on_headers(r->priv.ctx, r);
        if (st != AMBC_OK) {
            return st;
        }
    }
    switch (r->framing) {
    case AMBC_HTTP_FRAMING_CHUNKED:
        begin_chunk_size(r);
        break;
    case AMBC_HTTP_FRAMING_LENGTH:
        r->priv.remaining = r->content_length;
        r->priv.state = (r->content_length == 0) ? S_DONE : S_BODY_LENGTH;
        break;
    case AMBC_HTTP_FRAMING_CLOSE:
        r->priv.state = S_BODY_CLOSE;
        break;
    case AMBC_HTTP_FRAMING_NONE:
    default:
        r->priv.state = S_DONE;
        break;
    }
    return AMBC_OK;
}

/* --- line content, one byte at a time ---------------------------------------------------- */

/* pos is the byte's index in the line: "HTTP/1.x NNN" then an optional " reason". */
static ambc_status_t status_char(ambc_http_response_t *r, uint8_t c, uint32_t pos)
{
    static const char prefix[] = "HTTP/1.";

    if (pos < sizeof prefix - 1) {
        return (c == (uint8_t)prefix[pos]) ? AMBC_OK : AMBC_ERR_HTTP_STATUS_LINE;
    }
    if (pos == 7 && is_digit(c)) {
        r->version_minor = (uint8_t)(c - '0');
        return AMBC_OK;
    }
    if (pos == 8 || pos == 12) {
        return (c == ' ') ? AMBC_OK : AMBC_ERR_HTTP_STATUS_LINE;
    }
    if (pos >= 9 && pos <= 11 && is_digit(c) && (pos > 9 || c != '0')) {
        r->status = (uint16_t)(r->status * 10u + (unsigned)(c - '0'));
        return AMBC_OK;
    }
    if (pos > 12 && !is_bad_ctl(c)) {
        return AMBC_OK;
    }
    return AMBC_ERR_HTTP_STATUS_LINE;
}

static ambc_status_t name_char(ambc_http_response_t *r, uint8_t c, uint32_t pos)
{
    uint8_t lc = lower(c);
    uint16_t cand = r->priv.candidates;

    if (c == ':' && pos > 0) {
        r->priv.header = H_NONE;
        for (unsigned i = 0; i < H_COUNT; i++) {
            if ((cand & (1u << i)) != 0 && kept_names[i][pos] == '\0') {
                r->priv.header = (uint8_t)i;
            }
        }
        r->priv.state = S_VALUE;
        r->priv.sub = 1; /* still skipping leading whitespace */
        value_begin(r);
        return AMBC_OK;
    }
    /* Covers obs-fold (a line starting with SP/HT), an empty name and SP before ':'. */
    if (!is_tchar(c)) {
        return AMBC_ERR_HTTP_HEADER;
    }
    for (unsigned i = 0; i < H_COUNT; i++) {
        /* A bit stays set only while every earlier byte matched, so kept_names[i][pos] is
         * never read past its NUL. */
        if ((cand & (1u << i)) != 0 && (uint8_t)kept_names[i][pos] != lc) {
            cand = (uint16_t)(cand & ~(1u << i));
        }
    }
    r->priv.candidates = cand;
    r->priv.state = S_NAME;
    return AMBC_OK;
}

static ambc_status_t value_char(ambc_http_response_t *r, uint8_t c)
{
    if (is_bad_ctl(c)) {
        return AMBC_ERR_HTTP_HEADER;
    }
    if (r->priv.sub != 0) {
        if (is_ws(c)) {
            return AMBC_OK;
        }
        r->priv.sub = 0;
    }
    return value_put(r, c);
}

static ambc_status_t chunk_size_char(ambc_http_response_t *r, uint8_t c)
{
    int h = hex_value(c);

    if (h >= 0 && (r->priv.sub == CS_FIRST || r->priv.sub == CS_DIGITS)) {
        if (r->priv.remaining > (UINT64_MAX >> 4)) {
            return AMBC_ERR_HTTP_CHUNK_OVERFLOW;
        }
        r->priv.remaining = (r->priv.remaining << 4) | (uint64_t)h;
        r->priv.sub = CS_DIGITS;
        return AMBC_OK;
    }
    switch (r->priv.sub) {
    case CS_FIRST:
        return AMBC_ERR_HTTP_CHUNK_SIZE;
    case CS_DIGITS:
    case CS_BWS:
        if (is_ws(c)) {
            r->priv.sub = CS_BWS;
            return AMBC_OK;
        }
        if (c == ';') {
            r->priv.sub = CS_EXT;
            return AMBC_OK;
        }
        return AMBC_ERR_HTTP_CHUNK_SIZE;
    default:
        /* Extensions are skipped, not parsed: they carry nothing we use. */
        return is_bad_ctl(c) ? AMBC_ERR_HTTP_CHUNK_SIZE : AMBC_OK;
    }
}

static ambc_status_t line_char(ambc_http_response_t *r, uint8_t c)
{
    uint32_t pos = r->priv.line_len - 1;

    switch (r->priv.state) {
    case S_STATUS:
        return status_char(r, c, pos);
    case S_NAME_START:
        /* Trailers keep nothing, so no name can match there. */
        r->priv.candidates = r->priv.in_trailer ? 0 : ALL_CANDIDATES;
        return name_char(r, c, pos);
    case S_NAME:
        return name_char(r, c, pos);
    case S_VALUE:
        return value_char(r, c);
    default:
        return chunk_size_char(r, c);
    }
}

/* --- line ends ----------------------------------------------------------------------------- */

static ambc_status_t section_end(ambc_http_response_t *r)
{
    if (r->priv.in_trailer) {
        r->priv.state = S_DONE;
        return AMBC_OK;
    }
    return headers_complete(r);
}

static ambc_status_t chunk_size_end(ambc_http_response_t *r)
{
    if (r->priv.sub == CS_FIRST) {
        return AMBC_ERR_HTTP_CHUNK_SIZE;
    }
    if (r->priv.remaining == 0) {
        r->priv.in_trailer = true;
        r->priv.section_len = 0;
        r->priv.state = S_NAME_START;
    } else {
        r->priv.state = S_CHUNK_DATA;
    }
    return AMBC_OK;
}

static ambc_status_t line_end(ambc_http_response_t *r)
{
    const char *v;
    ambc_status_t st;

    switch (r->priv.state) {
    case S_STATUS:
        /* "HTTP/1.x NNN" is 12 bytes; the reason phrase may be absent. */
        /* We never ask to upgrade, so a 101 would switch to a protocol we cannot speak. */
        if (r->priv.line_len < 12 || r->status == 101) {
            return AMBC_ERR_HTTP_STATUS_LINE;
        }
        r->priv.state = S_NAME_START;
        return AMBC_OK;
    case S_NAME_START:
        return section_end(r);
    case S_NAME:
        return AMBC_ERR_HTTP_HEADER; /* no colon */
    case S_VALUE:
        v = value_finish(r);
        st = (v != NULL) ? apply_header(r, v) : AMBC_OK;
        r->priv.state = S_NAME_START;
        return st;
    default:
        return chunk_size_end(r);
    }
}

/* A CR that is not followed by LF: the error names the line it broke. */
static ambc_status_t bare_cr_error(uint8_t state)
{
    switch (state) {
    case S_STATUS:
        return AMBC_ERR_HTTP_STATUS_LINE;
    case S_CHUNK_SIZE:
        return AMBC_ERR_HTTP_CHUNK_SIZE;
    default:
        return AMBC_ERR_HTTP_HEADER;
    }
}

/* One byte of any line. Lines end in CRLF or a bare LF; the terminator does not count
 * toward CONFIG_AMBC_HTTP_LINE_MAX but does count toward the section limit. */
static ambc_status_t line_byte(ambc_http_response_t *r, uint8_t c)
{
    if (r->priv.state != S_CHUNK_SIZE && ++r->priv.section_len > CONFIG_AMBC_HTTP_HEADERS_MAX) {
        return AMBC_ERR_HTTP_HEADERS_TOO_LARGE;
    }
    if (r->priv.cr && c != '\n') {
        return bare_cr_error(r->priv.state);
    }
    if (c == '\n') {
        ambc_status_t st;
        r->priv.cr = false;
        st = line_end(r);
        r->priv.line_len = 0;
        return st;
    }
    if (c == '\r') {
        r->priv.cr = true;
        return AMBC_OK;
    }
    if (++r->priv.line_len > CONFIG_AMBC_HTTP_LINE_MAX) {
        return AMBC_ERR_HTTP_LINE_TOO_LONG;
    }
    return line_char(r, c);
}

static ambc_status_t step_byte(ambc_http_response_t *r, uint8_t c)
{
    switch (r->priv.state) {
    case S_CHUNK_CR:
        if (c != '\r') {
            return AMBC_ERR_HTTP_CHUNK_FRAMING;
        }
        r->priv.state = S_CHUNK_LF;
        return AMBC_OK;
    case S_CHUNK_LF:
        if (c != '\n') {
            return AMBC_ERR_HTTP_CHUNK_FRAMING;
        }
        begin_chunk_size(r);
        return AMBC_OK;
    case S_DONE:
        return AMBC_ERR_HTTP_EXTRA_DATA;
    default:
        return line_byte(r, c);
    }
}

/* --- body runs ------------------------------------------------------------------------------ */

static bool in_body(uint8_t state)
{
    return state == S_CHUNK_DATA || state == S_BODY_LENGTH || state == S_BODY_CLOSE;
}

/* Hands the longest run this framing allows straight from the caller's slice. */
static ambc_status_t body_run(ambc_http_response_t *r, const uint8_t *data, size_t len,
                              size_t *used)
{
    size_t take = len;

    if (r->priv.state != S_BODY_CLOSE && r->priv.remaining < (uint64_t)take) {
        take = (size_t)r->priv.remaining;
    }
    *used = take;
    if (r->priv.state != S_BODY_CLOSE) {
        r->priv.remaining -= take;
        if (r->priv.remaining == 0) {
            r->priv.state = (r->priv.state == S_CHUNK_DATA) ? S_CHUNK_CR : S_DONE;
        }
    }
    r->body_bytes += take;
    if (r->priv.cb.on_body != NULL) {
        return r->priv.cb.on_body(r->priv.ctx, data, take);
    }
    return AMBC_OK;
}

/* --- public API ----------------------------------------------------------------------------- */

void ambc_http_response_init(ambc_http_response_t *resp, const ambc_http_callbacks_t *cb, void *ctx)
{
    if (resp == NULL) {
        return;
    }
    memset(resp, 0, sizeof *resp);
    if (cb != NULL) {
        resp->priv.cb = *cb;
    }
    resp->priv.ctx = ctx;
    resp->priv.error = AMBC_OK;
    reset_message(resp);
}

ambc_status_t ambc_http_response_feed(ambc_http_response_t *resp, const uint8_t *data, size_t len)
{
    ambc_status_t st = AMBC_OK;
    size_t i = 0;

    if (resp == NULL || (data == NULL && len > 0)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (resp->priv.error != AMBC_OK) {
        return resp->priv.error;
    }
    if (len > 0) {
        resp->priv.started = true;
    }
    while (i < len && st == AMBC_OK) {
        if (in_body(resp->priv.state)) {
            size_t used;
            st = body_run(resp, data + i, len - i, &used);
            i += used;
        } else {
            st = step_byte(resp, data[i]);
            i++;
        }
    }
    resp->priv.error = st;
    return st;
}

ambc_status_t ambc_http_response_finish(ambc_http_response_t *resp)
{
    if (resp == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (resp->priv.error != AMBC_OK) {
        return resp->priv.error;
    }
    if (resp->priv.state == S_BODY_CLOSE) {
        resp->priv.state = S_DONE;
    }
    if (resp->priv.state != S_DONE) {
        resp->priv.error = AMBC_ERR_HTTP_TRUNCATED;
    }
    return resp->priv.error;
}

bool ambc_http_response_done(const ambc_http_response_t *resp)
{
    return resp != NULL && resp->priv.error == AMBC_OK && resp->priv.state == S_DONE;
}

bool ambc_http_response_started(const ambc_http_response_t *resp)
{
    return resp != NULL && resp->priv.started;
}
