/**
 * @file civil.c
 * @brief Proleptic Gregorian day arithmetic without libc time functions.
 *
 * The Gregorian calendar repeats exactly every 400 years (an era of 146097 days), so a date is
 * split into its era and its place inside the era, and only the place needs the leap rules.
 * Inside an era, years are counted from 1 March: the leap day then falls on the last day of
 * such a year, and the months before it have fixed lengths, so the day of the year of each
 * month start is one linear formula instead of a table with a leap correction.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include "civil.h"

#define DAYS_PER_ERA    INT64_C(146097) /* 400 * 365 + 97 leap days */
#define YEARS_PER_ERA   INT64_C(400)
#define DAYS_PER_4Y     1460u   /* 4 * 365: a leap day every this many days ... */
#define DAYS_PER_100Y   36524u  /* ... except once a century ... */
#define LAST_DAY_OF_ERA 146096u /* ... but again on the era's last day (year 400) */
/* Day 0 of era 0 is 0000-03-01; 1970-01-01 is this many days later. */
#define EPOCH_FROM_ERA0 INT64_C(719468)

int64_t ambc_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if (a % b < 0) {
        q -= 1;
    }
    return q;
}

bool ambc_is_leap(int32_t y)
{
    /*
     * A century (400 = 16 * 25, 100 = 4 * 25) is divisible by 400 exactly when it is by 16,
     * so one remainder and a mask test do: y % 4 is the low two bits, y % 16 the low four.
     * The mask works on negative years too, as a conversion to unsigned keeps them modulo 2^32.
     */
    return ((uint32_t)y & (y % 100 == 0 ? 15u : 3u)) == 0;
}

uint32_t ambc_days_in_month(int32_t y, uint32_t m)
{
    if (m < 1 || m > 12) {
        return 0;
    }
    if (m == 2) {
        return ambc_is_leap(y) ? 29 : 28;
    }
    /* 31, 30, ... from January (odd months long) and again from August (even months long). */
    return 30 + ((m ^ (m >> 3)) & 1);
}

/*
 * Day of the March-based year on which March-based month `mp` (March 0 .. February 11)
 * starts. March..July and August..December both run 31,30,31,30,31: 153 days per five months,
 * and (153 * mp + 2) / 5 lands on each month start exactly.
 */
static uint32_t month_start(uint32_t mp)
{
    return (153 * mp + 2) / 5;
}

/*
 * Only the era needs 64-bit arithmetic; everything inside one era fits 32 bits, which keeps
 * the many small divisions below single instructions on a Cortex-M3/M4 (64-bit division is a
 * libgcc call).
 */
int64_t ambc_days_from_civil(int32_t y, uint32_t m, uint32_t d)
{
    /* January and February belong to the March-based year that began the year before. */
    int64_t year = (int64_t)y - (m <= 2 ? 1 : 0);
    int64_t era = ambc_floor_div(year, YEARS_PER_ERA);
    uint32_t yoe = (uint32_t)(year - era * YEARS_PER_ERA); /* 0..399 */
    uint32_t doy = month_start((m + 9) % 12) + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * DAYS_PER_ERA + (int64_t)doe - EPOCH_FROM_ERA0;
}

#if defined(CONFIG_AMBC_RFC3339_FORMAT) /* its only user */
void ambc_civil_from_days(int64_t days, int32_t *y, uint32_t *m, uint32_t *d)
{
    int64_t z = days + EPOCH_FROM_ERA0;
    int64_t era = ambc_floor_div(z, DAYS_PER_ERA);
    uint32_t doe = (uint32_t)(z - era * DAYS_PER_ERA); /* 0..146096 */
    /* Remove the leap days before `doe` so that dividing by 365 gives the year of the era. */
    uint32_t yoe = (doe - doe / DAYS_PER_4Y + doe / DAYS_PER_100Y - doe / LAST_DAY_OF_ERA) / 365;
    uint32_t doy = doe - (yoe * 365 + yoe / 4 - yoe / 100);
    uint32_t mp = (5 * doy + 2) / 153; /* inverse of month_start() */
    uint32_t month = mp < 10 ? mp + 3 : mp - 9;

    *d = doy - month_start(mp) + 1;
    *m = month;
    *y = (int32_t)(era * YEARS_PER_ERA + (int64_t)yoe + (month <= 2 ? 1 : 0));
}
#endif

bool ambc_civil_seconds(const uint32_t f[AMBC_CIVIL_FIELDS], int64_t *out_s)
{
    int32_t year = (int32_t)f[AMBC_CIVIL_YEAR];

    /* ambc_days_in_month() is 0 for a month out of range, so the day check covers the month. */
    if (f[AMBC_CIVIL_DAY] < 1 ||
        f[AMBC_CIVIL_DAY] > ambc_days_in_month(year, f[AMBC_CIVIL_MONTH]) ||
        f[AMBC_CIVIL_HOUR] > 23 || f[AMBC_CIVIL_MINUTE] > 59 || f[AMBC_CIVIL_SECOND] > 60) {
        return false;
    }
    /* The time of day fits 32 bits (at most 86400 with a leap second): one 64-bit add. */
    *out_s =
        ambc_days_from_civil(year, f[AMBC_CIVIL_MONTH], f[AMBC_CIVIL_DAY]) * AMBC_SECONDS_PER_DAY +
        (int64_t)(f[AMBC_CIVIL_HOUR] * 3600 + f[AMBC_CIVIL_MINUTE] * 60 + f[AMBC_CIVIL_SECOND]);
    return true;
}
