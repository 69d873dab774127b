/* Unit tests for core/client.c over a scripted in-memory stream (no network). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/ambc.h"
#include "fake_server.h"

/* ---- fixtures ----------------------------------------------------------------------- */

static ambc_client_t client;
static char pages[64][4096];

/* A whole MessageBatch with this id (every key the API sends). */
#define RECORD_FMT                                                                                 \
    "{\"id\":\"%s\",\"type\":\"message_batch\",\"processing_status\":\"ended\",\"request_"         \
    "counts\":"                                                                                    \
    "{\"processing\":0,\"succeeded\":1,\"errored\":0,\"canceled\":0,\"expired\":0},"               \
    "\"created_at\":\"2026-01-02T05:15:44.018546Z\",\"expires_at\":\"2026-01-03T05:15:44."         \
    "018546Z\","                                                                                   \
    "\"ended_at\":null,\"cancel_initiated_at\":null,\"archived_at\":null,\"results_url\":null}"

static const char *page_response(int slot, const char *ids[], size_t n, bool has_more, bool chunked)
{
    char body[3000];
    size_t len = 0, i;
    len += (size_t)sprintf(body, "{\"data\":[");
    for (i = 0; i < n; i++) {
        len += (size_t)sprintf(body + len, "%s" RECORD_FMT, i ? "," : "", ids[i]);
    }
    if (n == 0) {
        len += (size_t)sprintf(body + len, "],\"has_more\":%s,\"first_id\":null,\"last_id\":null}",
                               has_more ? "true" : "false");
    } else {
        len +=
            (size_t)sprintf(body + len, "],\"has_more\":%s,\"first_id\":\"%s\",\"last_id\":\"%s\"}",
                            has_more ? "true" : "false", ids[0], ids[n - 1]);
    }
    if (chunked) {
        sprintf(pages[slot],
                "HTTP/1.1 200 OK\r\nrequest-id: req_%d\r\ntransfer-encoding: chunked\r\n\r\n"
                "%zx\r\n%s\r\n0\r\n\r\n",
                slot, len, body);
    } else {
        sprintf(pages[slot],
                "HTTP/1.1 200 OK\r\nrequest-id: req_%d\r\ncontent-length: %zu\r\n\r\n%s", slot, len,
                body);
    }
    return pages[slot];
}

/* One MessageBatch as a response (retrieve), Content-Length framed. */
static const char *single_response(int slot, const char *id)
{
    char body[1024];
    int len = sprintf(body, RECORD_FMT, id);
    sprintf(pages[slot], "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len, body);
    return pages[slot];
}

static void setup_client(ambc_client_options_t *opt)
{
    ambc_stream_t s = {&fake_ops, &fake};
    fake_reset();
    assert_int_equal(ambc_client_init(&client, opt, s, &fake_clock), AMBC_OK);
}

typedef struct {
    char ids[64][CONFIG_AMBC_ID_MAX];
    size_t n;
} seen_t;

static ambc_status_t collect(void *ctx, const ambc_batch_t *b)
{
    seen_t *s = ctx;
    strcpy(s->ids[s->n++], b->id);
    return AMBC_OK;
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_request_bytes(void **state)
{
    ambc_client_options_t opt = {.host = "h.example", .port = 8443, .api_key = "sk-secret"};
    ambc_list_params_t p = {.limit = 2, .after_id = "a+b/c"};
    const char *ids[] = {"x"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, &p, collect, &seen, &page), AMBC_OK);
    assert_string_equal(fake.last_request,
                        "GET /v1/messages/batches?limit=2&after_id=a%2Bb%2Fc HTTP/1.1\r\n"
                        "Host: h.example:8443\r\n"
                        "x-api-key: sk-secret\r\n"
                        "anthropic-version: 2023-06-01\r\n"
                        "accept: application/json\r\n"
                        "user-agent: ambc/" AMBC_VERSION "\r\n"
                        "\r\n");
    assert_int_equal(seen.n, 1);
    assert_string_equal(page.last_id, "x");
}

static void test_beta_bearer_workspace(void **state)
{
    ambc_client_options_t opt = {.api_key = "k",
                                 .key_header = AMBC_KEY_BEARER,
                                 .beta = true,
                                 .extra_betas = "other-2025-01-01",
                                 .workspace_id = "wrkspc_1",
                                 .anthropic_version = "2026-10-21"};
    const char *ids[] = {"x"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, ids, 1, false, true);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_string_equal(fake.last_request,
                        "GET /v1/messages/batches?beta=true HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "authorization: Bearer k\r\n"
                        "anthropic-version: 2026-10-21\r\n"
                        "accept: application/json\r\n"
                        "user-agent: ambc/" AMBC_VERSION "\r\n"
                        "anthropic-beta: message-batches-2024-09-24,other-2025-01-01\r\n"
                        "anthropic-workspace-id: wrkspc_1\r\n"
                        "\r\n");
}

static void test_walk_forward_one_connection(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"c", "b"}, *p2[] = {"a9", "a8"}, *p3[] = {"a7"};
    ambc_list_params_t p = {.limit = 2};
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.chunk = 7;
    fake.script[fake.nscript++] = page_response(0, p1, 2, true, true);
    fake.script[fake.nscript++] = page_response(1, p2, 2, true, false);
    fake.script[fake.nscript++] = page_response(2, p3, 1, false, true);
    assert_int_equal(ambc_batches_list_each(&client, &p, true, collect, &seen), AMBC_OK);
    assert_int_equal(seen.n, 5);
    assert_string_equal(seen.ids[4], "a7");
    assert_int_equal(fake.connects, 1); /* keep-alive across pages */
    assert_non_null(strstr(fake.sent, "?limit=2&after_id=b "));
    assert_non_null(strstr(fake.sent, "?limit=2&after_id=a8 "));
    assert_int_equal(ambc_client_stats(&client).requests, 3);
}

static void test_walk_backward_uses_first_id(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"m2", "m1"}, *p2[] = {"m4", "m3"};
    ambc_list_params_t p = {.limit = 2, .before_id = "m0"};
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 2, true, false);
    fake.script[fake.nscript++] = page_response(1, p2, 2, false, false);
    assert_int_equal(ambc_batches_list_each(&client, &p, true, collect, &seen), AMBC_OK);
    assert_int_equal(seen.n, 4);
    assert_non_null(strstr(fake.sent, "?limit=2&before_id=m0 "));
    assert_non_null(strstr(fake.sent, "?limit=2&before_id=m2 "));
}

static void test_stops_on_has_more_not_cursor(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"b"};
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    /* has_more false with a cursor: stop; has_more true but empty: stop */
    fake.script[fake.nscript++] = page_response(0, p1, 1, false, false);
    assert_int_equal(ambc_batches_list_each(&client, NULL, true, collect, &seen), AMBC_OK);
    assert_int_equal(fake.next, 1);
    fake.script[fake.nscript++] = page_response(1, NULL, 0, true, false);
    assert_int_equal(ambc_batches_list_each(&client, NULL, true, collect, &seen), AMBC_OK);
    assert_int_equal(fake.next, 2);
}

static void test_same_cursor_twice_is_an_error(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"b"};
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 1, true, false);
    fake.script[fake.nscript++] = page_response(1, p1, 1, true, false);
    assert_int_equal(ambc_batches_list_each(&client, NULL, true, collect, &seen),
                     AMBC_ERR_API_LOOP);
}

static void test_stale_keepalive_reconnects_once(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"b"}, *p2[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 1, false, false);
    fake.script[fake.nscript++] = FAKE_DROP; /* the server had closed the idle connection */
    fake.script[fake.nscript++] = page_response(1, p2, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 2); /* nothing twice, nothing lost */
    assert_int_equal(fake.connects, 2);
    assert_int_equal(ambc_client_stats(&client).reconnects, 1);
    /* a connection that closes without answering, every time, fails after its retries */
    fake.script[fake.nscript++] = FAKE_DROP;
    ambc_client_close(&client);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_NET_CLOSED);
}

static void test_page_cut_midway_resumes_exactly_once(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    static char cut[4096];
    const char *p1[] = {"c", "b", "a"};
    ambc_page_t page;
    seen_t seen = {0};
    const char *full;
    (void)state;
    setup_client(&opt);
    full = page_response(0, p1, 3, false, false);
    strcpy(cut, full);
    *strstr(cut, "{\"id\":\"a\"") = '\0'; /* "c" and "b" arrive, then the connection drops */
    fake.close_after = true;
    fake.chunk = 5;
    fake.script[fake.nscript++] = cut;
    fake.script[fake.nscript++] = full;
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 3); /* c, b once each, then a */
    assert_string_equal(seen.ids[0], "c");
    assert_string_equal(seen.ids[1], "b");
    assert_string_equal(seen.ids[2], "a");
    assert_int_equal(ambc_client_stats(&client).retries, 1);
    assert_int_equal(ambc_client_stats(&client).resumed, 2);
    assert_int_equal(fake.connects, 2);
}

static void test_resume_point_gone_is_an_error(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    static char cut[4096];
    const char *p1[] = {"c", "b"}, *p2[] = {"x", "y"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    strcpy(cut, page_response(0, p1, 2, false, false));
    *strstr(cut, "{\"id\":\"b\"") = '\0';
    fake.close_after = true;
    fake.script[fake.nscript++] = cut;
    fake.script[fake.nscript++] = page_response(1, p2, 2, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_RESUME_LOST);
    assert_int_equal(seen.n, 1); /* nothing guessed, nothing twice */
}

static const char *api_error(int slot, int status, const char *extra_headers)
{
    static const char body[] =
        "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"m\"},\"request_id\":\"r\"}";
    sprintf(pages[slot], "HTTP/1.1 %d E\r\n%scontent-length: %zu\r\n\r\n%s", status, extra_headers,
            strlen(body), body);
    return pages[slot];
}

static void test_retry_decisions_and_waits(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *ids[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    /* 429 with both headers: retry-after-ms wins; 529: backoff 500 * 2^1 * (1 - 4/2^32/4) */
    fake.script[fake.nscript++] = api_error(0, 429, "retry-after-ms: 250.5\r\nretry-after: 3\r\n");
    fake.script[fake.nscript++] = api_error(1, 529, "");
    fake.script[fake.nscript++] = page_response(2, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(nsleeps, 2);
    assert_int_equal(sleeps[0], 251);
    assert_int_equal(sleeps[1], 1000);
    /* x-should-retry decides alone: false on a 500 stops, true on a 400 retries */
    nsleeps = 0;
    fake.script[fake.nscript++] = api_error(3, 500, "x-should-retry: false\r\n");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(nsleeps, 0);
    fake.script[fake.nscript++] = api_error(4, 400, "x-should-retry: true\r\n");
    fake.script[fake.nscript++] = page_response(5, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    /* a plain 400 and a 404 are final */
    nsleeps = 0;
    fake.script[fake.nscript++] = api_error(6, 404, "");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(nsleeps, 0);
    /* retry-after over the cap falls back to backoff (first retry: 500 ms less jitter) */
    fake.script[fake.nscript++] = api_error(7, 503, "retry-after: 61\r\n");
    fake.script[fake.nscript++] = page_response(2, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(sleeps[0], 500);
}

typedef struct {
    char events[16][24];
    char texts[16][64];
    int64_t nums[16];
    ambc_status_t statuses[16];
    int n;
} log_seen_t;

static void record_log(void *ctx, const ambc_log_event_t *ev)
{
    log_seen_t *l = ctx;
    assert_non_null(ev->text);
    assert_null(strstr(ev->text, "SECRET")); /* the key, never */
    if (l->n < 16) {
        snprintf(l->events[l->n], sizeof(l->events[0]), "%s", ev->event);
        snprintf(l->texts[l->n], sizeof(l->texts[0]), "%s", ev->text);
        l->nums[l->n] = ev->num;
        l->statuses[l->n] = ev->status;
    }
    l->n++;
}

static int find_event(const log_seen_t *l, const char *event)
{
    int i;
    for (i = 0; i < l->n && i < 16; i++) {
        if (strcmp(l->events[i], event) == 0) {
            return i;
        }
    }
    fail_msg("no log event %s", event);
    return -1;
}

/* Issue 16: a log event carries the status as a number, never ambc_strerror() text (the core
 * links none of it); retry and error events name the failure, progress events AMBC_OK. */
static void test_log_events_carry_the_status(void **state)
{
    log_seen_t l = {0};
    ambc_client_options_t opt = {.api_key = "sk-SECRET", .log = record_log, .log_ctx = &l};
    const char *ids[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    int i;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = api_error(0, 529, "");
    fake.script[fake.nscript++] = page_response(1, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    i = find_event(&l, "retry");
    assert_int_equal(l.statuses[i], AMBC_ERR_API);
    assert_int_equal(l.nums[i], 500);
    assert_string_equal(l.texts[i], "");
    i = find_event(&l, "response");
    assert_int_equal(l.nums[i], 529);
    assert_int_equal(l.statuses[i], AMBC_OK);
    i = find_event(&l, "connect");
    assert_int_equal(l.statuses[i], AMBC_OK);
    assert_int_equal(find_event(&l, "request") >= 0, 1);
    l.n = 0;
    fake.script[fake.nscript++] = api_error(2, 404, "");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    i = find_event(&l, "error");
    assert_int_equal(l.statuses[i], AMBC_ERR_API);
    assert_int_equal(l.nums[i], 1); /* the attempt */
    for (i = 0; i < l.n; i++) {
        assert_null(strstr(l.texts[i], "AMBC_")); /* no status text anywhere */
    }
}

/* Found in review: a connect failure after an API error decided its retry with the API error's
 * headers (a stale retry-after), because they were only reset once a response was read. */
static void test_connect_failure_does_not_reuse_old_headers(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *ids[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    /* a 529 asking for 300 ms that closes the connection, then a refused connect */
    fake.script[fake.nscript++] = api_error(0, 529, "retry-after-ms: 300\r\nconnection: close\r\n");
    fake.script[fake.nscript++] = page_response(1, ids, 1, false, false);
    fake.fail_connect_call = 2;
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 1);
    assert_int_equal(nsleeps, 2);
    assert_int_equal(sleeps[0], 300);  /* the server's wait, after the 529 */
    assert_int_equal(sleeps[1], 1000); /* backoff after the refused connect, not 300 again */
}

static void test_gives_up_after_max_retries(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = api_error(0, 529, "");
    fake.script[fake.nscript++] = api_error(1, 529, "");
    fake.script[fake.nscript++] = api_error(2, 529, "");
    fake.script[fake.nscript++] = api_error(3, 529, "");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(fake.next, 3); /* 3 attempts, as the SDKs */
    assert_int_equal(ambc_client_last_error(&client)->http_status, 529);
}

static void test_retry_never_outlives_the_deadline(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .total_timeout_ms = 1000};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    /* the server asks for 2 s: waiting would pass the 1 s deadline, so the 429 is final */
    fake.script[fake.nscript++] = api_error(0, 429, "retry-after: 2\r\n");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(nsleeps, 0);
    assert_int_equal(ambc_client_last_error(&client)->http_status, 429);
}

static void test_retries_can_be_turned_off(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .max_retries = AMBC_RETRIES_NONE};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = api_error(0, 529, "");
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(fake.next, 1);
}

static void test_api_error_record(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .max_retries = AMBC_RETRIES_NONE};
    const char *ids[] = {"z"};
    ambc_page_t page;
    seen_t seen = {0};
    const ambc_api_error_t *e;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] =
        "HTTP/1.1 401 Unauthorized\r\nrequest-id: req_401\r\ncontent-length: 103\r\n\r\n"
        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid "
        "x-api-key\"},\"request_id\":\"r\"}";
    fake.script[fake.nscript++] = "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\n"
                                  "content-length: 24\r\n\r\n<html>Bad Gateway</html>";
    fake.script[fake.nscript++] = page_response(0, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    e = ambc_client_last_error(&client);
    assert_int_equal(e->http_status, 401);
    assert_int_equal(e->type, AMBC_API_ERROR_AUTHENTICATION);
    assert_string_equal(e->message, "invalid x-api-key");
    assert_string_equal(e->request_id, "req_401");
    assert_true(fake.connected); /* the body was read whole: the connection stays usable */
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_ERR_API);
    assert_int_equal(e->http_status, 502);
    assert_false(e->from_body);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(fake.connects, 1);
}

static void test_array_too_small_closes(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *ids[] = {"c", "b", "a"};
    ambc_batch_t out[2];
    ambc_page_t page;
    size_t count = 9;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, ids, 3, false, false);
    assert_int_equal(ambc_batches_list(&client, NULL, out, 2, &count, &page),
                     AMBC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(count, 2);
    assert_false(fake.connected); /* the rest of the body was never read */
}

static void test_key_wiped_after_send(void **state)
{
    ambc_client_options_t opt = {.api_key = "sk-ant-very-secret"};
    const char *ids[] = {"x"};
    ambc_page_t page;
    seen_t seen = {0};
    size_t i;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, ids, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_non_null(strstr(fake.sent, "sk-ant-very-secret")); /* it was sent ... */
    for (i = 0; i + 18 <= sizeof(client); i++) {              /* ... and is nowhere in RAM */
        assert_true(memcmp((const char *)&client + i, "sk-ant-very-secret", 18) != 0);
    }
}

static void test_retrieve_encodes_id(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_batch_t b;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = single_response(0, "a b");
    assert_int_equal(ambc_batches_retrieve(&client, "a b", &b), AMBC_OK);
    assert_non_null(strstr(fake.last_request, "GET /v1/messages/batches/a%20b HTTP/1.1\r\n"));
    assert_string_equal(b.id, "a b");
    assert_int_equal(b.processing_status, AMBC_BATCH_ENDED);
}

/* Issue 11, item 3: bytes that arrive after a complete response, in a later read, belong to no
 * request. Before the connection is reused they are found and it is replaced; they never
 * become (part of) the next response. */
static void test_late_bytes_dropped_before_reuse(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .max_retries = AMBC_RETRIES_NONE};
    const char *p1[] = {"b"}, *p2[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 1, false, false);
    fake.script[fake.nscript++] = page_response(1, p2, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    fake.late = "XYZW"; /* four stray bytes, after the response was read */
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.ids[1], "a");
    assert_int_equal(ambc_client_stats(&client).idle_dropped, 1);
    assert_int_equal(ambc_client_stats(&client).retries, 0);
    assert_int_equal(fake.connects, 2);
}

/* ... and a whole extra response is not taken as the next page: a walk cannot end early with
 * a stale page and "success". */
static void test_extra_response_not_taken_as_next_page(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"c", "b"}, *stale[] = {"stale"}, *p2[] = {"a"};
    ambc_list_params_t p = {.limit = 2};
    seen_t seen = {0};
    static char extra[4096];
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 2, true, false);
    fake.script[fake.nscript++] = page_response(1, p2, 1, false, false);
    strcpy(extra, page_response(2, stale, 1, false, false));
    fake.late = extra;
    assert_int_equal(ambc_batches_list_each(&client, &p, true, collect, &seen), AMBC_OK);
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.ids[2], "a");
    assert_int_equal(ambc_client_stats(&client).idle_dropped, 1);
}

/* Issue 11, item 4: a send that fails on a connection kept alive (reset while idle by a NAT or
 * a load balancer) reconnects transparently: no retry used, even with retries off. */
static void test_send_failure_on_reused_connection_reconnects(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .max_retries = AMBC_RETRIES_NONE};
    const char *p1[] = {"b"}, *p2[] = {"a"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 1, false, false);
    fake.script[fake.nscript++] = page_response(1, p2, 1, false, false);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    fake.fail_send = true;
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 2);
    assert_int_equal(ambc_client_stats(&client).reconnects, 1);
    assert_int_equal(ambc_client_stats(&client).retries, 0);
    /* on a new connection the same failure is a real one */
    fake.fail_send = true;
    ambc_client_close(&client);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_NET_CLOSED);
}

/* A server whose pages cycle through `len` cursors, has_more forever. */
static void script_cycle(int len, int pages_n)
{
    static char ids[64][16];
    int i;
    for (i = 0; i < pages_n; i++) {
        const char *one[1];
        snprintf(ids[i], sizeof(ids[i]), "c%d", i % len);
        one[0] = ids[i];
        fake.script[fake.nscript++] = page_response(i, one, 1, true, false);
    }
}

/* Issue 11, item 5: a cursor cycle of any length ends the walk, in constant RAM (Brent). */
static void test_cursor_cycles_of_any_length(void **state)
{
    static const struct {
        int len, pages;
    } cases[] = {{1, 2}, {2, 3}, {3, 6}, {7, 14}};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ambc_client_options_t opt = {.api_key = "k"};
        seen_t seen = {0};
        setup_client(&opt);
        script_cycle(cases[i].len, 40);
        assert_int_equal(ambc_batches_list_each(&client, NULL, true, collect, &seen),
                         AMBC_ERR_API_LOOP);
        print_message("cursor cycle of length %d: found after %u pages\n", cases[i].len,
                      ambc_client_stats(&client).requests);
        assert_int_equal(ambc_client_stats(&client).requests, cases[i].pages);
    }
}

/* ... and a walk with a fresh cursor on every page ends at its page cap or its deadline. */
static void test_walk_cap_and_deadline(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_list_params_t p = {.max_pages = 5};
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    script_cycle(64, 40); /* no repeat within 40 pages */
    assert_int_equal(ambc_batches_list_each(&client, &p, true, collect, &seen),
                     AMBC_ERR_WALK_LIMIT);
    assert_int_equal(ambc_client_stats(&client).requests, 5);
    assert_int_equal(seen.n, 5); /* every page it asked for was delivered */
    /* the walk's deadline: 300 ms per page, 1000 ms for the walk */
    setup_client(&opt);
    script_cycle(64, 40);
    fake.request_ms = 300;
    p.max_pages = 0;
    p.walk_timeout_ms = 1000;
    assert_int_equal(ambc_batches_list_each(&client, &p, true, collect, &seen), AMBC_ERR_DEADLINE);
    assert_in_range(ambc_client_stats(&client).requests, 3, 4);
    /* neither applies to one page, nor to a walk that ends by itself */
    setup_client(&opt);
    script_cycle(64, 40);
    p.max_pages = 1;
    assert_int_equal(ambc_batches_list_each(&client, &p, false, collect, &seen), AMBC_OK);
}

/* A read that times out because the deadline capped its wait is the deadline's doing:
 * AMBC_ERR_DEADLINE, not a network timeout (and no retry); one within the idle timeout is
 * the network's. */
static void test_timeout_at_the_deadline_is_deadline(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .total_timeout_ms = 1000};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.waits = true;
    fake.script[fake.nscript++] = ""; /* the server never answers */
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_DEADLINE);
    assert_int_equal(nsleeps, 0);
    opt.io_timeout_ms = 200;
    opt.max_retries = AMBC_RETRIES_NONE;
    setup_client(&opt);
    fake.waits = true;
    fake.script[fake.nscript++] = "";
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_NET_TIMEOUT);
}

/* Issue 11, item 10: the beta flavour on every call, retrieve included. */
static void test_retrieve_beta(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .beta = true};
    ambc_batch_t b;
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = single_response(0, "x");
    assert_int_equal(ambc_batches_retrieve(&client, "x", &b), AMBC_OK);
    assert_non_null(strstr(fake.last_request, "GET /v1/messages/batches/x?beta=true HTTP/1.1\r\n"));
    assert_non_null(strstr(fake.last_request, "\r\nanthropic-beta: " AMBC_BATCHES_BETA "\r\n"));
}

static ambc_status_t reenter(void *ctx, const ambc_batch_t *b)
{
    ambc_batch_t other;
    ambc_page_t page;
    seen_t *seen = ctx;
    (void)b;
    assert_int_equal(ambc_batches_retrieve(&client, "y", &other), AMBC_ERR_BUSY);
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, seen, &page), AMBC_ERR_BUSY);
    assert_int_equal(ambc_client_close(&client), AMBC_ERR_BUSY);
    seen->n++;
    return AMBC_OK;
}

/* Issue 11, item 11: a client used from inside its own callback says so, and the response in
 * flight is not disturbed. */
static void test_busy_from_callback(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    const char *p1[] = {"c", "b"};
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    fake.script[fake.nscript++] = page_response(0, p1, 2, false, true);
    assert_int_equal(ambc_batches_list_page(&client, NULL, reenter, &seen, &page), AMBC_OK);
    assert_int_equal(seen.n, 2);
    assert_int_equal(fake.next, 1);                        /* nothing else was sent */
    assert_int_equal(ambc_client_close(&client), AMBC_OK); /* and it is usable again */
}

/* Issue 11, item 9: a record missing a key is a protocol error naming the key. */
static void test_error_names_the_key(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    static const char body[] = "{\"data\":[{\"id\":\"a\",\"type\":\"message_batch\"}],"
                               "\"has_more\":false}";
    ambc_page_t page;
    seen_t seen = {0};
    (void)state;
    setup_client(&opt);
    sprintf(pages[0], "HTTP/1.1 200 OK\r\ncontent-length: %zu\r\n\r\n%s", strlen(body), body);
    fake.script[fake.nscript++] = pages[0];
    assert_int_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page),
                     AMBC_ERR_JSON_MISSING);
    assert_string_equal(ambc_client_error_field(&client), "processing_status");
    assert_int_equal(seen.n, 0);
}

/* Cancel: a POST without a body (Content-Length: 0) to the batch's /cancel path, the batch
 * as the answer; delete: DELETE, the deleted-batch record as the answer; both flavours. */
static void test_cancel_and_delete(void **state)
{
    static const char deleted[] = "HTTP/1.1 200 OK\r\ncontent-length: 49\r\n\r\n"
                                  "{\"id\":\"a b\",\"type\":\"message_batch_deleted\",\"x\":1}";
    static const char refused[] =
        "HTTP/1.1 400 Bad\r\nrequest-id: req_del\r\ncontent-length: 109\r\n\r\n"
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
        "\"still processing\"},\"request_id\":\"req_del\"}";
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_batch_t b;
    ambc_batch_deleted_t d;
    int beta;
    (void)state;
    for (beta = 0; beta < 2; beta++) {
        opt.beta = beta != 0;
        setup_client(&opt);
        fake.script[fake.nscript++] = single_response(0, "a b");
        assert_int_equal(ambc_batches_cancel(&client, "a b", &b), AMBC_OK);
        assert_string_equal(b.id, "a b");
        assert_non_null(strstr(fake.last_request, beta ? "POST /v1/messages/batches/a%20b/cancel"
                                                         "?beta=true HTTP/1.1\r\n"
                                                       : "POST /v1/messages/batches/a%20b/cancel"
                                                         " HTTP/1.1\r\n"));
        assert_non_null(strstr(fake.last_request, "\r\nContent-Length: 0\r\n"));
        assert_null(strstr(fake.last_request, "content-type"));
        fake.script[fake.nscript++] = deleted;
        assert_int_equal(ambc_batches_delete(&client, "a b", &d), AMBC_OK);
        assert_string_equal(d.id, "a b");
        assert_non_null(strstr(fake.last_request, beta ? "DELETE /v1/messages/batches/a%20b"
                                                         "?beta=true HTTP/1.1\r\n"
                                                       : "DELETE /v1/messages/batches/a%20b "
                                                         "HTTP/1.1\r\n"));
        assert_null(strstr(fake.last_request, "Content-Length"));
        fake.script[fake.nscript++] = refused;
        assert_int_equal(ambc_batches_delete(&client, "a b", &d), AMBC_ERR_API);
        assert_int_equal(ambc_client_last_error(&client)->type, AMBC_API_ERROR_INVALID_REQUEST);
        assert_string_equal(ambc_client_last_error(&client)->request_id, "req_del");
    }
    /* ids are checked before a byte is sent */
    assert_int_equal(ambc_batches_cancel(&client, "", &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batches_delete(&client, NULL, &d), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batches_delete(&client, "a", NULL), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.whole_requests, 3);
}

/* One list call with these options against a server that answers one page. */
static ambc_status_t list_with(ambc_client_options_t *opt)
{
    const char *ids[] = {"x"};
    ambc_page_t page;
    seen_t seen = {0};
    ambc_stream_t s = {&fake_ops, &fake};
    ambc_status_t st;
    fake_reset();
    st = ambc_client_init(&client, opt, s, &fake_clock);
    if (st != AMBC_OK) {
        return st; /* refused before any request */
    }
    fake.script[fake.nscript++] = page_response(0, ids, 1, false, false);
    return ambc_batches_list_page(&client, NULL, collect, &seen, &page);
}

/* A string of n copies of c in a static buffer (n < 512). */
static const char *repeat(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* The composed header values at their limits (ambc.h): Host (name and port) of
 * AMBC_HOST_LEN_MAX bytes, a key of AMBC_API_KEY_LEN_MAX bytes (either header), a beta value of
 * AMBC_BETA_LEN_MAX bytes; one byte more and ambc_client_init() refuses, before any request. */
static void test_composed_header_limits(void **state)
{
    static char host[512], key[512], extra[512], want[600];
    ambc_client_options_t opt = {.api_key = "k"};
    size_t beta_room = AMBC_BETA_LEN_MAX - strlen(AMBC_BATCHES_BETA ",");
    (void)state;

    opt.host = repeat(host, 'h', AMBC_HOST_LEN_MAX);
    assert_int_equal(list_with(&opt), AMBC_OK);
    assert_non_null(strstr(fake.last_request, "\r\nHost: hhh"));
    opt.host = repeat(host, 'h', AMBC_HOST_LEN_MAX + 1);
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0);
    opt.port = 8443;
    opt.host = repeat(host, 'h', AMBC_HOST_LEN_MAX - 5);
    assert_int_equal(list_with(&opt), AMBC_OK);
    sprintf(want, "\r\nHost: %s:8443\r\n", host);
    assert_non_null(strstr(fake.last_request, want));
    opt.host = repeat(host, 'h', AMBC_HOST_LEN_MAX - 4);
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0);
    opt.host = NULL;
    opt.port = 0;

    opt.key_header = AMBC_KEY_BEARER;
#if CONFIG_AMBC_API_KEY_MAX < 500 && CONFIG_AMBC_REQUEST_BUF_SIZE >= 1024
    opt.api_key = repeat(key, 'k', CONFIG_AMBC_API_KEY_MAX - 1);
    assert_int_equal(list_with(&opt), AMBC_OK);
    sprintf(want, "\r\nauthorization: Bearer %s\r\n", key);
    assert_non_null(strstr(fake.last_request, want));
    opt.api_key = repeat(key, 'k', CONFIG_AMBC_API_KEY_MAX);
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0);
    opt.key_header = AMBC_KEY_X_API_KEY; /* one limit for both headers */
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    opt.api_key = repeat(key, 'k', AMBC_API_KEY_LEN_MAX);
    assert_int_equal(list_with(&opt), AMBC_OK);
    sprintf(want, "\r\nx-api-key: %s\r\n", key);
    assert_non_null(strstr(fake.last_request, want));
#endif
    opt.api_key = "k";
    opt.key_header = AMBC_KEY_X_API_KEY;

    opt.beta = true;
    assert_int_equal(list_with(&opt), AMBC_OK);
    assert_non_null(strstr(fake.last_request, "\r\nanthropic-beta: " AMBC_BATCHES_BETA "\r\n"));
    opt.extra_betas = repeat(extra, 'e', beta_room);
    assert_int_equal(list_with(&opt), AMBC_OK);
    sprintf(want, "\r\nanthropic-beta: " AMBC_BATCHES_BETA ",%s\r\n", extra);
    assert_non_null(strstr(fake.last_request, want));
    opt.extra_betas = repeat(extra, 'e', beta_room + 1);
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0);
    opt.beta = false;
    opt.extra_betas = repeat(extra, 'e', AMBC_BETA_LEN_MAX);
    assert_int_equal(list_with(&opt), AMBC_OK);
    sprintf(want, "\r\nanthropic-beta: %s\r\n", extra);
    assert_non_null(strstr(fake.last_request, want));
    opt.extra_betas = repeat(extra, 'e', AMBC_BETA_LEN_MAX + 1);
    assert_int_equal(list_with(&opt), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0);
}

static void test_invalid_arguments(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_client_options_t bad = {.api_key = "k\r\nx-evil: 1"};
    ambc_list_params_t p = {.limit = 1001};
    ambc_page_t page;
    seen_t seen = {0};
    ambc_stream_t s = {&fake_ops, &fake};
    (void)state;
    setup_client(&opt);
    assert_int_equal(ambc_batches_list_page(&client, &p, collect, &seen, &page),
                     AMBC_ERR_INVALID_ARG);
    p.limit = 5;
    p.after_id = "a";
    p.before_id = "b";
    assert_int_equal(ambc_batches_list_page(&client, &p, collect, &seen, &page),
                     AMBC_ERR_INVALID_ARG);
    p.before_id = NULL;
    p.after_id = "";
    assert_int_equal(ambc_batches_list_page(&client, &p, collect, &seen, &page),
                     AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.connects, 0); /* nothing was sent for any of them */
    assert_int_equal(ambc_client_init(&client, &bad, s, &fake_clock), AMBC_ERR_INVALID_ARG);
    opt.api_key = NULL;
    assert_int_equal(ambc_client_init(&client, &opt, s, &fake_clock), AMBC_ERR_INVALID_ARG);
}

/* The longest request head the limits allow fits the request buffer, and the bytes besides the
 * key, Host, beta value and id stay within config.h's AMBC_REQUEST_HEAD_FIXED, the constant of
 * its cross-option #error. The longest heads: a list page after a cursor, and a cancel. */
static void test_longest_request_head_fits(void **state)
{
    static char host[CONFIG_AMBC_HOST_MAX], key[CONFIG_AMBC_API_KEY_MAX],
        extra[CONFIG_AMBC_BETA_MAX], id[CONFIG_AMBC_ID_MAX];
    ambc_client_options_t opt = {.port = 65535, .key_header = AMBC_KEY_BEARER, .beta = true};
    const char *ids[] = {"x"};
    ambc_list_params_t lp = {.limit = 1000};
    ambc_page_t page;
    ambc_batch_t b;
    seen_t seen = {0};
    size_t variable, head;
    int call;
    (void)state;
    opt.host = repeat(host, 'h', AMBC_HOST_LEN_MAX - 6); /* ":65535" */
    opt.api_key = repeat(key, 'k', AMBC_API_KEY_LEN_MAX);
    opt.extra_betas = repeat(extra, 'e', AMBC_BETA_LEN_MAX - strlen(AMBC_BATCHES_BETA ","));
    lp.after_id = repeat(id, ' ', CONFIG_AMBC_ID_MAX - 1); /* every byte percent-encoded */
    variable = AMBC_HOST_LEN_MAX + AMBC_API_KEY_LEN_MAX + AMBC_BETA_LEN_MAX + 3u * strlen(id);
    for (call = 0; call < 2; call++) {
        setup_client(&opt);
        if (call == 0) {
            fake.script[fake.nscript++] = page_response(0, ids, 1, false, false);
            assert_int_equal(ambc_batches_list_page(&client, &lp, collect, &seen, &page), AMBC_OK);
        } else {
            fake.script[fake.nscript++] = single_response(0, "x");
            assert_int_equal(ambc_batches_cancel(&client, id, &b), AMBC_OK);
        }
        head = strlen(fake.last_request);
        print_message("head %zu bytes: %zu variable + %zu fixed (bound %d), buffer %d\n", head,
                      variable, head - variable, AMBC_REQUEST_HEAD_FIXED,
                      CONFIG_AMBC_REQUEST_BUF_SIZE);
        assert_true(head - variable <= AMBC_REQUEST_HEAD_FIXED);
        assert_true(head <= CONFIG_AMBC_REQUEST_BUF_SIZE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_bytes),
        cmocka_unit_test(test_beta_bearer_workspace),
        cmocka_unit_test(test_composed_header_limits),
        cmocka_unit_test(test_longest_request_head_fits),
        cmocka_unit_test(test_walk_forward_one_connection),
        cmocka_unit_test(test_walk_backward_uses_first_id),
        cmocka_unit_test(test_stops_on_has_more_not_cursor),
        cmocka_unit_test(test_same_cursor_twice_is_an_error),
        cmocka_unit_test(test_stale_keepalive_reconnects_once),
        cmocka_unit_test(test_page_cut_midway_resumes_exactly_once),
        cmocka_unit_test(test_resume_point_gone_is_an_error),
        cmocka_unit_test(test_retry_decisions_and_waits),
        cmocka_unit_test(test_log_events_carry_the_status),
        cmocka_unit_test(test_connect_failure_does_not_reuse_old_headers),
        cmocka_unit_test(test_gives_up_after_max_retries),
        cmocka_unit_test(test_retry_never_outlives_the_deadline),
        cmocka_unit_test(test_retries_can_be_turned_off),
        cmocka_unit_test(test_api_error_record),
        cmocka_unit_test(test_array_too_small_closes),
        cmocka_unit_test(test_key_wiped_after_send),
        cmocka_unit_test(test_retrieve_encodes_id),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_late_bytes_dropped_before_reuse),
        cmocka_unit_test(test_extra_response_not_taken_as_next_page),
        cmocka_unit_test(test_send_failure_on_reused_connection_reconnects),
        cmocka_unit_test(test_cursor_cycles_of_any_length),
        cmocka_unit_test(test_walk_cap_and_deadline),
        cmocka_unit_test(test_timeout_at_the_deadline_is_deadline),
        cmocka_unit_test(test_retrieve_beta),
        cmocka_unit_test(test_busy_from_callback),
        cmocka_unit_test(test_error_names_the_key),
        cmocka_unit_test(test_cancel_and_delete),
    };
    return cmocka_run_group_tests(tests, NULL, fake_teardown);
}
