/*
 * Waiting for a batch to end (see ambc_batches_wait in include/ambc/ambc.h): retrieve, sleep
 * through the port's clock, retrieve again, with a sleep that grows to a ceiling, all within
 * the wait's deadline.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "client_internal.h"

#if defined(CONFIG_AMBC_OP_WAIT) /* Kconfig feature switch: off, none of this exists */

static uint32_t or_default(uint32_t v, uint32_t fallback)
{
    return v != 0 ? v : fallback;
}

/* A 404 soon after the wait began: a new batch not visible yet (it propagates). */
static bool not_visible_yet(const ambc_client_t *c, ambc_status_t st, uint64_t since_ms,
                            uint32_t grace_ms)
{
    return st == AMBC_ERR_API && c->error.http_status == 404 && since_ms < grace_ms;
}

static ambc_status_t wait(ambc_client_t *c, const char *id, const ambc_wait_params_t *p,
                          ambc_batch_t *out)
{
    uint32_t max_ms = or_default(p->max_ms, CONFIG_AMBC_WAIT_MAX_MS);
    uint32_t sleep_ms = or_default(p->initial_ms, CONFIG_AMBC_WAIT_INITIAL_MS);
    uint32_t grace = p->not_found_ms == AMBC_WAIT_NOT_FOUND_NONE
                         ? 0
                         : or_default(p->not_found_ms, CONFIG_AMBC_WAIT_NOT_FOUND_MS);
    uint64_t start = c->clock->now_ms(c->clock->ctx);
    uint32_t polls;
    sleep_ms = sleep_ms < max_ms ? sleep_ms : max_ms;
    for (polls = 1;; polls++) {
        ambc_status_t st = client_retrieve(c, id, out);
        uint64_t now = c->clock->now_ms(c->clock->ctx);
        if (st == AMBC_OK && out->processing_status == AMBC_BATCH_ENDED) {
            return AMBC_OK;
        }
        if (st != AMBC_OK && !not_visible_yet(c, st, now - start, grace)) {
            return st;
        }
        if (st == AMBC_OK && p->on_poll != NULL &&
            (st = p->on_poll(p->ctx, out, polls, sleep_ms)) != AMBC_OK) {
            return st;
        }
        if (now + sleep_ms >= c->call_deadline) {
            return AMBC_ERR_DEADLINE; /* the next poll would come after the wait's end */
        }
        LOG(c, AMBC_LOG_DEBUG, "wait", id, sleep_ms, AMBC_OK);
        if (st != AMBC_OK && grace - (now - start) < sleep_ms) {
            /* not found yet: the poll that decides comes when the grace ends, not later */
            c->clock->sleep_ms(c->clock->ctx, (uint32_t)(grace - (now - start)));
            continue;
        }
        c->clock->sleep_ms(c->clock->ctx, sleep_ms);
        sleep_ms = sleep_ms / 2u < max_ms - sleep_ms ? sleep_ms + sleep_ms / 2u : max_ms; /* x1.5 */
    }
}

ambc_status_t ambc_batches_wait(ambc_client_t *c, const char *id, const ambc_wait_params_t *p,
                                ambc_batch_t *out)
{
    static const ambc_wait_params_t defaults = {0, 0, 0, 0, NULL, NULL};
    ambc_status_t st;
    if (c == NULL || out == NULL || !client_valid_id(id)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = client_enter(c)) != AMBC_OK) {
        return st;
    }
    p = p != NULL ? p : &defaults;
    c->call_deadline =
        c->clock->now_ms(c->clock->ctx) + or_default(p->timeout_ms, CONFIG_AMBC_WAIT_TIMEOUT_MS);
    st = wait(c, id, p, out);
    c->call_deadline = 0;
    return client_leave(c, st);
}

#endif /* CONFIG_AMBC_OP_WAIT */
