/* Unit tests for core/status.c: every status has its own text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/status.h"

static void test_every_code_named_uniquely(void **state)
{
    static const char *seen[200];
    int code, n = 0, i;
    (void)state;
    for (code = -199; code <= 1; code++) {
        const char *s = ambc_strerror((ambc_status_t)code);
        assert_non_null(s);
        if (strncmp(s, "AMBC_ERR_?", 10) == 0) {
            continue;
        }
        assert_true(strncmp(s, "AMBC_", 5) == 0);
        assert_non_null(strstr(s, ": "));
        for (i = 0; i < n; i++) {
            assert_string_not_equal(seen[i], s);
        }
        seen[n++] = s;
    }
    assert_true(n >= 40);
    assert_string_equal(ambc_strerror(AMBC_OK), "AMBC_OK: success");
    assert_non_null(strstr(ambc_strerror(AMBC_END), "no more requests"));
    assert_string_equal(ambc_strerror((ambc_status_t)7), "AMBC_ERR_?: unknown status");
    assert_non_null(strstr(ambc_strerror(AMBC_ERR_RECORD_TOO_LARGE), "RECORD_TOO_LARGE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_code_named_uniquely)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
