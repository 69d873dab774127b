/* libFuzzer: the page parser (scanner + element cutting + jsmn mapping), both modes.
 * Property: whole-body and byte-at-a-time feeding agree on status, records and metadata. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/batch.h"

typedef struct {
    uint64_t hash;
    uint32_t n;
} digest_t;

static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
{
    digest_t *d = ctx;
    const unsigned char *p = (const unsigned char *)b;
    size_t i;
    /* records are zeroed before mapping, so the whole struct is deterministic */
    for (i = 0; i < sizeof(*b); i++) {
        d->hash = (d->hash ^ p[i]) * 1099511628211u;
    }
    if (strlen(b->id) >= sizeof(b->id) || strlen(b->results_url) >= sizeof(b->results_url)) {
        abort();
    }
    d->n++;
    return AMBC_OK;
}

static ambc_page_parser_t parser;
static ambc_batch_t record;

static ambc_status_t run(const uint8_t *p, size_t n, ambc_page_mode_t mode, int bytewise,
                         ambc_page_t *page, digest_t *d)
{
    ambc_status_t st = AMBC_OK;
    size_t i;
    memset(d, 0, sizeof(*d));
    ambc_page_parser_init(&parser, mode, page, &record, on_batch, d);
    if (bytewise) {
        for (i = 0; i < n && st == AMBC_OK; i++) {
            st = ambc_page_parser_feed(&parser, p + i, 1);
        }
    } else {
        st = ambc_page_parser_feed(&parser, p, n);
    }
    return st == AMBC_OK ? ambc_page_parser_finish(&parser) : st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ambc_page_t pa, pb;
    digest_t a, b;
    ambc_page_mode_t mode;
    ambc_status_t sa, sb;
    if (size < 1) {
        return 0;
    }
    mode = (data[0] & 1) ? AMBC_PAGE_SINGLE : AMBC_PAGE_LIST;
    sa = run(data + 1, size - 1, mode, 0, &pa, &a);
    sb = run(data + 1, size - 1, mode, 1, &pb, &b);
    if (sa != sb || a.n != b.n || a.hash != b.hash) {
        abort();
    }
    if (mode == AMBC_PAGE_LIST && sa == AMBC_OK &&
        (pa.count != a.n || pa.has_more != pb.has_more || strcmp(pa.last_id, pb.last_id) != 0 ||
         strcmp(pa.first_id, pb.first_id) != 0)) {
        abort();
    }
    return 0;
}
