/* Unit tests for core/retry.c: the SDKs' retry decisions and waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/retry.h"

static const ambc_retry_policy_t policy = {500, 8000, 60000};

static ambc_http_response_t resp_with(uint16_t status, const char *retry_after,
                                      int64_t retry_after_ms, int8_t should_retry, const char *date)
{
    ambc_http_response_t r;
    memset(&r, 0, sizeof(r));
    r.status = status;
    r.retry_after_ms = retry_after_ms;
    r.should_retry = should_retry;
    strcpy(r.retry_after, retry_after);
    strcpy(r.date, date);
    r.framing = AMBC_HTTP_FRAMING_LENGTH;
    return r;
}

static void test_which_statuses_retry(void **state)
{
    static const struct {
        uint16_t status;
        bool retry;
    } t[] = {{400, false}, {401, false}, {403, false}, {404, false}, {408, true}, {409, true},
             {413, false}, {429, true},  {500, true},  {502, true},  {503, true}, {529, true}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        ambc_http_response_t r = resp_with(t[i].status, "", -1, -1, "");
        assert_int_equal(ambc_retry_allowed(AMBC_ERR_API, &r), t[i].retry);
        r.should_retry = 1; /* the header decides alone */
        assert_true(ambc_retry_allowed(AMBC_ERR_API, &r));
        r.should_retry = 0;
        assert_false(ambc_retry_allowed(AMBC_ERR_API, &r));
    }
}

static void test_which_failures_retry(void **state)
{
    static const ambc_status_t yes[] = {AMBC_ERR_NET_RESOLVE, AMBC_ERR_NET_CONNECT,
                                        AMBC_ERR_NET_TIMEOUT, AMBC_ERR_NET_CLOSED,
                                        AMBC_ERR_NET_IO,      AMBC_ERR_TLS_HANDSHAKE,
                                        AMBC_ERR_TLS_IO,      AMBC_ERR_HTTP_TRUNCATED};
    static const ambc_status_t no[] = {AMBC_OK,
                                       AMBC_ERR_TLS_VERIFY,
                                       AMBC_ERR_TLS_HOSTNAME,
                                       AMBC_ERR_TLS_EXPIRED,
                                       AMBC_ERR_TLS_NOT_YET_VALID,
                                       AMBC_ERR_TLS_CA,
                                       AMBC_ERR_HTTP_CHUNK_SIZE,
                                       AMBC_ERR_JSON_INVALID,
                                       AMBC_ERR_RECORD_TOO_LARGE,
                                       AMBC_ERR_ABORTED,
                                       AMBC_ERR_DEADLINE,
                                       AMBC_ERR_INVALID_ARG,
                                       AMBC_ERR_HTTP_EXTRA_DATA};
    ambc_http_response_t close_framed = resp_with(200, "", -1, -1, "");
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        assert_true(ambc_retry_allowed(yes[i], NULL));
    }
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        assert_false(ambc_retry_allowed(no[i], NULL));
    }
    /* a close-framed body cut short is a dropped connection, not bad JSON */
    assert_false(ambc_retry_allowed(AMBC_ERR_JSON_UNEXPECTED_END, &close_framed));
    close_framed.framing = AMBC_HTTP_FRAMING_CLOSE;
    assert_true(ambc_retry_allowed(AMBC_ERR_JSON_UNEXPECTED_END, &close_framed));
}

static void test_server_waits(void **state)
{
    ambc_http_response_t r;
    (void)state;
    r = resp_with(429, "3", 251, -1, ""); /* retry-after-ms first */
    assert_int_equal(ambc_retry_wait_ms(&policy, &r, 0, 0), 251);
    r = resp_with(429, "3", -1, -1, "");
    assert_int_equal(ambc_retry_wait_ms(&policy, &r, 5, 0), 3000);
    r = resp_with(429, "1.25", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1250);
    r = resp_with(429, "0.0001", -1, -1, ""); /* sub-millisecond rounds up */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1);
    r = resp_with(429, "1.00011", -1, -1, ""); /* ... once, however many digits (was 1002) */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1001);
    r = resp_with(429, "2.5000", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 2500);
    r = resp_with(429, "1.2345", -1, -1, ""); /* the third fraction digit is the last kept */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1235);
    r = resp_with(429, "0.999", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 999);
    r = resp_with(429, "0.9991", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1000);
    r = resp_with(429, ".5", -1, -1, ""); /* fraction digits alone are a number */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 500);
    r = resp_with(429, "1.", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 1000);
    r = resp_with(429, ".", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    r = resp_with(429, "0.0000", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    r = resp_with(429, "4294967.295", -1, -1, ""); /* the largest cap a uint32_t can give */
    assert_int_equal(ambc_retry_server_wait_ms(&r, UINT32_MAX), INT64_C(4294967295));
    r = resp_with(429, "4294967.2951", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, UINT32_MAX), -1);
    r = resp_with(429, "99999999999999999999999", -1, -1, ""); /* overflow is not a wait */
    assert_int_equal(ambc_retry_server_wait_ms(&r, UINT32_MAX), -1);
    r = resp_with(429, "60", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 60000);
    r = resp_with(429, "61", -1, -1, ""); /* over the cap: backoff instead */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    assert_int_equal(ambc_retry_wait_ms(&policy, &r, 0, 0), 500);
    r = resp_with(429, "0", -1, -1, ""); /* not over 0 */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    r = resp_with(429, "soon", -1, -1, "");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    /* an HTTP-date, measured against the response's own date header */
    r = resp_with(503, "Wed, 21 Oct 2015 07:28:07 GMT", -1, -1, "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), 7000);
    r = resp_with(503, "Wed, 21 Oct 2015 07:28:07 GMT", -1, -1, ""); /* no date: unusable */
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1);
    r = resp_with(503, "Wed, 21 Oct 2015 07:27:07 GMT", -1, -1, "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_int_equal(ambc_retry_server_wait_ms(&r, 60000), -1); /* in the past */
}

static void test_backoff_formula(void **state)
{
    /* min(500 * 2^n, 8000) * (1 - U[0, 0.25)): rnd 0 gives the full base, rnd max just
     * over three quarters of it */
    static const uint32_t base[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    uint32_t n;
    (void)state;
    for (n = 0; n < 7; n++) {
        uint32_t hi = ambc_retry_wait_ms(&policy, NULL, n, 0);
        uint32_t lo = ambc_retry_wait_ms(&policy, NULL, n, UINT32_MAX);
        uint32_t mid = ambc_retry_wait_ms(&policy, NULL, n, 0x80000000u);
        assert_int_equal(hi, base[n]);
        assert_true(lo > base[n] * 3 / 4 && lo <= base[n] * 3 / 4 + 1);
        assert_int_equal(mid, base[n] - base[n] / 8);
    }
    assert_int_equal(ambc_retry_wait_ms(&policy, NULL, 1000, 0), 8000); /* no overflow */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_which_statuses_retry),
        cmocka_unit_test(test_which_failures_retry),
        cmocka_unit_test(test_server_waits),
        cmocka_unit_test(test_backoff_formula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
