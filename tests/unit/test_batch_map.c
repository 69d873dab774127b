/* Unit tests for core/batch_map.c: one MessageBatch object onto ambc_batch_t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/batch.h"
#include "gen_page.h"

#define EXAMPLE_US INT64_C(1724179044100435) /* 2024-08-20T18:37:24.100435Z */

/* The MessageBatch example of the API reference (OpenAPI description, 2024-11), verbatim
 * values; ended, so every nullable field but two carries a value. */
static const char example[] =
    "{\n"
    "  \"id\": \"msgbatch_013Zva2CMHLNnXjNJJKqJ2EF\",\n"
    "  \"type\": \"message_batch\",\n"
    "  \"processing_status\": \"ended\",\n"
    "  \"request_counts\": {\n"
    "    \"processing\": 0,\n"
    "    \"succeeded\": 95,\n"
    "    \"errored\": 2,\n"
    "    \"canceled\": 2,\n"
    "    \"expired\": 1\n"
    "  },\n"
    "  \"ended_at\": \"2024-08-20T18:37:24.100435Z\",\n"
    "  \"created_at\": \"2024-08-20T18:37:24.100435Z\",\n"
    "  \"expires_at\": \"2024-08-20T18:37:24.100435Z\",\n"
    "  \"archived_at\": null,\n"
    "  \"cancel_initiated_at\": null,\n"
    "  \"results_url\": "
    "\"https://api.anthropic.com/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results\"\n"
    "}";

static ambc_json_tok_t toks[CONFIG_AMBC_JSON_MAX_TOKENS];

static ambc_status_t parse(const char *json, ambc_batch_t *b)
{
    return ambc_batch_parse(json, strlen(json), toks, CONFIG_AMBC_JSON_MAX_TOKENS, b);
}

static void test_api_example(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse(example, &b), AMBC_OK);
    assert_string_equal(b.id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_int_equal(b.processing_status, AMBC_BATCH_ENDED);
    assert_int_equal(b.request_counts.processing, 0);
    assert_int_equal(b.request_counts.succeeded, 95);
    assert_int_equal(b.request_counts.errored, 2);
    assert_int_equal(b.request_counts.canceled, 2);
    assert_int_equal(b.request_counts.expired, 1);
    assert_true(b.created_at == EXAMPLE_US);
    assert_true(b.expires_at == EXAMPLE_US);
    assert_true(b.ended_at == EXAMPLE_US);
    assert_true(b.archived_at == AMBC_TIME_NULL);
    assert_true(b.cancel_initiated_at == AMBC_TIME_NULL);
    assert_string_equal(b.results_url, "https://api.anthropic.com/v1/messages/batches/"
                                       "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF/results");
    assert_int_equal(b.present, AMBC_BATCH_F_ALL);
    assert_int_equal(b.null, AMBC_BATCH_F_ARCHIVED_AT | AMBC_BATCH_F_CANCEL_INITIATED_AT);
}

static void test_all_nullable_null_and_set(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse("{\"id\":\"a\",\"ended_at\":null,\"cancel_initiated_at\":null,"
                           "\"archived_at\":null,\"results_url\":null}",
                           &b),
                     AMBC_OK);
    assert_int_equal(b.null, AMBC_BATCH_F_ENDED_AT | AMBC_BATCH_F_CANCEL_INITIATED_AT |
                                 AMBC_BATCH_F_ARCHIVED_AT | AMBC_BATCH_F_RESULTS_URL);
    assert_string_equal(b.results_url, "");
    assert_true(b.ended_at == AMBC_TIME_NULL);
    /* absent keys are neither present nor null */
    assert_int_equal(b.present & AMBC_BATCH_F_CREATED_AT, 0);
    assert_int_equal(b.null & AMBC_BATCH_F_CREATED_AT, 0);
    assert_true(b.created_at == AMBC_TIME_NULL);
    assert_int_equal(parse("{\"id\":\"a\",\"cancel_initiated_at\":\"2024-08-20T18:37:24Z\","
                           "\"archived_at\":\"1970-01-01T00:00:00.000001Z\"}",
                           &b),
                     AMBC_OK);
    assert_true(b.cancel_initiated_at == INT64_C(1724179044000000));
    assert_true(b.archived_at == 1);
    assert_int_equal(b.null, 0);
}

static void test_generated_variants(void **state)
{
    static char buf[4096];
    unsigned i;
    (void)state;
    for (i = 0; i < 3000; i++) {
        ambc_batch_t want, got;
        size_t len = gen_batch(buf, sizeof(buf), i, &want);
        assert_true(len > 0);
        assert_int_equal(ambc_batch_parse(buf, len, toks, CONFIG_AMBC_JSON_MAX_TOKENS, &got),
                         AMBC_OK);
        assert_true(batch_equal(&got, &want));
    }
}

static void test_unknown_status_is_not_an_error(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse("{\"id\":\"a\",\"processing_status\":\"archiving\"}", &b), AMBC_OK);
    assert_int_equal(b.processing_status, AMBC_BATCH_STATUS_UNKNOWN);
    assert_string_equal(ambc_batch_status_name(b.processing_status), "unknown");
    assert_string_equal(ambc_batch_status_name(AMBC_BATCH_IN_PROGRESS), "in_progress");
}

static void test_escaped_keys_and_values(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse("{\"\\u0069d\":\"x\\u00e9\\ud83d\\ude00\",\"results\\u005furl\":"
                           "\"https:\\/\\/h\\/r\"}",
                           &b),
                     AMBC_OK);
    assert_string_equal(b.id, "x\xc3\xa9\xf0\x9f\x98\x80");
    assert_string_equal(b.results_url, "https://h/r");
}

static const struct {
    const char *json;
    ambc_status_t want;
} bad[] = {
    {"[]", AMBC_ERR_JSON_SHAPE},
    {"\"id\"", AMBC_ERR_JSON_SHAPE},
    {"{}", AMBC_ERR_JSON_SHAPE},                               /* no id */
    {"{\"id\":\"a\",\"id\":\"b\"}", AMBC_ERR_JSON_SHAPE},        /* a key twice */
    {"{\"id\":\"a\",\"type\":\"message_batch_deleted\"}", AMBC_ERR_JSON_SHAPE},
    {"{\"id\":null}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":1}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"type\":1}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"processing_status\":null}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"processing_status\":[]}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":null}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":[1]}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":null}}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":\"1\"}}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":true}}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":-1}}", AMBC_ERR_NUMBER_RANGE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":1.5}}", AMBC_ERR_NUMBER_RANGE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":1e3}}", AMBC_ERR_NUMBER_RANGE},
    {"{\"id\":\"a\",\"request_counts\":{\"errored\":4294967296}}", AMBC_ERR_NUMBER_RANGE},
    {"{\"id\":\"a\",\"created_at\":null}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"created_at\":12}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"created_at\":\"2024-02-30T00:00:00Z\"}", AMBC_ERR_TIME_INVALID},
    {"{\"id\":\"a\",\"ended_at\":\"yesterday\"}", AMBC_ERR_TIME_INVALID},
    {"{\"id\":\"a\",\"ended_at\":false}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",\"results_url\":{}}", AMBC_ERR_JSON_TYPE},
    {"{\"id\":\"a\",}", AMBC_ERR_JSON_INVALID},    /* jsmn strict would take these */
    {"{\"id\":\"a\" \"x\":1}", AMBC_ERR_JSON_INVALID},
    {"{\"id\"::\"a\"}", AMBC_ERR_JSON_INVALID},
    {"{\"id\":\"a\"", AMBC_ERR_JSON_UNEXPECTED_END},
};

static void test_rejects(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ambc_batch_t b;
        ambc_status_t st = parse(bad[i].json, &b);
        if (st != bad[i].want) {
            fail_msg("case %zu %s: got %d want %d", i, bad[i].json, st, bad[i].want);
        }
    }
}

static void test_string_limits_exact(void **state)
{
    char json[600], id[CONFIG_AMBC_ID_MAX + 1], url[CONFIG_AMBC_URL_MAX + 1];
    ambc_batch_t b;
    (void)state;
    memset(id, 'i', sizeof(id));
    id[CONFIG_AMBC_ID_MAX - 1] = 0; /* the longest id that fits with its NUL */
    snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
    assert_int_equal(parse(json, &b), AMBC_OK);
    assert_int_equal(strlen(b.id), CONFIG_AMBC_ID_MAX - 1);
    id[CONFIG_AMBC_ID_MAX - 1] = 'i';
    id[CONFIG_AMBC_ID_MAX] = 0;
    snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
    assert_int_equal(parse(json, &b), AMBC_ERR_STRING_TOO_LONG);
    memset(url, 'u', sizeof(url));
    url[CONFIG_AMBC_URL_MAX] = 0;
    snprintf(json, sizeof(json), "{\"id\":\"a\",\"results_url\":\"%s\"}", url);
    assert_int_equal(parse(json, &b), AMBC_ERR_STRING_TOO_LONG);
    url[CONFIG_AMBC_URL_MAX - 1] = 0;
    snprintf(json, sizeof(json), "{\"id\":\"a\",\"results_url\":\"%s\"}", url);
    assert_int_equal(parse(json, &b), AMBC_OK);
}

static void test_too_many_tokens(void **state)
{
    char json[2048];
    size_t len, k;
    ambc_batch_t b;
    (void)state;
    /* {"id":"a","x":[0,0,...]}: 1 + 2 + 2 + n tokens */
    for (k = CONFIG_AMBC_JSON_MAX_TOKENS - 5; k <= CONFIG_AMBC_JSON_MAX_TOKENS - 4; k++) {
        size_t j;
        len = (size_t)snprintf(json, sizeof(json), "{\"id\":\"a\",\"x\":[");
        for (j = 0; j < k; j++) {
            len += (size_t)snprintf(json + len, sizeof(json) - len, "%s0", j ? "," : "");
        }
        snprintf(json + len, sizeof(json) - len, "]}");
        assert_int_equal(parse(json, &b), k + 5 <= CONFIG_AMBC_JSON_MAX_TOKENS
                                              ? AMBC_OK
                                              : AMBC_ERR_JSON_TOO_MANY_TOKENS);
    }
}

static void test_invalid_args(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(ambc_batch_parse(NULL, 0, toks, 1, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batch_parse("{}", 2, NULL, 1, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batch_parse("{}", 2, toks, 0, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batch_parse("{}", 2, toks, 1, NULL), AMBC_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_example),
        cmocka_unit_test(test_all_nullable_null_and_set),
        cmocka_unit_test(test_generated_variants),
        cmocka_unit_test(test_unknown_status_is_not_an_error),
        cmocka_unit_test(test_escaped_keys_and_values),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_string_limits_exact),
        cmocka_unit_test(test_too_many_tokens),
        cmocka_unit_test(test_invalid_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
