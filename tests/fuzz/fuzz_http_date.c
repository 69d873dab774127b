/*
 * libFuzzer harness for ambc_http_date_parse().
 *
 * Any byte string: parsing must not crash or read outside the input. An accepted date has a
 * four-digit (or windowed two-digit) year and no offset, so it must land in years 0000..9999
 * (plus one second for a leap second on 9999-12-31), and the RFC 3339 formatter must be able
 * to print it and read it back: a cross-check of the two parsers' day arithmetic.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/time.h"

#define MIN_S INT64_C(-62167219200) /* 0000-01-01T00:00:00Z */
#define MAX_S INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t secs;
    int64_t us;
    char text[AMBC_RFC3339_BUF_SIZE];
    ambc_status_t st;

    st = ambc_http_date_parse((const char *)data, size, &secs);
    if (st == AMBC_ERR_TIME_INVALID) {
        return 0;
    }
    if (st != AMBC_OK || secs < MIN_S || secs > MAX_S + 1) {
        abort();
    }
    if (secs > MAX_S) {
        return 0; /* 9999-12-31T23:59:60: one past what four year digits can print */
    }
    if (ambc_rfc3339_format(secs * 1000000, text, sizeof text) != AMBC_OK ||
        ambc_rfc3339_parse(text, strlen(text), &us) != AMBC_OK || us != secs * 1000000) {
        abort();
    }
    return 0;
}
