/**
 * @file civil.h
 * @brief Internal: proleptic Gregorian calendar arithmetic shared by the time parsers.
 *
 * Day numbers count from 1970-01-01 (day 0), negative before it. Pure integer arithmetic, no
 * libc time functions, no tables, valid for every int32_t year.
 */
#ifndef AMBC_CIVIL_H
#define AMBC_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/** Seconds in a civil day (POSIX time has no leap seconds). */
#define AMBC_SECONDS_PER_DAY INT64_C(86400)

/** @brief True when year `y` has a 29 February: every 4th year, but of centuries only every 4th. */
bool ambc_is_leap(int32_t y);

/** @brief Days in month `m` (1..12) of year `y`; 0 when `m` is not a month. */
uint32_t ambc_days_in_month(int32_t y, uint32_t m);

/**
 * @brief Day number of the date y-m-d (1970-01-01 is 0).
 *
 * The caller validates the date first (m 1..12, d 1..ambc_days_in_month()); any other input
 * gives a meaningless but well-defined number (no undefined behaviour).
 */
int64_t ambc_days_from_civil(int32_t y, uint32_t m, uint32_t d);

/**
 * @brief The date of day number `days`: the inverse of ambc_days_from_civil().
 *
 * `days` must lie within ±700 000 000 000 (about ±1.9 billion years) so the year fits an
 * int32_t. All three outputs must be non-NULL.
 */
void ambc_civil_from_days(int64_t days, int32_t *y, uint32_t *m, uint32_t *d);

/** Indexes of a broken-down UTC date-time, in the order the parsers read the fields. */
enum {
    AMBC_CIVIL_YEAR,
    AMBC_CIVIL_MONTH,
    AMBC_CIVIL_DAY,
    AMBC_CIVIL_HOUR,
    AMBC_CIVIL_MINUTE,
    AMBC_CIVIL_SECOND,
    AMBC_CIVIL_FIELDS
};

/**
 * @brief Seconds since 1970-01-01T00:00:00Z of the date-time `f` (indexed by AMBC_CIVIL_*).
 *
 * Both time parsers end here, so the range checks live in one place: month 1..12, day within
 * the month, hour 0..23, minute 0..59, second 0..60. Second 60 is a leap second; with no table
 * of them it is allowed at any minute and counts as the next minute's :00. The year must be at
 * most INT32_MAX (the parsers read four digits).
 * @return false (and `*out_s` untouched) when a field is out of range.
 */
bool ambc_civil_seconds(const uint32_t f[AMBC_CIVIL_FIELDS], int64_t *out_s);

/** @brief a / b rounded toward minus infinity (C rounds toward zero); `b` must be positive. */
int64_t ambc_floor_div(int64_t a, int64_t b);

#endif /* AMBC_CIVIL_H */
