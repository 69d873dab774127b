/**
 * @file http_date.c
 * @brief HTTP-date parsing (RFC 9110 section 5.6.7) for Retry-After and Date.
 *
 * The three forms are the same pieces (names, digit fields) in different orders, so each form
 * is a strptime-like format string and one matcher walks it over a cursor on [s, s + len).
 * The cursor never moves past its end. The forms exclude each other by the byte after the
 * first three letters (a letter only in RFC 850, "," only in IMF-fixdate, " " only in
 * asctime), so trying them in turn accepts exactly what dispatching on the weekday would.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "ambc/time.h"
#include "civil.h"

#if defined(CONFIG_AMBC_RETRY_AFTER_HTTP_DATE) /* Kconfig feature switch: off, none of this exists \
                                                */

typedef struct {
    const char *p;
    const char *end;
} cursor_t;

/*
 * The RFC's names are case-sensitive (%s"..."), so they are compared byte for byte. Every
 * short name is three letters, packed without separators; a long weekday name is its short
 * name followed by the matching NUL-separated tail.
 */
static const char short_days[] = "MonTueWedThuFriSatSun";
static const char long_day_tails[] = "day\0sday\0nesday\0rsday\0day\0urday\0day";
static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* %a/%A weekday, %b month, %d/%H/%M/%S two digits, %e day as " 6" or "06", %y/%Y year. */
static const char *const formats[] = {
    "%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    "%A, %d-%b-%y %H:%M:%S GMT", /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
    "%a %b %e %H:%M:%S %Y",      /* asctime: "Sun Nov  6 08:49:37 1994" */
};

static bool take_bytes(cursor_t *c, const char *lit, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0) {
        return false;
    }
    c->p += n;
    return true;
}

static bool take_char(cursor_t *c, char ch)
{
    return take_bytes(c, &ch, 1);
}

/* 1 + the index of the three-letter name of `table` that the input continues with, else 0. */
static uint32_t take_name(cursor_t *c, const char *table)
{
    for (uint32_t i = 0; table[3 * i] != '\0'; i++) {
        if (take_bytes(c, table + 3 * i, 3)) {
            return i + 1;
        }
    }
    return 0;
}

static bool take_long_day(cursor_t *c)
{
    uint32_t day = take_name(c, short_days);
    const char *tail = long_day_tails;

    if (day == 0) {
        return false;
    }
    for (; day > 1; day--) {
        tail += strlen(tail) + 1;
    }
    return take_bytes(c, tail, strlen(tail));
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

static bool take_conversion(cursor_t *c, char conv, uint32_t f[AMBC_CIVIL_FIELDS])
{
    /* The digit conversions: the field each fills and its width. A table, not a switch. */
    static const struct {
        char conv;
        uint8_t field, width;
    } digits[] = {{'Y', AMBC_CIVIL_YEAR, 4},  {'y', AMBC_CIVIL_YEAR, 2},
                  {'d', AMBC_CIVIL_DAY, 2},   {'e', AMBC_CIVIL_DAY, 2},
                  {'H', AMBC_CIVIL_HOUR, 2},  {'M', AMBC_CIVIL_MINUTE, 2},
                  {'S', AMBC_CIVIL_SECOND, 2}};
    size_t i = 0;
    size_t width;

    if (conv == 'a') { /* the weekday is not checked against the date (see time.h) */
        return take_name(c, short_days) != 0;
    }
    if (conv == 'A') {
        return take_long_day(c);
    }
    if (conv == 'b') {
        f[AMBC_CIVIL_MONTH] = take_name(c, months); /* January is 1 */
        return f[AMBC_CIVIL_MONTH] != 0;
    }
    while (digits[i].conv != conv) { /* the formats use no other conversion */
        i++;
    }
    width = conv == 'e' && take_char(c, ' ') ? 1 : digits[i].width;
    if (!take_digits(c, width, &f[digits[i].field])) {
        return false;
    }
    if (conv == 'y') {
        /* No clock to apply RFC 9110's "50 years in the future" rule: pivot at the epoch. */
        f[AMBC_CIVIL_YEAR] += f[AMBC_CIVIL_YEAR] < 70 ? 2000 : 1900;
    }
    return true;
}

/* True when the whole of [s, s + len) has the form `fmt`. */
static bool match(const char *s, size_t len, const char *fmt, uint32_t f[AMBC_CIVIL_FIELDS])
{
    cursor_t c = {s, s + len};

    for (; *fmt != '\0'; fmt++) {
        if (!(*fmt == '%' ? take_conversion(&c, *++fmt, f) : take_char(&c, *fmt))) {
            return false;
        }
    }
    return c.p == c.end;
}

ambc_status_t ambc_http_date_parse(const char *s, size_t len, int64_t *out_s)
{
    uint32_t f[AMBC_CIVIL_FIELDS];

    if (s == NULL || out_s == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (match(s, len, formats[i], f)) {
            /* RFC 9110 allows second 60 (a leap second); like RFC 3339 it maps to the next
             * second, which ambc_civil_seconds() does. */
            return ambc_civil_seconds(f, out_s) ? AMBC_OK : AMBC_ERR_TIME_INVALID;
        }
    }
    return AMBC_ERR_TIME_INVALID;
}

#endif /* CONFIG_AMBC_RETRY_AFTER_HTTP_DATE */
