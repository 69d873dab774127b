/* Unit tests for core/api_error.c: API error bodies, and bodies that are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/api_error.h"

static ambc_api_error_t err;
static ambc_api_error_parser_t parser;

static void parse(const char *body, size_t slice, uint16_t status, const char *hdr_id)
{
    size_t len = strlen(body), off = 0;
    ambc_api_error_parser_init(&parser, &err, status, hdr_id, false);
    if (slice == 0) {
        slice = len ? len : 1;
    }
    while (off < len) {
        size_t n = len - off < slice ? len - off : slice;
        ambc_api_error_parser_feed(&parser, (const uint8_t *)body + off, n);
        off += n;
    }
    ambc_api_error_parser_finish(&parser);
}

static const char not_found[] =
    "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"No batch "
    "with id \\\"x\\\" \\u00e9\"},\"request_id\":\"req_018EeWyXxfu5pfWkrYcMdjWG\"}";

static void test_api_shape_every_slicing(void **state)
{
    size_t k, len = strlen(not_found);
    (void)state;
    for (k = 1; k <= len; k++) {
        parse(not_found, k, 404, NULL);
        assert_true(err.from_body);
        assert_int_equal(err.http_status, 404);
        assert_int_equal(err.type, AMBC_API_ERROR_NOT_FOUND);
        assert_string_equal(err.type_text, "not_found_error");
        assert_string_equal(err.message, "No batch with id \"x\" \xc3\xa9");
        assert_false(err.message_truncated);
        assert_string_equal(err.request_id, "req_018EeWyXxfu5pfWkrYcMdjWG");
    }
}

static void test_header_request_id_wins(void **state)
{
    (void)state;
    parse(not_found, 0, 404, "req_from_header");
    assert_string_equal(err.request_id, "req_from_header");
    assert_true(err.from_body);
}

static void test_every_type_maps(void **state)
{
    static const struct {
        const char *text;
        ambc_api_error_type_t type;
        uint16_t status;
    } t[] = {
        {"invalid_request_error", AMBC_API_ERROR_INVALID_REQUEST, 400},
        {"authentication_error", AMBC_API_ERROR_AUTHENTICATION, 401},
        {"billing_error", AMBC_API_ERROR_BILLING, 402},
        {"permission_error", AMBC_API_ERROR_PERMISSION, 403},
        {"not_found_error", AMBC_API_ERROR_NOT_FOUND, 404},
        {"conflict_error", AMBC_API_ERROR_CONFLICT, 409},
        {"request_too_large", AMBC_API_ERROR_REQUEST_TOO_LARGE, 413},
        {"rate_limit_error", AMBC_API_ERROR_RATE_LIMIT, 429},
        {"api_error", AMBC_API_ERROR_API, 500},
        {"timeout_error", AMBC_API_ERROR_TIMEOUT, 504},
        {"overloaded_error", AMBC_API_ERROR_OVERLOADED, 529},
        {"brand_new_error", AMBC_API_ERROR_UNKNOWN, 418},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"request_id\":null,\"error\":{\"message\":\"m\",\"type\":\"%s\"},"
                 "\"type\":\"error\"}",
                 t[i].text);
        parse(body, 0, t[i].status, "req_1");
        assert_true(err.from_body);
        assert_int_equal(err.type, t[i].type);
        assert_string_equal(err.type_text, t[i].text);
        assert_string_equal(ambc_api_error_type_name(t[i].type),
                            t[i].type == AMBC_API_ERROR_UNKNOWN ? "unknown" : t[i].text);
    }
}

static void test_type_names_at_the_ends(void **state)
{
    (void)state;
    assert_string_equal(ambc_api_error_type_name(AMBC_API_ERROR_NONE), "none");
    assert_string_equal(ambc_api_error_type_name(AMBC_API_ERROR_UNKNOWN), "unknown");
    assert_string_equal(ambc_api_error_type_name(AMBC_API_ERROR_OVERLOADED), "overloaded_error");
    assert_string_equal(ambc_api_error_type_name((ambc_api_error_type_t)99), "unknown");
    assert_string_equal(ambc_api_error_type_name((ambc_api_error_type_t)-1), "unknown");
    /* "none" and "unknown" are names of ours, not types the API sends */
    assert_int_equal(ambc_api_error_type_from_text("none", 4), AMBC_API_ERROR_UNKNOWN);
    assert_int_equal(ambc_api_error_type_from_text("unknown", 7), AMBC_API_ERROR_UNKNOWN);
    assert_int_equal(ambc_api_error_type_from_text("", 0), AMBC_API_ERROR_UNKNOWN);
    assert_int_equal(ambc_api_error_type_from_text("api_error", 8), AMBC_API_ERROR_UNKNOWN);
    assert_int_equal(ambc_api_error_type_from_text("api_errors", 10), AMBC_API_ERROR_UNKNOWN);
    assert_int_equal(ambc_api_error_type_from_text("api_errors", 9), AMBC_API_ERROR_API);
    assert_int_equal(ambc_api_error_type_from_text("invalid_request_error", 21),
                     AMBC_API_ERROR_INVALID_REQUEST);
}

static void test_long_message_truncated_on_utf8_boundary(void **state)
{
    static char body[3 * CONFIG_AMBC_ERROR_MESSAGE_MAX + 200];
    size_t len, i, k;
    (void)state;
    for (k = 0; k < 3; k++) { /* shift so the cut lands on each byte of a 3-byte char */
        len = (size_t)sprintf(body, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                    "\"message\":\"");
        for (i = 0; i < k; i++) {
            body[len++] = 'a';
        }
        for (i = 0; i < CONFIG_AMBC_ERROR_MESSAGE_MAX; i++) {
            memcpy(body + len, "\xe2\x82\xac", 3); /* the euro sign */
            len += 3;
        }
        sprintf(body + len, "\"}}");
        parse(body, 5, 500, NULL);
        assert_true(err.from_body);
        assert_true(err.message_truncated);
        len = strlen(err.message);
        assert_true(len < CONFIG_AMBC_ERROR_MESSAGE_MAX);
        assert_int_equal((len - k) % 3, 0); /* only whole characters kept */
        assert_true(len + 3 >= CONFIG_AMBC_ERROR_MESSAGE_MAX - 1);
    }
}

static void test_not_the_error_shape(void **state)
{
    static const char *const bodies[] = {
        "<html><head><title>502 Bad Gateway</title></head></html>",
        "",
        "{\"type\":\"error\"}",
        "{\"type\":\"message\",\"error\":{\"type\":\"api_error\"}}",
        "{\"type\":\"error\",\"error\":\"boom\"}",
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":1}}",
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\"}",
        "[\"error\"]",
        "{\"type\":\"error\",\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}",
        "Request Entity Too Large",
        /* found by fuzz_api_error: a literal under a string key reached memcpy with NULL */
        "{\"type\":\"error\",\"error\":{\"type\":true,\"message\":null}}",
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":false}}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse(bodies[i], 3, 502, "req_proxy");
        assert_false(err.from_body);
        assert_int_equal(err.type, AMBC_API_ERROR_NONE);
        assert_int_equal(err.http_status, 502);
        assert_string_equal(err.request_id, "req_proxy");
        assert_string_equal(err.message, "");
        assert_string_equal(err.type_text, "");
    }
}

static void test_unknown_keys_skipped(void **state)
{
    (void)state;
    parse("{\"x\":[{\"type\":\"no\"}],\"type\":\"error\",\"error\":{\"details\":{\"message\":"
          "\"no\"},\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}",
          2, 429, NULL);
    assert_true(err.from_body);
    assert_int_equal(err.type, AMBC_API_ERROR_RATE_LIMIT);
    assert_string_equal(err.message, "slow down");
    assert_string_equal(err.request_id, "");
}

/* A known key at the other depth, or a name that only starts like one, is just unknown. */
static void test_keys_only_at_their_depth(void **state)
{
    (void)state;
    parse("{\"message\":\"top\",\"types\":1,\"typ\":2,\"type\":\"error\",\"error\":{"
          "\"request_id\":\"inner\",\"error\":1,\"messages\":\"no\",\"type\":\"api_error\","
          "\"message\":\"m\"},\"request_id\":\"req_body\"}",
          0, 500, NULL);
    assert_true(err.from_body);
    assert_int_equal(err.type, AMBC_API_ERROR_API);
    assert_string_equal(err.message, "m");
    assert_string_equal(err.request_id, "req_body");
    /* the same key twice at its own depth is not the shape */
    parse("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"type\":\"api_error\"}}", 0, 500,
          NULL);
    assert_false(err.from_body);
    parse("{\"type\":\"error\",\"error\":{\"type\":\"api_error\"},\"request_id\":null,"
          "\"request_id\":null}",
          0, 500, NULL);
    assert_false(err.from_body);
}

/* Issue 11, item 8: error.type and error.message by their path, not their depth. Decoys with
 * the same keys in another member, before or after "error", change nothing. */
static void test_decoys_by_path(void **state)
{
    static const char *const bodies[] = {
        "{\"meta\":{\"type\":\"info\",\"message\":\"decoy\"},\"type\":\"error\",\"error\":"
        "{\"type\":\"rate_limit_error\",\"message\":\"slow down\"},\"request_id\":\"req_1\"}",
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\","
        "\"details\":{\"type\":\"x\",\"message\":\"y\"}},\"z\":{\"type\":\"t\",\"message\":\"m\"},"
        "\"request_id\":\"req_1\"}",
        "{\"type\":\"error\",\"e\\u0072ror\":{\"t\\u0079pe\":\"rate_limit_\\u0065rror\","
        "\"message\":\"slow\\u0020down\"},\"request_id\":\"req\\u005f1\"}",
    };
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        for (k = 0; k <= 5; k++) {
            parse(bodies[i], k, 429, NULL);
            assert_true(err.from_body);
            assert_int_equal(err.type, AMBC_API_ERROR_RATE_LIMIT);
            assert_string_equal(err.message, "slow down");
            assert_string_equal(err.request_id, "req_1");
        }
    }
}

/* Issue 11, item 7: a U+0000 does not cut a kept text short; it becomes U+FFFD. */
static void test_nul_replaced_not_cut(void **state)
{
    (void)state;
    parse("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"before\\u0000after"
          "\\u0000\"},\"request_id\":\"req_\\u00001\"}",
          0, 500, NULL);
    assert_true(err.from_body);
    assert_string_equal(err.message, "before\xEF\xBF\xBD"
                                     "after\xEF\xBF\xBD");
    assert_string_equal(err.request_id, "req_\xEF\xBF\xBD"
                                        "1");
}

static void test_request_id_truncation_flagged(void **state)
{
    char id[CONFIG_AMBC_REQUEST_ID_MAX + 10];
    (void)state;
    memset(id, 'r', sizeof(id) - 1);
    id[sizeof(id) - 1] = 0;
    parse("{}", 0, 500, id);
    assert_true(err.request_id_truncated);
    assert_int_equal(strlen(err.request_id), CONFIG_AMBC_REQUEST_ID_MAX - 1);
    ambc_api_error_parser_init(&parser, &err, 500, "req_1", true);
    assert_true(err.request_id_truncated);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_shape_every_slicing),
        cmocka_unit_test(test_header_request_id_wins),
        cmocka_unit_test(test_every_type_maps),
        cmocka_unit_test(test_type_names_at_the_ends),
        cmocka_unit_test(test_long_message_truncated_on_utf8_boundary),
        cmocka_unit_test(test_not_the_error_shape),
        cmocka_unit_test(test_unknown_keys_skipped),
        cmocka_unit_test(test_keys_only_at_their_depth),
        cmocka_unit_test(test_request_id_truncation_flagged),
        cmocka_unit_test(test_decoys_by_path),
        cmocka_unit_test(test_nul_replaced_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
