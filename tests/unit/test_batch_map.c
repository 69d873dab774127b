/* Unit tests for one MessageBatch object onto ambc_batch_t: core/page.c's cutter in SINGLE mode
 * (ambc_batch_parse) and core/batch_map.c's mapper. */
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

/* The keys of a record, in the order the tests build it, with a valid value each. */
static const char *const keys[15] = {"id",
                                     "type",
                                     "processing_status",
                                     "request_counts",
                                     "created_at",
                                     "expires_at",
                                     "ended_at",
                                     "cancel_initiated_at",
                                     "archived_at",
                                     "results_url",
                                     "processing",
                                     "succeeded",
                                     "errored",
                                     "canceled",
                                     "expired"};
static const char *const values[15] = {"\"msgbatch_1\"",
                                       "\"message_batch\"",
                                       "\"ended\"",
                                       NULL,
                                       "\"2024-08-20T18:37:24.100435Z\"",
                                       "\"2024-08-21T18:37:24.100435Z\"",
                                       "\"2024-08-20T19:00:00Z\"",
                                       "null",
                                       "null",
                                       "\"https://h/r\"",
                                       "0",
                                       "95",
                                       "2",
                                       "2",
                                       "1"};

static ambc_page_parser_t parser; /* static: about 1.2 KB, as on a device */
static char json[1 << 21];

/* A full valid record in which key k (0..14; 10..14 inside request_counts) has the value v
 * instead (NULL: the key is left out); `extra` is appended as more members of the record. */
static const char *with(int k, const char *v, const char *extra)
{
    size_t n = 0;
    int i;
    n += (size_t)sprintf(json + n, "{");
    for (i = 0; i < 10; i++) {
        const char *val = i == k ? v : values[i];
        if (i == k && v == NULL) {
            continue;
        }
        n += (size_t)sprintf(json + n, "%s\"%s\":", n > 1 ? "," : "", keys[i]);
        if (i == 3 && !(k == 3 && v != NULL)) {
            int j, first = 1;
            n += (size_t)sprintf(json + n, "{");
            for (j = 10; j < 15; j++) {
                if (j == k && v == NULL) {
                    continue;
                }
                n += (size_t)sprintf(json + n, "%s\"%s\":%s", first ? "" : ",", keys[j],
                                     j == k ? v : values[j]);
                first = 0;
            }
            n += (size_t)sprintf(json + n, "}");
        } else {
            n += (size_t)sprintf(json + n, "%s", val);
        }
    }
    if (extra != NULL) {
        n += (size_t)sprintf(json + n, ",%s", extra);
    }
    sprintf(json + n, "}");
    return json;
}

static ambc_status_t parse(const char *text, ambc_batch_t *b)
{
    return ambc_batch_parse(&parser, text, strlen(text), b);
}

static ambc_status_t keep(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    (void)b;
    return AMBC_OK;
}

/* The same text fed one byte at a time: the answer must not depend on the slicing. */
static ambc_status_t parse_bytewise(const char *text, ambc_batch_t *b)
{
    size_t i, len = strlen(text);
    ambc_status_t st = AMBC_OK;
    ambc_page_parser_init(&parser, AMBC_PAGE_SINGLE, NULL, b, keep, NULL);
    for (i = 0; i < len && st == AMBC_OK; i++) {
        st = ambc_page_parser_feed(&parser, (const uint8_t *)text + i, 1);
    }
    return st == AMBC_OK ? ambc_page_parser_finish(&parser) : st;
}

static void test_api_example(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse(example, &b), AMBC_OK);
    assert_string_equal(b.id, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF");
    assert_int_equal(b.processing_status, AMBC_BATCH_ENDED);
    assert_string_equal(b.status_text, "ended");
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
    assert_int_equal(parse(with(6, "null", "\"results_url\":null"), &b), AMBC_ERR_JSON_SHAPE);
    assert_string_equal(ambc_page_parser_error_field(&parser), "results_url"); /* twice */
    assert_int_equal(parse(with(9, "null", NULL), &b), AMBC_OK);
    assert_int_equal(b.null, AMBC_BATCH_F_CANCEL_INITIATED_AT | AMBC_BATCH_F_ARCHIVED_AT |
                                 AMBC_BATCH_F_RESULTS_URL);
    assert_string_equal(b.results_url, "");
    assert_int_equal(parse(with(6, "null", NULL), &b), AMBC_OK);
    assert_true(b.ended_at == AMBC_TIME_NULL);
    assert_int_equal(b.null, AMBC_BATCH_F_ENDED_AT | AMBC_BATCH_F_CANCEL_INITIATED_AT |
                                 AMBC_BATCH_F_ARCHIVED_AT);
    assert_int_equal(parse(with(7, "\"2024-08-20T18:37:24Z\"", NULL), &b), AMBC_OK);
    assert_true(b.cancel_initiated_at == INT64_C(1724179044000000));
    assert_int_equal(parse(with(8, "\"1970-01-01T00:00:00.000001Z\"", NULL), &b), AMBC_OK);
    assert_true(b.archived_at == 1);
    assert_int_equal(b.null, AMBC_BATCH_F_CANCEL_INITIATED_AT);
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
        assert_int_equal(ambc_batch_parse(&parser, buf, len, &got), AMBC_OK);
        assert_true(batch_equal(&got, &want));
    }
}

static void test_unknown_status_keeps_its_text(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(parse(with(2, "\"archiving\"", NULL), &b), AMBC_OK);
    assert_int_equal(b.processing_status, AMBC_BATCH_STATUS_UNKNOWN);
    assert_string_equal(b.status_text, "archiving");
    assert_string_equal(ambc_batch_status_name(b.processing_status), "unknown");
    assert_string_equal(ambc_batch_status_name(AMBC_BATCH_IN_PROGRESS), "in_progress");
    /* a status that only differs after a U+0000 is not a silent "ended" */
    assert_int_equal(parse(with(2, "\"ended\\u0000x\"", NULL), &b), AMBC_ERR_JSON_NUL);
    assert_string_equal(ambc_batch_status_name((ambc_batch_status_t)99), "unknown");
}

/* Issue 11, item 1: every value is decoded before it is compared or parsed. The plain record
 * and the same record written with escapes everywhere must map to the same thing. */
static void test_escapes_decoded_everywhere(void **state)
{
    static const char escaped[] =
        "{\"\\u0069d\":\"msg\\u0062atch_1\",\"t\\u0079pe\":\"m\\u0065ssage_batch\","
        "\"processing\\u005fstatus\":\"end\\u0065d\","
        "\"request_counts\":{\"processing\":0,\"succ\\u0065eded\":95,\"errored\":2,"
        "\"canceled\":2,\"\\u0065xpired\":1},"
        "\"created_at\":\"2024-08-20\\u005418:37:24.100435Z\","
        "\"expires_at\":\"2024-08-21T18:37:24.100435\\u005a\","
        "\"ended_at\":\"2024-08-20T19:00:00\\u005A\",\"cancel_initiated_at\":null,"
        "\"archived_at\":null,\"results_url\":\"https:\\/\\/h\\/r\"}";
    ambc_batch_t plain, got;
    (void)state;
    assert_int_equal(parse(with(-1, NULL, NULL), &plain), AMBC_OK);
    assert_int_equal(parse(escaped, &got), AMBC_OK);
    assert_true(batch_equal(&got, &plain));
    assert_int_equal(got.processing_status, AMBC_BATCH_ENDED);
    /* non-ASCII and surrogate pairs in an id, quotes and backslashes too */
    assert_int_equal(parse(with(0, "\"x\\u00e9\\ud83d\\ude00\\\"\\\\\"", NULL), &got), AMBC_OK);
    assert_string_equal(got.id, "x\xc3\xa9\xf0\x9f\x98\x80\"\\");
}

/* Issue 11, item 2: members the record does not map, of any size and nesting, pass by. */
static void test_unknown_members_any_size(void **state)
{
    static char extra[1100000];
    ambc_batch_t plain, got;
    size_t n;
    int i;
    (void)state;
    assert_int_equal(parse(with(-1, NULL, NULL), &plain), AMBC_OK);
    /* an object of 200 keys */
    n = (size_t)sprintf(extra, "\"metadata\":{");
    for (i = 0; i < 200; i++) {
        n += (size_t)sprintf(extra + n, "%s\"k%d\":[%d,\"v\",null,{}]", i ? "," : "", i, i);
    }
    sprintf(extra + n, "}");
    assert_int_equal(parse(with(-1, NULL, extra), &got), AMBC_OK);
    assert_true(batch_equal(&got, &plain));
    /* a 1 MB string with escapes, and a key that looks like a known one but is not */
    n = (size_t)sprintf(extra, "\"i\\u0064s\":\"");
    for (i = 0; i < 1000000 / 11; i++) { /* 11 bytes each: about 1 MB */
        n += (size_t)sprintf(extra + n, "ab\\\"c\\u00e9");
    }
    sprintf(extra + n, "\"");
    assert_int_equal(parse(with(-1, NULL, extra), &got), AMBC_OK);
    assert_true(batch_equal(&got, &plain));
    /* nesting up to the scanner's limit (the record itself is at level 1 of 32) */
    n = (size_t)sprintf(extra, "\"deep\":");
    for (i = 0; i < CONFIG_AMBC_JSON_MAX_DEPTH - 1; i++) {
        n += (size_t)sprintf(extra + n, i % 2 ? "{\"k\":" : "[");
    }
    n += (size_t)sprintf(extra + n, "0");
    for (i = CONFIG_AMBC_JSON_MAX_DEPTH - 2; i >= 0; i--) {
        n += (size_t)sprintf(extra + n, i % 2 ? "}" : "]");
    }
    assert_int_equal(parse(with(-1, NULL, extra), &got), AMBC_OK);
    assert_true(batch_equal(&got, &plain));
    /* and unknown members inside request_counts */
    assert_int_equal(parse(with(12, "2,\"x_new\":{\"a\":[1,2,3]},\"x_text\":\"}{\"", NULL), &got),
                     AMBC_OK);
    assert_true(batch_equal(&got, &plain));
}

static const struct {
    int key;           /* 0..14, -1: none */
    const char *value; /* NULL: leave the key out */
    const char *extra; /* more members */
    ambc_status_t want;
    const char *field; /* the key the error names, or NULL */
} bad[] = {
    {0, "null", NULL, AMBC_ERR_JSON_TYPE, "id"},
    {0, "1", NULL, AMBC_ERR_JSON_TYPE, "id"},
    {0, "[\"a\"]", NULL, AMBC_ERR_JSON_TYPE, "id"},
    {0, "\"ab\\u0000c\"", NULL, AMBC_ERR_JSON_NUL, "id"},
    {-1, NULL, "\"id\":\"b\"", AMBC_ERR_JSON_SHAPE, "id"},       /* a key twice */
    {-1, NULL, "\"\\u0069d\":\"b\"", AMBC_ERR_JSON_SHAPE, "id"}, /* twice, once escaped */
    {1, "\"message_batch_deleted\"", NULL, AMBC_ERR_JSON_SHAPE, "type"},
    {1, "\"message_batch\\u0000\"", NULL, AMBC_ERR_JSON_SHAPE, "type"},
    {1, "1", NULL, AMBC_ERR_JSON_TYPE, "type"},
    {2, "null", NULL, AMBC_ERR_JSON_TYPE, "processing_status"},
    {2, "[]", NULL, AMBC_ERR_JSON_TYPE, "processing_status"},
    {3, "null", NULL, AMBC_ERR_JSON_TYPE, "request_counts"},
    {3, "[1]", NULL, AMBC_ERR_JSON_TYPE, "request_counts"},
    {3, "\"1\"", NULL, AMBC_ERR_JSON_TYPE, "request_counts"},
    {12, "null", NULL, AMBC_ERR_JSON_TYPE, "request_counts.errored"},
    {12, "\"1\"", NULL, AMBC_ERR_JSON_TYPE, "request_counts.errored"},
    {12, "\"123456789\"", NULL, AMBC_ERR_JSON_TYPE, "request_counts.errored"},
    {12, "true", NULL, AMBC_ERR_JSON_TYPE, "request_counts.errored"},
    {12, "{}", NULL, AMBC_ERR_JSON_TYPE, "request_counts.errored"},
    {12, "-1", NULL, AMBC_ERR_NUMBER_RANGE, "request_counts.errored"},
    {12, "1.5", NULL, AMBC_ERR_NUMBER_RANGE, "request_counts.errored"},
    {12, "1e3", NULL, AMBC_ERR_NUMBER_RANGE, "request_counts.errored"},
    {12, "4294967296", NULL, AMBC_ERR_NUMBER_RANGE, "request_counts.errored"},
    {12, "100000000000000000000000", NULL, AMBC_ERR_NUMBER_RANGE, "request_counts.errored"},
    {12, "2,\"errored\":3", NULL, AMBC_ERR_JSON_SHAPE, "request_counts.errored"},
    {4, "null", NULL, AMBC_ERR_JSON_TYPE, "created_at"},
    {4, "12", NULL, AMBC_ERR_JSON_TYPE, "created_at"},
    {4, "\"2024-02-30T00:00:00Z\"", NULL, AMBC_ERR_TIME_INVALID, "created_at"},
    {4, "\"2024-02-28T00:00:00\\u0000Z\"", NULL, AMBC_ERR_TIME_INVALID, "created_at"},
    {4, "\"2024-02-28T00:00:00.00000000000000000001Z\"", NULL, AMBC_ERR_TIME_INVALID,
     "created_at"}, /* over the 40-byte limit */
    {6, "\"yesterday\"", NULL, AMBC_ERR_TIME_INVALID, "ended_at"},
    {6, "false", NULL, AMBC_ERR_JSON_TYPE, "ended_at"},
    {9, "{}", NULL, AMBC_ERR_JSON_TYPE, "results_url"},
    {9, "\"https://h/\\u0000/r\"", NULL, AMBC_ERR_JSON_NUL, "results_url"},
};

static void test_rejects(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ambc_batch_t b;
        ambc_status_t st1 = parse_bytewise(with(bad[i].key, bad[i].value, bad[i].extra), &b);
        const char *field1 = ambc_page_parser_error_field(&parser);
        ambc_status_t st = parse(json, &b);
        const char *field = ambc_page_parser_error_field(&parser);
        if (st1 != st || field1 != field) {
            fail_msg("case %zu %s: whole %d (%s), byte by byte %d (%s)", i, json, st,
                     field ? field : "-", st1, field1 ? field1 : "-");
        }
        if (st != bad[i].want || (field == NULL) != (bad[i].field == NULL) ||
            (field != NULL && strcmp(field, bad[i].field) != 0)) {
            fail_msg("case %zu %s: got %d (%s) want %d (%s)", i, json, st, field ? field : "-",
                     bad[i].want, bad[i].field ? bad[i].field : "-");
        }
    }
}

/* Not JSON, or not an object: the scanner's verdict, before any mapping. */
static void test_not_a_record(void **state)
{
    static const struct {
        const char *text;
        ambc_status_t want;
    } cases[] = {
        {"[]", AMBC_ERR_JSON_SHAPE},
        {"\"id\"", AMBC_ERR_JSON_SHAPE},
        {"{\"id\":\"a\",}", AMBC_ERR_JSON_INVALID}, /* jsmn strict would take these */
        {"{\"id\":\"a\" \"x\":1}", AMBC_ERR_JSON_INVALID},
        {"{\"id\"::\"a\"}", AMBC_ERR_JSON_INVALID},
        {"{\"id\":\"a\"", AMBC_ERR_JSON_UNEXPECTED_END},
        {"{\"x\":[1,,2]}", AMBC_ERR_JSON_INVALID}, /* also inside what passes by unseen */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ambc_batch_t b;
        assert_int_equal(parse(cases[i].text, &b), cases[i].want);
    }
}

/* Issue 11, item 9: a record missing any key the API promises is refused, naming the key. */
static void test_every_key_is_required(void **state)
{
    static const char *const names[15] = {"id",
                                          "type",
                                          "processing_status",
                                          "request_counts",
                                          "created_at",
                                          "expires_at",
                                          "ended_at",
                                          "cancel_initiated_at",
                                          "archived_at",
                                          "results_url",
                                          "request_counts.processing",
                                          "request_counts.succeeded",
                                          "request_counts.errored",
                                          "request_counts.canceled",
                                          "request_counts.expired"};
    int k;
    (void)state;
    for (k = 0; k < 15; k++) {
        ambc_batch_t b;
        assert_int_equal(parse(with(k, NULL, NULL), &b), AMBC_ERR_JSON_MISSING);
        assert_string_equal(ambc_page_parser_error_field(&parser), names[k]);
    }
    assert_int_equal(parse("{}", &(ambc_batch_t){0}), AMBC_ERR_JSON_MISSING);
}

/* Each string field at exactly its limit fits, one byte more is refused; and the worst case
 * for the record buffer (every string at its limit, all quotes, each stored escaped) fits:
 * the buffer's size in batch.h is enough by construction. */
static void test_string_limits_exact(void **state)
{
    static char text[8192];
    char v[2 * CONFIG_AMBC_URL_MAX + 8];
    static const struct {
        int key;
        size_t limit;
        ambc_status_t over;
    } f[] = {{0, CONFIG_AMBC_ID_MAX - 1, AMBC_ERR_STRING_TOO_LONG},
             {2, CONFIG_AMBC_STATUS_TEXT_MAX - 1, AMBC_ERR_STRING_TOO_LONG},
             {9, CONFIG_AMBC_URL_MAX - 1, AMBC_ERR_STRING_TOO_LONG}};
    size_t i, k;
    ambc_batch_t b;
    (void)state;
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        for (k = 0; k < 2; k++) {
            size_t n = f[i].limit + k, j, o = 0;
            v[o++] = '"';
            for (j = 0; j < n; j++) {
                v[o++] = '\\';
                v[o++] = '"';
            }
            v[o++] = '"';
            v[o] = 0;
            assert_int_equal(parse(with(f[i].key, v, NULL), &b), k ? f[i].over : AMBC_OK);
        }
    }
    /* all three at once, with the longest valid timestamps (40 bytes) and count values */
    {
        size_t o = 0, j;
        const char *t40 = "\"2024-08-20T18:37:24.12345678901234+01:00\"";
        o += (size_t)sprintf(text + o, "{\"id\":\"");
        for (j = 0; j < CONFIG_AMBC_ID_MAX - 1; j++) {
            o += (size_t)sprintf(text + o, "\\\"");
        }
        o += (size_t)sprintf(text + o, "\",\"type\":\"message_batch\",\"processing_status\":\"");
        for (j = 0; j < CONFIG_AMBC_STATUS_TEXT_MAX - 1; j++) {
            o += (size_t)sprintf(text + o, "\\\\");
        }
        o += (size_t)sprintf(text + o,
                             "\",\"request_counts\":{\"processing\":4294967295,"
                             "\"succeeded\":4294967295,\"errored\":4294967295,"
                             "\"canceled\":4294967295,\"expired\":4294967295},"
                             "\"created_at\":%s,\"expires_at\":%s,\"ended_at\":%s,"
                             "\"cancel_initiated_at\":%s,\"archived_at\":%s,\"results_url\":\"",
                             t40, t40, t40, t40, t40);
        for (j = 0; j < CONFIG_AMBC_URL_MAX - 1; j++) {
            o += (size_t)sprintf(text + o, "\\u0022");
        }
        sprintf(text + o, "\"}");
        assert_int_equal(parse(text, &b), AMBC_OK);
        assert_int_equal(strlen(b.results_url), CONFIG_AMBC_URL_MAX - 1);
        assert_int_equal(b.request_counts.expired, 4294967295u);
        assert_true(parser.rec_len <= AMBC_RECORD_BUF_SIZE);
        printf("worst-case record: %u of %u bytes of the record buffer\n", (unsigned)parser.rec_len,
               (unsigned)AMBC_RECORD_BUF_SIZE);
    }
}

/* Found by the oracle (tests/unit/test_oracle.c): within one value the error met first by
 * position wins too. A U+0000 before the limit is JSON_NUL even when the value also runs
 * past its limit; past it, STRING_TOO_LONG. */
static void test_first_error_within_a_value(void **state)
{
    char v[256];
    ambc_batch_t b;
    (void)state;
    snprintf(v, sizeof(v), "\"%.10s\\u0000%.60s\"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_int_equal(parse(with(0, v, NULL), &b), AMBC_ERR_JSON_NUL);
    assert_int_equal(parse_bytewise(json, &b), AMBC_ERR_JSON_NUL);
    snprintf(v, sizeof(v), "\"%.64s\\u0000\"",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_int_equal(parse(with(0, v, NULL), &b), AMBC_ERR_STRING_TOO_LONG);
    assert_int_equal(parse_bytewise(json, &b), AMBC_ERR_STRING_TOO_LONG);
}

/* What DELETE answers: id and type only; the type must be message_batch_deleted. */
static void test_deleted_record(void **state)
{
    static const struct {
        const char *text;
        ambc_status_t want;
        const char *field;
    } cases[] = {
        {"{\"id\":\"msgbatch_1\",\"type\":\"message_batch_deleted\"}", AMBC_OK, NULL},
        {"{\"t\\u0079pe\":\"message_batch_delet\\u0065d\",\"x\":{\"y\":[1]},\"id\":\"m\"}", AMBC_OK,
         NULL},
        {"{\"id\":\"m\",\"type\":\"message_batch\"}", AMBC_ERR_JSON_SHAPE, "type"},
        {"{\"id\":\"m\"}", AMBC_ERR_JSON_MISSING, "type"},
        {"{\"type\":\"message_batch_deleted\"}", AMBC_ERR_JSON_MISSING, "id"},
        {"{\"id\":\"m\\u0000\",\"type\":\"message_batch_deleted\"}", AMBC_ERR_JSON_NUL, "id"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ambc_batch_t b;
        ambc_status_t st;
        ambc_page_parser_init(&parser, AMBC_PAGE_DELETED, NULL, &b, keep, NULL);
        st = ambc_page_parser_feed(&parser, (const uint8_t *)cases[i].text, strlen(cases[i].text));
        if (st == AMBC_OK) {
            st = ambc_page_parser_finish(&parser);
        }
        assert_int_equal(st, cases[i].want);
        if (st == AMBC_OK) {
            assert_int_equal(b.present, AMBC_BATCH_F_ID | AMBC_BATCH_F_TYPE);
        } else {
            assert_string_equal(ambc_page_parser_error_field(&parser), cases[i].field);
        }
    }
}

static void test_invalid_args(void **state)
{
    ambc_batch_t b;
    (void)state;
    assert_int_equal(ambc_batch_parse(NULL, "{}", 2, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batch_parse(&parser, NULL, 0, &b), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_batch_parse(&parser, "{}", 2, NULL), AMBC_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_example),
        cmocka_unit_test(test_all_nullable_null_and_set),
        cmocka_unit_test(test_generated_variants),
        cmocka_unit_test(test_unknown_status_keeps_its_text),
        cmocka_unit_test(test_escapes_decoded_everywhere),
        cmocka_unit_test(test_unknown_members_any_size),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_not_a_record),
        cmocka_unit_test(test_every_key_is_required),
        cmocka_unit_test(test_string_limits_exact),
        cmocka_unit_test(test_first_error_within_a_value),
        cmocka_unit_test(test_deleted_record),
        cmocka_unit_test(test_invalid_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
