/**
 * @file http_date.c
 * @brief HTTP-date parsing (RFC 9110 section 5.6.7) for Retry-After and Date.
 *
 * The three forms share their pieces (names, two-digit fields, time of day), so the parser is
 * a cursor over [s, s + len) and one small function per form that chains those pieces. The
 * cursor never moves past its end, and a take_*() that fails leaves it where it was, so a
 * form can try one alternative and then another (asctime's " 6" or "06").
 */
#include <string.h>

#include "ambc/time.h"
#include "civil.h"

typedef struct {
    const char *p;
    const char *end;
} cursor_t;

typedef struct {
    uint32_t year, month, day, hour, minute, second;
} http_fields_t;

/* The RFC's names are case-sensitive (%s"..."), so these are compared byte for byte. */
static const char *const short_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const long_days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool take_char(cursor_t *c, char ch)
{
    if (c->p == c->end || *c->p != ch) {
        return false;
    }
    c->p++;
    return true;
}

static bool take_literal(cursor_t *c, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0) {
        return false;
    }
    c->p += n;
    return true;
}

/* Index of the table entry the input continues with. */
static bool take_name(cursor_t *c, const char *const *table, size_t count, uint32_t *index)
{
    for (size_t i = 0; i < count; i++) {
        if (take_literal(c, table[i])) {
            *index = (uint32_t)i;
            return true;
        }
    }
    return false;
}

/* Exactly n decimal digits (n <= 4, so no overflow). */
static bool take_digits(cursor_t *c, size_t n, uint32_t *out)
{
    uint32_t v = 0;

    if ((size_t)(c->end - c->p) < n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (c->p[i] < '0' || c->p[i] > '9') {
            return false;
        }
        v = v * 10 + (uint32_t)(c->p[i] - '0');
    }
    c->p += n;
    *out = v;
    return true;
}

static bool take_month(cursor_t *c, uint32_t *month)
{
    uint32_t i;

    if (!take_name(c, months, COUNT(months), &i)) {
        return false;
    }
    *month = i + 1;
    return true;
}

/* time-of-day = hour ":" minute ":" second; ranges are checked later with the date. */
static bool take_time(cursor_t *c, http_fields_t *f)
{
    return take_digits(c, 2, &f->hour) && take_char(c, ':') && take_digits(c, 2, &f->minute) &&
           take_char(c, ':') && take_digits(c, 2, &f->second);
}

/* After "Sun,": " 06 Nov 1994 08:49:37 GMT" */
static bool parse_imf_fixdate(cursor_t *c, http_fields_t *f)
{
    return take_char(c, ' ') && take_digits(c, 2, &f->day) && take_char(c, ' ') &&
           take_month(c, &f->month) && take_char(c, ' ') && take_digits(c, 4, &f->year) &&
           take_char(c, ' ') && take_time(c, f) && take_literal(c, " GMT");
}

/* After "Sunday,": " 06-Nov-94 08:49:37 GMT" */
static bool parse_rfc850(cursor_t *c, http_fields_t *f)
{
    uint32_t yy = 0;

    if (!(take_char(c, ' ') && take_digits(c, 2, &f->day) && take_char(c, '-') &&
          take_month(c, &f->month) && take_char(c, '-') && take_digits(c, 2, &yy) &&
          take_char(c, ' ') && take_time(c, f) && take_literal(c, " GMT"))) {
        return false;
    }
    /* No clock to apply RFC 9110's "50 years in the future" rule: pivot at the epoch. */
    f->year = yy < 70 ? 2000 + yy : 1900 + yy;
    return true;
}

/* After "Sun ": "Nov  6 08:49:37 1994"; the day is two digits or a space and one digit. */
static bool parse_asctime(cursor_t *c, http_fields_t *f)
{
    if (!take_month(c, &f->month) || !take_char(c, ' ')) {
        return false;
    }
    if (!(take_char(c, ' ') ? take_digits(c, 1, &f->day) : take_digits(c, 2, &f->day))) {
        return false;
    }
    return take_char(c, ' ') && take_time(c, f) && take_char(c, ' ') && take_digits(c, 4, &f->year);
}

/*
 * The weekday decides the form: a long name only starts RFC 850, a short one followed by ","
 * IMF-fixdate, by " " asctime. Long names go first, since "Sun" is a prefix of "Sunday".
 * The weekday itself is not checked against the date.
 */
static bool parse_any(cursor_t *c, http_fields_t *f)
{
    uint32_t weekday;

    if (take_name(c, long_days, COUNT(long_days), &weekday)) {
        return take_char(c, ',') && parse_rfc850(c, f);
    }
    if (!take_name(c, short_days, COUNT(short_days), &weekday)) {
        return false;
    }
    if (take_char(c, ',')) {
        return parse_imf_fixdate(c, f);
    }
    return take_char(c, ' ') && parse_asctime(c, f);
}

static bool fields_valid(const http_fields_t *f)
{
    /* RFC 9110 allows second 60 (a leap second); like RFC 3339 it maps to the next second. */
    return f->day >= 1 && f->day <= ambc_days_in_month((int32_t)f->year, f->month) &&
           f->hour <= 23 && f->minute <= 59 && f->second <= 60;
}

ambc_status_t ambc_http_date_parse(const char *s, size_t len, int64_t *out_s)
{
    cursor_t c;
    http_fields_t f;

    if (s == NULL || out_s == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    c.p = s;
    c.end = s + len;
    if (!parse_any(&c, &f) || c.p != c.end || !fields_valid(&f)) {
        return AMBC_ERR_TIME_INVALID;
    }
    *out_s = ambc_days_from_civil((int32_t)f.year, f.month, f.day) * AMBC_SECONDS_PER_DAY +
             (int64_t)f.hour * 3600 + (int64_t)f.minute * 60 + (int64_t)f.second;
    return AMBC_OK;
}
