/* Unit tests for core/request_writer.c: requests of a create body, written in parts, checked on
 * the way. What it writes is read back by cJSON (a decoder it did not write). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "ambc/create.h"

typedef struct {
    char buf[1 << 16];
    size_t len;
    int calls;
} out_t;

static ambc_status_t collect(void *ctx, const char *data, size_t len)
{
    out_t *o = ctx;
    assert_true(o->len + len < sizeof(o->buf));
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    o->buf[o->len] = '\0';
    o->calls++;
    return AMBC_OK;
}

static out_t out;
static ambc_request_writer_t w;

static void start(void)
{
    memset(&out, 0, sizeof(out));
    ambc_request_writer_init(&w, collect, &out);
}

static void test_params_writer_exact_bytes(void **state)
{
    (void)state;
    start();
    assert_int_equal(ambc_request_begin(&w, 0), AMBC_OK);
    assert_int_equal(ambc_request_custom_id(&w, "req-1_A"), AMBC_OK);
    assert_int_equal(ambc_params_begin(&w, "claude-x", 1024), AMBC_OK);
    assert_int_equal(ambc_params_system(&w, "Be brief.", 9), AMBC_OK);
    assert_int_equal(ambc_params_message(&w, AMBC_ROLE_USER, "Hi", 2), AMBC_OK);
    assert_int_equal(ambc_params_text(&w, " there", 6), AMBC_OK);
    assert_int_equal(ambc_params_message(&w, AMBC_ROLE_ASSISTANT, "Hello", 5), AMBC_OK);
    assert_int_equal(ambc_params_message(&w, AMBC_ROLE_USER, "", 0), AMBC_OK);
    assert_int_equal(ambc_params_end(&w), AMBC_OK);
    assert_int_equal(ambc_request_end(&w), AMBC_OK);
    assert_int_equal(ambc_request_begin(&w, 1), AMBC_OK);
    assert_int_equal(ambc_request_params_json(&w, " {\"model\":\"m\"} ", 15), AMBC_OK);
    assert_int_equal(ambc_request_custom_id(&w, "b"), AMBC_OK);
    assert_int_equal(ambc_request_end(&w), AMBC_OK);
    assert_string_equal(out.buf,
                        "{\"custom_id\":\"req-1_A\",\"params\":{\"model\":\"claude-x\","
                        "\"max_tokens\":1024,\"system\":\"Be brief.\",\"messages\":[{\"role\":"
                        "\"user\",\"content\":\"Hi there\"},{\"role\":\"assistant\",\"content\":"
                        "\"Hello\"},{\"role\":\"user\",\"content\":\"\"}]}},"
                        "{\"params\": {\"model\":\"m\"} ,\"custom_id\":\"b\"}");
    assert_true(w.bytes == out.len);
}

/* Text of every kind, split into parts at every position (UTF-8 characters cut anywhere):
 * cJSON reads back exactly the text given. */
static void test_text_escaped_and_split_anywhere(void **state)
{
    static const char text[] = "quote \" backslash \\ newline \n tab \t cr \r nul-free ctl \x01"
                               "\x1f del \x7f e\xcc\x81 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                               "\xe2\x80\xa8 end";
    size_t n = sizeof(text) - 1, cut;
    (void)state;
    for (cut = 0; cut <= n; cut++) {
        cJSON *root, *msg;
        start();
        assert_int_equal(ambc_request_begin(&w, 0), AMBC_OK);
        assert_int_equal(ambc_request_custom_id(&w, "x"), AMBC_OK);
        assert_int_equal(ambc_params_begin(&w, "m\xc3\xa9", 1), AMBC_OK);
        assert_int_equal(ambc_params_message(&w, AMBC_ROLE_USER, text, cut), AMBC_OK);
        assert_int_equal(ambc_params_text(&w, text + cut, n - cut), AMBC_OK);
        assert_int_equal(ambc_params_end(&w), AMBC_OK);
        assert_int_equal(ambc_request_end(&w), AMBC_OK);
        root = cJSON_Parse(out.buf);
        assert_non_null(root);
        msg = cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(root, "params"), "messages"), 0);
        assert_string_equal(cJSON_GetObjectItem(msg, "content")->valuestring, text);
        assert_string_equal(
            cJSON_GetObjectItem(cJSON_GetObjectItem(root, "params"), "model")->valuestring,
            "m\xc3\xa9");
        cJSON_Delete(root);
    }
}

static ambc_status_t write_text(const char *text, size_t len, size_t cut)
{
    start();
    ambc_request_begin(&w, 0);
    ambc_request_custom_id(&w, "x");
    ambc_params_begin(&w, "m", 1);
    ambc_params_message(&w, AMBC_ROLE_USER, text, cut);
    ambc_params_text(&w, text + cut, len - cut);
    return ambc_params_end(&w);
}

/* Not UTF-8: refused wherever the parts are cut, and nothing after the error is written. */
static void test_invalid_utf8_refused(void **state)
{
    static const struct {
        const char *bytes;
        size_t len;
    } bad[] = {
        {"\x80", 1},             /* a continuation byte alone */
        {"\xc0\x80", 2},         /* overlong NUL */
        {"\xc1\xbf", 2},         /* overlong */
        {"\xe0\x9f\xbf", 3},     /* overlong 3-byte */
        {"\xed\xa0\x80", 3},     /* a surrogate, U+D800 */
        {"\xf0\x8f\xbf\xbf", 4}, /* overlong 4-byte */
        {"\xf4\x90\x80\x80", 4}, /* past U+10FFFF */
        {"\xf5\x80\x80\x80", 4},
        {"\xff", 1},
        {"\xe2\x82", 2}, /* cut at the end of the text */
        {"\xc3(", 2},
    };
    size_t i, cut;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (cut = 0; cut <= bad[i].len; cut++) {
            size_t before;
            ambc_status_t st = write_text(bad[i].bytes, bad[i].len, cut);
            if (st != AMBC_ERR_TEXT_UTF8) {
                fail_msg("case %zu cut %zu: %d", i, cut, st);
            }
            before = out.len;
            assert_int_equal(ambc_request_end(&w), AMBC_ERR_TEXT_UTF8); /* sticky */
            assert_int_equal(out.len, before);
        }
    }
    assert_int_equal(write_text("\xf4\x8f\xbf\xbf", 4, 2), AMBC_OK); /* U+10FFFF is fine */
    /* the same bytes inside raw params, cut into two parts at every position */
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char json[32];
        size_t n =
            (size_t)snprintf(json, sizeof(json), "{\"t\":\"%.*s\"}", (int)bad[i].len, bad[i].bytes);
        for (cut = 0; cut <= n; cut++) {
            ambc_status_t st;
            start();
            ambc_request_begin(&w, 0);
            ambc_request_custom_id(&w, "x");
            ambc_request_params_json(&w, json, cut);
            st = ambc_request_params_json(&w, json + cut, n - cut);
            if (st != AMBC_ERR_TEXT_UTF8) {
                fail_msg("raw case %zu cut %zu: %d", i, cut, st);
            }
        }
    }
    for (cut = 0; cut <= 12; cut++) { /* {"t":"\xf4\x8f\xbf\xbf"}: fine however it is cut */
        static const char ok[] = "{\"t\":\"\xf4\x8f\xbf\xbf\"}";
        start();
        ambc_request_begin(&w, 0);
        ambc_request_custom_id(&w, "x");
        ambc_request_params_json(&w, ok, cut);
        assert_int_equal(ambc_request_params_json(&w, ok + cut, sizeof(ok) - 1 - cut), AMBC_OK);
        assert_int_equal(ambc_request_end(&w), AMBC_OK);
    }
}

static void test_custom_id_rules(void **state)
{
    static const char *const bad[] = {"",
                                      "a b",
                                      "a.b",
                                      "\xc3\xa9",
                                      "a/b",
                                      "01234567890123456789012345678901234567890123456789"
                                      "012345678901234"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        start();
        ambc_request_begin(&w, 0);
        assert_int_equal(ambc_request_custom_id(&w, bad[i]), AMBC_ERR_CUSTOM_ID);
    }
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_request_custom_id(&w, NULL), AMBC_ERR_INVALID_ARG);
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_request_custom_id(&w, "0123456789012345678901234567890123456789012345678"
                                                "901234567890123"),
                     AMBC_OK); /* 64 */
    assert_int_equal(ambc_request_custom_id(&w, "again"), AMBC_ERR_CUSTOM_ID);
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_request_params_json(&w, "{}", 2), AMBC_OK);
    assert_int_equal(ambc_request_end(&w), AMBC_ERR_CUSTOM_ID); /* none */
}

/* Raw params must be exactly one JSON object, in parts of any size. */
static void test_raw_params(void **state)
{
    static const struct {
        const char *json;
        ambc_status_t want;
    } cases[] = {
        {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\\u00e9\"}]}", AMBC_OK},
        {"  \n{ }\t", AMBC_OK},
        {"[]", AMBC_ERR_PARAMS},
        {"1", AMBC_ERR_PARAMS},
        {"\"s\"", AMBC_ERR_PARAMS},
        {"{} {}", AMBC_ERR_PARAMS},
        {"{\"a\":1,}", AMBC_ERR_PARAMS},
        {"{\"a\":", AMBC_ERR_PARAMS}, /* never ends */
        {"", AMBC_ERR_PARAMS},
        {"   ", AMBC_ERR_PARAMS},
    };
    size_t i, cut;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].json);
        for (cut = 0; cut <= n; cut++) {
            ambc_status_t st;
            start();
            ambc_request_begin(&w, 3);
            ambc_request_custom_id(&w, "c");
            ambc_request_params_json(&w, cases[i].json, cut);
            ambc_request_params_json(&w, cases[i].json + cut, n - cut);
            st = ambc_request_end(&w);
            if (st != cases[i].want) {
                fail_msg("case %zu (%s) cut %zu: %d", i, cases[i].json, cut, st);
            }
            if (st == AMBC_OK) {
                cJSON *root = cJSON_Parse(out.buf + 1); /* request 3: after its comma */
                assert_non_null(root);
                assert_true(cJSON_IsObject(cJSON_GetObjectItem(root, "params")));
                cJSON_Delete(root);
            }
        }
    }
}

/* The params writer used out of order, or mixed with raw params. */
static void test_params_order(void **state)
{
    (void)state;
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_params_text(&w, "x", 1), AMBC_ERR_PARAMS); /* nothing open */
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_params_end(&w), AMBC_ERR_PARAMS); /* not begun */
    start();
    ambc_request_begin(&w, 0);
    ambc_params_begin(&w, "m", 5);
    assert_int_equal(ambc_params_end(&w), AMBC_ERR_PARAMS); /* no message */
    start();
    ambc_request_begin(&w, 0);
    ambc_params_begin(&w, "m", 5);
    ambc_params_message(&w, AMBC_ROLE_USER, "a", 1);
    assert_int_equal(ambc_params_system(&w, "s", 1), AMBC_ERR_PARAMS); /* too late */
    start();
    ambc_request_begin(&w, 0);
    ambc_params_begin(&w, "m", 5);
    assert_int_equal(ambc_request_params_json(&w, "{}", 2), AMBC_ERR_PARAMS); /* mixed */
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_params_begin(&w, "m", 0), AMBC_ERR_PARAMS);
    start();
    ambc_request_begin(&w, 0);
    assert_int_equal(ambc_params_begin(&w, "", 1), AMBC_ERR_PARAMS);
    start();
    ambc_request_begin(&w, 0);
    ambc_params_begin(&w, "m", 5);
    ambc_params_message(&w, AMBC_ROLE_USER, "a", 1);
    assert_int_equal(ambc_request_custom_id(&w, "late"), AMBC_ERR_PARAMS); /* mid-params */
    start();
    ambc_request_begin(&w, 0);
    ambc_request_custom_id(&w, "a");
    ambc_params_begin(&w, "m", 5);
    ambc_params_message(&w, AMBC_ROLE_USER, "a", 1);
    assert_int_equal(ambc_request_end(&w), AMBC_ERR_PARAMS); /* not ended */
    start();
    ambc_request_begin(&w, 0);
    ambc_params_begin(&w, "m", 5);
    assert_int_equal(ambc_params_message(&w, (ambc_role_t)7, "a", 1), AMBC_ERR_INVALID_ARG);
}

/* The same calls give the same bytes and hash; one byte more or different does not. */
static void test_hash_tells_passes_apart(void **state)
{
    uint64_t h[3];
    uint64_t b[3];
    int k;
    (void)state;
    for (k = 0; k < 3; k++) {
        start();
        ambc_request_begin(&w, 0);
        ambc_request_custom_id(&w, "a");
        ambc_params_begin(&w, "m", 5);
        ambc_params_message(&w, AMBC_ROLE_USER, k == 2 ? "hellp" : "hello", 5);
        ambc_params_end(&w);
        ambc_request_end(&w);
        h[k] = w.hash;
        b[k] = w.bytes;
    }
    assert_true(h[0] == h[1] && b[0] == b[1]);
    assert_true(h[0] != h[2] && b[0] == b[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_writer_exact_bytes),
        cmocka_unit_test(test_text_escaped_and_split_anywhere),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_custom_id_rules),
        cmocka_unit_test(test_raw_params),
        cmocka_unit_test(test_params_order),
        cmocka_unit_test(test_hash_tells_passes_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
