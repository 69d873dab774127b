/* The port conformance suite (conformance.h): what port.h promises, checked against a peer
 * that behaves as each check scripts it (tests/port/peer.py). Any port runs the same checks;
 * only the driver that makes the stream differs. */
#include "conformance.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIG             160   /* room for one check's figure */
#define CONNECT_MS      3000u /* connects to the scripted peer, which always answers */
#define IO_MS           3000u /* reads and writes that should succeed */
#define BLACKHOLE_MS    500u
#define RECV_TIMEOUT_MS 300u
#define SEND_TIMEOUT_MS 200u
#define SETTLE_MS       400u /* how long a check lets the peer's next move reach the stream */

typedef bool (*check_fn)(const conformance_t *c, char *fig);

static uint64_t now(const conformance_t *c)
{
    return c->clock->now_ms(c->clock->ctx);
}

static void sleep_ms(const conformance_t *c, uint32_t ms)
{
    c->clock->sleep_ms(c->clock->ctx, ms);
}

/* Writes a figure, and returns ok so a check can end with `return figure(...)`. */
static bool figure(bool ok, char *fig, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(fig, FIG, fmt, ap);
    va_end(ap);
    return ok;
}

static uint8_t pattern_byte(size_t i)
{
    return (uint8_t)(i % 251u);
}

static bool is_pattern(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != pattern_byte(i)) {
            return false;
        }
    }
    return true;
}

static ambc_status_t do_connect(const conformance_t *c, uint16_t port, uint32_t ms)
{
    return c->stream.ops->connect(c->stream.ctx, c->host, port, ms);
}

static ambc_status_t do_recv(const conformance_t *c, uint8_t *buf, size_t cap, size_t *n,
                             uint32_t ms)
{
    *n = 0;
    return c->stream.ops->recv(c->stream.ctx, buf, cap, n, ms);
}

/* Connects to the scripted peer and tells it what to do. */
static ambc_status_t open_script(const conformance_t *c, const char *script)
{
    char line[128];
    int len = snprintf(line, sizeof(line), "%s\n", script);
    ambc_status_t st = do_connect(c, c->port, CONNECT_MS);
    if (st != AMBC_OK) {
        return st;
    }
    return ambc_stream_send_all(&c->stream, c->clock, (const uint8_t *)line, (size_t)len, IO_MS);
}

/* Reads exactly n bytes (several recv calls as needed). */
static ambc_status_t recv_exact(const conformance_t *c, uint8_t *buf, size_t n, uint32_t ms)
{
    size_t got = 0;
    while (got < n) {
        size_t k = 0;
        ambc_status_t st = do_recv(c, buf + got, n - got, &k, ms);
        if (st != AMBC_OK) {
            return st;
        }
        if (k == 0) {
            return AMBC_ERR_NET_CLOSED; /* an early end: the caller reports it as such */
        }
        got += k;
    }
    return AMBC_OK;
}

/* The status's name alone ("AMBC_ERR_NET_TIMEOUT"). A few buffers in turn, so one figure
 * can name several statuses. */
static const char *name_of(ambc_status_t st)
{
    static char bufs[4][48];
    static unsigned next;
    char *buf = bufs[next++ % 4u];
    const char *s = ambc_strerror(st);
    size_t n = strcspn(s, ":");
    if (n >= sizeof(bufs[0])) {
        n = sizeof(bufs[0]) - 1u;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* ---- connect ------------------------------------------------------------------------ */

static bool check_connect(const conformance_t *c, char *fig)
{
    uint64_t t0 = now(c);
    ambc_status_t st = do_connect(c, c->port, CONNECT_MS);
    uint64_t spent = now(c) - t0;
    return figure(st == AMBC_OK, fig, "%s in %llu ms (timeout %u)", name_of(st),
                  (unsigned long long)spent, CONNECT_MS);
}

static bool check_connect_refused(const conformance_t *c, char *fig)
{
    uint64_t t0 = now(c);
    ambc_status_t st = do_connect(c, c->refused_port, CONNECT_MS);
    uint64_t spent = now(c) - t0;
    return figure(st == AMBC_ERR_NET_CONNECT && spent < CONNECT_MS / 2u, fig,
                  "%s in %llu ms (want AMBC_ERR_NET_CONNECT well before the timeout %u)",
                  name_of(st), (unsigned long long)spent, CONNECT_MS);
}

static bool check_connect_blackhole(const conformance_t *c, char *fig)
{
    uint64_t t0 = now(c);
    ambc_status_t st = do_connect(c, c->blackhole_port, BLACKHOLE_MS);
    uint64_t spent = now(c) - t0;
    return figure(st == AMBC_ERR_NET_TIMEOUT && spent + 10u >= BLACKHOLE_MS &&
                      spent <= BLACKHOLE_MS + c->margin_ms,
                  fig, "%s after %llu ms (timeout %u, margin %u)", name_of(st),
                  (unsigned long long)spent, BLACKHOLE_MS, c->margin_ms);
}

/* ---- send ----------------------------------------------------------------------------- */

static bool check_echo(const conformance_t *c, char *fig)
{
    static const uint8_t msg[] = "conformance echo";
    uint8_t back[sizeof(msg)];
    size_t sent = 0;
    ambc_status_t st = open_script(c, "echo");
    if (st == AMBC_OK) {
        st = c->stream.ops->send(c->stream.ctx, msg, sizeof(msg), &sent, IO_MS);
    }
    if (st == AMBC_OK && (sent < 1u || sent > sizeof(msg))) {
        return figure(false, fig, "send took %zu of %zu bytes", sent, sizeof(msg));
    }
    if (st == AMBC_OK && sent < sizeof(msg)) {
        st = ambc_stream_send_all(&c->stream, c->clock, msg + sent, sizeof(msg) - sent, IO_MS);
    }
    if (st == AMBC_OK) {
        st = recv_exact(c, back, sizeof(back), IO_MS);
    }
    return figure(st == AMBC_OK && memcmp(back, msg, sizeof(msg)) == 0, fig,
                  "%s, %zu bytes there and back (first send took %zu)", name_of(st), sizeof(msg),
                  sent);
}

static bool check_send_all_bulk(const conformance_t *c, char *fig)
{
    static uint8_t block[65536];
    char script[32];
    char want[32];
    uint8_t answer[32];
    uint32_t left = c->bulk_bytes;
    uint64_t t0;
    ambc_status_t st;
    size_t i;
    for (i = 0; i < sizeof(block); i++) {
        block[i] = pattern_byte(i); /* 65536 is not a multiple of 251: sent block by block */
    }
    (void)snprintf(script, sizeof(script), "drain:%u", (unsigned)c->bulk_bytes);
    st = open_script(c, script);
    t0 = now(c);
    while (st == AMBC_OK && left > 0u) {
        /* Whole blocks keep the pattern continuous: 65536 - 65536 % 251 bytes each. */
        size_t n = sizeof(block) - sizeof(block) % 251u;
        n = n < left ? n : left;
        st = ambc_stream_send_all(&c->stream, c->clock, block, n, 10000u);
        left -= (uint32_t)n;
    }
    (void)snprintf(want, sizeof(want), "ok %u\n", (unsigned)c->bulk_bytes);
    if (st == AMBC_OK) {
        st = recv_exact(c, answer, strlen(want), 10000u);
    }
    return figure(st == AMBC_OK && memcmp(answer, want, strlen(want)) == 0, fig,
                  "%s, %u bytes by send_all in %llu ms, peer checked them", name_of(st),
                  (unsigned)c->bulk_bytes, (unsigned long long)(now(c) - t0));
}

/* The peer never reads: sends take what fits (partial writes), then one times out. */
static bool check_partial_writes_and_send_timeout(const conformance_t *c, char *fig)
{
    static uint8_t chunk[16384];
    unsigned long total = 0;
    unsigned sends = 0, partial = 0;
    uint64_t spent = 0;
    bool bounds_ok = true;
    ambc_status_t st = open_script(c, "sink");
    while (st == AMBC_OK && sends < 4000u) {
        size_t sent = 0;
        uint64_t t0 = now(c);
        st = c->stream.ops->send(c->stream.ctx, chunk, sizeof(chunk), &sent, SEND_TIMEOUT_MS);
        spent = now(c) - t0;
        sends++;
        if (st == AMBC_OK) {
            bounds_ok = bounds_ok && sent >= 1u && sent <= sizeof(chunk);
            partial += sent < sizeof(chunk);
            total += (unsigned long)sent;
        }
    }
    return figure(st == AMBC_ERR_NET_TIMEOUT && bounds_ok && spent + 10u >= SEND_TIMEOUT_MS &&
                      spent <= SEND_TIMEOUT_MS + c->margin_ms,
                  fig,
                  "%s after %lu bytes in %u sends (%u partial, 1 <= sent <= len: %s); "
                  "the last waited %llu ms (timeout %u)",
                  name_of(st), total, sends, partial, bounds_ok ? "yes" : "NO",
                  (unsigned long long)spent, SEND_TIMEOUT_MS);
}

static bool check_send_after_reset(const conformance_t *c, char *fig)
{
    static const uint8_t chunk[1024];
    unsigned sends = 0;
    ambc_status_t st = open_script(c, "rst");
    if (st != AMBC_OK) {
        return figure(false, fig, "script: %s", name_of(st));
    }
    sleep_ms(c, SETTLE_MS);
    /* The first writes may still be taken locally; once the reset is seen, send fails. */
    while (st == AMBC_OK && sends < 100u) {
        size_t sent = 0;
        st = c->stream.ops->send(c->stream.ctx, chunk, sizeof(chunk), &sent, IO_MS);
        sends++;
        if (st == AMBC_OK) {
            sleep_ms(c, 10u);
        }
    }
    return figure(st == AMBC_ERR_NET_CLOSED, fig, "%s on send %u after the peer's reset",
                  name_of(st), sends);
}

/* ---- recv ----------------------------------------------------------------------------- */

static bool check_recv_bytes(const conformance_t *c, char *fig)
{
    static uint8_t buf[1000];
    ambc_status_t st = open_script(c, "send:1000 hold");
    if (st == AMBC_OK) {
        st = recv_exact(c, buf, sizeof(buf), IO_MS);
    }
    return figure(st == AMBC_OK && is_pattern(buf, sizeof(buf)), fig, "%s, %zu bytes as sent",
                  name_of(st), sizeof(buf));
}

static bool check_recv_orderly_close(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n1 = 99, n2 = 99;
    ambc_status_t st = open_script(c, "send:10 fin");
    ambc_status_t st1 = AMBC_ERR_STATE, st2 = AMBC_ERR_STATE;
    if (st == AMBC_OK) {
        st = recv_exact(c, buf, 10, IO_MS);
    }
    if (st == AMBC_OK) {
        st1 = do_recv(c, buf, sizeof(buf), &n1, IO_MS);
        st2 = do_recv(c, buf, sizeof(buf), &n2, IO_MS); /* the end is sticky */
    }
    return figure(st == AMBC_OK && st1 == AMBC_OK && n1 == 0u && st2 == AMBC_OK && n2 == 0u, fig,
                  "10 bytes (%s), then %s with %zu, then %s with %zu", name_of(st), name_of(st1),
                  n1, name_of(st2), n2);
}

static bool check_recv_timeout(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n = 0;
    uint64_t t0, spent = 0;
    ambc_status_t st2 = AMBC_ERR_STATE;
    ambc_status_t st = open_script(c, "wait:900 send:3 hold");
    if (st == AMBC_OK) {
        t0 = now(c);
        st = do_recv(c, buf, sizeof(buf), &n, RECV_TIMEOUT_MS);
        spent = now(c) - t0;
        st2 = recv_exact(c, buf, 3, IO_MS); /* still usable: what comes later arrives */
    }
    return figure(st == AMBC_ERR_NET_TIMEOUT && spent + 10u >= RECV_TIMEOUT_MS &&
                      spent <= RECV_TIMEOUT_MS + c->margin_ms && st2 == AMBC_OK,
                  fig, "%s after %llu ms (timeout %u, margin %u), then the late bytes: %s",
                  name_of(st), (unsigned long long)spent, RECV_TIMEOUT_MS, c->margin_ms,
                  name_of(st2));
}

static bool check_recv_reset(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n = 0;
    ambc_status_t st = open_script(c, "rst");
    if (st == AMBC_OK) {
        st = do_recv(c, buf, sizeof(buf), &n, IO_MS);
    }
    return figure(st == AMBC_ERR_NET_CLOSED, fig, "%s (want AMBC_ERR_NET_CLOSED)", name_of(st));
}

/* ---- timeout 0: "is anything waiting?" ------------------------------------------------ */

/* Many zero-timeout reads of an idle stream: every one AMBC_ERR_NET_TIMEOUT, none waits. */
static bool check_zero_idle(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    uint64_t worst = 0, t_all;
    unsigned i, timeouts = 0;
    ambc_status_t st = open_script(c, "hold");
    if (st != AMBC_OK) {
        return figure(false, fig, "script: %s", name_of(st));
    }
    sleep_ms(c, 100u);
    t_all = now(c);
    for (i = 0; i < 200u; i++) {
        size_t n = 0;
        uint64_t t0 = now(c);
        uint64_t spent;
        timeouts += do_recv(c, buf, sizeof(buf), &n, 0u) == AMBC_ERR_NET_TIMEOUT;
        spent = now(c) - t0;
        worst = spent > worst ? spent : worst;
    }
    return figure(timeouts == 200u && worst <= c->zero_bound_ms, fig,
                  "%u of 200 AMBC_ERR_NET_TIMEOUT, longest %llu ms (bound %u), all in %llu ms",
                  timeouts, (unsigned long long)worst, c->zero_bound_ms,
                  (unsigned long long)(now(c) - t_all));
}

/* Bytes that arrive after a complete exchange, in a later write (for TLS a record of its
 * own): the zero-timeout read returns them, and the stream is idle again after. */
static bool check_zero_stray_bytes(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t got = 0, n = 0;
    uint64_t t0, spent;
    ambc_status_t st = open_script(c, "send:5 wait:150 send:7 hold");
    ambc_status_t after;
    if (st == AMBC_OK) {
        st = recv_exact(c, buf, 5, IO_MS);
    }
    if (st != AMBC_OK) {
        return figure(false, fig, "the first 5 bytes: %s", name_of(st));
    }
    sleep_ms(c, SETTLE_MS);
    t0 = now(c);
    st = do_recv(c, buf, sizeof(buf), &n, 0u);
    spent = now(c) - t0;
    got = st == AMBC_OK ? n : 0u;
    while (st == AMBC_OK && n > 0u && got < 7u) { /* the rest, if it came in pieces */
        st = do_recv(c, buf + got, sizeof(buf) - got, &n, 0u);
        got += st == AMBC_OK ? n : 0u;
    }
    after = do_recv(c, buf + got, sizeof(buf) - got, &n, 0u);
    return figure(st == AMBC_OK && got == 7u && is_pattern(buf, 7) && spent <= c->zero_bound_ms &&
                      after == AMBC_ERR_NET_TIMEOUT,
                  fig, "%s with %zu stray bytes in %llu ms, then %s", name_of(st), got,
                  (unsigned long long)spent, name_of(after));
}

static bool check_zero_fin(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n = 99;
    uint64_t t0, spent = 0;
    ambc_status_t st = open_script(c, "send:5 fin");
    if (st == AMBC_OK) {
        st = recv_exact(c, buf, 5, IO_MS);
    }
    if (st == AMBC_OK) {
        sleep_ms(c, SETTLE_MS);
        t0 = now(c);
        st = do_recv(c, buf, sizeof(buf), &n, 0u);
        spent = now(c) - t0;
    }
    return figure(st == AMBC_OK && n == 0u && spent <= c->zero_bound_ms, fig,
                  "%s with %zu bytes (want AMBC_OK with 0: the FIN) in %llu ms", name_of(st), n,
                  (unsigned long long)spent);
}

static bool check_zero_reset(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n = 0;
    uint64_t t0, spent = 0;
    ambc_status_t st = open_script(c, "rst");
    if (st == AMBC_OK) {
        sleep_ms(c, SETTLE_MS);
        t0 = now(c);
        st = do_recv(c, buf, sizeof(buf), &n, 0u);
        spent = now(c) - t0;
    }
    return figure(st == AMBC_ERR_NET_CLOSED && spent <= c->zero_bound_ms, fig,
                  "%s in %llu ms (want AMBC_ERR_NET_CLOSED)", name_of(st),
                  (unsigned long long)spent);
}

/* TLS: half a record has arrived. Not idle, nothing to return: an error, not a timeout. */
static bool check_zero_half_record(const conformance_t *c, char *fig)
{
    uint8_t buf[16];
    size_t n = 0;
    uint64_t t0, spent = 0;
    ambc_status_t st = open_script(c, "send:5 wait:100 half:64 hold");
    if (st == AMBC_OK) {
        st = recv_exact(c, buf, 5, IO_MS);
    }
    if (st == AMBC_OK) {
        sleep_ms(c, SETTLE_MS);
        t0 = now(c);
        st = do_recv(c, buf, sizeof(buf), &n, 0u);
        spent = now(c) - t0;
    }
    return figure(st == AMBC_ERR_TLS_IO && spent <= c->zero_bound_ms, fig,
                  "%s in %llu ms (want AMBC_ERR_TLS_IO: part of a record is pending)", name_of(st),
                  (unsigned long long)spent);
}

/* ---- close and reconnect -------------------------------------------------------------- */

static bool check_close_twice(const conformance_t *c, char *fig)
{
    uint8_t buf[4];
    size_t n = 0;
    ambc_status_t st = open_script(c, "hold");
    ambc_status_t after;
    c->stream.ops->close(c->stream.ctx);
    c->stream.ops->close(c->stream.ctx);
    after = do_recv(c, buf, sizeof(buf), &n, 10u);
    return figure(st == AMBC_OK && after == AMBC_ERR_STATE, fig,
                  "connected (%s), closed twice, then recv: %s (want AMBC_ERR_STATE)", name_of(st),
                  name_of(after));
}

static bool check_reconnect_after_close(const conformance_t *c, char *fig)
{
    char f1[FIG], f2[FIG];
    bool ok1 = check_echo(c, f1);
    bool ok2;
    c->stream.ops->close(c->stream.ctx);
    ok2 = check_echo(c, f2);
    return figure(ok1 && ok2, fig, "one object, connected twice: %s / %s", ok1 ? "echoed" : f1,
                  ok2 ? "echoed" : f2);
}

/* ---- the run ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    check_fn fn;
    bool framed_only;
} checks[] = {
    {"connect", check_connect, false},
    {"connect_refused", check_connect_refused, false},
    {"connect_blackhole_timeout", check_connect_blackhole, false},
    {"send_recv_echo", check_echo, false},
    {"send_all_bulk", check_send_all_bulk, false},
    {"partial_writes_and_send_timeout", check_partial_writes_and_send_timeout, false},
    {"recv_bytes", check_recv_bytes, false},
    {"recv_orderly_close", check_recv_orderly_close, false},
    {"recv_timeout", check_recv_timeout, false},
    {"recv_reset", check_recv_reset, false},
    {"zero_timeout_idle", check_zero_idle, false},
    {"zero_timeout_stray_bytes", check_zero_stray_bytes, false},
    {"zero_timeout_fin", check_zero_fin, false},
    {"zero_timeout_reset", check_zero_reset, false},
    {"zero_timeout_half_record", check_zero_half_record, true},
    {"close_twice", check_close_twice, false},
    {"reconnect_after_close", check_reconnect_after_close, false},
    {"send_after_reset", check_send_after_reset, false},
};

static unsigned long env_ms(const char *name, unsigned long def)
{
    const char *s = getenv(name);
    return s != NULL && *s != '\0' ? strtoul(s, NULL, 10) : def;
}

int conformance_args(int argc, char **argv, int first, conformance_t *c)
{
    if (argc < first + 4) {
        fprintf(stderr, "usage: %s [driver arguments] HOST PORT REFUSED_PORT BLACKHOLE_PORT\n",
                argv[0]);
        return -1;
    }
    c->host = argv[first];
    c->port = (uint16_t)strtoul(argv[first + 1], NULL, 10);
    c->refused_port = (uint16_t)strtoul(argv[first + 2], NULL, 10);
    c->blackhole_port = (uint16_t)strtoul(argv[first + 3], NULL, 10);
    c->margin_ms = (uint32_t)env_ms("AMBC_TEST_TIME_MARGIN_MS", 200);
    c->zero_bound_ms = (uint32_t)env_ms("AMBC_TEST_ZERO_BOUND_MS", 30);
    if (c->bulk_bytes == 0u) {
        c->bulk_bytes = 1u << 20;
    }
    return 0;
}

int conformance_run(const conformance_t *c)
{
    unsigned passed = 0, failed = 0, skipped = 0;
    size_t i;
    printf("port conformance: %s, peer %s:%u (refused %u, black hole %u), margin %u ms, "
           "zero-timeout bound %u ms\n",
           c->name, c->host, c->port, c->refused_port, c->blackhole_port, c->margin_ms,
           c->zero_bound_ms);
    for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        char fig[FIG] = "";
        if (checks[i].framed_only && !c->framed) {
            printf("SKIP %s: the stream has no framing of its own\n", checks[i].name);
            skipped++;
            continue;
        }
        c->stream.ops->close(c->stream.ctx);
        if (checks[i].fn(c, fig)) {
            printf("PASS %s: %s\n", checks[i].name, fig);
            passed++;
        } else {
            printf("FAIL %s: %s\n", checks[i].name, fig);
            failed++;
        }
        fflush(stdout);
    }
    c->stream.ops->close(c->stream.ctx);
    printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    return failed == 0u ? 0 : 1;
}
