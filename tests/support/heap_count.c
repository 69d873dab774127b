/* Test support: the counting allocator wrapper (see heap_count.h). Nothing in here may
 * allocate: the tracked blocks live in a fixed open-addressing table, messages go out with
 * write(2), and a full table aborts the program. */
#define _GNU_SOURCE /* dladdr, Dl_info */
#include "heap_count.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's allocator under its own names: what the wrappers forward to. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

/* Linear probing with backward-shift deletion, so no tombstones pile up. A TLS handshake
 * with mbedTLS 2.28 holds a few hundred blocks at most. */
#define SLOTS    16384u
#define MASK     (SLOTS - 1u)
#define MAX_USED (SLOTS / 8u * 7u) /* beyond this the table counts as full */

typedef struct {
    void *p; /* NULL: empty */
    size_t size;
} slot_t;

static slot_t table[SLOTS];
static size_t used;
static size_t now_bytes;
static size_t peak_bytes;
static size_t alloc_count;
static volatile char lock_flag;

/* Set while this thread is inside dladdr: an allocation made from there is not looked up. */
static __thread int in_lookup;

static void lock(void)
{
    while (__atomic_test_and_set(&lock_flag, __ATOMIC_ACQUIRE)) {
    }
}

static void unlock(void)
{
    __atomic_clear(&lock_flag, __ATOMIC_RELEASE);
}

static void die(const char *msg)
{
    static const char prefix[] = "heap_count: ";
    ssize_t rc = write(2, prefix, sizeof(prefix) - 1);
    rc = write(2, msg, strlen(msg));
    (void)rc;
    abort();
}

static size_t home(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p >> 4; /* glibc blocks are 16-aligned */
    h *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & MASK;
}

/* The slot holding p, or SLOTS. Called with the lock held. */
static size_t find(const void *p)
{
    size_t i = home(p);
    while (table[i].p != NULL) {
        if (table[i].p == p) {
            return i;
        }
        i = (i + 1u) & MASK;
    }
    return SLOTS;
}

/* Called with the lock held. */
static void insert(void *p, size_t size)
{
    size_t i = home(p);
    if (used >= MAX_USED) {
        unlock();
        die("table full: raise SLOTS in tests/support/heap_count.c\n");
    }
    while (table[i].p != NULL) {
        if (table[i].p == p) {
            unlock();
            die("a tracked block was handed out twice\n");
        }
        i = (i + 1u) & MASK;
    }
    table[i].p = p;
    table[i].size = size;
    used++;
    now_bytes += size;
    if (now_bytes > peak_bytes) {
        peak_bytes = now_bytes;
    }
}

/* Empties slot i and moves later entries of its cluster back to keep every entry reachable
 * from its home slot. Called with the lock held. */
static void remove_at(size_t i)
{
    size_t j = i;
    now_bytes -= table[i].size;
    used--;
    for (;;) {
        size_t k;
        j = (j + 1u) & MASK;
        if (table[j].p == NULL) {
            break;
        }
        k = home(table[j].p);
        /* the entry at j may stay unless its home lies cyclically outside (i, j] */
        if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) {
            continue;
        }
        table[i] = table[j];
        i = j;
    }
    table[i].p = NULL;
    table[i].size = 0;
}

/* Untracks p if it is tracked; returns its size then (else 0) in *size. */
static int forget(void *p, size_t *size)
{
    size_t i;
    *size = 0;
    if (p == NULL) {
        return 0;
    }
    lock();
    i = find(p);
    if (i != SLOTS) {
        *size = table[i].size;
        remove_at(i);
    }
    unlock();
    return i != SLOTS;
}

/* new_block: counts as an allocation (not so for a block put back after a failed realloc) */
static void track(void *p, size_t size, int new_block)
{
    lock();
    insert(p, size);
    if (new_block) {
        alloc_count++;
    }
    unlock();
}

/* Whether the code at ret lies in libmbedtls, libmbedx509 or libmbedcrypto. */
static int from_mbedtls(const void *ret)
{
    Dl_info info;
    const char *name;
    const char *slash;
    int found;
    if (in_lookup) {
        return 0; /* an allocation by dladdr itself: passed through */
    }
    in_lookup = 1;
    found = dladdr(ret, &info);
    in_lookup = 0;
    if (found == 0 || info.dli_fname == NULL) {
        return 0;
    }
    name = info.dli_fname;
    slash = strrchr(name, '/');
    return strstr(slash != NULL ? slash + 1 : name, "libmbed") != NULL;
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    if (p != NULL && from_mbedtls(__builtin_return_address(0))) {
        track(p, size, 1);
    }
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    /* a non-NULL result means n * size did not overflow */
    if (p != NULL && from_mbedtls(__builtin_return_address(0))) {
        track(p, n * size, 1);
    }
    return p;
}

void *realloc(void *old, size_t size)
{
    int mine = from_mbedtls(__builtin_return_address(0));
    size_t old_size;
    int was_tracked = forget(old, &old_size);
    void *p = __libc_realloc(old, size);
    if (p != NULL && (mine || was_tracked)) {
        track(p, size, 1);
    } else if (p == NULL && size != 0 && was_tracked) {
        track(old, old_size, 0); /* failed: the old block is still there */
    }
    return p;
}

void free(void *p)
{
    size_t size;
    (void)forget(p, &size);
    __libc_free(p);
}

void heap_count_reset(void)
{
    lock();
    memset(table, 0, sizeof(table));
    used = 0;
    now_bytes = 0;
    peak_bytes = 0;
    alloc_count = 0;
    unlock();
}

size_t heap_count_now(void)
{
    size_t v;
    lock();
    v = now_bytes;
    unlock();
    return v;
}

size_t heap_count_peak(void)
{
    size_t v;
    lock();
    v = peak_bytes;
    unlock();
    return v;
}

size_t heap_count_allocs(void)
{
    size_t v;
    lock();
    v = alloc_count;
    unlock();
    return v;
}
