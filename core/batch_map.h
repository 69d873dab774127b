/* Internal: record mapping for text the scanner has already validated. */
#ifndef AMBC_CORE_BATCH_MAP_H
#define AMBC_CORE_BATCH_MAP_H

#include "ambc/batch.h"

/* As ambc_batch_parse, without re-validating: json must be one valid JSON value. */
ambc_status_t ambc_batch_map_valid(const char *json, size_t len, ambc_json_tok_t *tokens,
                                   size_t ntokens, ambc_batch_t *out);

/* Map the object at token index obj of an already tokenized text (offsets relative to json).
 * Used by the above, and by the benchmark to map from whole-page tokens. */
ambc_status_t ambc_batch_map_tokens(const char *json, const ambc_json_tok_t *tokens, int ntok,
                                    int obj, ambc_batch_t *out);

#endif
