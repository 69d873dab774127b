/* One-shot decoding of a JSON string's contents (see ambc_json_unescape in json.h). */
#include "ambc/json.h"
#include "json_util.h"

#include <stdbool.h>

/* Read the 4 hex digits at in[*i..]; on success *i is past them. */
static bool read_hex4(const char *in, size_t len, size_t *i, uint32_t *out)
{
    uint32_t v = 0;
    size_t k;
    if (len - *i < 4) {
        return false;
    }
    for (k = 0; k < 4; k++) {
        int h = json_hex((unsigned char)in[*i + k]);
        if (h < 0) {
            return false;
        }
        v = (v << 4) | (uint32_t)h;
    }
    *i += 4;
    *out = v;
    return true;
}

/* Decode the escape after a backslash at in[*i] into tmp; returns bytes written or 0 if bad. */
static size_t decode_escape(const char *in, size_t len, size_t *i, char tmp[4])
{
    uint32_t cp, lo;
    char c;
    if (*i >= len) {
        return 0;
    }
    c = in[(*i)++];
    if (c != 'u') {
        tmp[0] = json_simple_escape((unsigned char)c);
        return tmp[0] != 0 ? 1 : 0;
    }
    if (!read_hex4(in, len, i, &cp) || JSON_IS_LOW_SURROGATE(cp)) {
        return 0;
    }
    if (JSON_IS_HIGH_SURROGATE(cp)) {
        if (len - *i < 2 || in[*i] != '\\' || in[*i + 1] != 'u') {
            return 0;
        }
        *i += 2;
        if (!read_hex4(in, len, i, &lo) || !JSON_IS_LOW_SURROGATE(lo)) {
            return 0;
        }
        cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
    }
    return json_utf8_put(cp, tmp);
}

ambc_status_t ambc_json_unescape(const char *in, size_t in_len, char *out, size_t out_size,
                                 size_t *out_len)
{
    return json_unescape_text(in, in_len, out, out_size, out_len, false);
}

ambc_status_t json_unescape_text(const char *in, size_t in_len, char *out, size_t out_size,
                                 size_t *out_len, bool raw_controls)
{
    size_t i = 0, o = 0;
    if ((out == NULL) || (out_size == 0u) || ((in == NULL) && (in_len > 0u))) {
        return AMBC_ERR_INVALID_ARG;
    }
    out[0] = '\0';
    while (i < in_len) {
        char tmp[4];
        size_t n, k;
        unsigned char c = (unsigned char)in[i++];
        if (c == '\\') {
            n = decode_escape(in, in_len, &i, tmp);
            if (n == 0) {
                out[0] = '\0';
                return AMBC_ERR_JSON_INVALID;
            }
        } else if ((c < 0x20u && !raw_controls) || c == '"') {
            out[0] = '\0';
            return AMBC_ERR_JSON_INVALID;
        } else {
            tmp[0] = (char)c;
            n = 1;
        }
        if (out_size - o <= n) { /* keep room for the NUL */
            out[0] = '\0';
            return AMBC_ERR_STRING_TOO_LONG;
        }
        for (k = 0; k < n; k++) {
            out[o++] = tmp[k];
        }
    }
    out[o] = '\0';
    if (out_len != NULL) {
        *out_len = o;
    }
    return AMBC_OK;
}
