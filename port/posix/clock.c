/* The POSIX clock (ambc/posix.h): monotonic milliseconds, a sleep, and jitter randomness. */
#include "ambc/posix.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

/* getrandom(2) arrived in glibc 2.25; elsewhere /dev/urandom does the same job. */
#if defined(__linux__) && defined(__GLIBC__) &&                                                    \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
#define AMBC_HAVE_GETRANDOM 1
#include <sys/random.h>
#endif

static uint64_t posix_now_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    /* CLOCK_MONOTONIC cannot fail with a valid pointer on any system that defines it. */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec want;
    struct timespec left;
    (void)ctx;
    want.tv_sec = (time_t)(ms / 1000u);
    want.tv_nsec = (long)(ms % 1000u) * 1000000L;
    /* A signal cuts nanosleep short; keep sleeping for what it reports is left. */
    while (nanosleep(&want, &left) != 0 && errno == EINTR) {
        want = left;
    }
}

/* Reads exactly sizeof(*out) bytes from /dev/urandom, which never blocks. */
static int urandom_u32(uint32_t *out)
{
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    while (got < sizeof(*out)) {
        ssize_t n = read(fd, (unsigned char *)out + got, sizeof(*out) - got);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    (void)close(fd);
    return got == sizeof(*out) ? 0 : -1;
}

static int getrandom_u32(uint32_t *out)
{
#ifdef AMBC_HAVE_GETRANDOM
    ssize_t n;
    do {
        /* GRND_NONBLOCK: early at boot the pool may be unseeded; urandom then answers. */
        n = getrandom(out, sizeof(*out), GRND_NONBLOCK);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(*out) ? 0 : -1;
#else
    (void)out;
    return -1;
#endif
}

static uint32_t posix_random(void *ctx)
{
    static uint32_t counter;
    uint32_t r = 0;
    (void)ctx;
    if (getrandom_u32(&r) == 0 || urandom_u32(&r) == 0) {
        return r;
    }
    /* No entropy source at all: jitter only has to differ between calls and devices. */
    counter += 0x9E3779B9u;
    r = (uint32_t)posix_now_ms(NULL) ^ counter ^ (uint32_t)getpid();
    r ^= r >> 16;
    r *= 0x85EBCA6Bu;
    r ^= r >> 13;
    return r;
}

static const ambc_clock_t posix_clock = {posix_now_ms, posix_sleep_ms, posix_random, NULL};

const ambc_clock_t *ambc_posix_clock(void)
{
    return &posix_clock;
}
