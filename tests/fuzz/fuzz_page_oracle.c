/* libFuzzer: the page parser against the reference (tests/support/oracle*.c: cJSON plus a strict
 * lexer of its own, and the list-page contract). The input is one list-page body. ambc runs it
 * whole, byte by byte (up to 4 KB), in slices drawn from the input's hash and split in two;
 * any disagreement with the reference, or between two slicings, aborts:
 * - a valid page must give AMBC_OK with exactly the reference's records and page metadata;
 * - an invalid one must give a documented error, the same in every slicing, after exactly the
 *   records before the first failing one; valid but for a documented limit, that limit's status
 *   naming a field the reference confirms is past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define KEEP 4096 /* records compared one by one; more are only counted */

static void disagree(const char *what, const char *msg, const oracle_ref_t *ref)
{
    fprintf(stderr, "DISAGREEMENT (%s): %s\nreference: verdict %d, %zu records, %s\n", what, msg,
            (int)ref->verdict, ref->n_rec, ref->why);
    abort();
}

static uint64_t hash(const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037u;
    size_t i;
    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211u;
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const oracle_slicing_t how[3] = {ORACLE_SLICE_BYTES, ORACLE_SLICE_RANDOM,
                                            ORACLE_SLICE_SPLIT2};
    oracle_ref_t ref;
    oracle_run_t whole, other;
    char msg[400];
    uint64_t h = hash(data, size);
    int k;
    if (oracle_reference(data, size, &ref) != 0) {
        fprintf(stderr, "reference inconsistent: %s\n", ref.why);
        abort();
    }
    oracle_run_init(&whole, KEEP);
    oracle_run_ambc(data, size, ORACLE_SLICE_WHOLE, 0, &whole);
    if (!oracle_check(&ref, &whole, msg, sizeof(msg))) {
        disagree("whole", msg, &ref);
    }
    for (k = 0; k < 3; k++) {
        if (how[k] == ORACLE_SLICE_BYTES && size > 4096) {
            continue;
        }
        oracle_run_init(&other, KEEP);
        oracle_run_ambc(data, size, how[k], h + (uint64_t)k, &other);
        if (!oracle_same_run(&whole, &other, msg, sizeof(msg))) {
            disagree(k == 0 ? "byte by byte vs whole" : "slices vs whole", msg, &ref);
        }
        oracle_run_free(&other);
    }
    oracle_run_free(&whole);
    oracle_ref_free(&ref);
    return 0;
}
