/*
 * libFuzzer harness for ambc_rfc3339_parse() and ambc_rfc3339_format().
 *
 * Any byte string: parsing must not crash or read outside the input (libFuzzer hands over an
 * exactly sized heap copy, so ASan sees any over-read). Whatever parses must format, unless
 * an offset moved it outside years 0000..9999, and the formatted text must parse back to the
 * same instant. Any mismatch aborts, which libFuzzer reports as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/time.h"

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, the range format accepts. */
#define MIN_US (INT64_C(-62167219200) * 1000000)
#define MAX_US (INT64_C(253402300800) * 1000000 - 1)
/* The most an offset or a leap second can move a date-time outside that range. */
#define SLACK_US (INT64_C(86400) * 1000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t us;
    int64_t again;
    char text[AMBC_RFC3339_BUF_SIZE];
    ambc_status_t st;

    st = ambc_rfc3339_parse((const char *)data, size, &us);
    if (st == AMBC_ERR_TIME_INVALID) {
        return 0;
    }
    if (st != AMBC_OK || us < MIN_US - SLACK_US || us > MAX_US + SLACK_US) {
        abort();
    }
    st = ambc_rfc3339_format(us, text, sizeof text);
    if (st != AMBC_OK) {
        if (st != AMBC_ERR_INVALID_ARG || (us >= MIN_US && us <= MAX_US)) {
            abort();
        }
        return 0;
    }
    if (strlen(text) != AMBC_RFC3339_BUF_SIZE - 1 ||
        ambc_rfc3339_parse(text, strlen(text), &again) != AMBC_OK || again != us) {
        abort();
    }
    return 0;
}
