/* The `minimal-list` profile (configs/minimal-list.defconfig) at run time: the core built with
 * that configuration lists and walks as the full one does, and what the profile leaves out is
 * out in the ways Kconfig's help promises: API errors by HTTP status and request-id only,
 * names-only ambc_strerror(), an HTTP-date retry-after ignored for the backoff, no log event.
 * Its link-time half (calling an operation that is off is a link error) is
 * build.profile_link_errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/ambc.h"
#include "fake_server.h"

#if defined(CONFIG_AMBC_OP_CREATE) || defined(CONFIG_AMBC_OP_RESULTS) ||                           \
    defined(CONFIG_AMBC_API_ERROR_BODY) || !defined(CONFIG_AMBC_STRERROR_NAMES) ||                 \
    CONFIG_AMBC_LOG_LEVEL != 0
#error "this test must be built with the minimal-list profile's ambc_kconfig.h"
#endif

static ambc_client_t client;
static char resp[8][1024];
static int log_events;

static void count_log(void *ctx, const ambc_log_event_t *ev)
{
    (void)ctx;
    (void)ev;
    log_events++;
}

static void setup(void)
{
    ambc_client_options_t opt = {.api_key = "k", .log = count_log};
    ambc_stream_t s = {&fake_ops, &fake};
    fake_reset();
    log_events = 0;
    assert_int_equal(ambc_client_init(&client, &opt, s, &fake_clock), AMBC_OK);
}

static const char *page(int slot, const char *first, const char *second, bool more)
{
    char body[900];
    int len = snprintf(
        body, sizeof(body),
        "{\"data\":[{\"id\":\"%s\",\"type\":\"message_batch\",\"processing_status\":\"ended\","
        "\"request_counts\":{\"processing\":0,\"succeeded\":1,\"errored\":0,\"canceled\":0,"
        "\"expired\":0},\"created_at\":\"2026-01-02T05:15:44Z\",\"expires_at\":"
        "\"2026-01-03T05:15:44Z\",\"ended_at\":null,\"cancel_initiated_at\":null,"
        "\"archived_at\":null,\"results_url\":null},{\"id\":\"%s\",\"type\":\"message_batch\","
        "\"processing_status\":\"in_progress\",\"request_counts\":{\"processing\":1,"
        "\"succeeded\":0,\"errored\":0,\"canceled\":0,\"expired\":0},\"created_at\":"
        "\"2026-01-01T00:00:00Z\",\"expires_at\":\"2026-01-02T00:00:00Z\",\"ended_at\":null,"
        "\"cancel_initiated_at\":null,\"archived_at\":null,\"results_url\":null}],"
        "\"has_more\":%s,\"first_id\":\"%s\",\"last_id\":\"%s\"}",
        first, second, more ? "true" : "false", first, second);
    snprintf(resp[slot], sizeof(resp[slot]), "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len,
             body);
    return resp[slot];
}

static ambc_status_t count(void *ctx, const ambc_batch_t *b)
{
    (void)b;
    (*(int *)ctx)++;
    return AMBC_OK;
}

/* What the profile keeps: a walk over two pages, every record delivered. */
static void test_walk(void **state)
{
    int n = 0;
    (void)state;
    setup();
    fake.script[fake.nscript++] = page(0, "msgbatch_a", "msgbatch_b", true);
    fake.script[fake.nscript++] = page(1, "msgbatch_c", "msgbatch_d", false);
    assert_int_equal(ambc_batches_list_each(&client, NULL, true, count, &n), AMBC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(fake.whole_requests, 2);
}

/* API errors: the HTTP status and the request-id header, the body not read (although it has
 * the API's shape); no log event at log level 0. */
static void test_api_error_without_body(void **state)
{
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
                               "\"message\":\"no such batch\"},\"request_id\":\"req_body\"}";
    const ambc_api_error_t *e;
    int n = 0;
    (void)state;
    setup();
    snprintf(resp[0], sizeof(resp[0]),
             "HTTP/1.1 404 NF\r\nrequest-id: req_header\r\ncontent-length: %zu\r\n\r\n%s",
             strlen(body), body);
    fake.script[fake.nscript++] = resp[0];
    assert_int_equal(ambc_batches_list_each(&client, NULL, false, count, &n), AMBC_ERR_API);
    e = ambc_client_last_error(&client);
    assert_int_equal(e->http_status, 404);
    assert_false(e->from_body);
    assert_int_equal(e->type, AMBC_API_ERROR_NONE);
    assert_string_equal(e->message, "");
    assert_string_equal(e->request_id, "req_header");
    assert_int_equal(log_events, 0);
}

/* retry-after as an HTTP date is not understood: the backoff is used (0.5 s less at most 25 %
 * jitter), not the 7 s the date says. */
static void test_http_date_retry_after_ignored(void **state)
{
    int n = 0;
    (void)state;
    setup();
    snprintf(resp[0], sizeof(resp[0]),
             "HTTP/1.1 503 Busy\r\ndate: Sun, 29 Nov 2026 10:00:00 GMT\r\n"
             "retry-after: Sun, 29 Nov 2026 10:00:07 GMT\r\ncontent-length: 0\r\n\r\n");
    fake.script[fake.nscript++] = resp[0];
    fake.script[fake.nscript++] = page(1, "msgbatch_a", "msgbatch_b", false);
    assert_int_equal(ambc_batches_list_each(&client, NULL, false, count, &n), AMBC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(nsleeps, 1);
    assert_in_range(sleeps[0], 375, 500);
}

static void test_strerror_names_only(void **state)
{
    (void)state;
    assert_string_equal(ambc_strerror(AMBC_ERR_NET_TIMEOUT), "AMBC_ERR_NET_TIMEOUT");
    assert_string_equal(ambc_strerror(AMBC_OK), "AMBC_OK");
    assert_string_equal(ambc_strerror((ambc_status_t)7), "AMBC_ERR_?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_walk, fake_teardown),
        cmocka_unit_test_teardown(test_api_error_without_body, fake_teardown),
        cmocka_unit_test_teardown(test_http_date_retry_after_ignored, fake_teardown),
        cmocka_unit_test(test_strerror_names_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
