/* Unit tests for core/create.c: a create over a scripted server (tests/support/fake_server.c).
 * The two passes, what the first one refuses before any byte is sent, a source that changes
 * between them, and the retry decisions of a call that is not idempotent, each asserting what
 * the server received (whole requests: a batch created or not). Bodies are read back by cJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <valgrind/valgrind.h>

#include "ambc/ambc.h"
#include "fake_server.h"

static ambc_client_t client;
static char resp[64][2048];

#define RECORD_FMT                                                                                 \
    "{\"id\":\"%s\",\"type\":\"message_batch\",\"processing_status\":\"in_progress\","             \
    "\"request_counts\":{\"processing\":%d,\"succeeded\":0,\"errored\":0,\"canceled\":0,"          \
    "\"expired\":0},\"created_at\":\"2026-01-02T05:15:44.018546Z\",\"expires_at\":"                \
    "\"2026-01-03T05:15:44.018546Z\",\"ended_at\":null,\"cancel_initiated_at\":null,"              \
    "\"archived_at\":null,\"results_url\":null}"

static const char *created(int slot, const char *id, int n)
{
    char body[1024];
    int len = snprintf(body, sizeof(body), RECORD_FMT, id, n);
    snprintf(resp[slot], sizeof(resp[slot]), "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len,
             body);
    return resp[slot];
}

static const char *refused(int slot, int status, const char *headers)
{
    static const char body[] =
        "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"no\"},\"request_id\":\"r\"}";
    snprintf(resp[slot], sizeof(resp[slot]), "HTTP/1.1 %d E\r\n%scontent-length: %zu\r\n\r\n%s",
             status, headers, strlen(body), body);
    return resp[slot];
}

static void setup(ambc_client_options_t *opt)
{
    ambc_stream_t s = {&fake_ops, &fake};
    fake_reset();
    assert_int_equal(ambc_client_init(&client, opt, s, &fake_clock), AMBC_OK);
}

/* ---- sources ----------------------------------------------------------------------------- */

typedef struct {
    uint32_t n;         /* requests */
    uint32_t calls;     /* source calls so far (both passes) */
    uint32_t bad_at;    /* index of a request written wrong, or UINT32_MAX */
    int bad_kind;       /* 1: custom_id, 2: params JSON, 3: text UTF-8 */
    uint32_t change_at; /* second-pass calls from this one write other bytes, or UINT32_MAX */
    int change_kind;    /* 0 same length other bytes, 1 more bytes, 2 fewer bytes */
    size_t big;         /* raw params padded with a string of this many bytes */
    uint32_t progress_calls;
    uint32_t stop_progress_at; /* progress returns AMBC_ERR_ABORTED at this request count */
    bool own_status;           /* the source answers any writer failure with AMBC_ERR_ABORTED */
} src_t;

static const char filler[] = "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRST";

static ambc_status_t write_big(ambc_request_writer_t *w, size_t big)
{
    static char chunk[65536];
    ambc_status_t st = ambc_request_params_json(w, "{\"pad\":\"", 8);
    if (chunk[0] == '\0') {
        memset(chunk, 'x', sizeof(chunk));
    }
    while (big > 0 && st == AMBC_OK) {
        size_t n = big < sizeof(chunk) ? big : sizeof(chunk);
        st = ambc_request_params_json(w, chunk, n);
        big -= n;
    }
    return st == AMBC_OK ? ambc_request_params_json(w, "\"}", 2) : st;
}

static ambc_status_t write_request(void *ctx, uint32_t i, ambc_request_writer_t *w)
{
    src_t *s = ctx;
    char id[32];
    bool second = s->calls++ > s->n;
    if (i >= s->n) {
        return AMBC_END;
    }
    snprintf(id, sizeof(id), i == s->bad_at && s->bad_kind == 1 ? "bad id %u" : "req-%u", i);
    ambc_request_custom_id(w, id);
    if (s->big > 0) {
        return write_big(w, s->big);
    }
    if (i % 2 == 1) { /* raw params for every other request */
        if (i == s->bad_at && s->bad_kind == 2) {
            return ambc_request_params_json(w, "{\"model\":}", 10);
        }
        return ambc_request_params_json(w, "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}",
                                        42);
    }
    ambc_params_begin(w, "claude-test", 100 + i);
    if (i == s->bad_at && s->bad_kind == 3) {
        ambc_params_message(w, AMBC_ROLE_USER, "\xc0\x80", 2);
    } else if (second && i >= s->change_at) {
        static const char *const other[] = {"Xi \"there\" ", "hi \"there\" and more",
                                            "hi \"there\""};
        ambc_params_message(w, AMBC_ROLE_USER, other[s->change_kind],
                            strlen(other[s->change_kind]));
    } else {
        ambc_params_message(w, AMBC_ROLE_USER, "hi \"there\" ", 11);
    }
    ambc_params_text(w, filler, (size_t)(i % (sizeof(filler) - 1)));
    return ambc_params_end(w);
}

/* A source that hides a writer failure behind a status of its own, as an application's may:
 * ambc must still report (and retry) the failure that caused it. */
static ambc_status_t source(void *ctx, uint32_t i, ambc_request_writer_t *w)
{
    src_t *s = ctx;
    ambc_status_t st = write_request(ctx, i, w);
    return s->own_status && st != AMBC_OK && st != AMBC_END ? AMBC_ERR_ABORTED : st;
}

static ambc_status_t progress(void *ctx, uint32_t requests, uint64_t sent, uint64_t total)
{
    src_t *s = ctx;
    assert_true(sent <= total);
    s->progress_calls++;
    return requests == s->stop_progress_at ? AMBC_ERR_ABORTED : AMBC_OK;
}

static src_t src_of(uint32_t n)
{
    src_t s;
    memset(&s, 0, sizeof(s));
    s.n = n;
    s.bad_at = UINT32_MAX;
    s.change_at = UINT32_MAX;
    s.stop_progress_at = UINT32_MAX;
    return s;
}

static ambc_status_t create(src_t *s, ambc_batch_t *out)
{
    ambc_create_params_t p = {source, s, progress, s};
    s->calls = 0;
    return ambc_batches_create(&client, &p, out);
}

/* ---- tests --------------------------------------------------------------------------------- */

/* The request as sent: head, Content-Length equal to the body, a body cJSON reads as the
 * requests written, in order; and the batch the server answered. */
static void test_create_sends_what_the_source_wrote(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    src_t s = src_of(5);
    ambc_batch_t b;
    size_t len;
    const char *body;
    cJSON *root, *reqs;
    int i;
    (void)state;
    setup(&opt);
    fake.chunk = 7;
    fake.script[fake.nscript++] = created(0, "msgbatch_new", 5);
    assert_int_equal(create(&s, &b), AMBC_OK);
    assert_string_equal(b.id, "msgbatch_new");
    assert_int_equal(b.request_counts.processing, 5);
    assert_non_null(strstr(fake.last_request, "POST /v1/messages/batches HTTP/1.1\r\n"));
    assert_non_null(strstr(fake.last_request, "\r\ncontent-type: application/json\r\n"));
    body = fake_last_body(&len);
    assert_int_equal(fake.whole_requests, 1);
    root = cJSON_ParseWithLength(body, len);
    assert_non_null(root);
    reqs = cJSON_GetObjectItem(root, "requests");
    assert_int_equal(cJSON_GetArraySize(reqs), 5);
    for (i = 0; i < 5; i++) {
        cJSON *r = cJSON_GetArrayItem(reqs, i);
        char id[16];
        snprintf(id, sizeof(id), "req-%d", i);
        assert_string_equal(cJSON_GetObjectItem(r, "custom_id")->valuestring, id);
        assert_true(cJSON_IsObject(cJSON_GetObjectItem(r, "params")));
    }
    assert_string_equal(
        cJSON_GetObjectItem(
            cJSON_GetArrayItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 2), "params"),
                                    "messages"),
                0),
            "content")
            ->valuestring,
        "hi \"there\" 01");
    cJSON_Delete(root);
    assert_int_equal(s.calls, 12); /* 5 + AMBC_END, twice */
    assert_int_equal(s.progress_calls, 5);
}

/* Every check of the first pass: its own status, the request it is about, nothing sent. */
static void test_first_pass_refuses_before_any_byte(void **state)
{
    static const struct {
        uint32_t n, bad_at;
        int kind;
        ambc_status_t want;
        uint32_t index;
    } cases[] = {
        {6, 4, 1, AMBC_ERR_CUSTOM_ID, 4},
        {100000, 79999, 2, AMBC_ERR_PARAMS, 79999},
        {6, 2, 3, AMBC_ERR_TEXT_UTF8, 2},
        {0, 0, 0, AMBC_ERR_CREATE_COUNT, 0},
        {100001, 0, 0, AMBC_ERR_CREATE_COUNT, 100000},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ambc_client_options_t opt = {.api_key = "k"};
        src_t s = src_of(cases[i].n);
        ambc_batch_t b;
        setup(&opt);
        s.bad_at = cases[i].bad_at;
        s.bad_kind = cases[i].kind;
        assert_int_equal(create(&s, &b), cases[i].want);
        assert_int_equal(ambc_client_error_index(&client), cases[i].index);
        assert_int_equal(fake.connects, 0);
        assert_int_equal(fake.sent_len, 0);
    }
}

/* 256 MB is the API's limit for the whole body: one byte over is refused before sending. */
static void test_body_size_limit(void **state)
{
    /* the fake clock moves 1 ms per reading: 256 MB in 1 KB sends needs more than 10 min */
    ambc_client_options_t opt = {.api_key = "k", .total_timeout_ms = 3600000};
    src_t s = src_of(1);
    ambc_batch_t b;
    /* {"requests":[{"custom_id":"req-0","params":{"pad":"...."}}]} */
    size_t frame = strlen("{\"requests\":[{\"custom_id\":\"req-0\",\"params\":{\"pad\":\"\"}}]}");
    (void)state;
    if (RUNNING_ON_VALGRIND) {
        skip(); /* 512 MB through the writer twice: minutes under valgrind; ASan runs it */
    }
    setup(&opt);
    s.big = AMBC_CREATE_MAX_BYTES - frame + 1;
    assert_int_equal(create(&s, &b), AMBC_ERR_CREATE_TOO_LARGE);
    assert_int_equal(ambc_client_error_index(&client), 0);
    assert_int_equal(fake.sent_len, 0);
    s.big--; /* exactly 256 MB: sent whole */
    fake.script[fake.nscript++] = created(0, "msgbatch_big", 1);
    assert_int_equal(create(&s, &b), AMBC_OK);
    assert_int_equal(fake.last_body_len, AMBC_CREATE_MAX_BYTES);
}

/* A source that writes other bytes the second time: the upload is broken off before its last
 * byte (the server never has a whole request), and never retried. */
static void test_source_changed_never_completes(void **state)
{
    int kind;
    (void)state;
    for (kind = 0; kind < 3; kind++) {
        ambc_client_options_t opt = {.api_key = "k"};
        src_t s = src_of(9);
        ambc_batch_t b;
        setup(&opt);
        s.change_at = 6;
        s.change_kind = kind;
        fake.script[fake.nscript++] = created(0, "msgbatch_no", 9);
        assert_int_equal(create(&s, &b), AMBC_ERR_SOURCE_CHANGED);
        assert_int_equal(fake.whole_requests, 0);
        assert_int_equal(fake.connects, 1);
        assert_false(fake.connected);
        assert_int_equal(ambc_client_stats(&client).retries, 0);
    }
}

/* Progress stops the upload when asked: before the last byte, so nothing is created. */
static void test_progress_can_stop_the_upload(void **state)
{
    ambc_client_options_t opt = {.api_key = "k"};
    src_t s = src_of(9);
    ambc_batch_t b;
    (void)state;
    setup(&opt);
    s.stop_progress_at = 9; /* after the last request, before the tail */
    fake.script[fake.nscript++] = created(0, "msgbatch_no", 9);
    assert_int_equal(create(&s, &b), AMBC_ERR_ABORTED);
    assert_int_equal(fake.whole_requests, 0);
}

/* The upload cut at every byte of the head and of the body: the server never had a whole
 * body, so the create is retried; exactly one batch is created every time. */
static void test_cut_at_every_offset_retried_once(void **state)
{
    size_t total = 0, at;
    int cases = 0;
    (void)state;
    for (at = 0; total == 0 || at < total; at++) {
        ambc_client_options_t opt = {.api_key = "k", .retry_initial_ms = 1, .retry_max_ms = 1};
        src_t s = src_of(3);
        ambc_batch_t b;
        setup(&opt);
        fake.fail_at = (long)at;
        fake.script[fake.nscript++] = created(0, "msgbatch_once", 3);
        assert_int_equal(create(&s, &b), AMBC_OK);
        assert_int_equal(fake.whole_requests, 1);
        assert_int_equal(ambc_client_stats(&client).retries, 1);
        assert_string_equal(b.id, "msgbatch_once");
        if (total == 0) {
            total = fake.sent_len - at; /* the whole request, as the second attempt sent it */
        }
        cases++;
    }
    print_message("upload cut at each of %d offsets: one batch each time\n", cases);
}

/* Requests larger than the request buffer are sent while the source writes them, so a send
 * fails inside a writer call. A source that answers with a status of its own must not hide
 * it: the create still sees the network error, retries it, and makes one batch. */
static void test_source_status_does_not_hide_a_failed_send(void **state)
{
    long at;
    (void)state;
    for (at = 300; at < 3 * 4000; at += 997) { /* head and body: about 12.3 KB */
        ambc_client_options_t opt = {.api_key = "k", .retry_initial_ms = 1, .retry_max_ms = 1};
        src_t s = src_of(3);
        ambc_batch_t b;
        setup(&opt);
        s.big = 4000;
        s.own_status = true;
        fake.fail_at = at;
        fake.script[fake.nscript++] = created(0, "msgbatch_once", 3);
        assert_true(sizeof(client.request) < 4000);
        assert_int_equal(create(&s, &b), AMBC_OK);
        assert_int_equal(fake.whole_requests, 1);
        assert_int_equal(ambc_client_stats(&client).retries, 1);
    }
}

typedef struct {
    const char *what;
    ambc_create_retry_t policy;
    const char *first; /* the first attempt's answer, or FAKE_DROP */
    int cut_answer;    /* the first answer arrives cut short: 1 inside its batch object, 2 after
                          it (the body announced 10 bytes more) */
    ambc_status_t want;
    int whole_requests; /* what the server had acted on */
} decision_t;

/* The retry decisions of a create after its whole body was sent (the table in the docs). */
static void test_retry_decisions_after_the_body(void **state)
{
    static char cut[2048];
    decision_t d[] = {
        {"429", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_OK, 2},
        {"529", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_OK, 2},
        {"503", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_OK, 2},
        {"408", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_OK, 2},
        {"429 x-should-retry: false", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_ERR_API, 1},
        {"500", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_ERR_API, 1},
        {"409", AMBC_CREATE_RETRY_SAFE, NULL, 0, AMBC_ERR_API, 1},
        {"lost", AMBC_CREATE_RETRY_SAFE, FAKE_DROP, 0, AMBC_ERR_OUTCOME_UNKNOWN, 1},
        {"cut", AMBC_CREATE_RETRY_SAFE, NULL, 1, AMBC_ERR_OUTCOME_UNKNOWN, 1},
        /* found in review: the batch object arrived whole, so the batch exists and is known;
         * the SDK policy retried it (a second batch) and then reported AMBC_ERR_RESUME_LOST */
        {"cut after its batch", AMBC_CREATE_RETRY_SAFE, NULL, 2, AMBC_OK, 1},
        {"cut after its batch, as the SDKs", AMBC_CREATE_RETRY_LIKE_SDKS, NULL, 2, AMBC_OK, 1},
        {"lost, as the SDKs", AMBC_CREATE_RETRY_LIKE_SDKS, FAKE_DROP, 0, AMBC_OK, 2},
        {"500, as the SDKs", AMBC_CREATE_RETRY_LIKE_SDKS, NULL, 0, AMBC_OK, 2},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        ambc_client_options_t opt = {.api_key = "k", .retry_initial_ms = 1, .retry_max_ms = 1};
        src_t s = src_of(2);
        ambc_batch_t b;
        ambc_status_t st;
        opt.create_retry = d[i].policy;
        setup(&opt);
        if (d[i].first == FAKE_DROP) {
            fake.script[fake.nscript++] = FAKE_DROP;
        } else if (d[i].cut_answer == 1) {
            snprintf(cut, sizeof(cut), "%.60s", created(1, "msgbatch_x", 2));
            fake.close_after = true;
            fake.script[fake.nscript++] = cut;
        } else if (d[i].cut_answer == 2) {
            char body[1024];
            int len = snprintf(body, sizeof(body), RECORD_FMT, "msgbatch_x", 2);
            snprintf(cut, sizeof(cut), "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len + 10,
                     body);
            fake.close_after = true;
            fake.script[fake.nscript++] = cut;
        } else {
            int status = atoi(d[i].what);
            fake.script[fake.nscript++] =
                refused(1, status, strstr(d[i].what, "false") ? "x-should-retry: false\r\n" : "");
        }
        fake.script[fake.nscript++] = created(0, "msgbatch_x", 2);
        st = create(&s, &b);
        if (st != d[i].want || fake.whole_requests != d[i].whole_requests) {
            fail_msg("%s: got %d with %d batches, want %d with %d", d[i].what, st,
                     fake.whole_requests, d[i].want, d[i].whole_requests);
        }
        if (st == AMBC_OK) {
            assert_string_equal(b.id, "msgbatch_x");
        }
    }
}

/* A kept-alive connection the server has closed: found before reuse, the create goes on a new
 * one (no unknown outcome); but a server that closes one after the whole body arrived gives
 * an unknown outcome, never a second upload. */
static void test_kept_alive_connection(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .max_retries = AMBC_RETRIES_NONE};
    src_t s = src_of(2);
    ambc_batch_t b;
    (void)state;
    setup(&opt);
    fake.script[fake.nscript++] = created(0, "msgbatch_a", 2);
    fake.script[fake.nscript++] = created(1, "msgbatch_b", 2);
    assert_int_equal(create(&s, &b), AMBC_OK);
    fake.late = ""; /* nothing stray; the next recv(0) sees the close below */
    fake.peer_closed = true;
    assert_int_equal(create(&s, &b), AMBC_OK);
    assert_string_equal(b.id, "msgbatch_b");
    assert_int_equal(ambc_client_stats(&client).idle_dropped, 1);
    fake.script[fake.nscript++] = FAKE_DROP;
    assert_int_equal(create(&s, &b), AMBC_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(fake.whole_requests, 3);
}

static void test_beta_and_arguments(void **state)
{
    ambc_client_options_t opt = {.api_key = "k", .beta = true};
    src_t s = src_of(1);
    ambc_batch_t b;
    ambc_create_params_t none = {NULL, NULL, NULL, NULL};
    (void)state;
    setup(&opt);
    fake.script[fake.nscript++] = created(0, "msgbatch_beta", 1);
    assert_int_equal(create(&s, &b), AMBC_OK);
    assert_non_null(strstr(fake.last_request, "POST /v1/messages/batches?beta=true HTTP/1.1"));
    assert_non_null(strstr(fake.last_request, "\r\nanthropic-beta: " AMBC_BATCHES_BETA "\r\n"));
    assert_int_equal(ambc_batches_create(&client, &none, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batches_create(NULL, &none, &b), AMBC_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_sends_what_the_source_wrote),
        cmocka_unit_test(test_first_pass_refuses_before_any_byte),
        cmocka_unit_test(test_body_size_limit),
        cmocka_unit_test(test_source_changed_never_completes),
        cmocka_unit_test(test_progress_can_stop_the_upload),
        cmocka_unit_test(test_cut_at_every_offset_retried_once),
        cmocka_unit_test(test_source_status_does_not_hide_a_failed_send),
        cmocka_unit_test(test_retry_decisions_after_the_body),
        cmocka_unit_test(test_kept_alive_connection),
        cmocka_unit_test(test_beta_and_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, fake_teardown);
}
