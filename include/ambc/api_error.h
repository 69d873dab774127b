/**
 * @file api_error.h
 * @brief The API error record, and the streaming parser of error bodies.
 *
 * An error response keeps its HTTP status and request-id whatever its body is. A body of
 * the API's shape, {"type":"error","error":{"type":"...","message":"..."},"request_id":"..."},
 * adds the error type (an enum plus its raw text) and the message (truncated to a fixed
 * buffer on a UTF-8 boundary, and flagged). A body of any other shape (an HTML 502 from a
 * proxy, a 413 from the edge) is not an error of the parser: `from_body` stays false.
 * Never match on `message`: the API changes its text.
 *
 * Every value is decoded (escapes resolved) before it is kept or compared, and matched by its
 * path: `error.type` and `error.message` only inside the root's `error` object, so another
 * member with `type` or `message` keys (`"meta":{"type":"info"}`) is no decoy. Members the
 * parser does not know pass by unseen, whatever their size. A U+0000 in any kept text is
 * replaced by U+FFFD (the replacement character) rather than cutting the C string short.
 */
#ifndef AMBC_API_ERROR_H
#define AMBC_API_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/config.h"
#include "ambc/json.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** `error.type`. Types the API adds later map to UNKNOWN (their text is in type_text). */
typedef enum {
    AMBC_API_ERROR_NONE = 0,        /**< the body gave no type (not JSON, or not the error shape) */
    AMBC_API_ERROR_INVALID_REQUEST, /**< invalid_request_error (400) */
    AMBC_API_ERROR_AUTHENTICATION,  /**< authentication_error (401) */
    AMBC_API_ERROR_BILLING,         /**< billing_error (402) */
    AMBC_API_ERROR_PERMISSION,      /**< permission_error (403) */
    AMBC_API_ERROR_NOT_FOUND,       /**< not_found_error (404) */
    AMBC_API_ERROR_CONFLICT,        /**< conflict_error (409) */
    AMBC_API_ERROR_REQUEST_TOO_LARGE, /**< request_too_large (413) */
    AMBC_API_ERROR_RATE_LIMIT,        /**< rate_limit_error (429) */
    AMBC_API_ERROR_API,               /**< api_error (500) */
    AMBC_API_ERROR_TIMEOUT,           /**< timeout_error (504) */
    AMBC_API_ERROR_OVERLOADED,        /**< overloaded_error (529) */
    AMBC_API_ERROR_UNKNOWN,           /**< a type this version does not know */
} ambc_api_error_type_t;

/** One API error. Every string is NUL-terminated. */
typedef struct {
    uint16_t http_status;       /**< the response's HTTP status (400, 429, 529, ...) */
    ambc_api_error_type_t type; /**< `error.type`; AMBC_API_ERROR_NONE when the body had none */
    bool from_body;             /**< the body had the API's error shape */
    bool type_truncated;        /**< type_text was cut to fit */
    bool message_truncated;     /**< message was cut to fit (on a UTF-8 boundary) */
    bool request_id_truncated;  /**< request_id was cut to fit */
    char type_text[CONFIG_AMBC_ERROR_TYPE_MAX];  /**< `error.type` as sent, decoded; "" if none */
    char message[CONFIG_AMBC_ERROR_MESSAGE_MAX]; /**< `error.message`, decoded; "" if none */
    char request_id[CONFIG_AMBC_REQUEST_ID_MAX]; /**< the header's; the body's if no header */
} ambc_api_error_t;

/** Error-body parser state. Caller-allocated; fields private. */
typedef struct {
    /** @privatesection */
    ambc_json_scan_t scan;
    ambc_api_error_t *err;
    uint8_t key;         /* which known key's value comes next */
    uint8_t seen;        /* bits of the known keys seen */
    bool id_from_header; /* the response's request-id header was given: it wins */
    bool in_error;       /* inside the root's "error" object */
    bool failed;         /* not the error shape: stop looking */
} ambc_api_error_parser_t;

/**
 * @brief Start on the body of a response with an error status.
 * @param p           caller-owned parser state (NULL: nothing is done).
 * @param err         caller-owned record, reset here; written during feed/finish. NULL
 *                    leaves the parser inert: feed and finish then do nothing.
 * @param http_status the response's status.
 * @param request_id  the response's request-id header, "" or NULL if none; copied.
 * @param request_id_truncated whether the HTTP layer already had to truncate it.
 */
void ambc_api_error_parser_init(ambc_api_error_parser_t *p, ambc_api_error_t *err,
                                uint16_t http_status, const char *request_id,
                                bool request_id_truncated);

/**
 * @brief Feed the next slice of the body. Never fails: a body that is not the error shape
 *        just stops being parsed.
 * @param p    the parser, set up by ambc_api_error_parser_init().
 * @param data len bytes of the body, read during the call only (NULL with len > 0: the
 *             body counts as not an error object).
 * @param len  any length, 0 included.
 */
void ambc_api_error_parser_feed(ambc_api_error_parser_t *p, const uint8_t *data, size_t len);

/**
 * @brief End of body: sets `from_body` when the whole body was the error shape.
 * @param p the parser.
 */
void ambc_api_error_parser_finish(ambc_api_error_parser_t *p);

/**
 * @brief The API's name of an error type.
 * @param type the type.
 * @return "invalid_request_error" etc.; "unknown" / "none" for those two. A static string.
 */
const char *ambc_api_error_type_name(ambc_api_error_type_t type);

/**
 * @brief The enum for an `error.type` text.
 * @param text len bytes, not necessarily NUL-terminated.
 * @param len  its length.
 * @return The type; AMBC_API_ERROR_UNKNOWN for a text this version does not know.
 */
ambc_api_error_type_t ambc_api_error_type_from_text(const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_API_ERROR_H */
