/* Bounded model check of ambc_http_response_feed (core/http_response.c); see bmc.h.
 *
 * From each prefix below (each brings the parser to a part of the grammar), every input of up
 * to BMC_DEPTH more bytes over the alphabet, fed one byte per call, with the callbacks going
 * on, or aborting at the headers or at the first body run. After every feed:
 * - an error is sticky: once a feed failed, every later feed and finish return that status;
 * - a feed returns AMBC_OK, an error of the parser (negative) or the callback's status;
 * - on_headers runs at most once, with a status of three digits other than 101, before any
 *   body run; each body run is 1 or more bytes inside the slice of its feed, after the last
 *   run of that feed, and body_bytes counts exactly the bytes handed over;
 * - done means no error, and finish after done keeps AMBC_OK;
 * - slicing does not matter: the input fed whole, and cut in two at every point, ends in the
 *   same status and the same parser struct, byte for byte, as fed one byte at a time.
 * Compiled with the smallest sizes config.h accepts, so every limit is within reach. */
#include "ambc/http.h"

#include "bmc.h"

typedef struct {
    int headers_calls;
    int body_runs;
    uint64_t body_bytes;
    ambc_status_t sticky;
} observer_t;

static observer_t obs;
static int abort_at; /* 0: callbacks go on; 1: on_headers aborts; 2: the first body run does */
static const uint8_t *feed_ptr;
static size_t feed_len;
static const uint8_t *run_end;

static ambc_status_t on_headers(void *ctx, const ambc_http_response_t *r)
{
    (void)ctx;
    obs.headers_calls++;
    BMC_CHECK(obs.headers_calls == 1, "on_headers once");
    BMC_CHECK(r->status >= 100 && r->status <= 999 && r->status != 101, "final status");
    BMC_CHECK(!(r->status >= 100 && r->status <= 199), "no 1xx reaches on_headers");
    BMC_CHECK(obs.body_runs == 0, "headers before body");
    return abort_at == 1 ? AMBC_ERR_ABORTED : AMBC_OK;
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    BMC_CHECK(obs.headers_calls == 1, "body after headers");
    BMC_CHECK(len >= 1, "body run not empty");
    BMC_CHECK(data >= run_end && data + len <= feed_ptr + feed_len, "body run inside its feed");
    run_end = data + len;
    obs.body_runs++;
    obs.body_bytes += len;
    return abort_at == 2 ? AMBC_ERR_ABORTED : AMBC_OK;
}

static const ambc_http_callbacks_t callbacks = {on_headers, on_body};

/* Every kept text is NUL-terminated inside its own array (a write past one would land in the
 * next member, where no sanitizer looks), and every flag is a bool. */
static void check_fields(const ambc_http_response_t *r)
{
    BMC_CHECK(memchr(r->request_id, 0, sizeof r->request_id) != NULL, "request_id terminated");
    BMC_CHECK(memchr(r->content_type, 0, sizeof r->content_type) != NULL,
              "content_type terminated");
    BMC_CHECK(memchr(r->retry_after, 0, sizeof r->retry_after) != NULL, "retry_after terminated");
    BMC_CHECK(memchr(r->date, 0, sizeof r->date) != NULL, "date terminated");
    BMC_CHECK(memchr(r->priv.value, 0, sizeof r->priv.value) != NULL, "value terminated");
    BMC_CHECK(*(const uint8_t *)&r->request_id_truncated <= 1 &&
                  *(const uint8_t *)&r->content_type_truncated <= 1 &&
                  *(const uint8_t *)&r->date_truncated <= 1 &&
                  *(const uint8_t *)&r->keep_alive <= 1,
              "flags are bools");
    BMC_CHECK(r->should_retry >= -1 && r->should_retry <= 1, "should_retry is -1, 0 or 1");
    BMC_CHECK(r->retry_after_ms >= -1, "retry_after_ms is -1 or a wait");
}

static ambc_status_t feed(ambc_http_response_t *r, const uint8_t *data, size_t len)
{
    ambc_status_t st;
    feed_ptr = data;
    feed_len = len;
    run_end = data;
    st = ambc_http_response_feed(r, data, len);
    BMC_CHECK(st == AMBC_OK || st < 0, "a status, not a stray value");
    BMC_CHECK(obs.sticky == AMBC_OK || st == obs.sticky, "error sticky");
    if (st != AMBC_OK) {
        obs.sticky = st;
    }
    BMC_CHECK(r->body_bytes == obs.body_bytes, "body_bytes counts what on_body got");
    check_fields(r);
    return st;
}

/* A fresh parser fed bmc_input in slices cut at `cut` (none when cut is 0 or the length). */
static ambc_status_t replay(ambc_http_response_t *r, size_t cut)
{
    ambc_status_t st;
    observer_t saved = obs;
    memset(&obs, 0, sizeof obs);
    memset(r, 0, sizeof *r);
    ambc_http_response_init(r, &callbacks, NULL);
    st = feed(r, bmc_input, cut);
    if (st == AMBC_OK || cut < bmc_input_len) {
        st = feed(r, bmc_input + cut, bmc_input_len - cut);
    }
    obs = saved;
    return st;
}

static void check_slicings(const ambc_http_response_t *r, ambc_status_t st, size_t from)
{
    static ambc_http_response_t other;
    size_t cut;
    for (cut = from; cut <= bmc_input_len; cut++) {
        ambc_status_t st2 = replay(&other, cut);
        BMC_CHECK(st2 == st, "same status whatever the slicing");
        BMC_CHECK(memcmp(&other, r, sizeof other) == 0, "same parser state whatever the slicing");
    }
}

static void check_finish(const ambc_http_response_t *r)
{
    ambc_http_response_t f = *r;
    bool done = ambc_http_response_done(&f);
    ambc_status_t st = ambc_http_response_finish(&f);
    BMC_CHECK(obs.sticky == AMBC_OK || st == obs.sticky, "finish keeps the error");
    BMC_CHECK(!done || st == AMBC_OK, "done means finish is AMBC_OK");
    BMC_CHECK(st == AMBC_OK || st < 0, "finish: a status");
    BMC_CHECK(ambc_http_response_finish(&f) == st, "finish sticky");
}

static const uint8_t alphabet[] = {'H', 'T',  'P', '/', '1', '.',  ' ',  '0',  '2', '9',
                                   'a', 'f',  'F', 'z', '-', '\r', '\n', ':',  '\t', ';',
                                   ',', '\0', '"', 0x7f, 0xff};

static unsigned long long explored, steps;
static unsigned prefix_len;

static void explore(const ambc_http_response_t *r, unsigned depth)
{
    size_t k;
    if (depth == 0) {
        return;
    }
    for (k = 0; k < sizeof alphabet; k++) {
        ambc_http_response_t next = *r;
        observer_t saved = obs;
        ambc_status_t st;
        bmc_input[bmc_input_len++] = alphabet[k];
        st = feed(&next, &alphabet[k], 1);
        steps++;
        if (bmc_visit(bmc_hash(&next, sizeof next, &obs, sizeof obs))) {
            explored++;
            check_finish(&next);
            check_slicings(&next, st, prefix_len);
            if (st == AMBC_OK) {
                explore(&next, depth - 1);
            }
        }
        obs = saved;
        bmc_input_len--;
    }
}

static const char *const prefixes[] = {
    "",
    "HTTP/1.1 200 OK\r\n",
    "HTTP/1.0 204 No Content\r\nConnection: keep-alive",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2",
    "HTTP/1.1 200 OK\r\nContent-Length:",
    "HTTP/1.1 200 OK\r\nContent-Length: 1844674407370955161",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b\r\nx",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding:",
    "HTTP/1.1 200 OK\r\nConnection:",
    "HTTP/1.1 200 OK\r\nRetry-After-Ms: 9223372036854775",
    "HTTP/1.1 200 OK\r\nRetry-After: 1234567890123456789012",
    "HTTP/1.1 200 OK\r\nRequest-Id: abcdefghijklm",
    "HTTP/1.1 200 OK\r\nContent-Type: text/ht",
    "HTTP/1.1 200 OK\r\nX-Should-Retry:",
    "HTTP/1.1 200 OK\r\nContent-Encoding:",
    "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49",
    "HTTP/1.1 200 OK\r\nX: 0123456789012345678901234567890123456789012345678901234567",
    "HTTP/1.1 200 OK\r\n\r\n",
};

int main(void)
{
    unsigned depth = bmc_depth(3);
    size_t m;
    for (m = 0; m < sizeof prefixes / sizeof prefixes[0]; m++) {
        for (abort_at = 0; abort_at <= 2; abort_at++) {
            static ambc_http_response_t r;
            size_t i;
            memset(&obs, 0, sizeof obs);
            memset(&r, 0, sizeof r);
            ambc_http_response_init(&r, &callbacks, NULL);
            bmc_input_len = strlen(prefixes[m]);
            memcpy(bmc_input, prefixes[m], bmc_input_len);
            prefix_len = (unsigned)bmc_input_len;
            for (i = 0; i < bmc_input_len; i++) {
                ambc_status_t st = feed(&r, bmc_input + i, 1);
                BMC_CHECK(st == AMBC_OK || (abort_at != 0 && st == AMBC_ERR_ABORTED),
                          "the prefix is accepted");
            }
            explore(&r, depth);
        }
    }
    printf("bmc http_response: depth %u over %zu prefixes x 3 callback modes, alphabet of %zu"
           " bytes: %llu feeds, %llu distinct states, every property held\n",
           depth, sizeof prefixes / sizeof prefixes[0], sizeof alphabet, steps, explored);
    return 0;
}
