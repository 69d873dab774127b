/**
 * @file civil.h
 * @brief Internal: proleptic Gregorian calendar arithmetic shared by the time parsers.
 *
 * Day numbers count from 1970-01-01 (day 0), negative before it. Pure integer arithmetic, no
 * libc time functions, no tables beyond the month lengths, valid for every int32_t year.
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

/** @brief a / b rounded toward minus infinity (C rounds toward zero); `b` must be positive. */
int64_t ambc_floor_div(int64_t a, int64_t b);

#endif /* AMBC_CIVIL_H */
