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
 * -140 .. -149  creating a batch: the caller's requests, and what became of an upload
 * -150 .. -159  results: the batch's results_url, a resumed download, the lines
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

/** The status of every call: AMBC_OK, AMBC_END, or a negative error. */
typedef enum {
    /** Success: every call returns it when it did what it was asked. */
    AMBC_OK = 0,
    /** Not an error: a request source has no more requests (create.h).
     *  Returned by: none. */
    AMBC_END = 1,

    /* arguments and buffers */
    /** A NULL pointer, an empty name, a CR/LF in a header value.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_client_close(), ambc_client_init(), ambc_http_date_parse(),
     *      ambc_http_request_write(), ambc_http_response_feed(), ambc_http_response_finish(),
     *      ambc_json_scan_feed(), ambc_json_scan_finish(), ambc_json_unescape(),
     *      ambc_page_parser_feed(), ambc_page_parser_finish(), ambc_params_begin(),
     *      ambc_params_end(), ambc_params_message(), ambc_params_system(), ambc_params_text(),
     *      ambc_request_begin(), ambc_request_custom_id(), ambc_request_end(),
     *      ambc_request_params_json(), ambc_results_parser_feed(), ambc_results_parser_finish(),
     *      ambc_rfc3339_format(), ambc_rfc3339_parse(), ambc_stream_send_all(), ambc_tls_init(). */
    AMBC_ERR_INVALID_ARG = -1,
    /** A caller buffer cannot hold the output; the needed size is reported.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_request_write(), ambc_rfc3339_format(). */
    AMBC_ERR_BUFFER_TOO_SMALL = -2,
    /** The call is not valid in the object's current state.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_STATE = -3,
    /** A caller callback asked to stop.
     *  Returned by: none. */
    AMBC_ERR_ABORTED = -4,
    /** The client is inside a call already (used from its own callback).
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_client_close(). */
    AMBC_ERR_BUSY = -5,

    /* HTTP/1.1: the connection is closed after any of these */
    /** The status line is not `HTTP/1.x NNN reason`.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_STATUS_LINE = -20,
    /** A header line is malformed (no colon, bad name, obs-fold).
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_HEADER = -21,
    /** A status, header, chunk-size or trailer line over the limit.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_LINE_TOO_LONG = -22,
    /** The whole header section over the limit.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_HEADERS_TOO_LARGE = -23,
    /** Content-Length is not a decimal number, or overflows.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_CONTENT_LENGTH = -24,
    /** Two different Content-Lengths, or Content-Length with chunked.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_CONFLICTING_LENGTH = -25,
    /** A transfer- or content-coding other than chunked / identity.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_UNSUPPORTED_CODING = -26,
    /** A chunk-size line that is not hex (plus extensions).
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_CHUNK_SIZE = -27,
    /** A chunk size that does not fit the parser's counter.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_CHUNK_OVERFLOW = -28,
    /** Chunk data not followed by CRLF.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_CHUNK_FRAMING = -29,
    /** Bytes after the end of the declared body.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_EXTRA_DATA = -30,
    /** The stream ended before the response did.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_finish(). */
    AMBC_ERR_HTTP_TRUNCATED = -31,
    /** A header ambc must understand has a value it cannot hold.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_response_feed(). */
    AMBC_ERR_HTTP_HEADER_VALUE = -32,

    /* JSON and records: the connection is closed after any of these */
    /** Not JSON (bad token, trailing comma, missing comma, ...).
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_json_scan_feed(), ambc_json_unescape(),
     *      ambc_page_parser_feed(), ambc_results_parser_feed(). */
    AMBC_ERR_JSON_INVALID = -50,
    /** The body ended inside a JSON value.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_json_scan_finish(), ambc_page_parser_finish(),
     *      ambc_results_parser_feed(), ambc_results_parser_finish(). */
    AMBC_ERR_JSON_UNEXPECTED_END = -51,
    /** Nesting deeper than CONFIG_AMBC_JSON_MAX_DEPTH.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_json_scan_feed(), ambc_page_parser_feed(),
     *      ambc_results_parser_feed(). */
    AMBC_ERR_JSON_DEPTH = -52,
    /** One batch object is larger than the record buffer.
     *  Returned by: none. */
    AMBC_ERR_RECORD_TOO_LARGE = -53,
    /** One batch object has more tokens than configured.
     *  Returned by: none. */
    AMBC_ERR_JSON_TOO_MANY_TOKENS = -54,
    /** A string value longer than its fixed field.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_json_unescape(), ambc_page_parser_feed(),
     *      ambc_results_parser_feed(). */
    AMBC_ERR_STRING_TOO_LONG = -55,
    /** A known key holds a value of the wrong JSON type.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_page_parser_feed(), ambc_results_parser_feed(). */
    AMBC_ERR_JSON_TYPE = -56,
    /** Valid JSON, but not the object the API promises.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_page_parser_feed(), ambc_results_parser_feed(). */
    AMBC_ERR_JSON_SHAPE = -57,
    /** A timestamp that is not a valid RFC 3339 date-time.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_http_date_parse(), ambc_page_parser_feed(), ambc_rfc3339_parse(). */
    AMBC_ERR_TIME_INVALID = -58,
    /** An integer that is not an integer or does not fit.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_page_parser_feed(), ambc_results_parser_feed(). */
    AMBC_ERR_NUMBER_RANGE = -59,
    /** A string ambc keeps as a C string holds U+0000 (`\u0000`).
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_page_parser_feed(), ambc_results_parser_feed(). */
    AMBC_ERR_JSON_NUL = -60,
    /** An object lacks a key the API always sends.
     *  Returned by: ambc_batch_parse(), ambc_batches_cancel(), ambc_batches_create(),
     *      ambc_batches_delete(), ambc_batches_list(), ambc_batches_list_each(),
     *      ambc_batches_list_page(), ambc_batches_results(), ambc_batches_retrieve(),
     *      ambc_batches_wait(), ambc_page_parser_feed(), ambc_page_parser_finish(),
     *      ambc_results_parser_feed(), ambc_results_parser_finish(). */
    AMBC_ERR_JSON_MISSING = -61,

    /* the network port (stream and clock) */
    /** The host name did not resolve.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_NET_RESOLVE = -80,
    /** The TCP connection was refused or failed.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_NET_CONNECT = -81,
    /** Connect, send or recv did not finish in time.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_stream_send_all(). */
    AMBC_ERR_NET_TIMEOUT = -82,
    /** The peer closed the connection.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_NET_CLOSED = -83,
    /** Any other send/recv failure.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_stream_send_all(). */
    AMBC_ERR_NET_IO = -84,
    /** The call's total deadline passed.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_DEADLINE = -85,

    /* TLS */
    /** The TLS library could not be set up (RNG, config).
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_tls_init(). */
    AMBC_ERR_TLS_SETUP = -100,
    /** The CA certificates could not be loaded.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(),
     *      ambc_tls_init(). */
    AMBC_ERR_TLS_CA = -101,
    /** The handshake failed for a reason other than verification.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_HANDSHAKE = -102,
    /** The server certificate is not trusted.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_VERIFY = -103,
    /** The certificate does not name the host.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_HOSTNAME = -104,
    /** The certificate (or one of its chain) has expired: past its notAfter.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_EXPIRED = -105,
    /** A TLS record error after the handshake.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_IO = -106,
    /** The certificate (or one of its chain) is not valid yet: before its notBefore.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_TLS_NOT_YET_VALID = -107,

    /* the API answered with an error, or a walk */
    /** The API answered with an HTTP error status; see ambc_api_error_t.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_API = -120,
    /** The walk's cursors repeat: the pages would never end.
     *  Returned by: ambc_batches_list_each(). */
    AMBC_ERR_API_LOOP = -121,
    /** A retried page no longer holds the last record delivered.
     *  Returned by: ambc_batches_cancel(), ambc_batches_create(), ambc_batches_delete(),
     *      ambc_batches_list(), ambc_batches_list_each(), ambc_batches_list_page(),
     *      ambc_batches_results(), ambc_batches_retrieve(), ambc_batches_wait(). */
    AMBC_ERR_RESUME_LOST = -122,
    /** A walk reached its page cap with has_more still true.
     *  Returned by: ambc_batches_list_each(). */
    AMBC_ERR_WALK_LIMIT = -123,

    /* creating a batch */
    /** A request's custom_id is missing, twice, or not ^[a-zA-Z0-9_-]{1,64}$ (or, in the CLI, not
     *  unique).
     *  Returned by: ambc_batches_create(), ambc_request_custom_id(), ambc_request_end(). */
    AMBC_ERR_CUSTOM_ID = -140,
    /** A request's params are missing, twice, not one JSON object, or the params writer was used
     *  out of order.
     *  Returned by: ambc_batches_create(), ambc_params_begin(), ambc_params_end(),
     *      ambc_params_message(), ambc_params_system(), ambc_params_text(), ambc_request_end(),
     *      ambc_request_params_json(). */
    AMBC_ERR_PARAMS = -141,
    /** Text given to the params writer is not valid UTF-8.
     *  Returned by: ambc_batches_create(), ambc_params_begin(), ambc_params_end(),
     *      ambc_params_message(), ambc_params_system(), ambc_params_text(),
     *      ambc_request_params_json(). */
    AMBC_ERR_TEXT_UTF8 = -142,
    /** A create needs 1 to 100,000 requests.
     *  Returned by: ambc_batches_create(). */
    AMBC_ERR_CREATE_COUNT = -143,
    /** The create body would be over 256 MB.
     *  Returned by: ambc_batches_create(). */
    AMBC_ERR_CREATE_TOO_LARGE = -144,
    /** The request source wrote other bytes the second time: the upload was broken off before its
     *  last byte.
     *  Returned by: ambc_batches_create(). */
    AMBC_ERR_SOURCE_CHANGED = -145,
    /** The connection failed after the whole body was sent and before a whole response: the batch
     *  may exist.
     *  Returned by: ambc_batches_create(). */
    AMBC_ERR_OUTCOME_UNKNOWN = -146,

    /* results */
    /** The batch has no results_url yet (it has not ended): no results request was sent.
     *  Returned by: ambc_batches_results(). */
    AMBC_ERR_RESULTS_NOT_READY = -150,
    /** results_url is not on the client's scheme, host and port: refused before a byte is sent,
     *  so the API key never goes there.
     *  Returned by: ambc_batches_results(). */
    AMBC_ERR_RESULTS_ORIGIN = -151,
    /** results_url is not a URL ambc can request as it is.
     *  Returned by: ambc_batches_results(). */
    AMBC_ERR_RESULTS_URL = -152,
    /** A resumed download's bytes differ from (or end before) those delivered before the cut.
     *  Returned by: ambc_batches_results(). */
    AMBC_ERR_RESULTS_CHANGED = -153,
    /** Bytes after the JSON value on a results line.
     *  Returned by: ambc_batches_results(), ambc_results_parser_feed(). */
    AMBC_ERR_RESULTS_TRAILING = -154,
    /** A text or thinking value is not valid UTF-8.
     *  Returned by: ambc_batches_results(), ambc_results_parser_feed(). */
    AMBC_ERR_RESULTS_UTF8 = -155,
} ambc_status_t;

/**
 * @brief The name and meaning of a status, e.g. "AMBC_ERR_HTTP_TRUNCATED: stream ended inside
 * response".
 * @param status any number.
 * @return A static string; never NULL (unknown numbers give "AMBC_ERR_?: unknown status").
 */
const char *ambc_strerror(ambc_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_STATUS_H */
