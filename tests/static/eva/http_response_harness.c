/* Frama-C EVA harness for ambc_http_response_feed (core/http_response.c).
 *
 * The input is a fixed PREFIX (a response head that brings the parser to the state under
 * test) followed by TAIL bytes of any value, cut into up to FEEDS slices of any sizes (0
 * included); the callbacks go on or abort at random. EVA explores every such input and every
 * such cut, and reports an alarm for any out-of-bounds access, invalid pointer, signed
 * overflow, lossy conversion or failed assertion on any of them. The Kconfig sizes are set to
 * the smallest config.h accepts, so the limits are within reach of short inputs. */
#include "__fc_builtin.h"
#include "ambc/http.h"

#include <string.h>

#ifndef TAIL
#define TAIL 4
#endif
#ifndef FEEDS
#define FEEDS 3
#endif
#ifndef MODE
#define MODE 0
#endif

#if MODE == 0 /* the status line and everything after it */
#define PREFIX ""
#elif MODE == 1 /* header lines */
#define PREFIX "HTTP/1.1 200 OK\r\n"
#elif MODE == 2 /* chunked framing */
#define PREFIX "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#else /* a Content-Length body, then what follows it */
#define PREFIX "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
#endif

#define LEN (sizeof(PREFIX) - 1u + TAIL)

static uint8_t input[LEN];
static size_t feed_at;    /* offset in input of the current feed */
static size_t feed_len;   /* its length */
static size_t run_end;    /* offset in input where the last body run ended */
static int headers_calls; /* on_headers calls since init */

static ambc_status_t on_headers(void *ctx, const ambc_http_response_t *r)
{
    (void)ctx;
    headers_calls++;
    /*@ assert headers_once: headers_calls == 1; */
    /*@ assert status_3_digits: 100 <= r->status <= 999; */
    /*@ assert not_101: r->status != 101; */
    return Frama_C_nondet(0, 1) ? AMBC_OK : AMBC_ERR_ABORTED;
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    /*@ assert after_headers: headers_calls == 1; */
    /*@ assert run_not_empty: len >= 1; */
    /*@ assert run_in_order: input + run_end <= data; */
    /*@ assert run_in_feed: input + feed_at <= data && data + len <= input + feed_at + feed_len; */
    run_end = (size_t)(data - input) + len;
    return Frama_C_nondet(0, 1) ? AMBC_OK : AMBC_ERR_ABORTED;
}

int main(void)
{
    static ambc_http_response_t r;
    ambc_http_callbacks_t cb = {on_headers, on_body};
    ambc_status_t sticky = AMBC_OK;
    ambc_status_t st;
    uint64_t body_before;
    int k;

    memcpy(input, PREFIX, sizeof(PREFIX) - 1u);
    Frama_C_make_unknown((char *)input + sizeof(PREFIX) - 1u, TAIL);
    ambc_http_response_init(&r, &cb, NULL);
    feed_at = 0;
    /*@ loop unroll FEEDS; */
    for (k = 0; k < FEEDS; k++) {
        feed_len = k == FEEDS - 1 ? LEN - feed_at : Frama_C_size_t_interval(0, LEN - feed_at);
        body_before = r.body_bytes;
        st = ambc_http_response_feed(&r, input + feed_at, feed_len);
        /*@ assert error_sticky: sticky != AMBC_OK ==> st == sticky; */
        /*@ assert ok_or_error: st == AMBC_OK || st < 0; */
        /*@ assert body_within_feed: r.body_bytes - body_before <= feed_len; */
        if (st != AMBC_OK) {
            sticky = st;
        }
        feed_at += feed_len;
    }
    st = ambc_http_response_finish(&r);
    /*@ assert finish_keeps_error: sticky != AMBC_OK ==> st == sticky; */
    if (ambc_http_response_done(&r)) {
        /*@ assert done_means_ok: st == AMBC_OK && sticky == AMBC_OK; */
    }
    return 0;
}
