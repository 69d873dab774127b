/* Explicit-state bounded model checking of a byte-level state machine, the shared part.
 *
 * A harness explores, depth first, every input of up to `depth` bytes drawn from an alphabet
 * that holds a byte of every character class the machine tells apart, starting from a fixed
 * prefix. The machine's state is a fixed-size struct, so states reached by different inputs
 * are the same bytes: a state met before (with the same observer state) is not explored again,
 * which is what makes every input of the bound reachable in seconds. Each step runs under
 * ASan and UBSan (bounds, pointers, signed overflow, shifts, implicit conversions that change
 * a value), and the harness asserts its functional properties after every feed.
 *
 * The bound comes from BMC_DEPTH in the environment (the default is the suite's). */
#ifndef AMBC_BMC_H
#define AMBC_BMC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BMC_CHECK(cond, what)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "bmc: property failed: %s (%s:%d)\n", what, __FILE__, __LINE__);      \
            bmc_dump_input();                                                                      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input being explored (prefix included), for the counterexample. */
static unsigned char bmc_input[4096];
static size_t bmc_input_len;

static void bmc_dump_input(void)
{
    size_t i;
    fprintf(stderr, "bmc: input (%zu bytes):", bmc_input_len);
    for (i = 0; i < bmc_input_len; i++) {
        fprintf(stderr, " %02x", bmc_input[i]);
    }
    fprintf(stderr, "\n");
}

/* FNV-1a wraps by design: not a finding. */
#if defined(__clang__)
__attribute__((no_sanitize("integer")))
#endif
static uint64_t bmc_hash(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *p = (const unsigned char *)a;
    uint64_t h = 1469598103934665603u;
    size_t i;
    for (i = 0; i < alen; i++) {
        h = (h ^ p[i]) * 1099511628211u;
    }
    p = (const unsigned char *)b;
    for (i = 0; i < blen; i++) {
        h = (h ^ p[i]) * 1099511628211u;
    }
    return h | 1u; /* 0 marks an empty slot */
}

/* A set of 64-bit state hashes, open addressing; grows by doubling. */
static uint64_t *bmc_set;
static size_t bmc_cap, bmc_count;

/* Returns 1 when h was new (and adds it), 0 when it was there. */
static int bmc_visit(uint64_t h)
{
    size_t i;
    if (bmc_count * 2 >= bmc_cap) {
        uint64_t *old = bmc_set;
        size_t n = bmc_cap, j;
        bmc_cap = bmc_cap ? bmc_cap * 2 : 1u << 16;
        bmc_set = (uint64_t *)calloc(bmc_cap, sizeof(uint64_t));
        if (bmc_set == NULL) {
            fprintf(stderr, "bmc: out of memory\n");
            exit(2);
        }
        bmc_count = 0;
        for (j = 0; j < n; j++) {
            if (old[j] != 0) {
                bmc_visit(old[j]);
            }
        }
        free(old);
    }
    for (i = (size_t)h & (bmc_cap - 1);; i = (i + 1) & (bmc_cap - 1)) {
        if (bmc_set[i] == h) {
            return 0;
        }
        if (bmc_set[i] == 0) {
            bmc_set[i] = h;
            bmc_count++;
            return 1;
        }
    }
}

static unsigned bmc_depth(unsigned fallback)
{
    const char *e = getenv("BMC_DEPTH");
    return e != NULL && atoi(e) > 0 ? (unsigned)atoi(e) : fallback;
}

#endif /* AMBC_BMC_H */
