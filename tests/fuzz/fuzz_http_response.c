/*
 * libFuzzer harness for the streaming HTTP response parser (ambc_http_response_*).
 *
 * Input: two bytes that pick a split point, then the response bytes. The response is parsed
 * twice: in two slices cut at that point, then byte by byte. Neither run may crash or read
 * outside the input, and since the callbacks never abort, both runs must end in the same
 * status with the same results and the same body bytes (compared by length and hash).
 * Invariants on every run: on_headers at most once and before any body byte, never a
 * zero-length or out-of-slice on_body, body_bytes equal to the bytes delivered, and a done
 * Content-Length response delivered exactly Content-Length bytes. Any violation aborts.
 */
#include "http_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void end(run_t *r)
{
    ambc_status_t fin = ambc_http_response_finish(&r->resp);
    check(r->st == AMBC_OK || fin == r->st);
    r->st = fin;
    check(ambc_http_response_finish(&r->resp) == fin);
    check(r->resp.body_bytes == r->delivered);
    if (ambc_http_response_done(&r->resp)) {
        check(fin == AMBC_OK && r->header_calls == 1);
        if (r->resp.framing == AMBC_HTTP_FRAMING_LENGTH) {
            check(r->resp.body_bytes == r->resp.content_length);
        }
        if (r->resp.framing == AMBC_HTTP_FRAMING_NONE) {
            check(r->resp.body_bytes == 0);
        }
    }
}

static void same(const run_t *a, const run_t *b)
{
    check(a->st == b->st);
    check(a->header_calls == b->header_calls);
    check(a->delivered == b->delivered && a->hash == b->hash);
    check(ambc_http_response_done(&a->resp) == ambc_http_response_done(&b->resp));
    if (a->header_calls == 1) {
        check(a->resp.status == b->resp.status);
        check(a->resp.framing == b->resp.framing && a->resp.keep_alive == b->resp.keep_alive);
        check(a->resp.content_length == b->resp.content_length);
        check(strcmp(a->resp.request_id, b->resp.request_id) == 0);
        check(strcmp(a->resp.content_type, b->resp.content_type) == 0);
        check(strcmp(a->resp.retry_after, b->resp.retry_after) == 0);
        check(a->resp.retry_after_ms == b->resp.retry_after_ms);
        check(a->resp.should_retry == b->resp.should_retry);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run_t split;
    static run_t bytes;
    size_t k;

    if (size < 2) {
        return 0;
    }
    k = ((size_t)data[0] | (size_t)data[1] << 8) % (size - 1);
    data += 2;
    size -= 2;

    run_init(&split);
    feed(&split, data, k);
    feed(&split, data + k, size - k);
    check(ambc_http_response_started(&split.resp) == (size > 0));
    end(&split);

    run_init(&bytes);
    for (size_t i = 0; i < size; i++) {
        feed(&bytes, data + i, 1);
    }
    end(&bytes);

    same(&split, &bytes);
    return 0;
}
