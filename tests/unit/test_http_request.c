/* Unit tests for the HTTP/1.1 request head writer (core/http_request.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/http.h"

#define CANARY 0xA5

static char buf[1024];

static void fill_canary(void)
{
    memset(buf, CANARY, sizeof buf);
}

static void assert_canary(size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if ((unsigned char)buf[i] != CANARY) {
            fail_msg("byte %zu changed to 0x%02x", i, (unsigned char)buf[i]);
        }
    }
}

/* Writes req into buf (canary-filled) and checks the exact bytes and that nothing past them
 * was touched. */
static void assert_writes(const ambc_http_request_t *req, const char *want)
{
    size_t len = 12345;
    size_t want_len = strlen(want);
    fill_canary();
    assert_int_equal(ambc_http_request_write(req, buf, sizeof buf, &len), AMBC_OK);
    assert_int_equal(len, want_len);
    assert_memory_equal(buf, want, want_len);
    assert_canary(want_len, sizeof buf);
}

static const ambc_http_field_t api_headers[] = {
    {"x-api-key", "sk-ant-test"},
    {"anthropic-version", "2023-06-01"},
};

static void test_get_with_query_encoding(void **state)
{
    static const ambc_http_field_t query[] = {
        {"before_id", "msgbatch_01+a/b c"},
        {"after_id", NULL}, /* skipped */
        {"limit", "20"},
        {"x y", "\xc3\xa9%~-._AZaz09"}, /* UTF-8 e-acute, percent, unreserved kept */
        {"e", ""},
        {"r", "!*'();:@&=+$,/?#[]"},
    };
    ambc_http_request_t req = {
        "GET", "api.anthropic.com", "/v1/messages/batches", query, 6, api_headers, 2, -1};
    (void)state;
    assert_writes(&req, "GET /v1/messages/batches?before_id=msgbatch_01%2Ba%2Fb%20c&limit=20"
                        "&x%20y=%C3%A9%25~-._AZaz09&e="
                        "&r=%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "x-api-key: sk-ant-test\r\n"
                        "anthropic-version: 2023-06-01\r\n"
                        "\r\n");
}

static void test_query_all_skipped_and_none(void **state)
{
    static const ambc_http_field_t query[] = {{"after_id", NULL}, {"limit", NULL}};
    ambc_http_request_t req = {
        "GET", "127.0.0.1:8443", "/v1/messages/batches/msgbatch_01", query, 2, NULL, 0, -1};
    (void)state;
    assert_writes(&req, "GET /v1/messages/batches/msgbatch_01 HTTP/1.1\r\n"
                        "Host: 127.0.0.1:8443\r\n\r\n");
    req.query = NULL;
    req.query_count = 0;
    assert_writes(&req, "GET /v1/messages/batches/msgbatch_01 HTTP/1.1\r\n"
                        "Host: 127.0.0.1:8443\r\n\r\n");
}

static void test_post_with_body_length(void **state)
{
    static const ambc_http_field_t headers[] = {
        {"x-api-key", "sk-ant-test"},
        {"anthropic-version", "2023-06-01"},
        {"content-type", "application/json"},
        {"X-Tab", "a\tb"},
    };
    ambc_http_request_t req = {
        "POST", "api.anthropic.com", "/v1/messages/batches/msgbatch_01/cancel", NULL, 0, headers, 4,
        1234};
    (void)state;
    assert_writes(&req, "POST /v1/messages/batches/msgbatch_01/cancel HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "x-api-key: sk-ant-test\r\n"
                        "anthropic-version: 2023-06-01\r\n"
                        "content-type: application/json\r\n"
                        "X-Tab: a\tb\r\n"
                        "Content-Length: 1234\r\n"
                        "\r\n");
    req.content_length = 0;
    req.header_count = 0;
    assert_writes(&req, "POST /v1/messages/batches/msgbatch_01/cancel HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "Content-Length: 0\r\n"
                        "\r\n");
    req.content_length = INT64_MAX;
    assert_writes(&req, "POST /v1/messages/batches/msgbatch_01/cancel HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "Content-Length: 9223372036854775807\r\n"
                        "\r\n");
}

static void test_delete(void **state)
{
    ambc_http_request_t req = {
        "DELETE", "api.anthropic.com", "/v1/messages/batches/msgbatch_01", NULL, 0, api_headers, 1,
        -1};
    (void)state;
    assert_writes(&req, "DELETE /v1/messages/batches/msgbatch_01 HTTP/1.1\r\n"
                        "Host: api.anthropic.com\r\n"
                        "x-api-key: sk-ant-test\r\n\r\n");
}

static void assert_rejected(const ambc_http_request_t *req)
{
    size_t len = 777;
    fill_canary();
    assert_int_equal(ambc_http_request_write(req, buf, sizeof buf, &len), AMBC_ERR_INVALID_ARG);
    assert_int_equal(len, 0);
    assert_canary(0, sizeof buf);
}

static void test_header_injection_rejected(void **state)
{
    static const char *const bad_values[] = {
        "a\r\nHost: evil", "a\nX: y", "a\rb", "\x01", "a\x7f", "a\x1f", "\r\n",
    };
    static const char *const bad_names[] = {
        "",     "X A",      "X:A",  "X\r\nY",         "X\tA",
        "(x)",  "\xc3\xa9", "Host", "content-length", "Transfer-Encoding",
        "HOST",
    };
    ambc_http_field_t h = {"X-Ok", "ok"};
    ambc_http_request_t req = {"GET", "api.anthropic.com", "/", NULL, 0, &h, 1, -1};
    (void)state;
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        h.name = "X-Ok";
        h.value = bad_values[i];
        assert_rejected(&req);
    }
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        h.name = bad_names[i];
        h.value = "ok";
        assert_rejected(&req);
    }
    h.name = NULL;
    assert_rejected(&req);
    h.name = "X-Ok";
    h.value = NULL;
    assert_rejected(&req);
}

static void test_request_line_rejected(void **state)
{
    static const char *const bad_paths[] = {
        "",           "v1/batches", "/a b",  "/a?b=1", "/a#frag",
        "/a\r\nX: y", "/a\n",       "/\x01", "/\x7f",  "/\xc3\xa9",
    };
    static const char *const bad_hosts[] = {"", "a b", "a\r\nX: y", "h\x01", "h\xc3\xa9"};
    static const char *const bad_methods[] = {"", "GE T", "GET\r\n", "G(T"};
    static const ambc_http_field_t bad_query[] = {{NULL, "v"}};
    static const ambc_http_field_t empty_name[] = {{"", "v"}};
    ambc_http_request_t ok = {"GET", "api.anthropic.com", "/", NULL, 0, NULL, 0, -1};
    ambc_http_request_t req;
    size_t len;
    (void)state;
    for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
        req = ok;
        req.path = bad_paths[i];
        assert_rejected(&req);
    }
    for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++) {
        req = ok;
        req.host = bad_hosts[i];
        assert_rejected(&req);
    }
    for (size_t i = 0; i < sizeof bad_methods / sizeof bad_methods[0]; i++) {
        req = ok;
        req.method = bad_methods[i];
        assert_rejected(&req);
    }
    req = ok;
    req.method = NULL;
    assert_rejected(&req);
    req = ok;
    req.host = NULL;
    assert_rejected(&req);
    req = ok;
    req.path = NULL;
    assert_rejected(&req);
    req = ok;
    req.query = bad_query;
    req.query_count = 1;
    assert_rejected(&req);
    req.query = empty_name;
    assert_rejected(&req);
    req = ok;
    req.query_count = 1; /* count without an array */
    assert_rejected(&req);
    req = ok;
    req.header_count = 1;
    assert_rejected(&req);
    /* NULL req, NULL out_len, NULL buf with a size */
    assert_int_equal(ambc_http_request_write(NULL, buf, sizeof buf, &len), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_request_write(&ok, buf, sizeof buf, NULL), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_request_write(&ok, NULL, 10, &len), AMBC_ERR_INVALID_ARG);
}

static void test_buffer_too_small(void **state)
{
    static const ambc_http_field_t query[] = {{"limit", "20"}, {"before_id", "a b"}};
    ambc_http_request_t req = {
        "GET", "api.anthropic.com", "/v1/messages/batches", query, 2, api_headers, 2, 42};
    static const char want[] = "GET /v1/messages/batches?limit=20&before_id=a%20b HTTP/1.1\r\n"
                               "Host: api.anthropic.com\r\n"
                               "x-api-key: sk-ant-test\r\n"
                               "anthropic-version: 2023-06-01\r\n"
                               "Content-Length: 42\r\n"
                               "\r\n";
    const size_t need = sizeof want - 1;
    size_t len = 0;
    (void)state;

    /* size probe with no buffer at all */
    assert_int_equal(ambc_http_request_write(&req, NULL, 0, &len), AMBC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, need);

    /* every size below the need: nothing written, exact need reported */
    for (size_t size = 0; size < need; size++) {
        fill_canary();
        len = 0;
        assert_int_equal(ambc_http_request_write(&req, buf, size, &len), AMBC_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(len, need);
        assert_canary(0, sizeof buf);
    }

    /* exactly the need: fits, and not one byte more is written */
    fill_canary();
    assert_int_equal(ambc_http_request_write(&req, buf, need, &len), AMBC_OK);
    assert_int_equal(len, need);
    assert_memory_equal(buf, want, need);
    assert_canary(need, sizeof buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_query_encoding),
        cmocka_unit_test(test_query_all_skipped_and_none),
        cmocka_unit_test(test_post_with_body_length),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_header_injection_rejected),
        cmocka_unit_test(test_request_line_rejected),
        cmocka_unit_test(test_buffer_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
