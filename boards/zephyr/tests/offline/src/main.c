/*
 * ambc as a Zephyr module, without a network: the ztest suite twister runs on native_sim and
 * QEMU (testcase.yaml).
 *   list_one_page  ambc's core, configured by Zephyr's Kconfig (CONFIG_AMBC_*), reads a page
 *                  of two batches from a canned HTTP response through a stream in memory;
 *   tls_hook       port/mbedtls over Zephyr's mbedTLS: the configuration hook runs once, and
 *                  its error stops ambc_tls_init before the stream is touched.
 * NOT RUN under twister on the project's machines (no Zephyr there); ctest
 * kits.zephyr_ztest_host runs these cases on Linux against a ztest stand-in.
 */
#include <stdio.h>
#include <string.h>

#include <zephyr/ztest.h>

#include "ambc/ambc.h"
#include "ambc/mbedtls.h"

/* ---- a stream that answers every request with one canned response ---- */

typedef struct {
    char response[2048];
    size_t len, pos;
    unsigned connects, closes;
    size_t bytes_sent;
} canned_t;

static ambc_status_t canned_connect(void *ctx, const char *host, uint16_t port, uint32_t ms)
{
    canned_t *c = ctx;
    (void)host;
    (void)port;
    (void)ms;
    c->connects++;
    c->pos = 0;
    return AMBC_OK;
}

static ambc_status_t canned_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                                 uint32_t ms)
{
    canned_t *c = ctx;
    (void)data;
    (void)ms;
    c->bytes_sent += len;
    *sent = len;
    return AMBC_OK;
}

/* The response, then the server's orderly close (0 bytes). */
static ambc_status_t canned_recv(void *ctx, uint8_t *buf, size_t cap, size_t *got, uint32_t ms)
{
    canned_t *c = ctx;
    size_t n = c->len - c->pos;
    (void)ms;
    if (n > cap) {
        n = cap;
    }
    memcpy(buf, c->response + c->pos, n);
    c->pos += n;
    *got = n;
    return AMBC_OK;
}

static void canned_close(void *ctx)
{
    canned_t *c = ctx;
    c->closes++;
}

static const ambc_stream_ops_t canned_ops = {canned_connect, canned_send, canned_recv,
                                             canned_close};

/* A clock that only moves when slept on: the test does not depend on the board's timer. */
static uint64_t fake_ms;

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return fake_ms;
}

static void fake_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    fake_ms += ms;
}

static uint32_t fake_random(void *ctx)
{
    (void)ctx;
    return 4u; /* jitter only: no secret depends on it */
}

static const ambc_clock_t fake_clock = {fake_now, fake_sleep, fake_random, NULL};

/* ---- list_one_page ---- */

/* One batch as the API sends it, with this id and succeeded count. */
static int put_batch(char *out, size_t cap, const char *id, unsigned succeeded)
{
    return snprintf(
        out, cap,
        "{\"id\":\"%s\",\"type\":\"message_batch\",\"processing_status\":\"ended\","
        "\"request_counts\":{\"processing\":0,\"succeeded\":%u,\"errored\":0,"
        "\"canceled\":0,\"expired\":0},\"ended_at\":\"2026-03-01T10:00:00Z\","
        "\"created_at\":\"2026-03-01T09:00:00Z\",\"expires_at\":\"2026-03-02T09:00:00Z\","
        "\"cancel_initiated_at\":null,\"archived_at\":null,\"results_url\":null}",
        id, succeeded);
}

static void make_page(canned_t *c)
{
    char body[1536];
    int n = snprintf(body, sizeof(body), "{\"data\":[");
    n += put_batch(body + n, sizeof(body) - (size_t)n, "msgbatch_zephyr_1", 3u);
    n += snprintf(body + n, sizeof(body) - (size_t)n, ",");
    n += put_batch(body + n, sizeof(body) - (size_t)n, "msgbatch_zephyr_2", 5u);
    n += snprintf(body + n, sizeof(body) - (size_t)n,
                  "],\"has_more\":false,\"first_id\":\"msgbatch_zephyr_1\","
                  "\"last_id\":\"msgbatch_zephyr_2\"}");
    zassert_true(n > 0 && (size_t)n < sizeof(body), "body fits");
    c->len = (size_t)snprintf(c->response, sizeof(c->response),
                              "HTTP/1.1 200 OK\r\nrequest-id: req_zephyr\r\n"
                              "content-type: application/json\r\ncontent-length: %d\r\n\r\n%s",
                              n, body);
    zassert_true(c->len < sizeof(c->response), "response fits");
}

typedef struct {
    unsigned n;
    uint32_t succeeded_sum;
    char last_id[CONFIG_AMBC_ID_MAX];
} seen_t;

static ambc_status_t collect(void *ctx, const ambc_batch_t *b)
{
    seen_t *s = ctx;
    s->n++;
    s->succeeded_sum += b->request_counts.succeeded;
    strcpy(s->last_id, b->id);
    return b->processing_status == AMBC_BATCH_ENDED ? AMBC_OK : AMBC_ERR_JSON_TYPE;
}

static canned_t server;
static ambc_client_t client;

ZTEST(ambc_offline, test_list_one_page)
{
    ambc_client_options_t opt;
    ambc_stream_t s = {&canned_ops, &server};
    ambc_page_t page;
    seen_t seen;
    memset(&opt, 0, sizeof(opt));
    memset(&seen, 0, sizeof(seen));
    memset(&server, 0, sizeof(server));
    opt.api_key = "sk-ant-test";
    make_page(&server);
    zassert_equal(ambc_client_init(&client, &opt, s, &fake_clock), AMBC_OK, "init");
    zassert_equal(ambc_batches_list_page(&client, NULL, collect, &seen, &page), AMBC_OK, "list");
    zassert_equal(seen.n, 2u, "two records");
    zassert_equal(page.count, 2u, "page count");
    zassert_equal(seen.succeeded_sum, 8u, "counts mapped");
    zassert_true(strcmp(seen.last_id, "msgbatch_zephyr_2") == 0, "last record");
    zassert_false(page.has_more, "has_more");
    zassert_true(strcmp(page.last_id, "msgbatch_zephyr_2") == 0, "last_id");
    zassert_equal(server.connects, 1u, "one connection");
    zassert_true(server.bytes_sent > 0u, "a request went out");
    zassert_equal(ambc_client_close(&client), AMBC_OK, "close");
}

/* ---- tls_hook ---- */

typedef struct {
    unsigned calls;
    mbedtls_ssl_config *conf;
} hook_seen_t;

static ambc_status_t refusing_hook(void *ctx, mbedtls_ssl_config *conf)
{
    hook_seen_t *h = ctx;
    h->calls++;
    h->conf = conf;
    return AMBC_ERR_TLS_CA; /* as a platform bundle that cannot be attached would */
}

static ambc_tls_t tls;

ZTEST(ambc_offline, test_tls_hook)
{
    ambc_tls_config_t cfg;
    hook_seen_t h;
    ambc_stream_t lower = {&canned_ops, &server};
    ambc_stream_t s;
    memset(&cfg, 0, sizeof(cfg));
    memset(&h, 0, sizeof(h));
    memset(&server, 0, sizeof(server));
    cfg.clock = &fake_clock;
    cfg.conf_hook = refusing_hook;
    cfg.conf_hook_ctx = &h;
    zassert_equal(ambc_tls_init(&tls, &lower, &cfg), AMBC_ERR_TLS_CA, "the hook's status");
    zassert_equal(h.calls, 1u, "called once");
    zassert_true(h.conf == &tls.conf, "given the TLS object's configuration");
    s = ambc_tls_stream(&tls);
    zassert_equal(s.ops->connect(s.ctx, "api.anthropic.com", 443, 1000), AMBC_ERR_STATE,
                  "no connection after a failed init");
    zassert_equal(server.connects, 0u, "the stream was not touched");
    zassert_equal(server.bytes_sent, 0u, "not one byte");
    ambc_tls_free(&tls);
}

ZTEST_SUITE(ambc_offline, NULL, NULL, NULL, NULL, NULL);
