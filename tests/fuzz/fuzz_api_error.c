/* libFuzzer: the error-body parser. Property: never fails, strings stay terminated,
 * the HTTP status and header request-id survive any body, split feeding agrees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/api_error.h"

static void run(const uint8_t *p, size_t n, size_t split, ambc_api_error_t *e)
{
    ambc_api_error_parser_t ps;
    ambc_api_error_parser_init(&ps, e, 503, (n & 1) ? "req_hdr" : NULL, false);
    ambc_api_error_parser_feed(&ps, p, split);
    ambc_api_error_parser_feed(&ps, p + split, n - split);
    ambc_api_error_parser_finish(&ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ambc_api_error_t a, b;
    size_t split;
    if (size < 1) {
        return 0;
    }
    split = data[0] % size;
    run(data + 1, size - 1, 0, &a);
    run(data + 1, size - 1, split > size - 1 ? size - 1 : split, &b);
    if (memcmp(&a, &b, sizeof(a)) != 0 || a.http_status != 503 ||
        memchr(a.message, 0, sizeof(a.message)) == NULL ||
        memchr(a.type_text, 0, sizeof(a.type_text)) == NULL ||
        ((size - 1) & 1 && strcmp(a.request_id, "req_hdr") != 0)) {
        abort();
    }
    return 0;
}
