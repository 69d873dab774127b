/* Test support: counts the heap that mbedTLS takes, by interposing the C allocator.
 *
 * Linking heap_count.c into an executable defines malloc, calloc, realloc and free in it;
 * glibc then binds every shared object's calls to these (the executable comes first in the
 * symbol search order), and they forward to glibc's own __libc_malloc and friends. A block
 * is tracked when the immediate caller of the allocating function (its return address) lies
 * in a shared object whose file name contains "libmbed" (libmbedtls, libmbedx509,
 * libmbedcrypto): Debian's mbedTLS has no MBEDTLS_PLATFORM_MEMORY, so its mbedtls_calloc and
 * mbedtls_free are plain calloc and free called from those libraries. Everything else is
 * passed through untracked.
 *
 * Only for test executables, and never with ASan or valgrind memcheck, which bring their own
 * allocator: tests/CMakeLists.txt keeps this file out of the support sources every unit test
 * links. The counters are process-wide (a spinlock guards them). */
#ifndef AMBC_TEST_HEAP_COUNT_H
#define AMBC_TEST_HEAP_COUNT_H

#include <stddef.h>

/* Forgets every tracked block and zeroes the counters. A block allocated before the reset
 * and freed after it is not subtracted. */
void heap_count_reset(void);

/* Bytes (as requested, not as rounded up by the allocator) in tracked blocks now, the most
 * there have been at once since the last reset, and how many tracked blocks were allocated
 * since then. */
size_t heap_count_now(void);
size_t heap_count_peak(void);
size_t heap_count_allocs(void);

#endif
