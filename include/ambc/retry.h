/**
 * @file retry.h
 * @brief The retry policy of the official SDKs, as pure functions.
 *
 * Whether: `x-should-retry: true|false` decides alone when present; otherwise 408, 409, 429
 * and every status >= 500 are retried, and so are connection failures and timeouts (a
 * connection that dropped mid-response included). Certificate failures, protocol errors
 * and every other 4xx are not.
 *
 * How long: `retry-after-ms` (milliseconds, may be fractional), else `retry-after` (seconds,
 * or an HTTP-date measured against the response's own `date` header, since a device may
 * have no wall clock), used when over 0 and at most the cap; otherwise
 * min(initial * 2^n, max) * (1 - U[0, 0.25)) with n the retries already made.
 */
#ifndef AMBC_RETRY_H
#define AMBC_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "ambc/http.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The knobs; ambc_client_options_t fills one from its own fields and Kconfig. */
typedef struct {
    uint32_t initial_ms;         /**< first backoff (CONFIG_AMBC_RETRY_INITIAL_MS) */
    uint32_t max_backoff_ms;     /**< backoff ceiling (CONFIG_AMBC_RETRY_MAX_MS) */
    uint32_t retry_after_cap_ms; /**< longest server-given wait obeyed
                                    (CONFIG_AMBC_RETRY_AFTER_CAP_MS) */
} ambc_retry_policy_t;

/**
 * @brief May this outcome be retried?
 * @param st   the attempt's status (AMBC_ERR_API when the server answered with an error).
 * @param resp the response, when its headers arrived; NULL otherwise.
 * @return true when the SDKs would retry it.
 */
bool ambc_retry_allowed(ambc_status_t st, const ambc_http_response_t *resp);

/**
 * @brief Milliseconds to wait before the next attempt.
 * @param p       the policy (NULL: the wait is 0).
 * @param resp    the failed response's headers, or NULL (no response).
 * @param retries retries already made (0 before the first retry).
 * @param rnd     32 random bits (the port's random source) for the jitter.
 * @return The wait: the server's when it gave a usable one, else the backoff.
 */
uint32_t ambc_retry_wait_ms(const ambc_retry_policy_t *p, const ambc_http_response_t *resp,
                            uint32_t retries, uint32_t rnd);

/**
 * @brief The server-given wait in milliseconds.
 * @param resp   the response's headers, or NULL.
 * @param cap_ms the longest wait obeyed.
 * @return The wait, or -1 when there is none usable (absent, malformed, not over 0, or over
 *         the cap).
 */
int64_t ambc_retry_server_wait_ms(const ambc_http_response_t *resp, uint32_t cap_ms);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_RETRY_H */
