/*
 * libFuzzer harness for chunked transfer decoding in the HTTP response parser.
 *
 * A fixed "200, Transfer-Encoding: chunked" head is fed first, so every input byte lands on
 * chunk framing: sizes, extensions, data, the CRLF after data, the last chunk and trailers.
 * The input is then fed whole to one parser and one byte at a time to another. Both must
 * end in the same status having delivered the same body bytes (length and hash), and
 * body_bytes must equal what on_body received. Any violation aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ambc/http.h"

static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

typedef struct {
    ambc_http_response_t resp;
    const uint8_t *slice;
    size_t slice_len;
    uint64_t delivered;
    uint64_t hash; /* FNV-1a over the body bytes in order */
    ambc_status_t st;
} run_t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    run_t *r = ctx;
    check(len > 0);
    check(data >= r->slice && data + len <= r->slice + r->slice_len);
    for (size_t i = 0; i < len; i++) {
        r->hash = (r->hash ^ data[i]) * 0x100000001B3u;
    }
    r->delivered += len;
    return AMBC_OK;
}

static void run_start(run_t *r)
{
    static const ambc_http_callbacks_t cb = {NULL, on_body};
    memset(r, 0, sizeof *r);
    r->hash = 0xCBF29CE484222325u;
    ambc_http_response_init(&r->resp, &cb, r);
    check(ambc_http_response_feed(&r->resp, (const uint8_t *)head, sizeof head - 1) == AMBC_OK);
    check(r->resp.framing == AMBC_HTTP_FRAMING_CHUNKED && r->resp.keep_alive);
}

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

static void end(run_t *r)
{
    ambc_status_t fin = ambc_http_response_finish(&r->resp);
    /* chunked is never close-delimited: finish succeeds only on a complete body */
    check(fin == (r->st != AMBC_OK                    ? r->st
                  : ambc_http_response_done(&r->resp) ? AMBC_OK
                                                      : AMBC_ERR_HTTP_TRUNCATED));
    r->st = fin;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run_t whole;
    static run_t bytes;

    run_start(&whole);
    feed(&whole, data, size);
    end(&whole);

    run_start(&bytes);
    for (size_t i = 0; i < size; i++) {
        feed(&bytes, data + i, 1);
    }
    end(&bytes);

    check(whole.st == bytes.st);
    check(whole.delivered == bytes.delivered && whole.hash == bytes.hash);
    check(ambc_http_response_done(&whole.resp) == ambc_http_response_done(&bytes.resp));
    return 0;
}
