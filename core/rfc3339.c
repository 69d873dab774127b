/**
 * @file rfc3339.c
 * @brief RFC 3339 date-time parsing and formatting on microseconds since the epoch.
 *
 * The API sends times like "2024-08-20T18:37:24.100435Z". The fixed-width head is checked
 * byte by byte at known offsets; only the fraction has a variable length, so the parser never
 * scans for a delimiter and never reads outside [s, s + len).
 */
#include "ambc/config.h" /* the feature switches below depend on it */
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

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Reads the n bytes at s against a template in which '0' stands for a digit and 'T' for the
 * date-time separator; any other byte must be itself. The digit runs between the other bytes
 * go to out[0], out[1], ... They are at most four digits long, so none can overflow. One
 * walk serves both the head ("0000-00-00T00:00:00") and a numeric zone ("00:00").
 */
static bool read_template(const char *s, const char *tmpl, size_t n, uint32_t *out)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++) {
        if (tmpl[i] == '0') {
            if (!is_digit(s[i])) {
                return false;
            }
            v = v * 10 + (uint32_t)(s[i] - '0');
            continue;
        }
        /* RFC 3339 section 5.6 allows "t", and its NOTE allows a space for readability. */
        if (tmpl[i] == 'T' ? s[i] != 'T' && s[i] != 't' && s[i] != ' ' : s[i] != tmpl[i]) {
            return false;
        }
        *out++ = v;
        v = 0;
    }
    *out = v;
    return true;
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
    uint32_t hm[2]; /* hours, minutes */
    int32_t magnitude;

    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *offset_s = 0;
        return true;
    }
    if (n != ZONE_LEN_NUM || (s[0] != '+' && s[0] != '-') ||
        !read_template(s + 1, "00:00", ZONE_LEN_NUM - 1, hm) || hm[0] > 23 || hm[1] > 59) {
        return false;
    }
    magnitude = (int32_t)(hm[0] * 3600 + hm[1] * 60);
    *offset_s = s[0] == '-' ? -magnitude : magnitude;
    return true;
}

ambc_status_t ambc_rfc3339_parse(const char *s, size_t len, int64_t *out_us)
{
    uint32_t f[AMBC_CIVIL_FIELDS]; /* the head's six numbers are the fields, in order */
    uint32_t frac_us;
    int32_t offset_s; /* local time minus UTC */
    int64_t secs;
    size_t pos = HEAD_LEN;

    if (s == NULL || out_us == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (len <= HEAD_LEN || !read_template(s, FORMAT_TEMPLATE, HEAD_LEN, f) ||
        !parse_fraction(s, len, &pos, &frac_us) || !parse_zone(s + pos, len - pos, &offset_s) ||
        !ambc_civil_seconds(f, &secs)) {
        return AMBC_ERR_TIME_INVALID;
    }
    *out_us = (secs - offset_s) * US_PER_S + (int64_t)frac_us;
    return AMBC_OK;
}

#if defined(CONFIG_AMBC_RFC3339_FORMAT) /* Kconfig: off, no ambc_rfc3339_format() */

/*
 * The inverse of read_template(): fills the digit runs of the template, copied into buf, with
 * v[0], v[1], ... Walking from the right puts each value's least significant digit last; the
 * caller ensures every value fits its run.
 */
static void write_template(char *buf, const uint32_t v[7])
{
    uint32_t cur = 0;
    size_t nv = 7;

    memcpy(buf, FORMAT_TEMPLATE, sizeof FORMAT_TEMPLATE);
    for (size_t i = sizeof FORMAT_TEMPLATE - 1; i-- > 0;) {
        if (FORMAT_TEMPLATE[i] != '0') {
            cur = v[--nv]; /* the "Z" and each separator end a run: seven in all */
        } else {
            buf[i] = (char)('0' + cur % 10);
            cur /= 10;
        }
    }
}

ambc_status_t ambc_rfc3339_format(int64_t us, char *buf, size_t size)
{
    int64_t secs;
    int64_t days;
    uint32_t sod;
    int32_t y;
    uint32_t v[7]; /* year, month, day, hour, minute, second, microseconds */

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
    ambc_civil_from_days(days, &y, &v[1], &v[2]);
    v[0] = (uint32_t)y;
    v[3] = sod / 3600;
    v[4] = sod / 60 % 60;
    v[5] = sod % 60;
    v[6] = (uint32_t)(us - secs * US_PER_S);
    write_template(buf, v);
    return AMBC_OK;
}

#endif /* CONFIG_AMBC_RFC3339_FORMAT */
