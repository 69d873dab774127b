#include "http_encode.h"

#include <string.h>

size_t ambc_http_percent_encode_byte(unsigned char c, char out[3])
{
    static const char hex[] = "0123456789ABCDEF";
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
        out[0] = (char)c;
        return 1;
    }
    out[0] = '%';
    out[1] = hex[c >> 4];
    out[2] = hex[c & 15u];
    return 3;
}

size_t ambc_http_percent_encode(const char *in, char *out, size_t size)
{
    size_t o = 0;
    if (size == 0) {
        return 0;
    }
    for (; *in != '\0'; in++) {
        char esc[3];
        size_t n = ambc_http_percent_encode_byte((unsigned char)*in, esc);
        if (size - o <= n) {
            out[0] = '\0';
            return 0;
        }
        memcpy(out + o, esc, n);
        o += n;
    }
    out[o] = '\0';
    return o;
}
