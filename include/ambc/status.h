/**
 * @file status.h
 * @brief The one status type every ambc call returns, and its text.
 *
 * AMBC_OK is 0; every error is negative. Codes are grouped by layer so a
 * firmware log that prints only the number still says where it came from:
 *
 *   -1 ..  -19  arguments and buffers
 *  -20 ..  -49  HTTP/1.1 framing (the connection is closed after any of these)
 *  -50 ..  -79  JSON and record mapping (the connection is closed after any of these)
 *  -80 ..  -99  the network port (stream and clock)
 * -100 .. -119  TLS
 * -120 .. -139  the API answered with an error (details in ambc_api_error_t), or a walk
 * -140 .. -159  creating a batch: the caller's requests, and what became of an upload
 *
 * One status is positive and no error: AMBC_END, which a request source returns to say that
 * there are no more requests (ambc never returns it from a call).
 *
 * The numbers are stable: new codes are added, existing ones never renumbered.
 */
#ifndef AMBC_STATUS_H
#define AMBC_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AMBC_OK = 0,
    AMBC_END = 1, /**< not an error: a request source has no more requests (create.h) */

    /* arguments and buffers */
    AMBC_ERR_INVALID_ARG = -1, /**< a NULL pointer, an empty name, a CR/LF in a header value */
    AMBC_ERR_BUFFER_TOO_SMALL =
        -2,              /**< a caller buffer cannot hold the output; the needed size is reported */
    AMBC_ERR_STATE = -3, /**< the call is not valid in the object's current state */
    AMBC_ERR_ABORTED = -4, /**< a caller callback asked to stop */
    AMBC_ERR_BUSY = -5,    /**< the client is inside a call already (used from its own callback) */

    /* HTTP/1.1 */
    AMBC_ERR_HTTP_STATUS_LINE = -20, /**< the status line is not `HTTP/1.x NNN reason` */
    AMBC_ERR_HTTP_HEADER = -21, /**< a header line is malformed (no colon, bad name, obs-fold) */
    AMBC_ERR_HTTP_LINE_TOO_LONG =
        -22, /**< a status, header, chunk-size or trailer line over the limit */
    AMBC_ERR_HTTP_HEADERS_TOO_LARGE = -23, /**< the whole header section over the limit */
    AMBC_ERR_HTTP_CONTENT_LENGTH = -24, /**< Content-Length is not a decimal number, or overflows */
    AMBC_ERR_HTTP_CONFLICTING_LENGTH =
        -25, /**< two different Content-Lengths, or Content-Length with chunked */
    AMBC_ERR_HTTP_UNSUPPORTED_CODING =
        -26, /**< a transfer- or content-coding other than chunked / identity */
    AMBC_ERR_HTTP_CHUNK_SIZE = -27,     /**< a chunk-size line that is not hex (plus extensions) */
    AMBC_ERR_HTTP_CHUNK_OVERFLOW = -28, /**< a chunk size that does not fit the parser's counter */
    AMBC_ERR_HTTP_CHUNK_FRAMING = -29,  /**< chunk data not followed by CRLF */
    AMBC_ERR_HTTP_EXTRA_DATA = -30,     /**< bytes after the end of the declared body */
    AMBC_ERR_HTTP_TRUNCATED = -31,      /**< the stream ended before the response did */
    AMBC_ERR_HTTP_HEADER_VALUE =
        -32, /**< a header ambc must understand has a value it cannot hold */

    /* JSON and records */
    AMBC_ERR_JSON_INVALID = -50, /**< not JSON (bad token, trailing comma, missing comma, ...) */
    AMBC_ERR_JSON_UNEXPECTED_END = -51,  /**< the body ended inside a JSON value */
    AMBC_ERR_JSON_DEPTH = -52,           /**< nesting deeper than CONFIG_AMBC_JSON_MAX_DEPTH */
    AMBC_ERR_RECORD_TOO_LARGE = -53,     /**< one batch object is larger than the record buffer */
    AMBC_ERR_JSON_TOO_MANY_TOKENS = -54, /**< one batch object has more tokens than configured */
    AMBC_ERR_STRING_TOO_LONG = -55,      /**< a string value longer than its fixed field */
    AMBC_ERR_JSON_TYPE = -56,            /**< a known key holds a value of the wrong JSON type */
    AMBC_ERR_JSON_SHAPE = -57,           /**< valid JSON, but not the object the API promises */
    AMBC_ERR_TIME_INVALID = -58,         /**< a timestamp that is not a valid RFC 3339 date-time */
    AMBC_ERR_NUMBER_RANGE = -59,         /**< an integer that is not an integer or does not fit */
    AMBC_ERR_JSON_NUL = -60,     /**< a string ambc keeps as a C string holds U+0000 (`\u0000`) */
    AMBC_ERR_JSON_MISSING = -61, /**< an object lacks a key the API always sends */

    /* network port */
    AMBC_ERR_NET_RESOLVE = -80, /**< the host name did not resolve */
    AMBC_ERR_NET_CONNECT = -81, /**< the TCP connection was refused or failed */
    AMBC_ERR_NET_TIMEOUT = -82, /**< connect, send or recv did not finish in time */
    AMBC_ERR_NET_CLOSED = -83,  /**< the peer closed the connection */
    AMBC_ERR_NET_IO = -84,      /**< any other send/recv failure */
    AMBC_ERR_DEADLINE = -85,    /**< the call's total deadline passed */

    /* TLS */
    AMBC_ERR_TLS_SETUP = -100,     /**< the TLS library could not be set up (RNG, config) */
    AMBC_ERR_TLS_CA = -101,        /**< the CA certificates could not be loaded */
    AMBC_ERR_TLS_HANDSHAKE = -102, /**< the handshake failed for a reason other than verification */
    AMBC_ERR_TLS_VERIFY = -103,    /**< the server certificate is not trusted */
    AMBC_ERR_TLS_HOSTNAME = -104,  /**< the certificate does not name the host */
    AMBC_ERR_TLS_EXPIRED = -105,   /**< the certificate (or one of its chain) has expired */
    AMBC_ERR_TLS_IO = -106,        /**< a TLS record error after the handshake */
    AMBC_ERR_TLS_NOT_YET_VALID = -107, /**< the certificate (or one of its chain): not valid yet */

    /* API */
    AMBC_ERR_API = -120, /**< the API answered with an HTTP error status; see ambc_api_error_t */
    AMBC_ERR_API_LOOP = -121,    /**< the walk's cursors repeat: the pages would never end */
    AMBC_ERR_RESUME_LOST = -122, /**< a retried page no longer holds the last record delivered */
    AMBC_ERR_WALK_LIMIT = -123,  /**< a walk reached its page cap with has_more still true */

    /* create */
    AMBC_ERR_CUSTOM_ID = -140,    /**< a request's custom_id is missing, twice, or not
                                       ^[a-zA-Z0-9_-]{1,64}$ (or, in the CLI, not unique) */
    AMBC_ERR_PARAMS = -141,       /**< a request's params are missing, twice, not one JSON object,
                                       or the params writer was used out of order */
    AMBC_ERR_TEXT_UTF8 = -142,    /**< text given to the params writer is not valid UTF-8 */
    AMBC_ERR_CREATE_COUNT = -143, /**< a create needs 1 to 100,000 requests */
    AMBC_ERR_CREATE_TOO_LARGE = -144, /**< the create body would be over 256 MB */
    AMBC_ERR_SOURCE_CHANGED = -145,   /**< the request source wrote other bytes the second
                                           time: the upload was broken off before its last byte */
    AMBC_ERR_OUTCOME_UNKNOWN = -146,  /**< the connection failed after the whole body was sent
                                           and before a whole response: the batch may exist */
} ambc_status_t;

/**
 * @brief The name and meaning of a status, e.g. "AMBC_ERR_HTTP_TRUNCATED: stream ended inside
 * response".
 * @return A static string; never NULL (unknown numbers give "AMBC_ERR_?: unknown status").
 */
const char *ambc_strerror(ambc_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_STATUS_H */
