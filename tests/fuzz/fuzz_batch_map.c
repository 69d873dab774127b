/* libFuzzer: ambc_batch_parse on one object (scanner validation, then jsmn mapping).
 * Property: no crash, strings always terminated within their fields, and on success the
 * id is present and null bits are a subset of present bits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ambc_json_tok_t toks[CONFIG_AMBC_JSON_MAX_TOKENS];
    ambc_batch_t b;
    ambc_status_t st = ambc_batch_parse((const char *)data, size, toks,
                                        CONFIG_AMBC_JSON_MAX_TOKENS, &b);
    if (st == AMBC_OK) {
        if (!(b.present & AMBC_BATCH_F_ID) || (b.null & ~b.present) != 0 ||
            memchr(b.id, 0, sizeof(b.id)) == NULL ||
            memchr(b.results_url, 0, sizeof(b.results_url)) == NULL) {
            abort();
        }
    }
    return 0;
}
