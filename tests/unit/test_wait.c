/* Unit tests for core/wait.c: polling a batch until it ends, over a scripted server
 * (tests/support/fake_server.c) and a clock that moves only when told. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/ambc.h"
#include "fake_server.h"

static ambc_client_t client;
static char resp[32][1024];

static const char *batch(int slot, const char *status)
{
    char body[768];
    int len = snprintf(
        body, sizeof(body),
        "{\"id\":\"msgbatch_w\",\"type\":\"message_batch\",\"processing_status\":\"%s\","
        "\"request_counts\":{\"processing\":1,\"succeeded\":0,\"errored\":0,\"canceled\":0,"
        "\"expired\":0},\"created_at\":\"2026-01-02T05:15:44Z\",\"expires_at\":"
        "\"2026-01-03T05:15:44Z\",\"ended_at\":null,\"cancel_initiated_at\":null,"
        "\"archived_at\":null,\"results_url\":null}",
        status);
    snprintf(resp[slot], sizeof(resp[slot]), "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len,
             body);
    return resp[slot];
}

static const char *not_found(int slot)
{
    static const char body[] = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
                               "\"message\":\"no\"},\"request_id\":\"r\"}";
    snprintf(resp[slot], sizeof(resp[slot]), "HTTP/1.1 404 NF\r\ncontent-length: %zu\r\n\r\n%s",
             strlen(body), body);
    return resp[slot];
}

static void setup(void)
{
    ambc_client_options_t opt = {.api_key = "k"};
    ambc_stream_t s = {&fake_ops, &fake};
    fake_reset();
    assert_int_equal(ambc_client_init(&client, &opt, s, &fake_clock), AMBC_OK);
}

typedef struct {
    uint32_t polls[8];
    uint32_t next[8];
    int n;
    int stop_at;
} seen_t;

static ambc_status_t on_poll(void *ctx, const ambc_batch_t *b, uint32_t polls, uint32_t next_ms)
{
    seen_t *s = ctx;
    assert_string_equal(b->id, "msgbatch_w");
    s->polls[s->n] = polls;
    s->next[s->n] = next_ms;
    s->n++;
    return s->n == s->stop_at ? AMBC_ERR_ABORTED : AMBC_OK;
}

/* In progress, canceling, then ended: three sleeps growing by half from the first. */
static void test_polls_until_ended(void **state)
{
    seen_t seen = {{0}, {0}, 0, 0};
    ambc_wait_params_t p = {2000, 60000, 0, 0, on_poll, &seen};
    ambc_batch_t b;
    (void)state;
    setup();
    fake.script[fake.nscript++] = batch(0, "in_progress");
    fake.script[fake.nscript++] = batch(1, "in_progress");
    fake.script[fake.nscript++] = batch(2, "canceling");
    fake.script[fake.nscript++] = batch(3, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_OK);
    assert_int_equal(b.processing_status, AMBC_BATCH_ENDED);
    assert_int_equal(nsleeps, 3);
    assert_int_equal(sleeps[0], 2000);
    assert_int_equal(sleeps[1], 3000);
    assert_int_equal(sleeps[2], 4500);
    assert_int_equal(seen.n, 3);
    assert_int_equal(seen.polls[2], 3);
    assert_int_equal(seen.next[2], 4500);
    assert_int_equal(fake.connects, 1); /* one connection kept alive across the polls */
}

/* The sleep stops growing at max_ms; an initial sleep over it starts there. */
static void test_sleep_capped(void **state)
{
    ambc_wait_params_t p = {70000, 60000, 0, 0, NULL, NULL};
    ambc_batch_t b;
    int i;
    (void)state;
    setup();
    for (i = 0; i < 3; i++) {
        fake.script[fake.nscript++] = batch(i, "in_progress");
    }
    fake.script[fake.nscript++] = batch(3, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_OK);
    assert_int_equal(sleeps[0], 60000);
    assert_int_equal(sleeps[2], 60000);
    p.initial_ms = 30000;
    setup();
    for (i = 0; i < 3; i++) {
        fake.script[fake.nscript++] = batch(i, "in_progress");
    }
    fake.script[fake.nscript++] = batch(3, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_OK);
    assert_int_equal(sleeps[0], 30000);
    assert_int_equal(sleeps[1], 45000);
    assert_int_equal(sleeps[2], 60000);
}

/* The wait's deadline: it ends rather than sleep past it. */
static void test_deadline(void **state)
{
    ambc_wait_params_t p = {1000, 1000, 3500, 0, NULL, NULL};
    ambc_batch_t b;
    int i;
    (void)state;
    setup();
    for (i = 0; i < 10; i++) {
        fake.script[fake.nscript++] = batch(i, "in_progress");
    }
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_ERR_DEADLINE);
    assert_in_range(fake.whole_requests, 3, 4);
    assert_int_equal(b.processing_status, AMBC_BATCH_IN_PROGRESS); /* the last poll's */
}

/* A 404 soon after the wait began is a batch not visible yet; later it is an error. */
static void test_not_found_grace(void **state)
{
    ambc_wait_params_t p = {1000, 1000, 0, 1500, NULL, NULL}; /* polls at 0, 1 s, 2 s */
    ambc_batch_t b;
    (void)state;
    setup();
    fake.script[fake.nscript++] = not_found(0);
    fake.script[fake.nscript++] = not_found(1);
    fake.script[fake.nscript++] = batch(2, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_OK);
    setup();
    fake.script[fake.nscript++] = not_found(0);
    fake.script[fake.nscript++] = not_found(1);
    fake.script[fake.nscript++] = not_found(2);
    fake.script[fake.nscript++] = batch(3, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_ERR_API);
    assert_int_equal(ambc_client_last_error(&client)->http_status, 404);
    assert_int_equal(fake.whole_requests, 3);
}

/* The poll that decides about a 404 comes when the grace ends, not a whole sleep later; with
 * AMBC_WAIT_NOT_FOUND_NONE the first 404 is final. */
static void test_not_found_decided_when_grace_ends(void **state)
{
    ambc_wait_params_t p = {2000, 60000, 0, 3000, NULL, NULL}; /* sleeps 2 s, then 3 s */
    ambc_batch_t b;
    (void)state;
    setup();
    fake.script[fake.nscript++] = not_found(0);
    fake.script[fake.nscript++] = not_found(1);
    fake.script[fake.nscript++] = not_found(2);
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_ERR_API);
    assert_int_equal(fake.whole_requests, 3);
    assert_int_equal(nsleeps, 2);
    assert_int_equal(sleeps[0], 2000);
    assert_in_range(sleeps[1], 950,
                    1000); /* to the grace's end (the fake clock ticks 1 ms a read) */
    p.not_found_ms = AMBC_WAIT_NOT_FOUND_NONE;
    setup();
    fake.script[fake.nscript++] = not_found(0);
    fake.script[fake.nscript++] = batch(1, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_ERR_API);
    assert_int_equal(fake.whole_requests, 1);
    assert_int_equal(nsleeps, 0);
}

static void test_callback_stops_and_arguments(void **state)
{
    seen_t seen = {{0}, {0}, 0, 2};
    ambc_wait_params_t p = {1000, 1000, 0, 0, on_poll, &seen};
    ambc_batch_t b;
    (void)state;
    setup();
    fake.script[fake.nscript++] = batch(0, "in_progress");
    fake.script[fake.nscript++] = batch(1, "in_progress");
    fake.script[fake.nscript++] = batch(2, "ended");
    assert_int_equal(ambc_batches_wait(&client, "msgbatch_w", &p, &b), AMBC_ERR_ABORTED);
    assert_int_equal(fake.whole_requests, 2);
    assert_int_equal(ambc_batches_wait(&client, "", &p, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batches_wait(&client, "x", &p, NULL), AMBC_ERR_INVALID_ARG);
    assert_int_equal(fake.whole_requests, 2); /* nothing sent for either */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polls_until_ended),
        cmocka_unit_test(test_sleep_capped),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_not_found_grace),
        cmocka_unit_test(test_not_found_decided_when_grace_ends),
        cmocka_unit_test(test_callback_stops_and_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, fake_teardown);
}
