#include "http_encode.h"

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

size_t ambc_http_percent_encode(const char *in, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (size == 0) {
        return 0;
    }
    for (; *in != '\0'; in++) {
        unsigned char c = (unsigned char)*in;
        size_t need = unreserved(c) ? 1u : 3u;
        if (size - o <= need) {
            out[0] = '\0';
            return 0;
        }
        if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15u];
        }
    }
    out[o] = '\0';
    return o;
}
