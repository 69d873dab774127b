/* libFuzzer: ambc_batch_parse on one object (the cutter in SINGLE mode, then jsmn mapping).
 * Properties: no crash; strings terminated within their fields; on success every key the API
 * promises was there and null bits are a subset of present bits; on failure an error about
 * one key names a key of the record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ambc_page_parser_t parser;
    ambc_batch_t b;
    ambc_status_t st = ambc_batch_parse(&parser, (const char *)data, size, &b);
    const char *field = ambc_page_parser_error_field(&parser);
    if (st == AMBC_OK) {
        if (b.present != AMBC_BATCH_F_ALL || (b.null & ~b.present) != 0 ||
            memchr(b.id, 0, sizeof(b.id)) == NULL ||
            memchr(b.status_text, 0, sizeof(b.status_text)) == NULL ||
            memchr(b.results_url, 0, sizeof(b.results_url)) == NULL || field != NULL) {
            abort();
        }
    } else if (st == AMBC_ERR_JSON_MISSING && field == NULL) {
        abort(); /* a missing key is always named */
    }
    if (parser.rec_len > sizeof(parser.rec)) {
        abort();
    }
    return 0;
}
