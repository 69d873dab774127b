/* The lwIP clock (ambc/lwip.h): sys_now() widened to 64 bits, a sleep that keeps lwIP running,
 * and jitter randomness. */
#include "ambc/lwip.h"

#include "lwip/opt.h"
#include "lwip/sys.h"

typedef struct {
    ambc_lwip_poll_fn poll;
    void *poll_ctx;
    uint32_t (*rand)(void *);
    void *rand_ctx;
    uint32_t last;  /* sys_now() at the previous reading */
    uint64_t total; /* milliseconds counted up to that reading */
    uint32_t xorshift;
    bool started;
} lwip_clock_t;

/* One lwIP per program, so one clock: ambc_clock_t.ctx points here. */
static lwip_clock_t state;

static uint64_t lwip_now_ms(void *ctx)
{
    lwip_clock_t *c = ctx;
    uint64_t now;
    uint32_t now32;
    SYS_ARCH_DECL_PROTECT(lev);
    SYS_ARCH_PROTECT(lev);
    now32 = sys_now();
    /* Unsigned difference: correct across the 32-bit wrap of sys_now() (every 49.7 days). */
    c->total += (uint32_t)(now32 - c->last);
    c->last = now32;
    now = c->total;
    SYS_ARCH_UNPROTECT(lev);
    return now;
}

static void lwip_sleep_ms(void *ctx, uint32_t ms)
{
    lwip_clock_t *c = ctx;
    uint32_t start = sys_now();
    if (c->poll == NULL) {
#if !NO_SYS
        sys_msleep(ms);
        return;
#endif
    }
    while ((uint32_t)(sys_now() - start) < ms) {
        if (c->poll != NULL) {
            c->poll(c->poll_ctx);
        }
    }
}

static uint32_t lwip_random(void *ctx)
{
    lwip_clock_t *c = ctx;
    uint32_t x;
    if (c->rand != NULL) {
        return c->rand(c->rand_ctx);
    }
    /* xorshift32 (Marsaglia): jitter only, NOT secure (see ambc/lwip.h). */
    x = c->xorshift;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c->xorshift = x;
    return x;
}

void ambc_lwip_clock_init(ambc_clock_t *clock, ambc_lwip_poll_fn poll, void *poll_ctx,
                          uint32_t (*rand)(void *), void *rand_ctx)
{
    state.poll = poll;
    state.poll_ctx = poll_ctx;
    state.rand = rand;
    state.rand_ctx = rand_ctx;
    if (!state.started) {
        /* Only once: a second init must not move the clock back under a running client. */
        state.last = sys_now();
        state.started = true;
    }
    state.xorshift = 0x9E3779B9u ^ sys_now();
    if (state.xorshift == 0u) {
        state.xorshift = 0x9E3779B9u; /* xorshift never leaves 0 */
    }
    clock->now_ms = lwip_now_ms;
    clock->sleep_ms = lwip_sleep_ms;
    clock->random = lwip_random;
    clock->ctx = &state;
}
