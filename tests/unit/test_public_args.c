/* Every public call of the core, given NULL (or an out-of-range value) for each argument the
 * header says must be valid: a status-returning call answers AMBC_ERR_INVALID_ARG, a getter a
 * neutral value (NULL, 0, false, UINT32_MAX, a fixed text), a void call does nothing. Run
 * under ASan/UBSan (san.test_public_args) a missing check is a crash, not a pass.
 * tests/scripts/check_public_args.py fails when a prototype in include/ambc/ is missing here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ambc/ambc.h"
#include "ambc/api_error.h"
#include "ambc/batch.h"
#include "ambc/create.h"
#include "ambc/http.h"
#include "ambc/json.h"
#include "ambc/port.h"
#include "ambc/results.h"
#include "ambc/retry.h"
#include "ambc/status.h"
#include "ambc/time.h"
#include "fake_server.h"

#define BAD AMBC_ERR_INVALID_ARG

static ambc_client_t client;

static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    (void)b;
    return AMBC_OK;
}

static ambc_status_t on_source(void *ctx, uint32_t index, ambc_request_writer_t *w)
{
    (void)ctx;
    (void)w;
    (void)index;
    return AMBC_END;
}

static void init_client(void)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_stream_t s = {&fake_ops, &fake};
    fake_reset();
    assert_int_equal(ambc_client_init(&client, &opt, s, &fake_clock), AMBC_OK);
}

static void test_client_calls(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_stream_t s = {&fake_ops, &fake};
    ambc_stream_t no_ops = {NULL, &fake};
    ambc_batch_t b;
    ambc_batch_deleted_t del;
    ambc_page_t page;
    size_t count = 0;
    ambc_create_params_t cp = {.source = on_source};
    ambc_create_params_t no_source = {.source = NULL};
    ambc_client_stats_t st;
    ambc_results_params_t rp;
    (void)state;

    assert_int_equal(ambc_client_init(NULL, &opt, s, &fake_clock), BAD);
    assert_int_equal(ambc_client_init(&client, NULL, s, &fake_clock), BAD);
    assert_int_equal(ambc_client_init(&client, &opt, no_ops, &fake_clock), BAD);
    assert_int_equal(ambc_client_init(&client, &opt, s, NULL), BAD);
    opt.api_key = NULL;
    assert_int_equal(ambc_client_init(&client, &opt, s, &fake_clock), BAD);
    init_client();

    assert_int_equal(ambc_client_close(NULL), BAD);
    assert_null(ambc_client_last_error(NULL));
    assert_null(ambc_client_error_field(NULL));
    assert_int_equal(ambc_client_error_index(NULL), UINT32_MAX);
    memset(&st, 0xff, sizeof(st));
    st = ambc_client_stats(NULL);
    assert_int_equal(st.requests, 0);
    assert_int_equal(st.connects, 0);

    assert_int_equal(ambc_batches_list_page(NULL, NULL, on_batch, NULL, &page), BAD);
    assert_int_equal(ambc_batches_list_page(&client, NULL, NULL, NULL, &page), BAD);
    assert_int_equal(ambc_batches_list_page(&client, NULL, on_batch, NULL, NULL), BAD);
    assert_int_equal(ambc_batches_list(NULL, NULL, &b, 1, &count, &page), BAD);
    assert_int_equal(ambc_batches_list(&client, NULL, NULL, 1, &count, &page), BAD);
    assert_int_equal(ambc_batches_list(&client, NULL, &b, 0, &count, &page), BAD);
    assert_int_equal(ambc_batches_list(&client, NULL, &b, 1, NULL, &page), BAD);
    assert_int_equal(ambc_batches_list(&client, NULL, &b, 1, &count, NULL), BAD);
    assert_int_equal(ambc_batches_list_each(NULL, NULL, true, on_batch, NULL), BAD);
    assert_int_equal(ambc_batches_list_each(&client, NULL, true, NULL, NULL), BAD);
    assert_int_equal(ambc_batches_retrieve(NULL, "msgbatch_1", &b), BAD);
    assert_int_equal(ambc_batches_retrieve(&client, NULL, &b), BAD);
    assert_int_equal(ambc_batches_retrieve(&client, "msgbatch_1", NULL), BAD);
    assert_int_equal(ambc_batches_cancel(NULL, "msgbatch_1", &b), BAD);
    assert_int_equal(ambc_batches_cancel(&client, NULL, &b), BAD);
    assert_int_equal(ambc_batches_cancel(&client, "msgbatch_1", NULL), BAD);
    assert_int_equal(ambc_batches_delete(NULL, "msgbatch_1", &del), BAD);
    assert_int_equal(ambc_batches_delete(&client, NULL, &del), BAD);
    assert_int_equal(ambc_batches_delete(&client, "msgbatch_1", NULL), BAD);
    assert_int_equal(ambc_batches_create(NULL, &cp, &b), BAD);
    assert_int_equal(ambc_batches_create(&client, NULL, &b), BAD);
    assert_int_equal(ambc_batches_create(&client, &no_source, &b), BAD);
    assert_int_equal(ambc_batches_create(&client, &cp, NULL), BAD);
    assert_int_equal(ambc_batches_wait(NULL, "msgbatch_1", NULL, &b), BAD);
    assert_int_equal(ambc_batches_wait(&client, NULL, NULL, &b), BAD);
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_1", NULL, NULL), BAD);
    memset(&rp, 0, sizeof(rp));
    assert_int_equal(ambc_batches_results(NULL, "msgbatch_1", &rp), BAD);
    assert_int_equal(ambc_batches_results(&client, NULL, &rp), BAD); /* no id, no batch */
    assert_int_equal(ambc_batches_results(&client, "", &rp), BAD);
    assert_int_equal(ambc_batches_results(&client, "msgbatch_1", NULL), BAD);

    /* none of them reached the network: a check that came after a connect is too late */
    assert_int_equal(fake.connect_calls, 0);
    assert_int_equal(ambc_client_stats(&client).requests, 0);
    assert_int_equal(ambc_client_close(&client), AMBC_OK);
}

static void test_parser_calls(void **state)
{
    static ambc_page_parser_t pp;
    static ambc_api_error_parser_t ep;
    static ambc_results_parser_t rp;
    ambc_api_error_t err;
    ambc_page_t page;
    ambc_batch_t b;
    (void)state;

    ambc_api_error_parser_init(NULL, &err, 400, "", false);
    memset(&ep, 0xa5, sizeof(ep));
    ambc_api_error_parser_init(&ep, NULL, 400, "", false); /* nowhere to put it: nothing done */
    ambc_api_error_parser_init(&ep, &err, 400, NULL, false);
    ambc_api_error_parser_feed(NULL, (const uint8_t *)"{", 1);
    ambc_api_error_parser_feed(&ep, NULL, 1);
    ambc_api_error_parser_finish(NULL);
    ambc_api_error_parser_finish(&ep);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(ambc_api_error_type_name((ambc_api_error_type_t)9999), "unknown");
    assert_int_equal(ambc_api_error_type_from_text(NULL, 5), AMBC_API_ERROR_UNKNOWN);

    ambc_page_parser_init(NULL, AMBC_PAGE_LIST, &page, &b, on_batch, NULL);
    ambc_page_parser_init(&pp, AMBC_PAGE_LIST, NULL, &b, on_batch, NULL);
    assert_int_equal(ambc_page_parser_feed(&pp, (const uint8_t *)"{", 1), BAD);
    ambc_page_parser_init(&pp, AMBC_PAGE_LIST, &page, NULL, on_batch, NULL);
    assert_int_equal(ambc_page_parser_feed(&pp, (const uint8_t *)"{", 1), BAD);
    assert_int_equal(ambc_page_parser_finish(&pp), BAD);
    ambc_page_parser_init(&pp, (ambc_page_mode_t)77, &page, &b, on_batch, NULL);
    assert_int_equal(ambc_page_parser_feed(&pp, (const uint8_t *)"{", 1), BAD);
    ambc_page_parser_init(&pp, AMBC_PAGE_LIST, &page, &b, on_batch, NULL);
    assert_int_equal(ambc_page_parser_feed(NULL, (const uint8_t *)"{", 1), BAD);
    assert_int_equal(ambc_page_parser_feed(&pp, NULL, 1), BAD);
    assert_int_equal(ambc_page_parser_feed(&pp, NULL, 0), AMBC_OK);
    assert_int_equal(ambc_page_parser_finish(NULL), BAD);
    assert_null(ambc_page_parser_error_field(NULL));
    assert_int_equal(ambc_batch_parse(NULL, "{}", 2, &b), BAD);
    assert_int_equal(ambc_batch_parse(&pp, NULL, 2, &b), BAD);
    assert_int_equal(ambc_batch_parse(&pp, "{}", 2, NULL), BAD);
    assert_string_equal(ambc_batch_status_name((ambc_batch_status_t)9999), "unknown");

    ambc_results_parser_init(NULL, NULL);
    ambc_results_parser_init(&rp, NULL); /* no handler: validate only */
    assert_int_equal(ambc_results_parser_feed(NULL, (const uint8_t *)"{", 1), BAD);
    assert_int_equal(ambc_results_parser_feed(&rp, NULL, 1), BAD);
    assert_int_equal(ambc_results_parser_feed(&rp, NULL, 0), AMBC_OK);
    assert_int_equal(ambc_results_parser_finish(NULL), BAD);
    assert_int_equal(ambc_results_parser_error_line(NULL), 0);
    assert_null(ambc_results_parser_error_field(NULL));
    assert_string_equal(ambc_result_type_name((ambc_result_type_t)99), "unknown");
}

static ambc_status_t sink(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return AMBC_OK;
}

static void test_writer_calls(void **state)
{
    static ambc_request_writer_t w;
    (void)state;

    ambc_request_writer_init(NULL, sink, NULL);
    ambc_request_writer_init(&w, NULL, NULL);
    assert_int_equal(ambc_request_begin(&w, 0), BAD); /* no sink: nothing can be written */
    ambc_request_writer_init(&w, sink, NULL);
    assert_int_equal(ambc_request_begin(NULL, 0), BAD);
    assert_int_equal(ambc_request_end(NULL), BAD);
    assert_int_equal(ambc_request_custom_id(NULL, "a"), BAD);
    assert_int_equal(ambc_request_params_json(NULL, "{}", 2), BAD);
    assert_int_equal(ambc_params_begin(NULL, "m", 1), BAD);
    assert_int_equal(ambc_params_system(NULL, "s", 1), BAD);
    assert_int_equal(ambc_params_message(NULL, AMBC_ROLE_USER, "t", 1), BAD);
    assert_int_equal(ambc_params_text(NULL, "t", 1), BAD);
    assert_int_equal(ambc_params_end(NULL), BAD);

    assert_int_equal(ambc_request_begin(&w, 0), AMBC_OK);
    assert_int_equal(ambc_request_custom_id(&w, NULL), BAD);
    assert_int_equal(ambc_request_custom_id(&w, "a"), AMBC_OK);
    assert_int_equal(ambc_request_params_json(&w, NULL, 2), BAD);
    assert_int_equal(ambc_params_begin(&w, NULL, 1), BAD);
    assert_int_equal(ambc_params_begin(&w, "m", 1), AMBC_OK);
    assert_int_equal(ambc_params_system(&w, NULL, 1), BAD);
    assert_int_equal(ambc_params_message(&w, (ambc_role_t)9, "t", 1), BAD);
    assert_int_equal(ambc_params_message(&w, AMBC_ROLE_USER, NULL, 1), BAD);
    assert_int_equal(ambc_params_text(&w, NULL, 1), BAD);
    /* the writer is still usable: the refused calls wrote nothing */
    assert_int_equal(ambc_params_message(&w, AMBC_ROLE_USER, "t", 1), AMBC_OK);
    assert_int_equal(ambc_params_end(&w), AMBC_OK);
    assert_int_equal(ambc_request_end(&w), AMBC_OK);
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return AMBC_OK;
}

static void test_http_and_json_calls(void **state)
{
    static ambc_http_response_t r;
    static ambc_json_scan_t s;
    ambc_http_callbacks_t cb = {.on_body = on_body};
    ambc_http_request_t req = {.method = "GET", .host = "h", .path = "/"};
    char buf[256];
    size_t n = 0;
    (void)state;

    assert_int_equal(ambc_http_request_write(NULL, buf, sizeof(buf), &n), BAD);
    assert_int_equal(ambc_http_request_write(&req, NULL, sizeof(buf), &n), BAD);
    assert_int_equal(ambc_http_request_write(&req, buf, sizeof(buf), NULL), BAD);
    ambc_http_response_init(NULL, &cb, NULL);
    ambc_http_response_init(&r, NULL, NULL); /* no callbacks: the body is dropped */
    assert_int_equal(ambc_http_response_feed(&r, (const uint8_t *)"HTTP/1.1 204 No\r\n\r\n", 19),
                     AMBC_OK);
    assert_true(ambc_http_response_done(&r));
    ambc_http_response_init(&r, &cb, NULL);
    assert_int_equal(ambc_http_response_feed(NULL, (const uint8_t *)"H", 1), BAD);
    assert_int_equal(ambc_http_response_feed(&r, NULL, 1), BAD);
    assert_int_equal(ambc_http_response_finish(NULL), BAD);
    assert_false(ambc_http_response_done(NULL));
    assert_false(ambc_http_response_started(NULL));

    ambc_json_scan_init(NULL, NULL, NULL);
    ambc_json_scan_init(&s, NULL, NULL); /* no callback: validation only */
    assert_int_equal(ambc_json_scan_feed(&s, "[1]", 3), AMBC_OK);
    assert_int_equal(ambc_json_scan_finish(&s), AMBC_OK);
    assert_int_equal(ambc_json_scan_feed(NULL, "1", 1), BAD);
    assert_int_equal(ambc_json_scan_feed(&s, NULL, 1), BAD);
    assert_int_equal(ambc_json_scan_finish(NULL), BAD);
    ambc_json_scan_skip_value(NULL);
    assert_int_equal(ambc_json_unescape(NULL, 1, buf, sizeof(buf), &n), BAD);
    assert_int_equal(ambc_json_unescape("a", 1, NULL, sizeof(buf), &n), BAD);
    assert_int_equal(ambc_json_unescape("a", 1, buf, 0, &n), BAD);
    assert_int_equal(ambc_json_unescape("a", 1, buf, sizeof(buf), NULL), AMBC_OK); /* optional */
}

static void test_small_calls(void **state)
{
    ambc_stream_t st = {&fake_ops, &fake};
    ambc_retry_policy_t p = {
        .initial_ms = 500, .max_backoff_ms = 8000, .retry_after_cap_ms = 60000};
    int64_t v = 0;
    char buf[40];
    (void)state;

    fake_reset();
    assert_int_equal(ambc_stream_send_all(NULL, &fake_clock, (const uint8_t *)"x", 1, 10), BAD);
    assert_int_equal(ambc_stream_send_all(&st, NULL, (const uint8_t *)"x", 1, 10), BAD);
    assert_int_equal(ambc_stream_send_all(&st, &fake_clock, NULL, 1, 10), BAD);
    assert_int_equal(fake.sent_len, 0);

    assert_false(ambc_retry_allowed(AMBC_ERR_INVALID_ARG, NULL));
    assert_int_equal(ambc_retry_wait_ms(NULL, NULL, 0, 0), 0);
    assert_true(ambc_retry_wait_ms(&p, NULL, 0, 0) > 0);
    assert_int_equal(ambc_retry_server_wait_ms(NULL, 1000), -1);

    assert_non_null(ambc_strerror((ambc_status_t)-30000));

    assert_int_equal(ambc_rfc3339_parse(NULL, 20, &v), BAD);
    assert_int_equal(ambc_rfc3339_parse("2024-01-01T00:00:00Z", 20, NULL), BAD);
#if CONFIG_AMBC_RFC3339_FORMAT
    assert_int_equal(ambc_rfc3339_format(0, NULL, sizeof(buf)), BAD);
#endif
    assert_int_equal(ambc_http_date_parse(NULL, 29, &v), BAD);
    assert_int_equal(ambc_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29, NULL), BAD);
    (void)buf;
}

/* An internal invariant broken (here by hand: the parser's current field cleared in the
 * middle of a value) stops a build with AMBC_ASSERT_TRAP (the sanitizer build) and is answered
 * with a status by a build without asserts (the plain one, as firmware ships). */
static void test_invariants_are_asserted(void **state)
{
    static ambc_page_parser_t pp;
    ambc_page_t page;
    ambc_batch_t b;
    const char *head = "{\"data\":[{\"id\":";
    pid_t pid;
    int status = 0;
    (void)state;

    ambc_page_parser_init(&pp, AMBC_PAGE_LIST, &page, &b, on_batch, NULL);
    assert_int_equal(ambc_page_parser_feed(&pp, (const uint8_t *)head, strlen(head)), AMBC_OK);
    assert_non_null(pp.field); /* the test reaches the state it means to break */
    pp.field = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ambc_status_t st;
        (void)signal(SIGILL, SIG_DFL); /* cmocka's handler would catch the trap */
        (void)signal(SIGTRAP, SIG_DFL);
        st = ambc_page_parser_feed(&pp, (const uint8_t *)"\"x\"", 3);
        /* the answer as a signal, not an exit: under valgrind an exit would run its leak
         * check on the forked copy of cmocka's state */
        (void)raise(st == AMBC_ERR_JSON_SHAPE ? SIGUSR1 : SIGUSR2);
        _exit(1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
/* Which build this is comes from the compiler, not from the define under test: a san build
 * that lost AMBC_ASSERT_TRAP must fail here, not quietly take the plain branch. */
#if defined(__SANITIZE_ADDRESS__)
#if !defined(AMBC_ASSERT_TRAP) || !AMBC_ASSERT_TRAP
#error "the sanitizer build must trap on AMBC_ASSERT (tests/CMakeLists.txt: AMBC_ASSERT_TRAP=1)"
#endif
    assert_true(WIFSIGNALED(status));
    assert_true(WTERMSIG(status) == SIGILL || WTERMSIG(status) == SIGTRAP);
#else
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGUSR1);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_calls), cmocka_unit_test(test_parser_calls),
        cmocka_unit_test(test_writer_calls), cmocka_unit_test(test_http_and_json_calls),
        cmocka_unit_test(test_small_calls),  cmocka_unit_test(test_invariants_are_asserted),
    };
    return cmocka_run_group_tests(tests, NULL, fake_teardown);
}
