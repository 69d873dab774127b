/* libFuzzer: the streaming scanner. Property: feeding the input whole and split at a
 * position taken from the input gives the same status and the same event stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/json.h"

typedef struct {
    uint64_t hash;
    size_t events;
} digest_t;

static void mix(digest_t *d, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        d->hash = (d->hash ^ b[i]) * 1099511628211u;
    }
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    digest_t *d = ctx;
    uint8_t head[4] = {(uint8_t)ev->type, ev->depth, ev->partial, ev->truncated};
    d->events++;
    mix(d, head, sizeof(head));
    if (ev->text) {
        mix(d, ev->text, ev->len);
    }
    if (ev->text && ev->len > CONFIG_AMBC_JSON_SCALAR_MAX) {
        abort();
    }
    return AMBC_OK;
}

static ambc_status_t run(const char *p, size_t n, size_t split, digest_t *d)
{
    ambc_json_scan_t s;
    ambc_status_t st;
    memset(d, 0, sizeof(*d));
    ambc_json_scan_init(&s, on_event, d);
    st = ambc_json_scan_feed(&s, p, split);
    if (st == AMBC_OK) {
        st = ambc_json_scan_feed(&s, p + split, n - split);
    }
    return st == AMBC_OK ? ambc_json_scan_finish(&s) : st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    digest_t a, b;
    size_t split;
    ambc_status_t sa, sb;
    if (size < 1) {
        return 0;
    }
    split = data[0] % size;
    sa = run((const char *)data + 1, size - 1, 0, &a);
    sb = run((const char *)data + 1, size - 1, split > size - 1 ? size - 1 : split, &b);
    if (sa != sb || (sa == AMBC_OK && (a.hash != b.hash || a.events != b.events))) {
        abort();
    }
    return 0;
}
