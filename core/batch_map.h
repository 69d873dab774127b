/* Internal: record mapping for text the scanner has already validated. */
#ifndef AMBC_CORE_BATCH_MAP_H
#define AMBC_CORE_BATCH_MAP_H

#include "ambc/batch.h"

/* As ambc_batch_parse, without re-validating: json must be one valid JSON value. */
ambc_status_t ambc_batch_map_valid(const char *json, size_t len, ambc_json_tok_t *tokens,
                                   size_t ntokens, ambc_batch_t *out);

#endif
