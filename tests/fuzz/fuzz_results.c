/* libFuzzer: the results line mapper (scanner + path state machine + chunks).
 * Differential, whole vs sliced: the body fed whole, byte by byte, and in slices of a size the
 * input picks must give the same status, the same error line and member, and the same
 * callbacks (summaries and blocks byte for byte, each whole value's chunks joined). Every text or
 * thinking chunk must be valid UTF-8 on its own; every kept string NUL-terminated in its
 * buffer. The first input byte picks the slice size; the rest is the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/results.h"

typedef struct {
    uint64_t hash;  /* every callback, in order; a value's chunks once the value is whole */
    uint64_t value; /* the value whose chunks are coming */
    uint32_t results, blocks, values;
} digest_t;

static void mix_into(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n--) {
        *h = (*h ^ *p++) * 1099511628211u;
    }
}

static void mix(digest_t *d, const void *data, size_t n)
{
    mix_into(&d->hash, data, n);
}

static void must_end(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL) {
        abort();
    }
}

/* Valid UTF-8 on its own, by the letter of RFC 3629. */
static int utf8_alone(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i], k, lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0xC2 || c > 0xF4) {
            return 0;
        }
        k = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (i + k >= n) {
            return 0;
        }
        for (i++; k > 0; k--, i++) {
            if (p[i] < lo || p[i] > hi) {
                return 0;
            }
            lo = 0x80;
            hi = 0xBF;
        }
    }
    return 1;
}

static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    digest_t *d = ctx;
    if (ch->kind != AMBC_CHUNK_TOOL_INPUT &&
        !utf8_alone((const unsigned char *)ch->data, ch->len)) {
        abort();
    }
    /* where tool input parts end depends on the slicing, and so does how much of a value cut
     * by an error was handed over: a value counts once it is whole, its parts joined */
    mix_into(&d->value, ch->data, ch->len);
    if (ch->last) {
        uint32_t head[3] = {ch->line, ch->block, (uint32_t)ch->kind};
        mix(d, head, sizeof(head));
        mix(d, &d->value, sizeof(d->value));
        d->value = 0;
        d->values++;
    }
    return AMBC_OK;
}

static ambc_status_t on_block(void *ctx, const ambc_result_block_t *b)
{
    digest_t *d = ctx;
    must_end(b->type_text, sizeof(b->type_text));
    must_end(b->tool_id, sizeof(b->tool_id));
    must_end(b->tool_name, sizeof(b->tool_name));
    mix(d, b, sizeof(*b)); /* zeroed at the block's start: deterministic padding */
    d->blocks++;
    return AMBC_OK;
}

static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
{
    digest_t *d = ctx;
    must_end(r->custom_id, sizeof(r->custom_id));
    must_end(r->model, sizeof(r->model));
    must_end(r->error_message, sizeof(r->error_message));
    must_end(r->stop_sequence, sizeof(r->stop_sequence));
    mix(d, r, sizeof(*r));
    d->results++;
    return AMBC_OK;
}

static ambc_results_parser_t parser;

static ambc_status_t run(const uint8_t *p, size_t n, size_t step, digest_t *d, uint32_t *line,
                         const char **field)
{
    ambc_results_handler_t h = {on_result, on_chunk, on_block, d};
    ambc_status_t st = AMBC_OK;
    size_t i;
    memset(d, 0, sizeof(*d));
    ambc_results_parser_init(&parser, &h);
    for (i = 0; i < n && st == AMBC_OK; i += step) {
        st = ambc_results_parser_feed(&parser, p + i, n - i < step ? n - i : step);
    }
    if (st == AMBC_OK) {
        st = ambc_results_parser_finish(&parser);
    }
    *line = ambc_results_parser_error_line(&parser);
    *field = ambc_results_parser_error_field(&parser);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t steps[] = {1, 2, 3, 7, 64, 95, 96, 97, 4096};
    digest_t a, b;
    uint32_t la, lb;
    const char *fa, *fb;
    ambc_status_t sa, sb;
    size_t k;
    if (size < 1) {
        return 0;
    }
    sa = run(data + 1, size - 1, size, &a, &la, &fa);
    for (k = 0; k < 2; k++) {
        size_t step = k == 0 ? 1 : steps[data[0] % (sizeof(steps) / sizeof(steps[0]))];
        sb = run(data + 1, size - 1, step, &b, &lb, &fb);
        if (sa != sb || la != lb || fa != fb || a.hash != b.hash || a.results != b.results ||
            a.blocks != b.blocks || a.values != b.values) {
            abort();
        }
    }
    return 0;
}
