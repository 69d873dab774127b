/* Status names and meanings. Generated once from status.h's comments; keep in step by hand
 * (test_status checks every enumerator has its own text). */
#include "ambc/status.h"

const char *ambc_strerror(ambc_status_t status)
{
    switch (status) {
    case AMBC_OK:
        return "AMBC_OK: success";
    case AMBC_END:
        return "AMBC_END: a request source has no more requests";
    case AMBC_ERR_INVALID_ARG:
        return "AMBC_ERR_INVALID_ARG: a NULL pointer, an empty name, a CR/LF in a header value";
    case AMBC_ERR_BUFFER_TOO_SMALL:
        return "AMBC_ERR_BUFFER_TOO_SMALL: a caller buffer cannot hold the output; the needed size "
               "is reported";
    case AMBC_ERR_STATE:
        return "AMBC_ERR_STATE: the call is not valid in the object's current state";
    case AMBC_ERR_ABORTED:
        return "AMBC_ERR_ABORTED: a caller callback asked to stop";
    case AMBC_ERR_BUSY:
        return "AMBC_ERR_BUSY: the client is inside a call already (used from its own callback)";
    case AMBC_ERR_HTTP_STATUS_LINE:
        return "AMBC_ERR_HTTP_STATUS_LINE: the status line is not `HTTP/1.x NNN reason`";
    case AMBC_ERR_HTTP_HEADER:
        return "AMBC_ERR_HTTP_HEADER: a header line is malformed (no colon, bad name, obs-fold)";
    case AMBC_ERR_HTTP_LINE_TOO_LONG:
        return "AMBC_ERR_HTTP_LINE_TOO_LONG: a status, header, chunk-size or trailer line over the "
               "limit";
    case AMBC_ERR_HTTP_HEADERS_TOO_LARGE:
        return "AMBC_ERR_HTTP_HEADERS_TOO_LARGE: the whole header section over the limit";
    case AMBC_ERR_HTTP_CONTENT_LENGTH:
        return "AMBC_ERR_HTTP_CONTENT_LENGTH: Content-Length is not a decimal number, or overflows";
    case AMBC_ERR_HTTP_CONFLICTING_LENGTH:
        return "AMBC_ERR_HTTP_CONFLICTING_LENGTH: two different Content-Lengths, or Content-Length "
               "with chunked";
    case AMBC_ERR_HTTP_UNSUPPORTED_CODING:
        return "AMBC_ERR_HTTP_UNSUPPORTED_CODING: a transfer- or content-coding other than chunked "
               "/ identity";
    case AMBC_ERR_HTTP_CHUNK_SIZE:
        return "AMBC_ERR_HTTP_CHUNK_SIZE: a chunk-size line that is not hex (plus extensions)";
    case AMBC_ERR_HTTP_CHUNK_OVERFLOW:
        return "AMBC_ERR_HTTP_CHUNK_OVERFLOW: a chunk size that does not fit the parser's counter";
    case AMBC_ERR_HTTP_CHUNK_FRAMING:
        return "AMBC_ERR_HTTP_CHUNK_FRAMING: chunk data not followed by CRLF";
    case AMBC_ERR_HTTP_EXTRA_DATA:
        return "AMBC_ERR_HTTP_EXTRA_DATA: bytes after the end of the declared body";
    case AMBC_ERR_HTTP_TRUNCATED:
        return "AMBC_ERR_HTTP_TRUNCATED: the stream ended before the response did";
    case AMBC_ERR_HTTP_HEADER_VALUE:
        return "AMBC_ERR_HTTP_HEADER_VALUE: a header ambc must understand has a value it cannot "
               "hold";
    case AMBC_ERR_JSON_INVALID:
        return "AMBC_ERR_JSON_INVALID: not JSON (bad token, trailing comma, missing comma, ...)";
    case AMBC_ERR_JSON_UNEXPECTED_END:
        return "AMBC_ERR_JSON_UNEXPECTED_END: the body ended inside a JSON value";
    case AMBC_ERR_JSON_DEPTH:
        return "AMBC_ERR_JSON_DEPTH: nesting deeper than CONFIG_AMBC_JSON_MAX_DEPTH";
    case AMBC_ERR_RECORD_TOO_LARGE:
        return "AMBC_ERR_RECORD_TOO_LARGE: one batch object is larger than the record buffer";
    case AMBC_ERR_JSON_TOO_MANY_TOKENS:
        return "AMBC_ERR_JSON_TOO_MANY_TOKENS: one batch object has more tokens than configured";
    case AMBC_ERR_STRING_TOO_LONG:
        return "AMBC_ERR_STRING_TOO_LONG: a string value longer than its fixed field";
    case AMBC_ERR_JSON_TYPE:
        return "AMBC_ERR_JSON_TYPE: a known key holds a value of the wrong JSON type";
    case AMBC_ERR_JSON_SHAPE:
        return "AMBC_ERR_JSON_SHAPE: valid JSON, but not the object the API promises";
    case AMBC_ERR_TIME_INVALID:
        return "AMBC_ERR_TIME_INVALID: a timestamp that is not a valid RFC 3339 date-time";
    case AMBC_ERR_NUMBER_RANGE:
        return "AMBC_ERR_NUMBER_RANGE: an integer that is not an integer or does not fit";
    case AMBC_ERR_JSON_NUL:
        return "AMBC_ERR_JSON_NUL: a string ambc keeps as a C string holds U+0000 (\\u0000)";
    case AMBC_ERR_JSON_MISSING:
        return "AMBC_ERR_JSON_MISSING: an object lacks a key the API always sends";
    case AMBC_ERR_NET_RESOLVE:
        return "AMBC_ERR_NET_RESOLVE: the host name did not resolve";
    case AMBC_ERR_NET_CONNECT:
        return "AMBC_ERR_NET_CONNECT: the TCP connection was refused or failed";
    case AMBC_ERR_NET_TIMEOUT:
        return "AMBC_ERR_NET_TIMEOUT: connect, send or recv did not finish in time";
    case AMBC_ERR_NET_CLOSED:
        return "AMBC_ERR_NET_CLOSED: the peer closed the connection";
    case AMBC_ERR_NET_IO:
        return "AMBC_ERR_NET_IO: any other send/recv failure";
    case AMBC_ERR_DEADLINE:
        return "AMBC_ERR_DEADLINE: the call's total deadline passed";
    case AMBC_ERR_TLS_SETUP:
        return "AMBC_ERR_TLS_SETUP: the TLS library could not be set up (RNG, config)";
    case AMBC_ERR_TLS_CA:
        return "AMBC_ERR_TLS_CA: the CA certificates could not be loaded";
    case AMBC_ERR_TLS_HANDSHAKE:
        return "AMBC_ERR_TLS_HANDSHAKE: the handshake failed for a reason other than verification";
    case AMBC_ERR_TLS_VERIFY:
        return "AMBC_ERR_TLS_VERIFY: the server certificate is not trusted";
    case AMBC_ERR_TLS_HOSTNAME:
        return "AMBC_ERR_TLS_HOSTNAME: the certificate does not name the host";
    case AMBC_ERR_TLS_EXPIRED:
        return "AMBC_ERR_TLS_EXPIRED: the certificate (or one of its chain) has expired";
    case AMBC_ERR_TLS_IO:
        return "AMBC_ERR_TLS_IO: a TLS record error after the handshake";
    case AMBC_ERR_TLS_NOT_YET_VALID:
        return "AMBC_ERR_TLS_NOT_YET_VALID: the certificate (or one of its chain) is not valid yet";
    case AMBC_ERR_API:
        return "AMBC_ERR_API: the API answered with an HTTP error status; see ambc_api_error_t";
    case AMBC_ERR_API_LOOP:
        return "AMBC_ERR_API_LOOP: the walk's cursors repeat: the pages would never end";
    case AMBC_ERR_RESUME_LOST:
        return "AMBC_ERR_RESUME_LOST: a retried page no longer holds the last record delivered";
    case AMBC_ERR_WALK_LIMIT:
        return "AMBC_ERR_WALK_LIMIT: a walk reached its page cap with has_more still true";
    case AMBC_ERR_CUSTOM_ID:
        return "AMBC_ERR_CUSTOM_ID: a custom_id is missing, twice, or not ^[a-zA-Z0-9_-]{1,64}$";
    case AMBC_ERR_PARAMS:
        return "AMBC_ERR_PARAMS: params missing, twice, not one JSON object, or written out of "
               "order";
    case AMBC_ERR_TEXT_UTF8:
        return "AMBC_ERR_TEXT_UTF8: text for the params writer is not valid UTF-8";
    case AMBC_ERR_CREATE_COUNT:
        return "AMBC_ERR_CREATE_COUNT: a create needs 1 to 100,000 requests";
    case AMBC_ERR_CREATE_TOO_LARGE:
        return "AMBC_ERR_CREATE_TOO_LARGE: the create body would be over 256 MB";
    case AMBC_ERR_SOURCE_CHANGED:
        return "AMBC_ERR_SOURCE_CHANGED: the request source changed between its two passes: "
               "upload broken off";
    case AMBC_ERR_OUTCOME_UNKNOWN:
        return "AMBC_ERR_OUTCOME_UNKNOWN: the connection failed after the whole body was sent: "
               "the batch may exist";
    }
    return "AMBC_ERR_?: unknown status";
}
