/**
 * @file log.h
 * @brief Logging without formatting: the core hands the application an event name, one text
 *        and one number; the application decides how (and whether) to print them.
 *
 * The core never formats text (no printf family in core/), never logs header values, and
 * never passes the API key or the request buffer to the hook. Levels above
 * CONFIG_AMBC_LOG_LEVEL are compiled out.
 *
 * Events: "connect" (host, port), "request" (path, attempt), "response" (request-id,
 * HTTP status), "retry" (status name of the failure, wait in ms), "resume" (the id skipped
 * to, records skipped so far), "error" (status name, status), "close" ("", 0).
 */
#ifndef AMBC_LOG_H
#define AMBC_LOG_H

#include <stdint.h>

#include "ambc/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How much a log event matters; CONFIG_AMBC_LOG_LEVEL keeps this level and those above. */
typedef enum {
    AMBC_LOG_ERROR = 1, /**< a call failed */
    AMBC_LOG_WARN = 2,  /**< a failure that is retried */
    AMBC_LOG_INFO = 3,  /**< connections, responses, resumes */
    AMBC_LOG_DEBUG = 4, /**< every request and close */
} ambc_log_level_t;

/**
 * Log hook. `event` and `text` are static or the client's and valid only during the call;
 * `text` is never NULL.
 */
typedef void (*ambc_log_fn)(void *ctx, ambc_log_level_t level, const char *event, const char *text,
                            int64_t num);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_LOG_H */
