/**
 * @file time.h
 * @brief Timestamps: RFC 3339 date-times (the API's JSON) and HTTP-dates (Retry-After, Date).
 *
 * Every function here is pure: no clock, no time zone, no libc time function (mktime, timegm
 * and gmtime are missing on many RTOS C libraries and depend on TZ). Times are integers on the
 * POSIX scale, counted from 1970-01-01T00:00:00Z without leap seconds, in the proleptic
 * Gregorian calendar; values before 1970 are negative.
 *
 * Buffers: input strings are read only during the call and need not be NUL-terminated (exactly
 * `len` bytes are read). The output buffer of ambc_rfc3339_format() is the caller's; ambc keeps
 * no pointer to it after the call returns.
 *
 * Example:
 * @code
 * int64_t us;
 * char text[AMBC_RFC3339_BUF_SIZE];
 * if (ambc_rfc3339_parse(tok, tok_len, &us) == AMBC_OK &&
 *     ambc_rfc3339_format(us, text, sizeof text) == AMBC_OK) {
 *     // "2024-08-20T18:37:24.100435Z" -> us == 1724179044100435 -> the same text
 * }
 * @endcode
 */
#ifndef AMBC_TIME_H
#define AMBC_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * "No timestamp": the value record fields hold when the API sent JSON null for a time (for
 * example `ended_at` of a batch still in progress). It is far outside the range any parser
 * here returns, and ambc_rfc3339_format() rejects it with AMBC_ERR_INVALID_ARG.
 */
#define AMBC_TIME_NULL INT64_MIN

/** Bytes ambc_rfc3339_format() needs: "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (27) plus the NUL. */
#define AMBC_RFC3339_BUF_SIZE 28

/**
 * @brief Parses an RFC 3339 date-time into microseconds since 1970-01-01T00:00:00Z.
 *
 * Accepted: `YYYY-MM-DD`, then `T`, `t` or a space, then `HH:MM:SS`, then optionally `.` and
 * one or more digits, then `Z`, `z`, `+hh:mm` or `-hh:mm` (`-00:00` is taken as UTC). Years
 * 0000..9999, days checked against the month with Gregorian leap years, hours 00..23, minutes
 * 00..59, seconds 00..60, offsets up to 23:59. Nothing may follow the zone.
 *
 * - Fractions of any length are accepted; digits after the sixth are dropped, which floors
 *   the instant to the microsecond (also before 1970: "...59.9999999Z" is 1 us before the
 *   next second, not the next second).
 * - A leap second (`:60`) is accepted and maps to the first second after it
 *   (23:59:60Z gives the same value as 00:00:00Z of the next day), because POSIX time has
 *   no number for it. No leap-second table is consulted: `:60` is accepted at any minute.
 * - With an offset, the instant can fall up to a day outside years 0000..9999
 *   ("0000-01-01T00:00:00+01:00"); it is returned, but ambc_rfc3339_format() cannot print it.
 *
 * @param s      the text; `len` bytes are read, a NUL among them is invalid.
 * @param len    the length of the text in bytes.
 * @param out_us receives the instant; not written unless AMBC_OK is returned.
 * @retval AMBC_OK *out_us holds the instant.
 * @retval AMBC_ERR_INVALID_ARG `s` or `out_us` is NULL.
 * @retval AMBC_ERR_TIME_INVALID the text is not exactly one date-time as above (missing, extra
 *         or out-of-range bytes, "12:00:00.Z", a day the month lacks).
 */
ambc_status_t ambc_rfc3339_parse(const char *s, size_t len, int64_t *out_us);

/**
 * @brief Formats microseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" plus a NUL.
 *
 * Always UTC, always six fraction digits, always 27 characters, so the output sorts as text
 * in time order and ambc_rfc3339_parse() gives back exactly `us`.
 *
 * @param us   the instant; must lie in 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z.
 * @param buf  the caller's buffer; on success it holds the NUL-terminated text. After an error
 *             it holds "" when `size` >= 1.
 * @param size the size of `buf` in bytes; at least AMBC_RFC3339_BUF_SIZE (28).
 * @retval AMBC_OK buf holds the text.
 * @retval AMBC_ERR_INVALID_ARG `buf` is NULL, or `us` is AMBC_TIME_NULL or outside the years
 *         0000..9999.
 * @retval AMBC_ERR_BUFFER_TOO_SMALL `size` < AMBC_RFC3339_BUF_SIZE (the size needed), checked
 *         before `us`.
 */
ambc_status_t ambc_rfc3339_format(int64_t us, char *buf, size_t size);

/**
 * @brief Parses an HTTP-date (RFC 9110 section 5.6.7) into seconds since 1970-01-01T00:00:00Z.
 *
 * All three forms a recipient must accept, case-sensitive as the RFC requires:
 * - IMF-fixdate:        "Sun, 06 Nov 1994 08:49:37 GMT"
 * - obsolete RFC 850:   "Sunday, 06-Nov-94 08:49:37 GMT"
 * - obsolete asctime(): "Sun Nov  6 08:49:37 1994" (the day may also be "06")
 *
 * - The weekday must be a valid name of the right length for the form, but is not checked
 *   against the date: the date is what the sender meant, and a wrong weekday is a sender
 *   bug not worth rejecting a Retry-After or Date over.
 * - Two-digit RFC 850 years: RFC 9110 puts a year that looks more than 50 years in the
 *   future into the previous century, which needs today's date. With no clock here, the
 *   window is fixed at the POSIX epoch: 70..99 are 1970..1999 and 00..69 are 2000..2069.
 *   Against the RFC rule applied in year C (2020..2069) this differs only for 70..(C - 1950),
 *   which the RFC reads as 2070..(C + 50) and this as 1970..: dates no real Retry-After or
 *   Date carries.
 * - A leap second (":60") maps to the next second, as in ambc_rfc3339_parse().
 * - Only "GMT" is accepted as the zone; nothing may precede or follow the date.
 *
 * @param s     the text (a header field value without surrounding whitespace); `len` bytes are
 *              read, it need not be NUL-terminated.
 * @param len   the length of the text in bytes.
 * @param out_s receives the instant in seconds; not written unless AMBC_OK is returned.
 * @retval AMBC_OK *out_s holds the instant.
 * @retval AMBC_ERR_INVALID_ARG `s` or `out_s` is NULL.
 * @retval AMBC_ERR_TIME_INVALID the text is not exactly one HTTP-date in one of the forms above,
 *         or names a day, hour, minute or second that does not exist.
 */
ambc_status_t ambc_http_date_parse(const char *s, size_t len, int64_t *out_s);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_TIME_H */
