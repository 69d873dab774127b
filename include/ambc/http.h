/**
 * @file http.h
 * @brief HTTP/1.1 for ambc: a request writer and a streaming response parser.
 *
 * Both halves work on caller memory only and never allocate.
 *
 * The writer turns an ambc_http_request_t into the request head (request line, Host, the
 * caller's headers, Content-Length, the empty line). It measures first and writes only
 * when everything fits, so a failed call leaves the caller's buffer untouched.
 *
 * The parser is a response-only state machine fed with whatever slices the network
 * returns (1 byte or 1 MB, split anywhere). It never buffers a line: it keeps only the
 * few header values it interprets, so its RAM is sizeof(ambc_http_response_t) whatever
 * the header or body sizes. Body bytes are handed to the caller in place, with chunk
 * framing removed.
 *
 * Example (error handling shortened):
 * @code
 * static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
 * {
 *     return json_feed(ctx, data, len);   // consume now: data is the recv buffer
 * }
 *
 * ambc_http_callbacks_t cb = {NULL, on_body};
 * ambc_http_response_t resp;
 * uint8_t rx[512];
 * ambc_http_response_init(&resp, &cb, &scanner);
 * while (!ambc_http_response_done(&resp)) {
 *     int n = stream_recv(rx, sizeof rx);          // 0: the peer closed
 *     st = n > 0 ? ambc_http_response_feed(&resp, rx, (size_t)n)
 *                : ambc_http_response_finish(&resp);
 *     if (st != AMBC_OK || n == 0) break;
 * }
 * // keep the connection only if st == AMBC_OK && resp.keep_alive
 * @endcode
 */
#ifndef AMBC_HTTP_H
#define AMBC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/config.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Request writer                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** A name/value pair: a query parameter or a header field. */
typedef struct {
    const char *name;  /**< NUL-terminated */
    const char *value; /**< NUL-terminated; for a query pair, NULL means "leave this pair out" */
} ambc_http_field_t;

/**
 * One request head. Every pointer is the caller's and is only read during
 * ambc_http_request_write(); nothing is kept after it returns.
 */
typedef struct {
    /** Request method, e.g. "GET", "POST", "DELETE": a non-empty RFC 9110 token. */
    const char *method;
    /** Host header value, e.g. "api.anthropic.com" or "127.0.0.1:8443": non-empty, visible
     *  ASCII only (0x21..0x7E). */
    const char *host;
    /** Path, starting with '/', already percent-encoded by the caller: visible ASCII only,
     *  and no '?' or '#' (the query is built from `query`). */
    const char *path;
    /** Query parameters, written as `?name=value&...` with both parts percent-encoded here
     *  (RFC 3986 unreserved A-Za-z0-9-._~ kept, every other byte as uppercase %XX, space as
     *  %20). A pair whose value is NULL is skipped; its name must still be non-NULL and
     *  non-empty. May be NULL when query_count is 0. */
    const ambc_http_field_t *query;
    size_t query_count; /**< entries in query */
    /** Extra headers, written in order as `Name: value`. Names must be non-empty tokens and
     *  must not be Host, Content-Length or Transfer-Encoding (the writer owns those framing
     *  headers). Values must not contain CTL bytes (CR, LF, any of 0x00..0x1F, DEL) except
     *  HTAB. May be NULL when header_count is 0. */
    const ambc_http_field_t *headers;
    size_t header_count; /**< entries in headers */
    /** < 0: no body and no Content-Length header. >= 0: `Content-Length: N` is written and
     *  the caller sends exactly N body bytes after the head. */
    int64_t content_length;
} ambc_http_request_t;

/**
 * @brief Write a request head: "METHOD path[?query] HTTP/1.1", Host, the headers, the
 *        optional Content-Length, then the empty line. All lines end in CRLF.
 *
 * The exact size is computed first. If it exceeds buf_size nothing at all is written into
 * buf, so a caller can probe the size with buf = NULL, buf_size = 0. The output is not
 * NUL-terminated.
 *
 * @param req      The request; read during the call only.
 * @param buf      Output buffer, owned by the caller; written only during the call and only
 *                 on AMBC_OK. May be NULL when buf_size is 0.
 * @param buf_size Size of buf in bytes.
 * @param out_len  On AMBC_OK: bytes written. On AMBC_ERR_BUFFER_TOO_SMALL: bytes needed
 *                 (SIZE_MAX if that does not fit a size_t). On AMBC_ERR_INVALID_ARG: 0.
 *
 * @retval AMBC_OK                   the head is in buf[0 .. *out_len).
 * @retval AMBC_ERR_BUFFER_TOO_SMALL buf_size < *out_len; buf is unchanged.
 * @retval AMBC_ERR_INVALID_ARG      a NULL req / out_len / required string, buf NULL with
 *                                   buf_size > 0, a method that is not a token, a bad host
 *                                   or path, a query pair with a NULL or empty name, or a
 *                                   header that could inject (bad name, reserved name, CTL in
 *                                   its value). buf is unchanged.
 */
ambc_status_t ambc_http_request_write(const ambc_http_request_t *req, char *buf, size_t buf_size,
                                      size_t *out_len);

/* ------------------------------------------------------------------------------------------ */
/* Response parser                                                                            */
/* ------------------------------------------------------------------------------------------ */

/** How the body of the final response is delimited. */
typedef enum {
    AMBC_HTTP_FRAMING_NONE,    /**< no body: 204, 304 */
    AMBC_HTTP_FRAMING_LENGTH,  /**< Content-Length bytes */
    AMBC_HTTP_FRAMING_CHUNKED, /**< Transfer-Encoding: chunked */
    AMBC_HTTP_FRAMING_CLOSE    /**< no length given: the body ends when the peer closes */
} ambc_http_framing_t;

typedef struct ambc_http_response ambc_http_response_t;

/** What the parser calls while it runs. Both members may be NULL. */
typedef struct {
    /**
     * Called once, when the header section of the final (non-1xx) response is complete and
     * before any body byte. resp is fully filled in (except body_bytes). Returning anything
     * other than AMBC_OK aborts: the feed call returns that status and keeps returning it.
     */
    ambc_status_t (*on_headers)(void *ctx, const ambc_http_response_t *resp);
    /**
     * Called with each run of de-framed body bytes (chunk framing removed), never with
     * len 0. data points into the buffer passed to ambc_http_response_feed(): it is valid
     * only during this call. Returning anything other than AMBC_OK aborts as above; the run
     * still counts in body_bytes.
     */
    ambc_status_t (*on_body)(void *ctx, const uint8_t *data, size_t len);
} ambc_http_callbacks_t;

/**
 * A response being parsed. Caller-owned (static, stack or inside a client struct); set up
 * by ambc_http_response_init(), no teardown needed. The public fields are results: read
 * them from on_headers on. Do not write any field.
 */
struct ambc_http_response {
    uint16_t status;             /**< 100..999 */
    uint8_t version_minor;       /**< x of HTTP/1.x (0..9; 2 and up are treated as 1.1) */
    ambc_http_framing_t framing; /**< how the body is delimited */
    /** The connection may carry another request after this response: HTTP/1.1 unless
     *  "Connection: close"; HTTP/1.0 only with "Connection: keep-alive" and no
     *  Transfer-Encoding; never for AMBC_HTTP_FRAMING_CLOSE. */
    bool keep_alive;
    bool has_content_length; /**< a Content-Length header was present */
    uint64_t content_length; /**< its value when has_content_length */
    /** "request-id" header, "" when absent. A longer value is kept truncated and flagged. */
    char request_id[CONFIG_AMBC_REQUEST_ID_MAX];
    bool request_id_truncated; /**< request_id was cut to fit */
    /** "content-type" header, "" when absent. A longer value is kept truncated and flagged. */
    char content_type[CONFIG_AMBC_CONTENT_TYPE_MAX];
    bool content_type_truncated; /**< content_type was cut to fit */
    /** "retry-after-ms" in milliseconds (fractions rounded up, saturating at INT64_MAX);
     *  -1 when absent or not a non-negative decimal number. */
    int64_t retry_after_ms;
    /** Raw "retry-after" value (delta-seconds or an HTTP-date), "" when absent; the retry
     *  policy interprets it. A longer value is AMBC_ERR_HTTP_HEADER_VALUE. */
    char retry_after[CONFIG_AMBC_HTTP_VALUE_MAX];
    /** "x-should-retry": 1 for exactly "true", 0 for exactly "false", -1 otherwise. */
    int8_t should_retry;
    /** Raw "date" header (the server's clock, which an HTTP-date retry-after is measured
     *  against: a device may have no wall clock), "" if absent; longer kept truncated. */
    char date[CONFIG_AMBC_HTTP_VALUE_MAX];
    bool date_truncated; /**< date was cut to fit */
    uint64_t body_bytes; /**< de-framed body bytes delivered to on_body so far */

    /** Parser state: private. Callers must not read or write it; it may change in any
     *  release. It stays the last member: every result field above it is cleared in one
     *  memset up to it for each message. */
    struct {
        ambc_http_callbacks_t cb; /* a copy: the caller's struct may be a temporary */
        void *ctx;
        uint64_t remaining;   /* body or chunk bytes still to come; chunk-size accumulator */
        uint32_t line_len;    /* content bytes of the current line */
        uint32_t section_len; /* bytes of the current header or trailer section */
        uint32_t vlen;        /* value bytes seen after leading whitespace */
        uint32_t vend;        /* vlen at the last non-whitespace byte */
        ambc_status_t error;  /* sticky: once set, every call returns it */
        uint16_t candidates;  /* bit set of kept header names still matching */
        uint8_t state;
        uint8_t sub;    /* per-state step: chunk-size phase, value leading-space flag */
        uint8_t header; /* kept header of the current line, or none */
        bool cr;        /* a CR ended the last byte; only LF may follow */
        bool started;
        bool in_trailer;
        bool te_chunked;
        bool conn_close;
        bool conn_keep_alive;
        char value[CONFIG_AMBC_HTTP_VALUE_MAX]; /* an interpreted header value */
    } priv;
};

/**
 * @brief Prepare resp for one response (also to reuse it for the next one on a keep-alive
 *        connection).
 * @param resp Caller-owned; fully overwritten. Must stay valid while it is fed.
 * @param cb   Callbacks, copied into resp (cb itself may be a temporary). NULL: none.
 * @param ctx  Passed to the callbacks unchanged; the pointer is kept, not what it points to.
 */
void ambc_http_response_init(ambc_http_response_t *resp, const ambc_http_callbacks_t *cb,
                             void *ctx);

/**
 * @brief Parse the next bytes of the response, calling on_headers / on_body as it goes.
 *
 * Slices may be of any size, including 0 and 1 byte, split anywhere. 1xx responses other
 * than 101 are skipped (their headers count toward CONFIG_AMBC_HTTP_HEADERS_MAX together
 * with the final response's). After any error the parser stays in that error and every
 * later call returns the same status; close the connection.
 *
 * @param resp Initialised response.
 * @param data Bytes received, owned by the caller; read during the call only (on_body gets
 *             pointers into it). May be NULL when len is 0.
 * @param len  Number of bytes.
 *
 * @retval AMBC_OK all bytes consumed (the response may or may not be done).
 * @retval AMBC_ERR_INVALID_ARG resp NULL, or data NULL with len > 0 (not sticky).
 * @retval AMBC_ERR_HTTP_STATUS_LINE not "HTTP/1.x NNN [reason]", or a 101.
 * @retval AMBC_ERR_HTTP_HEADER malformed header or trailer line: no colon, empty name, a
 *         non-token name byte, whitespace before the colon, obs-fold, a CTL in a value, a CR
 *         not followed by LF.
 * @retval AMBC_ERR_HTTP_LINE_TOO_LONG a line of more than CONFIG_AMBC_HTTP_LINE_MAX bytes,
 *         not counting its CRLF.
 * @retval AMBC_ERR_HTTP_HEADERS_TOO_LARGE the header section (status line to the empty line,
 *         terminators included) or the trailer section over CONFIG_AMBC_HTTP_HEADERS_MAX.
 * @retval AMBC_ERR_HTTP_HEADER_VALUE content-length, transfer-encoding, connection,
 *         content-encoding, retry-after, retry-after-ms or x-should-retry with a value of
 *         CONFIG_AMBC_HTTP_VALUE_MAX bytes or more.
 * @retval AMBC_ERR_HTTP_CONTENT_LENGTH Content-Length not a decimal number (a list of equal
 *         numbers is accepted), or over UINT64_MAX.
 * @retval AMBC_ERR_HTTP_CONFLICTING_LENGTH two different Content-Lengths, or Content-Length
 *         with Transfer-Encoding.
 * @retval AMBC_ERR_HTTP_UNSUPPORTED_CODING Transfer-Encoding other than one "chunked", or
 *         Content-Encoding other than "identity".
 * @retval AMBC_ERR_HTTP_CHUNK_SIZE a chunk-size line that is not hex digits, optional
 *         whitespace and optional ";extensions".
 * @retval AMBC_ERR_HTTP_CHUNK_OVERFLOW a chunk size over UINT64_MAX.
 * @retval AMBC_ERR_HTTP_CHUNK_FRAMING chunk data not followed by exactly CRLF.
 * @retval AMBC_ERR_HTTP_EXTRA_DATA a byte after the end of the response.
 * @return Also any other status a callback returned to abort.
 */
ambc_status_t ambc_http_response_feed(ambc_http_response_t *resp, const uint8_t *data, size_t len);

/**
 * @brief Tell the parser the peer closed the stream.
 * @param resp Initialised response.
 * @retval AMBC_OK the response was complete, or was close-delimited (it is now complete).
 * @retval AMBC_ERR_HTTP_TRUNCATED the stream ended inside the response (sticky). Use
 *         ambc_http_response_started() to tell "nothing at all arrived" apart.
 * @retval AMBC_ERR_INVALID_ARG resp NULL.
 * @return Also the sticky error of an earlier feed.
 */
ambc_status_t ambc_http_response_finish(ambc_http_response_t *resp);

/**
 * @brief Whether the whole response has been consumed without error.
 * @param resp Initialised response, or NULL (false).
 * @return true once the response ended and no error came first.
 */
bool ambc_http_response_done(const ambc_http_response_t *resp);

/**
 * @brief Whether at least one byte has been fed since init. A keep-alive connection the
 *        server closed before any byte arrived is safe to retry; after a byte it is not.
 * @param resp Initialised response, or NULL (false).
 * @return true after the first byte.
 */
bool ambc_http_response_started(const ambc_http_response_t *resp);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_HTTP_H */
