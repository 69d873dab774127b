/* Unit tests for core/json_unescape.c: one-shot string decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/json.h"

static ambc_status_t un(const char *in, char *out, size_t size, size_t *len)
{
    return ambc_json_unescape(in, strlen(in), out, size, len);
}

static void test_decodes(void **state)
{
    char out[64];
    size_t len = 99;
    (void)state;
    assert_int_equal(un("plain", out, sizeof(out), &len), AMBC_OK);
    assert_string_equal(out, "plain");
    assert_int_equal(len, 5);
    assert_int_equal(un("\\\"\\\\\\/\\b\\f\\n\\r\\t", out, sizeof(out), &len), AMBC_OK);
    assert_string_equal(out, "\"\\/\b\f\n\r\t");
    assert_int_equal(un("\\u0041\\u00E9\\u20ac\\uD83D\\uDE00", out, sizeof(out), &len), AMBC_OK);
    assert_string_equal(out, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_int_equal(len, 1 + 2 + 3 + 4);
    assert_int_equal(un("", out, sizeof(out), &len), AMBC_OK);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
}

static void test_size_exact(void **state)
{
    char out[4];
    (void)state;
    assert_int_equal(un("abc", out, 4, NULL), AMBC_OK);
    assert_string_equal(out, "abc");
    assert_int_equal(un("abcd", out, 4, NULL), AMBC_ERR_STRING_TOO_LONG);
    assert_string_equal(out, "");
    assert_int_equal(un("\\u20ac", out, 4, NULL), AMBC_OK); /* 3 bytes + NUL */
    assert_int_equal(un("a\\u20ac", out, 4, NULL), AMBC_ERR_STRING_TOO_LONG);
}

static void test_rejects(void **state)
{
    static const char *const bad[] = {"\\",      "\\x",      "\\u12",      "\\u12g4",
                                      "\\udc00", "\\ud800",  "\\ud800\\n", "\\ud800\\u0041",
                                      "a\"b",    "tab\there"};
    char out[32];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(un(bad[i], out, sizeof(out), NULL), AMBC_ERR_JSON_INVALID);
        assert_string_equal(out, "");
    }
    assert_int_equal(ambc_json_unescape("a", 1, NULL, 4, NULL), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_json_unescape("a", 1, out, 0, NULL), AMBC_ERR_INVALID_ARG);
}

/* Longer than the scanner's scalar buffer: decoded in parts, joined without a seam. */
static void test_long_strings(void **state)
{
    enum { N = 3 * CONFIG_AMBC_JSON_SCALAR_MAX + 7 };
    static char in[2 * N], out[N + 1], want[N + 1];
    size_t i, len = 0;
    (void)state;
    for (i = 0; i < N; i++) {
        want[i] = (char)('a' + i % 26);
    }
    want[N] = '\0';
    memcpy(in, want, N);
    memcpy(in + 10, "\\u0041", 6); /* an escape early and one across the part boundaries */
    want[10] = 'A';
    memmove(want + 11, want + 16, N - 16 + 1);
    assert_int_equal(ambc_json_unescape(in, N, out, sizeof(out), &len), AMBC_OK);
    assert_int_equal(len, N - 5);
    assert_memory_equal(out, want, N - 5 + 1);
    assert_int_equal(ambc_json_unescape(in, N, out, N - 5 + 1, &len), AMBC_OK);
    assert_int_equal(ambc_json_unescape(in, N, out, N - 5, &len), AMBC_ERR_STRING_TOO_LONG);
    assert_string_equal(out, "");
    in[N - 1] = '\x01'; /* too long for 8 bytes and invalid at the end: an error either way */
    assert_int_not_equal(ambc_json_unescape(in, N, out, 8, NULL), AMBC_OK);
    assert_string_equal(out, "");
    assert_int_equal(ambc_json_unescape(in, N, out, sizeof(out), NULL), AMBC_ERR_JSON_INVALID);
}

/* A quote inside the contents ends the string; what follows must not be taken as JSON. */
static void test_quote_inside(void **state)
{
    static const char *const bad[] = {"a\" ", "a\"", "\"", "a\"\"", "\"1", "a\",\"b"};
    char out[16];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(un(bad[i], out, sizeof(out), NULL), AMBC_ERR_JSON_INVALID);
        assert_string_equal(out, "");
    }
    assert_int_equal(ambc_json_unescape("a\0b", 3, out, sizeof(out), NULL), AMBC_ERR_JSON_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decodes),      cmocka_unit_test(test_size_exact),
        cmocka_unit_test(test_rejects),      cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_quote_inside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
