/*
 * Unit tests for core/rfc3339.c and the day arithmetic in core/civil.c.
 *
 * Expected values come from outside the code under test: fixed numbers computed with GNU date
 * (`date -u -d 2024-08-20T18:37:24Z +%s`) or Python, and a deliberately naive day counter
 * (year by year, month by month) that shares nothing with the era arithmetic in civil.c.
 *
 * Every parse goes through a heap copy of exactly the input's length, so ASan and valgrind
 * catch any read past the end (the parser takes a length, not a NUL-terminated string).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ambc/time.h"
#include "civil.h"

#define US     INT64_C(1000000)
#define DAY_US (INT64_C(86400) * US)
/* 0000-01-01T00:00:00Z: Python (date(1,1,1) - date(1970,1,1)).days * 86400 - 366 * 86400
 * (year 0 is a leap year), and GNU date -u -d '0000-01-01' +%s: both -62167219200. */
#define MIN_US (INT64_C(-62167219200) * US)
/* 9999-12-31T23:59:59.999999Z: date -u -d '9999-12-31 23:59:59' +%s = 253402300799. */
#define MAX_US (INT64_C(253402300799) * US + 999999)

/* ---- independent oracle ---------------------------------------------------------------- */

static int naive_leap(int y)
{
    if (y % 400 == 0) {
        return 1;
    }
    if (y % 100 == 0) {
        return 0;
    }
    return y % 4 == 0;
}

static int naive_month_len(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[m - 1] + (m == 2 ? naive_leap(y) : 0);
}

/* Days from 1970-01-01 by counting whole years and months: slow, obvious, independent. */
static int64_t naive_days(int y, int m, int d)
{
    int64_t days = 0;
    for (int yy = 1970; yy < y; yy++) {
        days += 365 + naive_leap(yy);
    }
    for (int yy = y; yy < 1970; yy++) {
        days -= 365 + naive_leap(yy);
    }
    for (int mm = 1; mm < m; mm++) {
        days += naive_month_len(y, mm);
    }
    return days + d - 1;
}

/* ---- helpers --------------------------------------------------------------------------- */

static ambc_status_t parse_exact(const char *s, size_t len, int64_t *out)
{
    char *copy = malloc(len ? len : 1);
    ambc_status_t st;
    assert_non_null(copy);
    memcpy(copy, s, len);
    st = ambc_rfc3339_parse(copy, len, out);
    free(copy);
    return st;
}

static int64_t parse_ok(const char *s)
{
    int64_t us = 0;
    ambc_status_t st = parse_exact(s, strlen(s), &us);
    if (st != AMBC_OK) {
        fail_msg("parse(\"%s\") returned %d, expected AMBC_OK", s, (int)st);
    }
    return us;
}

static void check_value(const char *s, int64_t expected)
{
    int64_t got = parse_ok(s);
    if (got != expected) {
        fail_msg("parse(\"%s\") = %lld, expected %lld", s, (long long)got, (long long)expected);
    }
}

static void check_invalid_n(const char *s, size_t len)
{
    int64_t us = 42;
    ambc_status_t st = parse_exact(s, len, &us);
    if (st != AMBC_ERR_TIME_INVALID) {
        fail_msg("parse(\"%.*s\", %zu) returned %d, expected AMBC_ERR_TIME_INVALID", (int)len, s,
                 len, (int)st);
    }
    assert_true(us == 42); /* untouched on error */
}

static void check_invalid(const char *s)
{
    check_invalid_n(s, strlen(s));
}

static void check_format(int64_t us, const char *expected)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    assert_int_equal(ambc_rfc3339_format(us, buf, sizeof buf), AMBC_OK);
    assert_string_equal(buf, expected);
}

/* ---- parse: known instants ------------------------------------------------------------- */

static void test_api_example(void **state)
{
    (void)state;
    /* date -u -d 2024-08-20T18:37:24Z +%s = 1724179044 */
    check_value("2024-08-20T18:37:24.100435Z", INT64_C(1724179044) * US + 100435);
}

static void test_epoch_and_neighbours(void **state)
{
    (void)state;
    check_value("1970-01-01T00:00:00Z", 0);
    check_value("1970-01-01T00:00:00.000001Z", 1);
    check_value("1969-12-31T23:59:59.999999Z", -1);
    check_value("1969-12-31T23:59:59Z", -US);
}

static void test_before_1970(void **state)
{
    (void)state;
    /* date -u -d 1969-07-20T20:17:40Z +%s = -14182940 */
    check_value("1969-07-20T20:17:40Z", INT64_C(-14182940) * US);
    /* date -u -d 1900-01-01T00:00:00Z +%s = -2208988800 */
    check_value("1900-01-01T00:00:00Z", INT64_C(-2208988800) * US);
    /* a fraction before 1970 still counts forward from the whole second */
    check_value("1969-12-31T23:59:59.25Z", -750000);
}

static void test_range_ends(void **state)
{
    (void)state;
    check_value("0000-01-01T00:00:00Z", MIN_US);
    check_value("0000-01-01T00:00:00.000000Z", MIN_US);
    check_value("9999-12-31T23:59:59.999999Z", MAX_US);
    assert_true(naive_days(0, 1, 1) * DAY_US == MIN_US);
    assert_true(naive_days(10000, 1, 1) * DAY_US - 1 == MAX_US);
}

/* Every month's last day parses and the day after it does not, in plain, leap, century years. */
static void test_month_ends(void **state)
{
    static const int years[] = {0,    1,    4,    100,  200,  1600, 1800, 1900,
                                1970, 2000, 2023, 2024, 2100, 2200, 2400, 9999};
    char s[40];
    (void)state;
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        int y = years[i];
        for (int m = 1; m <= 12; m++) {
            int last = naive_month_len(y, m);
            snprintf(s, sizeof s, "%04d-%02d-%02dT23:59:59Z", y, m, last);
            check_value(s, naive_days(y, m, last) * DAY_US + (DAY_US - US));
            snprintf(s, sizeof s, "%04d-%02d-%02dT00:00:00Z", y, m, last + 1);
            check_invalid(s);
            assert_int_equal(ambc_days_in_month(y, (uint32_t)m), (uint32_t)last);
        }
    }
}

static void test_feb_29(void **state)
{
    (void)state;
    /* date -u -d '2000-02-29 12:00' +%s = 951825600 */
    check_value("2000-02-29T12:00:00Z", INT64_C(951825600) * US);
    check_value("2024-02-29T00:00:00Z", naive_days(2024, 2, 29) * DAY_US);
    check_value("2400-02-29T00:00:00Z", naive_days(2400, 2, 29) * DAY_US);
    check_value("0000-02-29T00:00:00Z", naive_days(0, 2, 29) * DAY_US);
    check_invalid("2023-02-29T00:00:00Z");
    check_invalid("1900-02-29T00:00:00Z");
    check_invalid("2100-02-29T00:00:00Z");
    check_invalid("2024-02-30T00:00:00Z");
    assert_true(ambc_is_leap(2000) && ambc_is_leap(2024) && ambc_is_leap(0) && ambc_is_leap(-4));
    assert_false(ambc_is_leap(1900) || ambc_is_leap(2023) || ambc_is_leap(2100) ||
                 ambc_is_leap(-100));
}

static void test_offsets(void **state)
{
    (void)state;
    /* date -u -d '2023-12-31 23:30' +%s = 1704065400: east of UTC, back across the year */
    check_value("2024-01-01T00:30:00+01:00", INT64_C(1704065400) * US);
    /* date -u -d '2024-01-01 00:30' +%s = 1704069000: west of UTC, forward across the year */
    check_value("2023-12-31T23:30:00-01:00", INT64_C(1704069000) * US);
    /* largest offsets, across a leap day */
    check_value("2024-03-01T00:00:00+23:59", naive_days(2024, 2, 29) * DAY_US + 60 * US);
    check_value("2024-02-28T23:59:00-23:59",
                naive_days(2024, 2, 29) * DAY_US + 23 * 3600 * US + 58 * 60 * US);
    check_value("2024-08-20T18:37:24.100435+05:30", (INT64_C(1724179044) - 19800) * US + 100435);
    /* -00:00 ("UTC, local offset unknown") and +00:00 both mean UTC */
    check_value("2024-08-20T18:37:24-00:00", INT64_C(1724179044) * US);
    check_value("2024-08-20T18:37:24+00:00", INT64_C(1724179044) * US);
    /* the result may leave 0000..9999; it is still returned */
    check_value("0000-01-01T00:00:00+01:00", MIN_US - 3600 * US);
    check_value("9999-12-31T23:59:59.999999-00:01", MAX_US + 60 * US);
}

static void test_case_and_separator(void **state)
{
    int64_t v = INT64_C(1724179044) * US + 100435;
    (void)state;
    check_value("2024-08-20t18:37:24.100435Z", v);
    check_value("2024-08-20T18:37:24.100435z", v);
    check_value("2024-08-20t18:37:24.100435z", v);
    check_value("2024-08-20 18:37:24.100435Z", v);
}

static void test_fraction_lengths(void **state)
{
    int64_t base = INT64_C(1724179044) * US;
    (void)state;
    check_value("2024-08-20T18:37:24.5Z", base + 500000);
    check_value("2024-08-20T18:37:24.05Z", base + 50000);
    check_value("2024-08-20T18:37:24.123456789Z", base + 123456);
    check_value("2024-08-20T18:37:24.999999999Z", base + 999999);
    check_value("2024-08-20T18:37:24.0000009Z", base);
    check_value("2024-08-20T18:37:24.1234567890123456789012345678901234567890Z", base + 123456);
    /* dropping digits floors: 0.1 us before 1970 is the microsecond -1, not 0 */
    check_value("1969-12-31T23:59:59.9999999Z", -1);
    check_value("1969-12-31T23:59:59.1234569Z", -US + 123456);
}

static void test_leap_second(void **state)
{
    /* date -u -d 2017-01-01 +%s = 1483228800; 2016-12-31 ended with a real leap second */
    int64_t next = INT64_C(1483228800) * US;
    (void)state;
    check_value("2016-12-31T23:59:60Z", next);
    check_value("2016-12-31T23:59:60.5Z", next + 500000);
    check_value("2017-01-01T00:00:00Z", next);
    check_value("2017-01-01T00:59:60+01:00", next);
    check_value("1969-12-31T23:59:60Z", 0);
    check_invalid("2016-12-31T23:59:61Z");
}

static void test_not_nul_terminated(void **state)
{
    const char *s = "2024-08-20T18:37:24ZXYZ";
    int64_t us = 0;
    (void)state;
    assert_int_equal(parse_exact(s, 20, &us), AMBC_OK);
    assert_true(us == INT64_C(1724179044) * US);
    check_invalid_n(s, 19);
    check_invalid_n(s, 21);
    check_invalid_n("2024-08-20T18:37:24Z\0", 21); /* a NUL is a byte like any other */
}

/* ---- parse: malformed input ------------------------------------------------------------ */

/* Valid strings where removing any single byte must make them invalid. A fraction of more
 * than one digit is left out on purpose: dropping one of its digits stays valid. */
static const char *const deletable[] = {
    "2024-08-20T18:37:24Z",
    "2024-08-20T18:37:24.5Z",
    "2024-08-20T18:37:24+05:30",
    "2024-08-20t18:37:24.1-00:00",
};

static void test_each_byte_deleted(void **state)
{
    char s[64];
    (void)state;
    for (size_t k = 0; k < sizeof deletable / sizeof deletable[0]; k++) {
        size_t n = strlen(deletable[k]);
        (void)parse_ok(deletable[k]);
        for (size_t i = 0; i < n; i++) {
            memcpy(s, deletable[k], i);
            memcpy(s + i, deletable[k] + i + 1, n - i - 1);
            check_invalid_n(s, n - 1);
        }
    }
}

static void test_each_byte_replaced(void **state)
{
    static const char *const valid[] = {
        "2024-08-20T18:37:24.100435Z",
        "2024-08-20 18:37:24+05:30",
        "1969-12-31t23:59:60.123456789z",
    };
    static const char bad[] = {'x', '/', ':', '\0', (char)0xB2};
    char s[64];
    (void)state;
    for (size_t k = 0; k < sizeof valid / sizeof valid[0]; k++) {
        size_t n = strlen(valid[k]);
        (void)parse_ok(valid[k]);
        for (size_t i = 0; i < n; i++) {
            for (size_t b = 0; b < sizeof bad; b++) {
                if (valid[k][i] == bad[b]) {
                    continue; /* ':' replacing ':' is not a change */
                }
                memcpy(s, valid[k], n);
                s[i] = bad[b];
                check_invalid_n(s, n);
            }
        }
    }
}

static void test_trailing_and_truncated(void **state)
{
    static const char *const valid = "2024-08-20T18:37:24.100435+01:00";
    static const char extra[] = {' ', 'Z', 'x', '0', '\0', '\n', '\r', '"', ':'};
    char s[64];
    size_t n = strlen(valid);
    (void)state;
    for (size_t b = 0; b < sizeof extra; b++) {
        memcpy(s, valid, n);
        s[n] = extra[b];
        check_invalid_n(s, n + 1);
        memcpy(s, "2024-08-20T18:37:24Z", 20);
        s[20] = extra[b];
        check_invalid_n(s, 21);
    }
    /* every proper prefix lacks at least the zone, so none is an instant */
    for (size_t len = 0; len < n; len++) {
        check_invalid_n(valid, len);
    }
}

static void test_malformed_table(void **state)
{
    static const char *const bad[] = {
        "",
        "Z",
        "2024-08-20",
        "2024-08-20T",
        "2024-08-20T18:37:24",   /* no zone: a local time, not an instant */
        "2024-08-20T18:37Z",     /* no seconds */
        "2024-08-20T18:37:24.Z", /* a point needs digits */
        "2024-08-20T18:37:24.",
        "2024-08-20T18:37:24,5Z", /* comma fractions are ISO 8601, not RFC 3339 */
        "2024-08-20T18:37:24.+01:00",
        "2024-8-20T18:37:24Z",
        "24-08-20T18:37:24Z",
        "+2024-08-20T18:37:24Z",
        "-2024-08-20T18:37:24Z",
        "12024-08-20T18:37:24Z",
        "2024/08/20T18:37:24Z",
        "2024-08-20_18:37:24Z",
        "2024-08-20T18:37:24UTC",
        "2024-08-20T18:37:24GMT",
        "2024-08-20T18:37:24+0100",
        "2024-08-20T18:37:24+01",
        "2024-08-20T18:37:24+1:00",
        "2024-08-20T18:37:24+01:0",
        "2024-08-20T18:37:24 +01:00",
        "2024-08-20T18:37:24+01:00Z",
        "2024-08-20T18:37:24ZZ",
        " 2024-08-20T18:37:24Z",
        "2024-08-20T18:37:24Z ",
        "2024-08-20T18:37:24.1e3Z",
        "2024-08-20T18:37:2 Z",
        "2024-08-20T 8:37:24Z",
        "\"2024-08-20T18:37:24Z\"",
        /* out of range fields */
        "2024-00-20T18:37:24Z",
        "2024-13-20T18:37:24Z",
        "2024-08-00T18:37:24Z",
        "2024-08-32T18:37:24Z",
        "2024-04-31T18:37:24Z",
        "2024-08-20T24:00:00Z",
        "2024-08-20T18:60:24Z",
        "2024-08-20T18:37:61Z",
        "2024-08-20T18:37:99Z",
        "2024-08-20T18:37:24+24:00",
        "2024-08-20T18:37:24-24:00",
        "2024-08-20T18:37:24+01:60",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_invalid(bad[i]);
    }
}

static void test_parse_null_args(void **state)
{
    int64_t us = 7;
    (void)state;
    assert_int_equal(ambc_rfc3339_parse(NULL, 20, &us), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_rfc3339_parse(NULL, 0, &us), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_rfc3339_parse("2024-08-20T18:37:24Z", 20, NULL), AMBC_ERR_INVALID_ARG);
    assert_true(us == 7);
}

/* ---- format ---------------------------------------------------------------------------- */

static void test_format_known(void **state)
{
    (void)state;
    check_format(0, "1970-01-01T00:00:00.000000Z");
    check_format(-1, "1969-12-31T23:59:59.999999Z");
    check_format(1, "1970-01-01T00:00:00.000001Z");
    check_format(INT64_C(1724179044) * US + 100435, "2024-08-20T18:37:24.100435Z");
    check_format(INT64_C(-14182940) * US, "1969-07-20T20:17:40.000000Z");
    check_format(INT64_C(951825600) * US, "2000-02-29T12:00:00.000000Z");
    check_format(MIN_US, "0000-01-01T00:00:00.000000Z");
    check_format(MAX_US, "9999-12-31T23:59:59.999999Z");
    check_format(naive_days(0, 2, 29) * DAY_US, "0000-02-29T00:00:00.000000Z");
    check_format(naive_days(1, 1, 1) * DAY_US - 1, "0000-12-31T23:59:59.999999Z");
}

static void test_format_rejects(void **state)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    static const int64_t bad[] = {AMBC_TIME_NULL, MIN_US - 1, MAX_US + 1, INT64_MAX, INT64_MIN + 1};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(buf, 'q', sizeof buf);
        assert_int_equal(ambc_rfc3339_format(bad[i], buf, sizeof buf), AMBC_ERR_INVALID_ARG);
        assert_string_equal(buf, ""); /* a caller that prints it anyway prints nothing */
    }
    assert_int_equal(ambc_rfc3339_format(0, NULL, sizeof buf), AMBC_ERR_INVALID_ARG);
}

static void test_format_buffer_size(void **state)
{
    char buf[AMBC_RFC3339_BUF_SIZE + 8];
    (void)state;
    memset(buf, 'q', sizeof buf);
    assert_int_equal(ambc_rfc3339_format(0, buf, AMBC_RFC3339_BUF_SIZE - 1),
                     AMBC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(buf[0], '\0');
    for (size_t i = 1; i < sizeof buf; i++) {
        assert_int_equal(buf[i], 'q');
    }
    memset(buf, 'q', sizeof buf);
    assert_int_equal(ambc_rfc3339_format(0, buf, 0), AMBC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(buf[0], 'q'); /* size 0: not even the NUL */
    /* the size check comes first, even for a value that is also invalid */
    assert_int_equal(ambc_rfc3339_format(AMBC_TIME_NULL, buf, 5), AMBC_ERR_BUFFER_TOO_SMALL);
    /* exactly 28 is enough, and nothing past it is written */
    memset(buf, 'q', sizeof buf);
    assert_int_equal(ambc_rfc3339_format(MAX_US, buf, AMBC_RFC3339_BUF_SIZE), AMBC_OK);
    assert_int_equal(strlen(buf), AMBC_RFC3339_BUF_SIZE - 1);
    for (size_t i = AMBC_RFC3339_BUF_SIZE; i < sizeof buf; i++) {
        assert_int_equal(buf[i], 'q');
    }
}

/* Reads the formatted text back with sscanf and the naive oracle, not with the parser. */
static int64_t oracle_value(const char *s)
{
    int y, mo, d, h, mi, sec;
    long frac;
    char z;
    assert_int_equal(
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%6ld%c", &y, &mo, &d, &h, &mi, &sec, &frac, &z), 8);
    assert_int_equal(z, 'Z');
    return naive_days(y, mo, d) * DAY_US + ((int64_t)h * 3600 + mi * 60 + sec) * US + frac;
}

static void check_round_trip(int64_t us)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    int64_t back = 0;
    assert_int_equal(ambc_rfc3339_format(us, buf, sizeof buf), AMBC_OK);
    assert_int_equal(strlen(buf), 27);
    assert_int_equal(parse_exact(buf, strlen(buf), &back), AMBC_OK);
    if (back != us || oracle_value(buf) != us) {
        fail_msg("round trip of %lld gave \"%s\" -> %lld", (long long)us, buf, (long long)back);
    }
}

/* A few thousand instants spread evenly over 0000..9999 (a fifth of them before 1970), each
 * with a pseudo-random offset inside its step so fractions and times of day vary too. */
static void test_format_round_trip_sweep(void **state)
{
    const int steps = 4000;
    const int64_t span = MAX_US - MIN_US;
    const int64_t step = span / steps;
    uint64_t lcg = 0x2545F4914F6CDD1DULL;
    (void)state;
    for (int i = 0; i < steps; i++) {
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        check_round_trip(MIN_US + i * step + (int64_t)((lcg >> 11) % (uint64_t)step));
        check_round_trip(MIN_US + i * step);
    }
    for (int64_t us = -3 * US; us <= 3 * US; us += US / 4) {
        check_round_trip(us);
    }
    check_round_trip(MIN_US);
    check_round_trip(MAX_US);
}

/* Canonical text survives parse then format unchanged. */
static void test_format_parse_text(void **state)
{
    static const char *const canonical[] = {
        "0000-01-01T00:00:00.000000Z", "0000-03-01T00:00:00.000000Z", "1600-02-29T12:34:56.789012Z",
        "1899-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.000001Z", "2024-08-20T18:37:24.100435Z",
        "2038-01-19T03:14:08.000000Z", "9999-12-31T23:59:59.999999Z",
    };
    char buf[AMBC_RFC3339_BUF_SIZE];
    (void)state;
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
        assert_int_equal(ambc_rfc3339_format(parse_ok(canonical[i]), buf, sizeof buf), AMBC_OK);
        assert_string_equal(buf, canonical[i]);
    }
}

/* ---- civil.c --------------------------------------------------------------------------- */

/* Every day of 0000-01-01 .. 9999-12-31, walked one by one with naive month rollover, must
 * match both directions of the era arithmetic. */
static void test_civil_every_day(void **state)
{
    int y = 0, m = 1, d = 1;
    int64_t days = naive_days(0, 1, 1);
    (void)state;
    assert_true(days == -719528);
    while (y < 10000) {
        int32_t cy;
        uint32_t cm, cd;
        if (ambc_days_from_civil(y, (uint32_t)m, (uint32_t)d) != days) {
            fail_msg("days_from_civil(%d-%d-%d) != %lld", y, m, d, (long long)days);
        }
        ambc_civil_from_days(days, &cy, &cm, &cd);
        if (cy != y || cm != (uint32_t)m || cd != (uint32_t)d) {
            fail_msg("civil_from_days(%lld) = %d-%u-%u, expected %d-%d-%d", (long long)days,
                     (int)cy, cm, cd, y, m, d);
        }
        days++;
        if (++d > naive_month_len(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_true(days == naive_days(10000, 1, 1));
}

/* Far outside the API's range the arithmetic stays exact: negative years, huge years. */
static void test_civil_far_years(void **state)
{
    static const int32_t years[] = {-1000000, -401, -400,  -399,  -101,    -100,       -5,
                                    -4,       -1,   10000, 65535, 1000000, 1900000000, -1900000000};
    (void)state;
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        int32_t y = years[i];
        int64_t jan1 = ambc_days_from_civil(y, 1, 1);
        int64_t next = ambc_days_from_civil(y + 1, 1, 1);
        int32_t cy;
        uint32_t cm, cd;
        assert_true(next - jan1 == (ambc_is_leap(y) ? 366 : 365));
        assert_true(ambc_days_from_civil(y, 3, 1) - ambc_days_from_civil(y, 2, 28) ==
                    (ambc_is_leap(y) ? 2 : 1));
        ambc_civil_from_days(jan1 - 1, &cy, &cm, &cd);
        assert_true(cy == y - 1 && cm == 12 && cd == 31);
        ambc_civil_from_days(jan1, &cy, &cm, &cd);
        assert_true(cy == y && cm == 1 && cd == 1);
    }
    assert_true(ambc_floor_div(-1, 400) == -1 && ambc_floor_div(-400, 400) == -1 &&
                ambc_floor_div(-401, 400) == -2 && ambc_floor_div(399, 400) == 0);
    for (int y = -1200; y <= 10000; y++) {
        for (int m = 1; m <= 12; m++) {
            if (ambc_days_in_month(y, (uint32_t)m) != (uint32_t)naive_month_len(y, m)) {
                fail_msg("days_in_month(%d, %d)", y, m);
            }
        }
    }
    assert_int_equal(ambc_days_in_month(2024, 0), 0);
    assert_int_equal(ambc_days_in_month(2024, 13), 0);
    assert_int_equal(ambc_days_in_month(2024, 16), 0);
    assert_int_equal(ambc_days_in_month(2024, UINT32_MAX), 0);
    /* the int32_t ends: -2147483648 is 4 * -536870912, -2147483600 is 400 * -5368709 */
    assert_true(ambc_is_leap(INT32_MIN) && ambc_is_leap(-2147483600) && ambc_is_leap(-400));
    assert_false(ambc_is_leap(INT32_MAX) || ambc_is_leap(-2147483500) || ambc_is_leap(-200) ||
                 ambc_is_leap(-1) || ambc_is_leap(2147483600 - 100));
    assert_true(ambc_is_leap(2147483600));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_example),
        cmocka_unit_test(test_epoch_and_neighbours),
        cmocka_unit_test(test_before_1970),
        cmocka_unit_test(test_range_ends),
        cmocka_unit_test(test_month_ends),
        cmocka_unit_test(test_feb_29),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_case_and_separator),
        cmocka_unit_test(test_fraction_lengths),
        cmocka_unit_test(test_leap_second),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_each_byte_deleted),
        cmocka_unit_test(test_each_byte_replaced),
        cmocka_unit_test(test_trailing_and_truncated),
        cmocka_unit_test(test_malformed_table),
        cmocka_unit_test(test_parse_null_args),
        cmocka_unit_test(test_format_known),
        cmocka_unit_test(test_format_rejects),
        cmocka_unit_test(test_format_buffer_size),
        cmocka_unit_test(test_format_round_trip_sweep),
        cmocka_unit_test(test_format_parse_text),
        cmocka_unit_test(test_civil_every_day),
        cmocka_unit_test(test_civil_far_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
