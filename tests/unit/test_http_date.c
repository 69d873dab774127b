/*
 * Unit tests for core/http_date.c: the three HTTP-date forms of RFC 9110 section 5.6.7.
 *
 * Expected values are fixed numbers from GNU date (`date -u -d '1994-11-06 08:49:37' +%s` is
 * 784111777, the RFC's own example) or from the RFC 3339 parser, which is tested on its own.
 * Every parse goes through a heap copy of exactly the input's length, so ASan and valgrind
 * catch a read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ambc/time.h"

#define RFC_EXAMPLE INT64_C(784111777) /* 1994-11-06T08:49:37Z */

static ambc_status_t parse_exact(const char *s, size_t len, int64_t *out)
{
    char *copy = malloc(len ? len : 1);
    ambc_status_t st;
    assert_non_null(copy);
    memcpy(copy, s, len);
    st = ambc_http_date_parse(copy, len, out);
    free(copy);
    return st;
}

static void check_value(const char *s, int64_t expected)
{
    int64_t got = 0;
    ambc_status_t st = parse_exact(s, strlen(s), &got);
    if (st != AMBC_OK) {
        fail_msg("parse(\"%s\") returned %d, expected AMBC_OK", s, (int)st);
    }
    if (got != expected) {
        fail_msg("parse(\"%s\") = %lld, expected %lld", s, (long long)got, (long long)expected);
    }
}

static void check_invalid_n(const char *s, size_t len)
{
    int64_t got = 42;
    ambc_status_t st = parse_exact(s, len, &got);
    if (st != AMBC_ERR_TIME_INVALID) {
        fail_msg("parse(\"%.*s\") returned %d, expected AMBC_ERR_TIME_INVALID", (int)len, s,
                 (int)st);
    }
    assert_true(got == 42); /* untouched on error */
}

static void check_invalid(const char *s)
{
    check_invalid_n(s, strlen(s));
}

/* The same instant as an RFC 3339 text, through the separately tested RFC 3339 parser. */
static int64_t rfc3339_seconds(const char *s)
{
    int64_t us = 0;
    assert_int_equal(ambc_rfc3339_parse(s, strlen(s), &us), AMBC_OK);
    assert_true(us % 1000000 == 0);
    return us / 1000000;
}

static const char *const rfc_example_forms[] = {
    "Sun, 06 Nov 1994 08:49:37 GMT",  /* IMF-fixdate */
    "Sunday, 06-Nov-94 08:49:37 GMT", /* obsolete RFC 850 */
    "Sun Nov  6 08:49:37 1994",       /* obsolete asctime() */
};

static void test_three_forms_same_instant(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc_example_forms / sizeof rfc_example_forms[0]; i++) {
        check_value(rfc_example_forms[i], RFC_EXAMPLE);
    }
    /* asctime's day may also be two digits */
    check_value("Sun Nov 06 08:49:37 1994", RFC_EXAMPLE);
    assert_true(rfc3339_seconds("1994-11-06T08:49:37Z") == RFC_EXAMPLE);
}

static void test_every_month_and_weekday(void **state)
{
    static const struct {
        const char *imf, *rfc850, *asctime, *rfc3339;
    } cases[] = {
        {"Thu, 01 Jan 1970 00:00:00 GMT", "Thursday, 01-Jan-70 00:00:00 GMT",
         "Thu Jan  1 00:00:00 1970", "1970-01-01T00:00:00Z"},
        {"Mon, 29 Feb 2016 12:00:00 GMT", "Monday, 29-Feb-16 12:00:00 GMT",
         "Mon Feb 29 12:00:00 2016", "2016-02-29T12:00:00Z"},
        {"Tue, 31 Mar 2020 23:59:59 GMT", "Tuesday, 31-Mar-20 23:59:59 GMT",
         "Tue Mar 31 23:59:59 2020", "2020-03-31T23:59:59Z"},
        {"Wed, 30 Apr 1997 01:02:03 GMT", "Wednesday, 30-Apr-97 01:02:03 GMT",
         "Wed Apr 30 01:02:03 1997", "1997-04-30T01:02:03Z"},
        {"Fri, 31 May 2024 10:20:30 GMT", "Friday, 31-May-24 10:20:30 GMT",
         "Fri May 31 10:20:30 2024", "2024-05-31T10:20:30Z"},
        {"Sat, 30 Jun 2029 11:11:11 GMT", "Saturday, 30-Jun-29 11:11:11 GMT",
         "Sat Jun 30 11:11:11 2029", "2029-06-30T11:11:11Z"},
        {"Sun, 07 Jul 2024 07:07:07 GMT", "Sunday, 07-Jul-24 07:07:07 GMT",
         "Sun Jul  7 07:07:07 2024", "2024-07-07T07:07:07Z"},
        {"Tue, 20 Aug 2024 18:37:24 GMT", "Tuesday, 20-Aug-24 18:37:24 GMT",
         "Tue Aug 20 18:37:24 2024", "2024-08-20T18:37:24Z"},
        {"Sat, 09 Sep 2000 09:09:09 GMT", "Saturday, 09-Sep-00 09:09:09 GMT",
         "Sat Sep  9 09:09:09 2000", "2000-09-09T09:09:09Z"},
        {"Thu, 31 Oct 2069 00:00:01 GMT", "Thursday, 31-Oct-69 00:00:01 GMT",
         "Thu Oct 31 00:00:01 2069", "2069-10-31T00:00:01Z"},
        {"Sat, 30 Nov 1985 04:05:06 GMT", "Saturday, 30-Nov-85 04:05:06 GMT",
         "Sat Nov 30 04:05:06 1985", "1985-11-30T04:05:06Z"},
        {"Fri, 31 Dec 1999 23:59:59 GMT", "Friday, 31-Dec-99 23:59:59 GMT",
         "Fri Dec 31 23:59:59 1999", "1999-12-31T23:59:59Z"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t want = rfc3339_seconds(cases[i].rfc3339);
        check_value(cases[i].imf, want);
        check_value(cases[i].rfc850, want);
        check_value(cases[i].asctime, want);
    }
}

static void test_known_values(void **state)
{
    (void)state;
    check_value("Thu, 01 Jan 1970 00:00:00 GMT", 0);
    check_value("Wed, 31 Dec 1969 23:59:59 GMT", -1);
    /* date -u -d '2024-08-20 18:37:24' +%s = 1724179044 */
    check_value("Tue, 20 Aug 2024 18:37:24 GMT", INT64_C(1724179044));
    /* four-digit years reach the whole range RFC 3339 formats */
    check_value("Sat, 01 Jan 0000 00:00:00 GMT", INT64_C(-62167219200));
    check_value("Fri, 31 Dec 9999 23:59:59 GMT", INT64_C(253402300799));
}

static void test_two_digit_years(void **state)
{
    (void)state;
    /* 70..99 are 19xx, 00..69 are 20xx (documented fixed window) */
    check_value("Thursday, 01-Jan-70 00:00:00 GMT", 0);
    check_value("Friday, 31-Dec-99 23:59:59 GMT", rfc3339_seconds("1999-12-31T23:59:59Z"));
    check_value("Saturday, 01-Jan-00 00:00:00 GMT", rfc3339_seconds("2000-01-01T00:00:00Z"));
    /* date -u -d '2069-12-31 23:59:59' +%s = 3155759999 */
    check_value("Tuesday, 31-Dec-69 23:59:59 GMT", INT64_C(3155759999));
    /* 2000 is a leap year, so 29-Feb-00 exists; 2100 is never reached */
    check_value("Tuesday, 29-Feb-00 00:00:00 GMT", rfc3339_seconds("2000-02-29T00:00:00Z"));
}

static void test_weekday_not_checked(void **state)
{
    (void)state;
    /* 1994-11-06 was a Sunday; a wrong but valid name is accepted (see time.h) */
    check_value("Mon, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE);
    check_value("Friday, 06-Nov-94 08:49:37 GMT", RFC_EXAMPLE);
    check_value("Wed Nov  6 08:49:37 1994", RFC_EXAMPLE);
}

static void test_leap_second_and_feb_29(void **state)
{
    int64_t next = rfc3339_seconds("2017-01-01T00:00:00Z");
    (void)state;
    check_value("Sat, 31 Dec 2016 23:59:60 GMT", next);
    check_value("Saturday, 31-Dec-16 23:59:60 GMT", next);
    check_value("Sat Dec 31 23:59:60 2016", next);
    check_invalid("Sat, 31 Dec 2016 23:59:61 GMT");
    check_value("Tue, 29 Feb 2000 00:00:00 GMT", rfc3339_seconds("2000-02-29T00:00:00Z"));
    check_invalid("Thu, 29 Feb 1900 00:00:00 GMT");
    check_invalid("Wed, 29 Feb 2023 00:00:00 GMT");
    check_invalid("Wednesday, 29-Feb-23 00:00:00 GMT");
    check_invalid("Wed Feb 29 00:00:00 2023");
}

static void test_not_nul_terminated(void **state)
{
    const char *s = "Sun, 06 Nov 1994 08:49:37 GMTxyz";
    int64_t got = 0;
    (void)state;
    assert_int_equal(parse_exact(s, 29, &got), AMBC_OK);
    assert_true(got == RFC_EXAMPLE);
    check_invalid_n(s, 28);
    check_invalid_n(s, 30);
    check_invalid_n("Sun, 06 Nov 1994 08:49:37 GMT\0", 30);
}

/* Removing any one byte, or replacing it by 'x', breaks every form; so does any prefix or a
 * byte appended. */
static void test_each_byte(void **state)
{
    static const char extra[] = {' ', 'x', '0', '\0', '\r', '\n', ','};
    char s[64];
    (void)state;
    for (size_t k = 0; k < sizeof rfc_example_forms / sizeof rfc_example_forms[0]; k++) {
        const char *v = rfc_example_forms[k];
        size_t n = strlen(v);
        for (size_t i = 0; i < n; i++) {
            memcpy(s, v, i);
            memcpy(s + i, v + i + 1, n - i - 1);
            check_invalid_n(s, n - 1);
            memcpy(s, v, n);
            s[i] = 'x';
            check_invalid_n(s, n);
        }
        for (size_t len = 0; len < n; len++) {
            check_invalid_n(v, len);
        }
        for (size_t b = 0; b < sizeof extra; b++) {
            memcpy(s, v, n);
            s[n] = extra[b];
            check_invalid_n(s, n + 1);
        }
    }
}

static void test_malformed_table(void **state)
{
    static const char *const bad[] = {
        "",
        "GMT",
        "Sun",
        "Sun,",
        /* case matters (RFC 9110: HTTP-date is case-sensitive) */
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 06 NOV 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 gmt",
        "SUNDAY, 06-Nov-94 08:49:37 GMT",
        /* names that do not exist */
        "Sux, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nox 1994 08:49:37 GMT",
        "Sundays, 06-Nov-94 08:49:37 GMT",
        "Sunda, 06-Nov-94 08:49:37 GMT",
        /* a short name with another weekday's long-name tail */
        "Monnesday, 06-Nov-94 08:49:37 GMT",
        "Wedday, 06-Nov-94 08:49:37 GMT",
        "Tueday, 06-Nov-94 08:49:37 GMT",
        "Satday, 06-Nov-94 08:49:37 GMT",
        "Thusday, 06-Nov-94 08:49:37 GMT",
        /* a form's weekday with another form's date */
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sunday Nov  6 08:49:37 1994",
        "Sun, Nov  6 08:49:37 1994",
        "Sun Nov  6 08:49:37 1994 GMT",
        /* other zones and field widths */
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 01994 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sunday, 6-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov   6 08:49:37 1994",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  06 08:49:37 1994",
        /* whitespace is not skipped */
        " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun,\t06 Nov 1994 08:49:37 GMT",
        /* out of range */
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 32 Dec 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun Nov  0 08:49:37 1994",
        "Sunday, 31-Apr-94 08:49:37 GMT",
        /* a Retry-After delay is not a date */
        "120",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_invalid(bad[i]);
    }
}

static void test_null_args(void **state)
{
    int64_t got = 7;
    (void)state;
    assert_int_equal(ambc_http_date_parse(NULL, 29, &got), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_date_parse(NULL, 0, &got), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_date_parse(rfc_example_forms[0], 29, NULL), AMBC_ERR_INVALID_ARG);
    assert_true(got == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_forms_same_instant),
        cmocka_unit_test(test_every_month_and_weekday),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_two_digit_years),
        cmocka_unit_test(test_weekday_not_checked),
        cmocka_unit_test(test_leap_second_and_feb_29),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_each_byte),
        cmocka_unit_test(test_malformed_table),
        cmocka_unit_test(test_null_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
