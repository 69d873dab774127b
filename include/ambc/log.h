/**
 * @file log.h
 * @brief Logging without formatting: the core hands the application an event (a name, one
 *        text, one number and a status); the application decides how, and whether, to print it.
 *
 * The core never formats text (no printf family in core/), never logs header values, never
 * passes the API key or the request buffer to the hook, and never turns a status into text:
 * the status travels as a number, so logging links none of ambc_strerror()'s text (the
 * application may call it, or print the number). Levels above CONFIG_AMBC_LOG_LEVEL are
 * compiled out (default 1: errors only).
 *
 * Events (text, num, status):
 * - error level: "error" ("", attempt, the failure), "deadline" ("", wait refused in ms, the
 *   failure a retry would have come after), "outcome unknown" ("", 0, the failure after the
 *   whole create body was sent), "source changed" ("", bytes, AMBC_ERR_SOURCE_CHANGED),
 *   "loop" (cursor, pages, AMBC_ERR_API_LOOP), "walk limit" (cursor, pages,
 *   AMBC_ERR_WALK_LIMIT), "results not ready" (the batch's status, 0,
 *   AMBC_ERR_RESULTS_NOT_READY), "results_url refused" ("", 0, AMBC_ERR_RESULTS_ORIGIN or
 *   _URL), "results changed" ("", body offset, AMBC_ERR_RESULTS_CHANGED or the parser's error
 *   on the bytes read again);
 * - warn: "retry" ("", wait in ms, the failure retried);
 * - info: "connect" (host, port, OK), "response" (request-id, HTTP status, OK), "resume" (the
 *   id skipped to, records skipped so far, OK), "stale" ("bytes waiting" or "", bytes, what the
 *   idle check read), "create" ("", requests, OK), "results" (the results path, 0, OK),
 *   "results resume" ("", body bytes delivered before the cut, OK);
 * - debug: "request" (path, attempt, OK), "wait" (batch id, sleep in ms, OK), "close" ("", 0,
 *   OK).
 */
#ifndef AMBC_LOG_H
#define AMBC_LOG_H

#include <stdint.h>

#include "ambc/config.h"
#include "ambc/status.h"

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

/** One log event. Valid only during the hook's call. */
typedef struct {
    ambc_log_level_t level; /**< how much it matters */
    const char *event;      /**< static text naming what happened (the list above) */
    const char *text;       /**< static or the client's; never NULL, "" when there is none */
    int64_t num;            /**< the event's number (see the list above) */
    ambc_status_t status;   /**< the status the event is about; AMBC_OK for progress events */
} ambc_log_event_t;

/** Log hook (ambc_client_options_t.log); ctx is ambc_client_options_t.log_ctx. */
typedef void (*ambc_log_fn)(void *ctx, const ambc_log_event_t *ev);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_LOG_H */
