/* A scripted server for the client's unit tests (see fake_server.h). */
#include "fake_server.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

fake_t fake;
uint64_t fake_now;
uint32_t sleeps[16];
int nsleeps;

void fake_reset(void)
{
    free(fake.sent);
    memset(&fake, 0, sizeof(fake));
    fake.fail_at = -1;
    fake.req_body = -1;
    nsleeps = 0;
}

int fake_teardown(void **state)
{
    (void)state;
    fake_reset();
    return 0;
}

static ambc_status_t f_connect(void *ctx, const char *host, uint16_t port, uint32_t t)
{
    fake_t *f = ctx;
    (void)host;
    (void)port;
    (void)t;
    if (++f->connect_calls == f->fail_connect_call) {
        return AMBC_ERR_NET_CONNECT;
    }
    f->connects++;
    f->connected = true;
    f->peer_closed = false;
    f->broken = false;
    f->cur = NULL;
    f->req_begin = f->sent_len; /* a request cut off on the old connection is gone */
    f->req_body = -1;
    return AMBC_OK;
}

static void next_response(fake_t *f)
{
    const char *r = f->next < f->nscript ? f->script[f->next++] : FAKE_DROP;
    if (r == FAKE_DROP) {
        f->cur = NULL;
        f->peer_closed = true;
        return;
    }
    f->cur = r;
    f->cur_len = strlen(r);
    f->cur_off = 0;
    f->peer_closed = f->close_after;
}

static void append(fake_t *f, const uint8_t *d, size_t n)
{
    if (f->sent_len + n + 1 > f->sent_cap) {
        f->sent_cap = (f->sent_len + n + 1) * 2;
        f->sent = realloc(f->sent, f->sent_cap);
        assert_non_null(f->sent);
    }
    memcpy(f->sent + f->sent_len, d, n);
    f->sent_len += n;
    f->sent[f->sent_len] = '\0';
}

/* Once the head is whole: how long its body is. */
static void read_head(fake_t *f)
{
    const char *start = f->sent + f->req_begin;
    const char *end = strstr(start, "\r\n\r\n");
    const char *cl;
    size_t len;
    if (end == NULL) {
        return;
    }
    len = (size_t)(end - start) + 4;
    memcpy(f->last_request, start, len < 4095 ? len : 4095);
    f->last_request[len < 4095 ? len : 4095] = '\0';
    cl = strstr(f->last_request, "\r\nContent-Length: ");
    f->req_body = cl != NULL ? strtol(cl + 18, NULL, 10) : 0;
    f->body_at = f->req_begin + len;
}

/* The whole request is in: the server answers it. */
static void request_done(fake_t *f)
{
    f->last_body_at = f->body_at;
    f->last_body_len = (size_t)f->req_body;
    f->req_begin = f->body_at + (size_t)f->req_body;
    f->req_body = -1;
    f->whole_requests++;
    fake_now += f->request_ms;
    next_response(f);
}

static ambc_status_t f_send(void *ctx, const uint8_t *d, size_t n, size_t *sent, uint32_t t)
{
    fake_t *f = ctx;
    size_t take = n;
    (void)t;
    assert_true(f->connected);
    if (f->fail_send || f->broken) {
        f->fail_send = false;
        return AMBC_ERR_NET_CLOSED;
    }
    if (f->fail_at >= 0 && f->sent_len - f->req_begin + n >= (size_t)f->fail_at) {
        take = (size_t)f->fail_at - (f->sent_len - f->req_begin);
        f->fail_at = -1;
        f->broken = true;
        if (take == 0) {
            return AMBC_ERR_NET_CLOSED;
        }
    }
    append(f, d, take);
    *sent = take;
    if (f->req_body < 0) {
        read_head(f);
    }
    if (!f->broken && f->req_body >= 0 && f->sent_len - f->body_at >= (size_t)f->req_body) {
        request_done(f);
    }
    return AMBC_OK;
}

static ambc_status_t f_recv(void *ctx, uint8_t *buf, size_t cap, size_t *got, uint32_t t)
{
    fake_t *f = ctx;
    size_t n;
    *got = 0;
    if (f->broken) {
        return AMBC_ERR_NET_CLOSED;
    }
    if (f->cur != NULL && f->cur_off < f->cur_len) {
        n = f->cur_len - f->cur_off;
        n = n < cap ? n : cap;
        n = f->chunk && n > f->chunk ? f->chunk : n;
        memcpy(buf, f->cur + f->cur_off, n);
        f->cur_off += n;
        *got = n;
        return AMBC_OK;
    }
    if (f->late != NULL) { /* the response is over: now the stray bytes come */
        f->cur = f->late;
        f->cur_len = strlen(f->late);
        f->cur_off = 0;
        f->late = NULL;
        return f_recv(ctx, buf, cap, got, t);
    }
    if (!f->peer_closed && f->waits) {
        fake_now += t;
    }
    return f->peer_closed ? AMBC_OK : AMBC_ERR_NET_TIMEOUT;
}

static void f_close(void *ctx)
{
    fake_t *f = ctx;
    f->closes++;
    f->connected = false;
}

const ambc_stream_ops_t fake_ops = {f_connect, f_send, f_recv, f_close};

/* A clock that moves 1 ms per reading and by exactly the slept time; sleeps are logged. */
static uint64_t now_ms(void *ctx)
{
    (void)ctx;
    return ++fake_now;
}

static void sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    fake_now += ms;
    if (nsleeps < 16) {
        sleeps[nsleeps] = ms;
    }
    nsleeps++;
}

static uint32_t rnd(void *ctx)
{
    (void)ctx;
    return 4;
}

const ambc_clock_t fake_clock = {now_ms, sleep_ms, rnd, NULL};

const char *fake_last_body(size_t *len)
{
    *len = fake.last_body_len;
    return fake.sent != NULL ? fake.sent + fake.last_body_at : "";
}
