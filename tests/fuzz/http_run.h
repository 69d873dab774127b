/*
 * Shared by the HTTP response harnesses (fuzz_http_response.c, fuzz_http_chunked.c): one
 * parser run with callbacks that check the parser's invariants as they fire. on_headers at
 * most once and before any body byte, with NUL-terminated kept values and values in range;
 * never a zero-length or out-of-slice on_body; body bytes counted and hashed (FNV-1a) so
 * two runs over the same input can be compared. Any violation aborts.
 */
#ifndef AMBC_FUZZ_HTTP_RUN_H
#define AMBC_FUZZ_HTTP_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/http.h"

typedef struct {
    ambc_http_response_t resp;
    const uint8_t *slice; /* the slice being fed: on_body must point inside it */
    size_t slice_len;
    int header_calls;
    uint64_t delivered;
    uint64_t hash; /* FNV-1a over the body bytes in order */
    ambc_status_t st;
} run_t;

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static bool has_nul(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static ambc_status_t on_headers(void *ctx, const ambc_http_response_t *resp)
{
    run_t *r = ctx;
    r->header_calls++;
    check(r->header_calls == 1 && r->delivered == 0);
    check(resp->status >= 200 && resp->status <= 999);
    check(resp->framing != AMBC_HTTP_FRAMING_CLOSE || !resp->keep_alive);
    check(resp->framing != AMBC_HTTP_FRAMING_LENGTH || resp->has_content_length);
    check(has_nul(resp->request_id, sizeof resp->request_id));
    check(has_nul(resp->content_type, sizeof resp->content_type));
    check(has_nul(resp->retry_after, sizeof resp->retry_after));
    check(resp->retry_after_ms >= -1);
    check(resp->should_retry >= -1 && resp->should_retry <= 1);
    return AMBC_OK;
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    run_t *r = ctx;
    check(len > 0 && r->header_calls == 1);
    check(data >= r->slice && data + len <= r->slice + r->slice_len);
    for (size_t i = 0; i < len; i++) {
        r->hash = (r->hash ^ data[i]) * 0x100000001B3u;
    }
    r->delivered += len;
    return AMBC_OK;
}

static void run_init(run_t *r)
{
    static const ambc_http_callbacks_t cb = {on_headers, on_body};
    memset(r, 0, sizeof *r);
    r->hash = 0xCBF29CE484222325u;
    ambc_http_response_init(&r->resp, &cb, r);
}

/* One slice; a failed run must repeat its status (errors are sticky). */
static void feed(run_t *r, const uint8_t *data, size_t len)
{
    if (r->st != AMBC_OK) {
        check(ambc_http_response_feed(&r->resp, data, len) == r->st);
        return;
    }
    r->slice = data;
    r->slice_len = len;
    r->st = ambc_http_response_feed(&r->resp, data, len);
    check(r->resp.body_bytes == r->delivered);
}

#endif /* AMBC_FUZZ_HTTP_RUN_H */
