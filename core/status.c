/* Status names and meanings (see ambc_strerror in include/ambc/status.h). One line per status
 * in STATUS_LIST_1 or _2; test_status checks that every enumerator of status.h has its own. The
 * core never calls ambc_strerror(): log events carry the status as a number, so only what the
 * application prints pays for this text, and Kconfig chooses how much of it there is
 * (CONFIG_AMBC_STRERROR_FULL "NAME: meaning", _NAMES "NAME", _NONE no ambc_strerror() at all).
 *
 * Each list's texts are one NUL-separated string and its codes one byte array in the same
 * order: no table of pointers, no switch (a sparse switch over codes -199..1 compiles to a
 * table of 201 pointers). */
#include "ambc/config.h" /* the feature switches below depend on it */
#include "ambc/status.h"

#include <stdint.h>
#include <stddef.h>

#if !defined(CONFIG_AMBC_STRERROR_NONE)

/* clang-format off */
#define STATUS_LIST_1(X) \
    X(AMBC_OK, "success") \
    X(AMBC_END, "a request source has no more requests") \
    X(AMBC_ERR_INVALID_ARG, "a NULL pointer, an empty name, a CR/LF in a header value") \
    X(AMBC_ERR_BUFFER_TOO_SMALL, \
      "a caller buffer cannot hold the output; the needed size is reported") \
    X(AMBC_ERR_STATE, "the call is not valid in the object's current state") \
    X(AMBC_ERR_ABORTED, "a caller callback asked to stop") \
    X(AMBC_ERR_BUSY, "the client is inside a call already (used from its own callback)") \
    X(AMBC_ERR_HTTP_STATUS_LINE, "the status line is not `HTTP/1.x NNN reason`") \
    X(AMBC_ERR_HTTP_HEADER, "a header line is malformed (no colon, bad name, obs-fold)") \
    X(AMBC_ERR_HTTP_LINE_TOO_LONG, "a status, header, chunk-size or trailer line over the limit") \
    X(AMBC_ERR_HTTP_HEADERS_TOO_LARGE, "the whole header section over the limit") \
    X(AMBC_ERR_HTTP_CONTENT_LENGTH, "Content-Length is not a decimal number, or overflows") \
    X(AMBC_ERR_HTTP_CONFLICTING_LENGTH, \
      "two different Content-Lengths, or Content-Length with chunked") \
    X(AMBC_ERR_HTTP_UNSUPPORTED_CODING, \
      "a transfer- or content-coding other than chunked / identity") \
    X(AMBC_ERR_HTTP_CHUNK_SIZE, "a chunk-size line that is not hex (plus extensions)") \
    X(AMBC_ERR_HTTP_CHUNK_OVERFLOW, "a chunk size that does not fit the parser's counter") \
    X(AMBC_ERR_HTTP_CHUNK_FRAMING, "chunk data not followed by CRLF") \
    X(AMBC_ERR_HTTP_EXTRA_DATA, "bytes after the end of the declared body") \
    X(AMBC_ERR_HTTP_TRUNCATED, "the stream ended before the response did") \
    X(AMBC_ERR_HTTP_HEADER_VALUE, "a header ambc must understand has a value it cannot hold") \
    X(AMBC_ERR_JSON_INVALID, "not JSON (bad token, trailing comma, missing comma, ...)") \
    X(AMBC_ERR_JSON_UNEXPECTED_END, "the body ended inside a JSON value") \
    X(AMBC_ERR_JSON_DEPTH, "nesting deeper than CONFIG_AMBC_JSON_MAX_DEPTH") \
    X(AMBC_ERR_RECORD_TOO_LARGE, "one batch object is larger than the record buffer") \
    X(AMBC_ERR_JSON_TOO_MANY_TOKENS, "one batch object has more tokens than configured") \
    X(AMBC_ERR_STRING_TOO_LONG, "a string value longer than its fixed field") \
    X(AMBC_ERR_JSON_TYPE, "a known key holds a value of the wrong JSON type") \
    X(AMBC_ERR_JSON_SHAPE, "valid JSON, but not the object the API promises") \
    X(AMBC_ERR_TIME_INVALID, "a timestamp that is not a valid RFC 3339 date-time") \
    X(AMBC_ERR_NUMBER_RANGE, "an integer that is not an integer or does not fit") \
    X(AMBC_ERR_JSON_NUL, "a string ambc keeps as a C string holds U+0000 (\\u0000)") \
    X(AMBC_ERR_JSON_MISSING, "an object lacks a key the API always sends") \
    X(AMBC_ERR_NET_RESOLVE, "the host name did not resolve") \
    X(AMBC_ERR_NET_CONNECT, "the TCP connection was refused or failed") \
    X(AMBC_ERR_NET_TIMEOUT, "connect, send or recv did not finish in time") \
    X(AMBC_ERR_NET_CLOSED, "the peer closed the connection") \
    X(AMBC_ERR_NET_IO, "any other send/recv failure") \
    X(AMBC_ERR_DEADLINE, "the call's total deadline passed") \
    X(AMBC_ERR_TLS_SETUP, "the TLS library could not be set up (RNG, config)") \
    X(AMBC_ERR_TLS_CA, "the CA certificates could not be loaded") \
    X(AMBC_ERR_TLS_HANDSHAKE, "the handshake failed for a reason other than verification") \
    X(AMBC_ERR_TLS_VERIFY, "the server certificate is not trusted") \
    X(AMBC_ERR_TLS_HOSTNAME, "the certificate does not name the host") \
    X(AMBC_ERR_TLS_EXPIRED, "the certificate (or one of its chain) has expired") \
    X(AMBC_ERR_TLS_IO, "a TLS record error after the handshake") \
    X(AMBC_ERR_TLS_NOT_YET_VALID, "the certificate (or one of its chain) is not valid yet")
/* Two lists: the full texts are two strings, as C99 promises string literals of 4095 bytes
 * only. */
#define STATUS_LIST_2(X) \
    X(AMBC_ERR_API, "the API answered with an HTTP error status; see ambc_api_error_t") \
    X(AMBC_ERR_API_LOOP, "the walk's cursors repeat: the pages would never end") \
    X(AMBC_ERR_RESUME_LOST, "a retried page no longer holds the last record delivered") \
    X(AMBC_ERR_WALK_LIMIT, "a walk reached its page cap with has_more still true") \
    X(AMBC_ERR_CUSTOM_ID, "a custom_id is missing, twice, or not ^[a-zA-Z0-9_-]{1,64}$") \
    X(AMBC_ERR_PARAMS, "params missing, twice, not one JSON object, or written out of order") \
    X(AMBC_ERR_TEXT_UTF8, "text for the params writer is not valid UTF-8") \
    X(AMBC_ERR_CREATE_COUNT, "a create needs 1 to 100,000 requests") \
    X(AMBC_ERR_CREATE_TOO_LARGE, "the create body would be over 256 MB") \
    X(AMBC_ERR_SOURCE_CHANGED, \
      "the request source changed between its two passes: upload broken off") \
    X(AMBC_ERR_OUTCOME_UNKNOWN, \
      "the connection failed after the whole body was sent: the batch may exist") \
    RESULTS_STATUSES(X)
/* Only a core with results can return these: a build without pays nothing for their text. */
#if defined(CONFIG_AMBC_OP_RESULTS)
#define RESULTS_STATUSES(X) \
    X(AMBC_ERR_RESULTS_NOT_READY, "the batch has no results_url yet (not ended)") \
    X(AMBC_ERR_RESULTS_ORIGIN, "results_url is not on the client's origin: key not sent") \
    X(AMBC_ERR_RESULTS_URL, "results_url is not a URL ambc can request as it is") \
    X(AMBC_ERR_RESULTS_CHANGED, "the resumed download differs from the bytes delivered") \
    X(AMBC_ERR_RESULTS_TRAILING, "bytes after the JSON value on a results line") \
    X(AMBC_ERR_RESULTS_UTF8, "a text or thinking value is not valid UTF-8")
#else
#define RESULTS_STATUSES(X)
#endif
/* clang-format on */

/* A code is kept as 1 - code, in one byte: the statuses run from -199 to 1 (status.h), so it
 * is 0..200. */
#define CODE(name, meaning) (uint8_t)(1u - (unsigned)(name)),

#if defined(CONFIG_AMBC_STRERROR_FULL)
#define TEXT(name, meaning) #name ": " meaning "\0"
#define UNKNOWN             "AMBC_ERR_?: unknown status"
#define FIRST(LIST)         STATUS_LIST_1(LIST) /* the texts take two strings */
#else
#define TEXT(name, meaning) #name "\0"
#define UNKNOWN             "AMBC_ERR_?"
#define FIRST(LIST)         STATUS_LIST_1(LIST) STATUS_LIST_2(LIST) /* the names fit one */
#endif

/* The text of the code kept as key in one list, or NULL. No text is empty: the string's own
 * final NUL ends the list. */
static const char *find(const uint8_t *codes, const char *texts, int key)
{
    const char *t = texts;
    size_t i = 0;
    while (*t != '\0') {
        if ((int)codes[i] == key) {
            return t;
        }
        i++;
        while (*t != '\0') {
            t++;
        }
        t++;
    }
    return NULL;
}

const char *ambc_strerror(ambc_status_t status)
{
    static const uint8_t codes1[] = {FIRST(CODE)};
    static const char texts1[] = FIRST(TEXT);
    const int key = 1 - (int)status; /* as the codes are kept; outside 0..200 matches none */
    const char *t = find(codes1, texts1, key);
#if defined(CONFIG_AMBC_STRERROR_FULL)
    if (t == NULL) {
        static const uint8_t codes2[] = {STATUS_LIST_2(CODE)};
        static const char texts2[] = STATUS_LIST_2(TEXT);
        t = find(codes2, texts2, key);
    }
#endif
    return (t != NULL) ? t : UNKNOWN;
}

#endif /* !CONFIG_AMBC_STRERROR_NONE */
