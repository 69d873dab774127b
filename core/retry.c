/* The SDKs' retry policy (see include/ambc/retry.h). */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "ambc/retry.h"
#include "ambc/time.h"

static bool status_retryable(uint16_t status)
{
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

/* Failures of the connection itself: worth another attempt, on a new connection. */
static bool transport_failure(ambc_status_t st)
{
    switch (st) {
    case AMBC_ERR_NET_RESOLVE:
    case AMBC_ERR_NET_CONNECT:
    case AMBC_ERR_NET_TIMEOUT:
    case AMBC_ERR_NET_CLOSED:
    case AMBC_ERR_NET_IO:
    case AMBC_ERR_TLS_HANDSHAKE: /* the peer went away mid-handshake; not a verify failure */
    case AMBC_ERR_TLS_IO:
    case AMBC_ERR_HTTP_TRUNCATED: /* the connection dropped inside the response */
        return true;
    default:
        return false;
    }
}

bool ambc_retry_allowed(ambc_status_t st, const ambc_http_response_t *resp)
{
    if (st == AMBC_OK) {
        return false;
    }
    if (st == AMBC_ERR_API && resp != NULL) {
        if (resp->should_retry >= 0) {
            return resp->should_retry == 1;
        }
        return status_retryable(resp->status);
    }
    /* A close-framed body cut short looks complete to HTTP; JSON notices. */
    if (st == AMBC_ERR_JSON_UNEXPECTED_END && resp != NULL &&
        resp->framing == AMBC_HTTP_FRAMING_CLOSE) {
        return true;
    }
    return transport_failure(st);
}

/* Seconds, possibly with a fraction ("1.5"), as milliseconds rounded up; -1 if malformed. */
static int64_t parse_seconds_ms(const char *s)
{
    int64_t ms = 0;
    uint32_t scale = 1000; /* what the next fraction digit counts, in ms: 32 bits, no libcall */
    bool any = false, below_ms = false;
    for (; *s >= '0' && *s <= '9'; s++, any = true) {
        if (ms > INT64_MAX / 100) {
            return INT64_MAX;
        }
        ms = ms * 10 + (*s - '0') * 1000;
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, any = true) {
            scale /= 10;
            if (scale > 0) {
                ms += (uint32_t)(*s - '0') * scale;
            } else {
                below_ms = below_ms || *s != '0';
            }
        }
    }
    /* anything below a millisecond rounds up, once */
    return (any && *s == '\0') ? ms + (below_ms ? 1 : 0) : -1;
}

#if defined(CONFIG_AMBC_RETRY_AFTER_HTTP_DATE)
/* An HTTP-date retry-after, relative to the response's own date header. */
static int64_t date_wait_ms(const ambc_http_response_t *resp)
{
    int64_t until, now;
    if (resp->date[0] == '\0' || resp->date_truncated ||
        ambc_http_date_parse(resp->retry_after, strlen(resp->retry_after), &until) != AMBC_OK ||
        ambc_http_date_parse(resp->date, strlen(resp->date), &now) != AMBC_OK) {
        return -1;
    }
    return (until - now) * 1000;
}
#else
/* Kconfig: HTTP dates are not understood; the backoff is used, as for any unreadable value. */
static int64_t date_wait_ms(const ambc_http_response_t *resp)
{
    (void)resp;
    return -1;
}
#endif

int64_t ambc_retry_server_wait_ms(const ambc_http_response_t *resp, uint32_t cap_ms)
{
    int64_t ms = -1;
    if (resp == NULL) {
        return -1;
    }
    if (resp->retry_after_ms >= 0) {
        ms = resp->retry_after_ms;
    } else if (resp->retry_after[0] != '\0') {
        ms = parse_seconds_ms(resp->retry_after);
        if (ms < 0) {
            ms = date_wait_ms(resp);
        }
    }
    return (ms > 0 && ms <= (int64_t)cap_ms) ? ms : -1;
}

uint32_t ambc_retry_wait_ms(const ambc_retry_policy_t *p, const ambc_http_response_t *resp,
                            uint32_t retries, uint32_t rnd)
{
    int64_t server;
    uint64_t base;
    if (p == NULL) {
        return 0; /* no policy: no wait */
    }
    server = ambc_retry_server_wait_ms(resp, p->retry_after_cap_ms);
    base = p->initial_ms;
    if (server > 0) {
        return (uint32_t)server;
    }
    while (retries-- > 0 && base < p->max_backoff_ms) {
        base *= 2;
    }
    if (base > p->max_backoff_ms) {
        base = p->max_backoff_ms;
    }
    /* base * (1 - U[0, 0.25)), U = rnd / 2^32 */
    return (uint32_t)(base - ((base * (uint64_t)rnd) >> 34));
}
