/* Test support: deterministic MessageBatch JSON with every variation the API allows,
 * and the record each must map to (computed independently of the code under test). */
#ifndef AMBC_TEST_GEN_PAGE_H
#define AMBC_TEST_GEN_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "ambc/batch.h"

/* Writes batch number i (0-based) as JSON into out (NUL-terminated); fills *expected.
 * Returns the length, or 0 if cap is too small. */
size_t gen_batch(char *out, size_t cap, unsigned i, ambc_batch_t *expected);

/* A list page of n batches starting at number first; expected[] gets n records (may be
 * NULL). Returns the length (0 if cap is too small). */
size_t gen_page(char *out, size_t cap, unsigned first, unsigned n, bool has_more,
                ambc_batch_t *expected);

/* Field-by-field equality with a readable message on the first difference (to stderr). */
bool batch_equal(const ambc_batch_t *a, const ambc_batch_t *b);

#endif
