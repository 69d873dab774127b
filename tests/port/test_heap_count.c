/* Unit tests for tests/support/heap_count.c, the allocator wrapper behind test_tls_heap.
 *
 * Blocks are made to be tracked by having libmbedcrypto allocate them: mbedtls_mpi_grow
 * callocs exactly nblimbs limbs, and mbedtls_mpi_free frees them. The test's own calls to
 * the allocator come from the executable and must not count. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mbedtls/bignum.h"
#include "heap_count.h"

#define LIMB sizeof(mbedtls_mpi_uint)

/* Keeps the compiler from eliding an allocation whose result is otherwise unused. */
static void *volatile sink;

static void grow(mbedtls_mpi *x, size_t limbs)
{
    assert_int_equal(mbedtls_mpi_grow(x, limbs), 0);
}

static void test_own_allocations_untracked(void **state)
{
    (void)state;
    heap_count_reset();
    sink = malloc(100);
    assert_non_null(sink);
    sink = realloc(sink, 1000);
    assert_non_null(sink);
    free(sink);
    sink = calloc(10, 10);
    assert_non_null(sink);
    free(sink);
    free(NULL);
    assert_int_equal(heap_count_now(), 0);
    assert_int_equal(heap_count_peak(), 0);
    assert_int_equal(heap_count_allocs(), 0);
}

static void test_mbedtls_allocations_tracked(void **state)
{
    mbedtls_mpi a;
    mbedtls_mpi b;
    (void)state;
    mbedtls_mpi_init(&a);
    mbedtls_mpi_init(&b);
    heap_count_reset();
    grow(&a, 10);
    assert_int_equal(heap_count_now(), 10 * LIMB);
    grow(&b, 20);
    assert_int_equal(heap_count_now(), 30 * LIMB);
    assert_int_equal(heap_count_allocs(), 2);
    /* growing takes the new block before freeing the old one: 10 + 20 + 30 limbs at once */
    grow(&a, 30);
    assert_int_equal(heap_count_now(), 50 * LIMB);
    assert_int_equal(heap_count_peak(), 60 * LIMB);
    assert_int_equal(heap_count_allocs(), 3);
    /* an untracked block in between changes nothing */
    sink = malloc(4096);
    free(sink);
    mbedtls_mpi_free(&a);
    assert_int_equal(heap_count_now(), 20 * LIMB);
    mbedtls_mpi_free(&b);
    assert_int_equal(heap_count_now(), 0);
    assert_int_equal(heap_count_peak(), 60 * LIMB);
    assert_int_equal(heap_count_allocs(), 3);
}

static void test_realloc_keeps_tracking(void **state)
{
    mbedtls_mpi a;
    void *p;
    (void)state;
    mbedtls_mpi_init(&a);
    heap_count_reset();
    grow(&a, 4);
    /* a tracked block stays tracked, at its new size, whoever reallocates it */
    p = realloc(a.p, 100 * LIMB);
    assert_non_null(p);
    a.p = p;
    a.n = 100;
    assert_int_equal(heap_count_now(), 100 * LIMB);
    assert_int_equal(heap_count_peak(), 100 * LIMB);
    mbedtls_mpi_free(&a);
    assert_int_equal(heap_count_now(), 0);
}

static void test_reset_forgets(void **state)
{
    mbedtls_mpi a;
    (void)state;
    mbedtls_mpi_init(&a);
    heap_count_reset();
    grow(&a, 10);
    assert_int_equal(heap_count_peak(), 10 * LIMB);
    heap_count_reset();
    assert_int_equal(heap_count_now(), 0);
    assert_int_equal(heap_count_peak(), 0);
    assert_int_equal(heap_count_allocs(), 0);
    /* freed after the reset: not subtracted, so no wrap-around below zero */
    mbedtls_mpi_free(&a);
    assert_int_equal(heap_count_now(), 0);
    assert_int_equal(heap_count_peak(), 0);
}

/* Thousands of live blocks, freed in another order than taken: exercises the table's
 * collisions and deletions. */
static void test_many_blocks(void **state)
{
    static mbedtls_mpi x[3000];
    size_t n = sizeof(x) / sizeof(x[0]);
    size_t total = 0;
    size_t i;
    (void)state;
    heap_count_reset();
    for (i = 0; i < n; i++) {
        mbedtls_mpi_init(&x[i]);
        grow(&x[i], 1 + i % 7);
        total += (1 + i % 7) * LIMB;
    }
    assert_int_equal(heap_count_now(), total);
    assert_int_equal(heap_count_peak(), total);
    assert_int_equal(heap_count_allocs(), n);
    for (i = 0; i < n; i += 2) {
        total -= x[i].n * LIMB;
        mbedtls_mpi_free(&x[i]);
    }
    assert_int_equal(heap_count_now(), total);
    for (i = n; i-- > 0;) {
        mbedtls_mpi_free(&x[i]);
    }
    assert_int_equal(heap_count_now(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_allocations_untracked),
        cmocka_unit_test(test_mbedtls_allocations_tracked),
        cmocka_unit_test(test_realloc_keeps_tracking),
        cmocka_unit_test(test_reset_forgets),
        cmocka_unit_test(test_many_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
