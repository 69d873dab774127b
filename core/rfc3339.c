/**
 * @file rfc3339.c
 * @brief RFC 3339 date-time parsing and formatting on microseconds since the epoch.
 *
 * The API sends times like "2024-08-20T18:37:24.100435Z". The fixed-width head is checked
 * byte by byte at known offsets; only the fraction has a variable length, so the parser never
 * scans for a delimiter and never reads outside [s, s + len).
 */
#include <string.h>

#include "ambc/time.h"
#include "civil.h"

#define US_PER_S INT64_C(1000000)
/* The instants four year digits can show: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z. */
#define MIN_US (INT64_C(-62167219200) * US_PER_S)
#define MAX_US (INT64_C(253402300800) * US_PER_S - 1)

#define HEAD_LEN        19 /* "YYYY-MM-DDTHH:MM:SS" */
#define FRAC_DIGITS     6  /* microseconds */
#define ZONE_LEN_NUM    6  /* "+hh:mm" */
#define FORMAT_TEMPLATE "0000-00-00T00:00:00.000000Z"

/* The template and its NUL are exactly what the header promises callers must provide. */
typedef char template_matches_buf_size[sizeof FORMAT_TEMPLATE == AMBC_RFC3339_BUF_SIZE ? 1 : -1];

typedef struct {
    uint32_t year, month, day, hour, minute, second;
    uint32_t frac_us;
    int32_t offset_s; /* local time minus UTC */
} fields_t;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads exactly n decimal digits; n is at most 4 here, so the value cannot overflow. */
static bool read_digits(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return false;
        }
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* RFC 3339 section 5.6 allows "t", and its NOTE allows a space for readability. */
static bool is_date_time_separator(char c)
{
    return c == 'T' || c == 't' || c == ' ';
}

/* The caller guarantees len > HEAD_LEN. */
static bool parse_head(const char *s, fields_t *f)
{
    return read_digits(s, 4, &f->year) && s[4] == '-' && read_digits(s + 5, 2, &f->month) &&
           s[7] == '-' && read_digits(s + 8, 2, &f->day) && is_date_time_separator(s[10]) &&
           read_digits(s + 11, 2, &f->hour) && s[13] == ':' && read_digits(s + 14, 2, &f->minute) &&
           s[16] == ':' && read_digits(s + 17, 2, &f->second);
}

/*
 * Optional "." and one or more digits at *pos. Digits past the sixth are consumed but
 * dropped: truncating the fraction floors the instant, whatever the sign of the result.
 */
static bool parse_fraction(const char *s, size_t len, size_t *pos, uint32_t *frac_us)
{
    size_t start;
    size_t kept = 0;
    uint32_t v = 0;

    if (*pos >= len || s[*pos] != '.') {
        *frac_us = 0;
        return true;
    }
    start = ++*pos;
    for (; *pos < len && is_digit(s[*pos]); ++*pos) {
        if (kept < FRAC_DIGITS) {
            v = v * 10 + (uint32_t)(s[*pos] - '0');
            kept++;
        }
    }
    for (; kept < FRAC_DIGITS; kept++) {
        v *= 10;
    }
    *frac_us = v;
    return *pos > start;
}

/* The whole rest of the input must be "Z", "z" or "+hh:mm" / "-hh:mm". */
static bool parse_zone(const char *s, size_t n, int32_t *offset_s)
{
    uint32_t hh;
    uint32_t mm;
    int32_t magnitude;

    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *offset_s = 0;
        return true;
    }
    if (n != ZONE_LEN_NUM || (s[0] != '+' && s[0] != '-') || !read_digits(s + 1, 2, &hh) ||
        s[3] != ':' || !read_digits(s + 4, 2, &mm) || hh > 23 || mm > 59) {
        return false;
    }
    magnitude = (int32_t)(hh * 3600 + mm * 60);
    *offset_s = s[0] == '-' ? -magnitude : magnitude;
    return true;
}

static bool fields_valid(const fields_t *f)
{
    /* Second 60 is a leap second; it is allowed at any minute since no table is kept. */
    return f->month >= 1 && f->month <= 12 && f->day >= 1 &&
           f->day <= ambc_days_in_month((int32_t)f->year, f->month) && f->hour <= 23 &&
           f->minute <= 59 && f->second <= 60;
}

static int64_t fields_to_us(const fields_t *f)
{
    int64_t days = ambc_days_from_civil((int32_t)f->year, f->month, f->day);
    /* A leap second simply counts as one more second: it lands on the next minute's :00. */
    int64_t secs = days * AMBC_SECONDS_PER_DAY + (int64_t)f->hour * 3600 + (int64_t)f->minute * 60 +
                   (int64_t)f->second - f->offset_s;

    return secs * US_PER_S + (int64_t)f->frac_us;
}

ambc_status_t ambc_rfc3339_parse(const char *s, size_t len, int64_t *out_us)
{
    fields_t f;
    size_t pos = HEAD_LEN;

    if (s == NULL || out_us == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (len <= HEAD_LEN || !parse_head(s, &f) || !parse_fraction(s, len, &pos, &f.frac_us) ||
        !parse_zone(s + pos, len - pos, &f.offset_s) || !fields_valid(&f)) {
        return AMBC_ERR_TIME_INVALID;
    }
    *out_us = fields_to_us(&f);
    return AMBC_OK;
}

/* Writes v as exactly n digits, most significant first; the caller ensures v < 10^n. */
static void put_digits(char *p, uint32_t v, size_t n)
{
    while (n > 0) {
        n--;
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

ambc_status_t ambc_rfc3339_format(int64_t us, char *buf, size_t size)
{
    int64_t secs;
    int64_t days;
    uint32_t sod;
    int32_t y;
    uint32_t m;
    uint32_t d;

    if (buf == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (size > 0) {
        buf[0] = '\0'; /* a caller that ignores the status still prints a string */
    }
    if (size < AMBC_RFC3339_BUF_SIZE) {
        return AMBC_ERR_BUFFER_TOO_SMALL;
    }
    if (us < MIN_US || us > MAX_US) { /* also AMBC_TIME_NULL, which is INT64_MIN */
        return AMBC_ERR_INVALID_ARG;
    }
    secs = ambc_floor_div(us, US_PER_S);
    days = ambc_floor_div(secs, AMBC_SECONDS_PER_DAY);
    sod = (uint32_t)(secs - days * AMBC_SECONDS_PER_DAY);
    ambc_civil_from_days(days, &y, &m, &d);

    memcpy(buf, FORMAT_TEMPLATE, sizeof FORMAT_TEMPLATE);
    put_digits(buf, (uint32_t)y, 4);
    put_digits(buf + 5, m, 2);
    put_digits(buf + 8, d, 2);
    put_digits(buf + 11, sod / 3600, 2);
    put_digits(buf + 14, sod / 60 % 60, 2);
    put_digits(buf + 17, sod % 60, 2);
    put_digits(buf + 20, (uint32_t)(us - secs * US_PER_S), FRAC_DIGITS);
    return AMBC_OK;
}
