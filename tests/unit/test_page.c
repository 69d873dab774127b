/* Unit tests for core/page.c: list pages and single objects, streamed in any slices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/batch.h"
#include "gen_page.h"

#define BIG_N 1000u

typedef struct {
    ambc_batch_t *got;
    size_t n, cap;
    size_t abort_at; /* 1-based record number to abort at, 0 = never */
} sink_t;

static ambc_status_t collect(void *ctx, const ambc_batch_t *b)
{
    sink_t *s = ctx;
    if (s->abort_at && s->n + 1 == s->abort_at) {
        return AMBC_ERR_ABORTED;
    }
    if (s->n < s->cap) {
        s->got[s->n] = *b;
    }
    s->n++;
    return AMBC_OK;
}

static ambc_page_parser_t parser; /* static: about 1.2 KB, as on a device */
static ambc_batch_t record;

/* Feed body in slices of `slice` bytes (0 = whole). */
static ambc_status_t run(const char *body, size_t len, size_t slice, ambc_page_mode_t mode,
                         ambc_page_t *page, sink_t *sink)
{
    size_t off = 0;
    ambc_status_t st = AMBC_OK;
    sink->n = 0;
    ambc_page_parser_init(&parser, mode, page, &record, collect, sink);
    if (slice == 0) {
        slice = len;
    }
    while (off < len && st == AMBC_OK) {
        size_t n = len - off < slice ? len - off : slice;
        st = ambc_page_parser_feed(&parser, (const uint8_t *)body + off, n);
        off += n;
    }
    return st == AMBC_OK ? ambc_page_parser_finish(&parser) : st;
}

static void check_page(const ambc_page_t *page, const sink_t *sink, const ambc_batch_t *want,
                       size_t n, bool has_more)
{
    size_t i;
    assert_int_equal(sink->n, n);
    assert_int_equal(page->count, n);
    assert_int_equal(page->has_more, has_more);
    for (i = 0; i < n; i++) {
        if (!batch_equal(&sink->got[i], &want[i])) {
            fail_msg("record %zu differs", i);
        }
    }
    if (n > 0) {
        assert_string_equal(page->first_id, want[0].id);
        assert_string_equal(page->last_id, want[n - 1].id);
        assert_int_equal(page->null, 0);
    } else {
        assert_int_equal(page->null, AMBC_PAGE_F_FIRST_ID | AMBC_PAGE_F_LAST_ID);
    }
}

/* The API reference's example values as a one-element page, verbatim. */
static const char example_page[] =
    "{\"data\":[{\"id\":\"msgbatch_013Zva2CMHLNnXjNJJKqJ2EF\",\"type\":\"message_batch\","
    "\"processing_status\":\"in_progress\",\"request_counts\":{\"processing\":100,"
    "\"succeeded\":50,\"errored\":30,\"canceled\":10,\"expired\":10},"
    "\"ended_at\":\"2024-08-20T18:37:24.100435Z\",\"created_at\":\"2024-08-20T18:37:24.100435Z\","
    "\"expires_at\":\"2024-08-20T18:37:24.100435Z\",\"archived_at\":\"2024-08-20T18:37:24."
    "100435Z\","
    "\"cancel_initiated_at\":\"2024-08-20T18:37:24.100435Z\",\"results_url\":"
    "\"https://api.anthropic.com/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results\"}],"
    "\"has_more\":true,\"first_id\":\"msgbatch_013Zva2CMHLNnXjNJJKqJ2EF\","
    "\"last_id\":\"msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d\"}";

static void test_example_page(void **state)
{
    ambc_page_t page;
    ambc_batch_t got[2];
    sink_t sink = {got, 0, 2, 0};
    size_t len = strlen(example_page), k;
    (void)state;
    for (k = 0; k <= len; k++) {
        assert_int_equal(run(example_page, len, k, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
        assert_int_equal(sink.n, 1);
        assert_true(page.has_more);
        assert_string_equal(page.first_id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
        assert_string_equal(page.last_id, "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d");
        assert_string_equal(got[0].id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
        assert_int_equal(got[0].processing_status, AMBC_BATCH_IN_PROGRESS);
        assert_int_equal(got[0].request_counts.processing, 100);
        assert_true(got[0].archived_at == INT64_C(1724179044100435));
        assert_int_equal(got[0].present, AMBC_BATCH_F_ALL);
        assert_int_equal(got[0].null, 0);
    }
}

/* Slice sizes: every size 1..64, then primes and powers of two up to the whole body. */
static size_t next_slice(size_t k, size_t len)
{
    if (k < 64) {
        return k + 1;
    }
    if (k >= len) {
        return 0;
    }
    k = k * 3 / 2 + 1;
    return k < len ? k : len;
}

static void test_big_page_every_slicing(void **state)
{
    size_t cap = BIG_N * 1200 + 256, len, k;
    char *body = malloc(cap);
    ambc_batch_t *want = calloc(BIG_N, sizeof(*want));
    ambc_batch_t *got = calloc(BIG_N, sizeof(*got));
    sink_t sink = {got, 0, BIG_N, 0};
    ambc_page_t page;
    int runs = 0;
    (void)state;
    len = gen_page(body, cap, 0, BIG_N, true, want);
    assert_true(len > 0);
    /* AMBC_TEST_EXHAUSTIVE=1 runs every slice size up to the whole body (hours). */
    if (getenv("AMBC_TEST_EXHAUSTIVE") != NULL) {
        for (k = 1; k <= len; k++) {
            assert_int_equal(run(body, len, k, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
            check_page(&page, &sink, want, BIG_N, true);
        }
    }
    for (k = 1; k != 0; k = next_slice(k, len)) {
        memset(got, 0xA5, BIG_N * sizeof(*got));
        assert_int_equal(run(body, len, k, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
        check_page(&page, &sink, want, BIG_N, true);
        runs++;
    }
    print_message("1000-batch page (%zu bytes) parsed identically in %d slicings\n", len, runs);
    free(body);
    free(want);
    free(got);
}

static void test_small_page_every_split(void **state)
{
    static char body[8192];
    ambc_batch_t want[3], got[3];
    sink_t sink = {got, 0, 3, 0};
    ambc_page_t page;
    size_t len, a, b;
    (void)state;
    len = gen_page(body, sizeof(body), 140, 3, false, want); /* 143: both unknown keys */
    assert_true(len > 0);
    for (a = 0; a <= len; a += 1) {
        for (b = a; b <= len; b += 97) { /* three slices: [0,a) [a,b) [b,len) */
            sink.n = 0;
            ambc_page_parser_init(&parser, AMBC_PAGE_LIST, &page, &record, collect, &sink);
            assert_int_equal(ambc_page_parser_feed(&parser, (const uint8_t *)body, a), AMBC_OK);
            assert_int_equal(ambc_page_parser_feed(&parser, (const uint8_t *)body + a, b - a),
                             AMBC_OK);
            assert_int_equal(ambc_page_parser_feed(&parser, (const uint8_t *)body + b, len - b),
                             AMBC_OK);
            assert_int_equal(ambc_page_parser_finish(&parser), AMBC_OK);
            check_page(&page, &sink, want, 3, false);
        }
    }
}

static void test_empty_page(void **state)
{
    const char *body = "{\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}";
    ambc_page_t page;
    sink_t sink = {NULL, 0, 0, 0};
    (void)state;
    assert_int_equal(run(body, strlen(body), 0, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
    check_page(&page, &sink, NULL, 0, false);
    assert_int_equal(page.present, AMBC_PAGE_F_DATA | AMBC_PAGE_F_HAS_MORE | AMBC_PAGE_F_FIRST_ID |
                                       AMBC_PAGE_F_LAST_ID);
}

/* Issue 11, item 1: page keys and ids are decoded before they are compared or kept. */
static void test_escaped_page_keys_and_ids(void **state)
{
    const char *body = "{\"d\\u0061ta\":[],\"has\\u005fmore\":true,\"first\\u005fid\":"
                       "\"msgb\\u0061tch_\\u00e9\",\"last_id\":\"a\\/b\"}";
    ambc_page_t page;
    sink_t sink = {NULL, 0, 0, 0};
    size_t k;
    (void)state;
    for (k = 0; k <= 3; k++) {
        assert_int_equal(run(body, strlen(body), k, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
        assert_true(page.has_more);
        assert_string_equal(page.first_id, "msgbatch_\xc3\xa9");
        assert_string_equal(page.last_id, "a/b");
    }
}

static void test_single_object(void **state)
{
    static char body[4096];
    ambc_batch_t want, got;
    sink_t sink = {&got, 0, 1, 0};
    size_t len, k;
    (void)state;
    len = gen_batch(body, sizeof(body), 143, &want);
    for (k = 1; k <= len; k++) {
        assert_int_equal(run(body, len, k, AMBC_PAGE_SINGLE, NULL, &sink), AMBC_OK);
        assert_int_equal(sink.n, 1);
        assert_true(batch_equal(&got, &want));
    }
}

static void test_truncated_at_every_offset(void **state)
{
    static char body[8192];
    ambc_batch_t got[3];
    sink_t sink = {got, 0, 3, 0};
    ambc_page_t page;
    size_t len, k;
    (void)state;
    len = gen_page(body, sizeof(body), 10, 3, true, NULL);
    for (k = 0; k < len; k++) {
        ambc_status_t st = run(body, k, 0, AMBC_PAGE_LIST, &page, &sink);
        if (st != AMBC_ERR_JSON_UNEXPECTED_END) {
            fail_msg("prefix of %zu bytes: %s", k, ambc_strerror(st));
        }
    }
}

/* Issue 11, item 2: unknown members of any size and nesting, at page level and in records,
 * pass by in the same RAM, in any slicing; escaped page keys are still known. */
static void test_unknown_members_any_size(void **state)
{
    size_t cap = 3u << 20, len, n, k;
    char *body = malloc(cap);
    char *page1 = malloc(64 * 1024);
    ambc_batch_t want[3], got[3];
    sink_t sink = {got, 0, 3, 0};
    ambc_page_t page;
    (void)state;
    /* a 1 MB unknown string and a 20-deep unknown value before data, 1 MB after it */
    len = (size_t)sprintf(body, "{\"x_big\":\"");
    memset(body + len, 'x', 1u << 20);
    len += 1u << 20;
    len += (size_t)sprintf(body + len, "\",\"x_deep\":");
    for (k = 0; k < 10; k++) { /* 20 levels, 21 with the root's */
        len += (size_t)sprintf(body + len, "{\"k%zu\":[", k);
    }
    len += (size_t)sprintf(body + len, "\"\\u0000\"");
    for (k = 0; k < 10; k++) {
        len += (size_t)sprintf(body + len, "]}");
    }
    len += (size_t)sprintf(body + len, ",");
    n = gen_page(page1, 64 * 1024, 140, 3, false, want);
    assert_true(n > 0);
    memcpy(body + len, page1 + 1, n - 2); /* the generated page's members, without braces */
    len += n - 2;
    len += (size_t)sprintf(body + len, ",\"x_after\":\"");
    memset(body + len, 'y', 1u << 20);
    len += 1u << 20;
    len += (size_t)sprintf(body + len, "\",\"h\\u0061s_more_not\":1}");
    for (k = 1; k < 70000; k = k * 4 + 3) {
        assert_int_equal(run(body, len, k, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
        check_page(&page, &sink, want, 3, false);
    }
    assert_int_equal(run(body, len, 0, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
    check_page(&page, &sink, want, 3, false);
    free(body);
    free(page1);
}

/* The error met first, by byte position, is the answer, whatever the slicing. */
static void test_first_error_by_position_wins(void **state)
{
    static const char *const bodies[] = {
        /* an id too long, then invalid JSON: too long */
        "{\"data\":[{\"id\":"
        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""
        ",,\"x\":1}],\"has_more\":false}",
        /* invalid JSON inside what passes by unseen, before a bad known value: invalid */
        "{\"data\":[{\"x\":[1,,2],\"created_at\":null}],\"has_more\":false}",
        /* a U+0000 in last_id, then a truncated body */
        "{\"data\":[],\"has_more\":false,\"last_id\":\"a\\u0000b\"",
    };
    static const ambc_status_t want[] = {AMBC_ERR_STRING_TOO_LONG, AMBC_ERR_JSON_INVALID,
                                         AMBC_ERR_JSON_NUL};
    ambc_page_t page;
    sink_t sink = {NULL, 0, 0, 0};
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        for (k = 0; k <= 9; k++) {
            assert_int_equal(run(bodies[i], strlen(bodies[i]), k, AMBC_PAGE_LIST, &page, &sink),
                             want[i]);
        }
    }
}

static const struct {
    const char *body;
    ambc_status_t want;
} bad[] = {
    {"[]", AMBC_ERR_JSON_SHAPE},
    {"\"page\"", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":{},\"has_more\":false}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":null,\"has_more\":false}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":[1],\"has_more\":false}", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[[]],\"has_more\":false}", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[\"msgbatch\"],\"has_more\":false}", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[null],\"has_more\":false}", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[{}],\"has_more\":false}", AMBC_ERR_JSON_MISSING},
    {"{\"data\":[]}", AMBC_ERR_JSON_MISSING},        /* no has_more */
    {"{\"has_more\":false}", AMBC_ERR_JSON_MISSING}, /* no data */
    {"{\"data\":[],\"has_more\":false,\"last_id\":\"\\u0000\"}", AMBC_ERR_JSON_NUL},
    {"{\"data\":[],\"has_more\":false,\"first_id\":\"a\",\"f\\u0069rst_id\":null}",
     AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[],\"data\":[],\"has_more\":false}", AMBC_ERR_JSON_SHAPE},
    {"{\"data\":[],\"has_more\":\"false\"}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":[],\"has_more\":null}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":[],\"has_more\":false,\"last_id\":7}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":[],\"has_more\":false,\"first_id\":[]}", AMBC_ERR_JSON_TYPE},
    {"{\"data\":[,],\"has_more\":false}", AMBC_ERR_JSON_INVALID},
    {"{\"data\":[],\"has_more\":false \"x\":1}", AMBC_ERR_JSON_INVALID},
    {"{\"data\":[{\"id\":\"a\"},],\"has_more\":false}", AMBC_ERR_JSON_MISSING}, /* first */
    {"{\"data\":[],\"has_more\":false,}", AMBC_ERR_JSON_INVALID},
    {"{\"data\":[],\"has_more\":false}{}", AMBC_ERR_JSON_INVALID},
    {"{\"data\":[{\"id\":\"a\",\"created_at\":\"2023-02-29T00:00:00Z\"}],\"has_more\":false}",
     AMBC_ERR_TIME_INVALID},
    {"<html><body>502 Bad Gateway</body></html>", AMBC_ERR_JSON_INVALID},
};

static void test_rejects(void **state)
{
    ambc_page_t page;
    ambc_batch_t got[2];
    sink_t sink = {got, 0, 2, 0};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = strlen(bad[i].body);
        ambc_status_t st = run(bad[i].body, len, 0, AMBC_PAGE_LIST, &page, &sink);
        ambc_status_t st1 = run(bad[i].body, len, 1, AMBC_PAGE_LIST, &page, &sink);
        if (st != bad[i].want || st1 != bad[i].want) {
            fail_msg("case %zu %s: got %d/%d want %d", i, bad[i].body, st, st1, bad[i].want);
        }
    }
}

static void test_id_too_long(void **state)
{
    char body[512], id[CONFIG_AMBC_ID_MAX + 1];
    ambc_page_t page;
    sink_t sink = {NULL, 0, 0, 0};
    (void)state;
    memset(id, 'z', CONFIG_AMBC_ID_MAX);
    id[CONFIG_AMBC_ID_MAX] = 0;
    snprintf(body, sizeof(body), "{\"data\":[],\"has_more\":false,\"last_id\":\"%s\"}", id);
    assert_int_equal(run(body, strlen(body), 3, AMBC_PAGE_LIST, &page, &sink),
                     AMBC_ERR_STRING_TOO_LONG);
    id[CONFIG_AMBC_ID_MAX - 1] = 0;
    snprintf(body, sizeof(body), "{\"data\":[],\"has_more\":false,\"last_id\":\"%s\"}", id);
    assert_int_equal(run(body, strlen(body), 3, AMBC_PAGE_LIST, &page, &sink), AMBC_OK);
    assert_string_equal(page.last_id, id);
}

static void test_callback_abort_stops(void **state)
{
    static char body[8192];
    ambc_batch_t got[3];
    sink_t sink = {got, 0, 3, 2};
    ambc_page_t page;
    size_t len;
    (void)state;
    len = gen_page(body, sizeof(body), 0, 3, false, NULL);
    assert_int_equal(run(body, len, 0, AMBC_PAGE_LIST, &page, &sink), AMBC_ERR_ABORTED);
    assert_int_equal(sink.n, 1);
    assert_int_equal(ambc_page_parser_feed(&parser, (const uint8_t *)"x", 1), AMBC_ERR_ABORTED);
}

static void test_invalid_init(void **state)
{
    ambc_page_t page;
    (void)state;
    ambc_page_parser_init(&parser, AMBC_PAGE_LIST, NULL, &record, collect, NULL);
    assert_int_equal(ambc_page_parser_feed(&parser, (const uint8_t *)"{", 1), AMBC_ERR_INVALID_ARG);
    ambc_page_parser_init(&parser, AMBC_PAGE_LIST, &page, &record, NULL, NULL);
    assert_int_equal(ambc_page_parser_finish(&parser), AMBC_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_page),
        cmocka_unit_test(test_big_page_every_slicing),
        cmocka_unit_test(test_small_page_every_split),
        cmocka_unit_test(test_empty_page),
        cmocka_unit_test(test_escaped_page_keys_and_ids),
        cmocka_unit_test(test_single_object),
        cmocka_unit_test(test_truncated_at_every_offset),
        cmocka_unit_test(test_unknown_members_any_size),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_first_error_by_position_wins),
        cmocka_unit_test(test_id_too_long),
        cmocka_unit_test(test_callback_abort_stops),
        cmocka_unit_test(test_invalid_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
