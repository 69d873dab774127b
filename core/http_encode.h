/* Internal: percent-encoding, shared by the request writer (query) and the client (paths). */
#ifndef AMBC_CORE_HTTP_ENCODE_H
#define AMBC_CORE_HTTP_ENCODE_H

#include <stddef.h>

/* One byte percent-encoded (RFC 3986: A-Z a-z 0-9 - . _ ~ kept, every other byte as %XX,
 * upper-case) into out; returns 1 or 3, the bytes written. */
size_t ambc_http_percent_encode_byte(unsigned char c, char out[3]);

/* Percent-encode NUL-terminated in into out (RFC 3986: A-Z a-z 0-9 - . _ ~ kept, every
 * other byte as %XX, upper-case). Returns the length written (a NUL follows), or 0 when
 * in is empty or out (size bytes) cannot hold the result; out is then "" (if size > 0). */
size_t ambc_http_percent_encode(const char *in, char *out, size_t size);

#endif
