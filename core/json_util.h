/* Internal helpers shared by the streaming scanner and the one-shot unescaper. */
#ifndef AMBC_CORE_JSON_UTIL_H
#define AMBC_CORE_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/status.h"

/* ambc_json_unescape, and with raw_controls the same for text whose control characters are
 * stored raw: the page parser's record buffer keeps decoded values with only '"' and '\\'
 * escaped. */
ambc_status_t json_unescape_text(const char *in, size_t in_len, char *out, size_t out_size,
                                 size_t *out_len, bool raw_controls);

/* Value of a hex digit, or -1. */
static inline int json_hex(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (unsigned char)(c | 0x20u);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* The byte a one-character escape stands for, or 0 when c is not one. */
static inline char json_simple_escape(unsigned char c)
{
    switch (c) {
    case '"':
    case '\\':
    case '/':
        return (char)c;
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    default:
        return 0;
    }
}

#define JSON_IS_HIGH_SURROGATE(u) ((u) >= 0xD800u && (u) <= 0xDBFFu)
#define JSON_IS_LOW_SURROGATE(u)  ((u) >= 0xDC00u && (u) <= 0xDFFFu)

/* Write code point cp (<= 0x10FFFF, not a surrogate) as UTF-8; returns 1..4. */
static inline size_t json_utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80u) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (char)(0xC0u | (cp >> 6));
        out[1] = (char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (char)(0xE0u | (cp >> 12));
        out[1] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (char)(0xF0u | (cp >> 18));
    out[1] = (char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (char)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* One byte of UTF-8 checked (RFC 3629), a character possibly straddling two calls: *need
 * continuation bytes are still due, the next one in *lo..*hi. The lead byte sets how many follow
 * and the range of the first (ruling out overlong forms, surrogates and code points past
 * U+10FFFF); the others are 80..BF. */
static inline bool json_utf8_byte(uint8_t *need, uint8_t *lo, uint8_t *hi, unsigned char c)
{
    if (*need > 0) {
        if (c < *lo || c > *hi) {
            return false;
        }
        (*need)--;
        *lo = 0x80;
        *hi = 0xBF;
        return true;
    }
    if (c < 0x80) {
        return true;
    }
    if (c < 0xC2 || c > 0xF4) {
        return false;
    }
    *need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    *lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    *hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    return true;
}

#endif
