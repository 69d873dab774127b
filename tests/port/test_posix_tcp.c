/* Tests of port/posix (TCP stream and clock) against real sockets on 127.0.0.1.
 *
 * Most cases need no server thread: the kernel completes a TCP connection to a listening
 * socket by itself, so the test connects, then accept()s its own peer and drives both ends
 * from one thread, which keeps the ordering deterministic. One case runs a real echo
 * server thread to exercise concurrent traffic. SIGPIPE is left at its default action on
 * purpose: if the port ever raised it, this program would die and the test would fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ambc/posix.h"

/* Timing slack allowed beyond a timeout: generous for loaded CI machines and valgrind. */
static uint64_t margin_ms(void)
{
    const char *s = getenv("AMBC_TEST_TIME_MARGIN_MS");
    return s != NULL ? (uint64_t)strtoul(s, NULL, 10) : 100u;
}

static uint64_t now_ms(void)
{
    const ambc_clock_t *c = ambc_posix_clock();
    return c->now_ms(c->ctx);
}

/* A listening socket on 127.0.0.1 with a kernel-chosen port. */
static int listen_loopback(uint16_t *port, int backlog)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, backlog), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* One connected pair: the port's stream on the client side, a plain fd on the server side. */
typedef struct {
    int lfd;
    int peer;
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
} pair_t;

static void pair_open(pair_t *p, const char *host)
{
    uint16_t port = 0;
    p->lfd = listen_loopback(&port, 8);
    ambc_posix_tcp_init(&p->tcp);
    p->s = ambc_posix_tcp_stream(&p->tcp);
    assert_int_equal(p->s.ops->connect(p->s.ctx, host, port, 2000), AMBC_OK);
    assert_true(p->tcp.fd >= 0);
    p->peer = accept(p->lfd, NULL, NULL);
    assert_true(p->peer >= 0);
}

static void pair_close(pair_t *p)
{
    p->s.ops->close(p->s.ctx);
    if (p->peer >= 0) {
        close(p->peer);
    }
    close(p->lfd);
}

static void send_all_fd(int fd, const void *data, size_t len)
{
    assert_int_equal(send(fd, data, len, 0), (ssize_t)len);
}

static void test_round_trip(void **state)
{
    pair_t p;
    uint8_t buf[64];
    size_t n = 0;
    char got[16] = {0};
    (void)state;
    pair_open(&p, "127.0.0.1");
    assert_int_equal(p.s.ops->send(p.s.ctx, (const uint8_t *)"hello", 5, &n, 1000), AMBC_OK);
    assert_int_equal(n, 5);
    assert_int_equal(recv(p.peer, got, sizeof(got), 0), 5);
    assert_memory_equal(got, "hello", 5);
    send_all_fd(p.peer, "world!", 6);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "world!", 6);
    pair_close(&p);
}

static void test_recv_timeout_then_usable(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 99;
    uint64_t t0;
    uint64_t spent;
    (void)state;
    pair_open(&p, "127.0.0.1");
    t0 = now_ms();
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 200), AMBC_ERR_NET_TIMEOUT);
    spent = now_ms() - t0;
    assert_true(spent >= 200);
    assert_true(spent <= 200 + margin_ms());
    assert_int_equal(n, 0);
    /* timeout 0: do not wait */
    t0 = now_ms();
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_TIMEOUT);
    assert_true(now_ms() - t0 <= margin_ms());
    /* still usable after a timeout */
    send_all_fd(p.peer, "x", 1);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 1);
    pair_close(&p);
}

static void test_orderly_close(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 99;
    (void)state;
    pair_open(&p, "127.0.0.1");
    send_all_fd(p.peer, "last", 4);
    close(p.peer);
    p.peer = -1;
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 0);
    /* the end of stream is sticky, not a timeout */
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 0);
    pair_close(&p);
}

static void reset_peer(pair_t *p)
{
    struct linger lg;
    lg.l_onoff = 1;
    lg.l_linger = 0; /* close() now sends RST instead of FIN */
    assert_int_equal(setsockopt(p->peer, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    close(p->peer);
    p->peer = -1;
}

static void test_reset_is_closed(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 0;
    (void)state;
    pair_open(&p, "127.0.0.1");
    reset_peer(&p);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_ERR_NET_CLOSED);
    pair_close(&p);
}

static void test_send_to_closed_peer_no_sigpipe(void **state)
{
    pair_t p;
    static const uint8_t chunk[1024];
    ambc_status_t st = AMBC_OK;
    size_t n = 0;
    int i;
    (void)state;
    pair_open(&p, "127.0.0.1");
    close(p.peer);
    p.peer = -1;
    /* The first writes may still be accepted by the kernel; once the peer's RST is back,
     * send fails with EPIPE/ECONNRESET, which is where SIGPIPE would strike. */
    for (i = 0; i < 200 && st == AMBC_OK; i++) {
        st = p.s.ops->send(p.s.ctx, chunk, sizeof(chunk), &n, 1000);
        if (st == AMBC_OK) {
            usleep(5000);
        }
    }
    assert_int_equal(st, AMBC_ERR_NET_CLOSED);
    pair_close(&p);
}

static void test_send_timeout(void **state)
{
    pair_t p;
    static const uint8_t chunk[65536];
    ambc_status_t st = AMBC_OK;
    size_t n = 0;
    size_t total = 0;
    int i;
    (void)state;
    pair_open(&p, "127.0.0.1");
    /* The peer never reads: the socket buffers fill and a send must time out. */
    for (i = 0; i < 4096 && st == AMBC_OK; i++) {
        uint64_t t0 = now_ms();
        st = p.s.ops->send(p.s.ctx, chunk, sizeof(chunk), &n, 100);
        assert_true(now_ms() - t0 <= 100 + margin_ms());
        total += st == AMBC_OK ? n : 0;
    }
    assert_int_equal(st, AMBC_ERR_NET_TIMEOUT);
    assert_int_equal(n, 0);
    assert_true(total > 0);
    pair_close(&p);
}

static void test_connection_refused(void **state)
{
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    uint16_t port = 0;
    int fd = listen_loopback(&port, 1);
    (void)state;
    close(fd); /* nothing listens there now */
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    assert_int_equal(s.ops->connect(s.ctx, "127.0.0.1", port, 2000), AMBC_ERR_NET_CONNECT);
    assert_int_equal(tcp.fd, -1);
}

static void test_connect_timeout(void **state)
{
    ambc_posix_tcp_t first;
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    ambc_stream_t s1;
    uint16_t port = 0;
    uint64_t t0;
    uint64_t spent;
    int fd = listen_loopback(&port, 0);
    (void)state;
    /* Backlog 0 holds one connection; with the queue full and no accept(), the kernel
     * drops further SYNs, so the next connect can only time out. */
    ambc_posix_tcp_init(&first);
    s1 = ambc_posix_tcp_stream(&first);
    assert_int_equal(s1.ops->connect(s1.ctx, "127.0.0.1", port, 2000), AMBC_OK);
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    t0 = now_ms();
    assert_int_equal(s.ops->connect(s.ctx, "127.0.0.1", port, 300), AMBC_ERR_NET_TIMEOUT);
    spent = now_ms() - t0;
    assert_true(spent >= 300);
    assert_true(spent <= 300 + margin_ms());
    assert_int_equal(tcp.fd, -1);
    s1.ops->close(s1.ctx);
    close(fd);
}

static void test_localhost(void **state)
{
    pair_t p;
    (void)state;
    /* The server listens on 127.0.0.1 only: if the resolver offers ::1 first, that attempt
     * is refused and the port must go on to the next address. */
    pair_open(&p, "localhost");
    pair_close(&p);
}

static void test_ipv6_loopback(void **state)
{
    struct sockaddr_in6 a;
    socklen_t len = sizeof(a);
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    int lfd = socket(AF_INET6, SOCK_STREAM, 0);
    (void)state;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (lfd >= 0) {
            close(lfd);
        }
        skip(); /* no IPv6 on this machine */
    }
    assert_int_equal(listen(lfd, 1), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    assert_int_equal(s.ops->connect(s.ctx, "::1", ntohs(a.sin6_port), 2000), AMBC_OK);
    s.ops->close(s.ctx);
    close(lfd);
}

static void test_arguments_and_state(void **state)
{
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    uint8_t buf[4];
    size_t n = 0;
    (void)state;
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    assert_ptr_equal(s.ctx, &tcp);
    assert_int_equal(s.ops->connect(s.ctx, NULL, 80, 100), AMBC_ERR_INVALID_ARG);
    assert_int_equal(s.ops->connect(s.ctx, "", 80, 100), AMBC_ERR_INVALID_ARG);
    assert_int_equal(s.ops->connect(s.ctx, "127.0.0.1", 0, 100), AMBC_ERR_INVALID_ARG);
    assert_int_equal(s.ops->recv(s.ctx, buf, sizeof(buf), &n, 10), AMBC_ERR_STATE);
    assert_int_equal(s.ops->send(s.ctx, buf, sizeof(buf), &n, 10), AMBC_ERR_STATE);
    assert_int_equal(s.ops->recv(s.ctx, buf, 0, &n, 10), AMBC_ERR_INVALID_ARG);
    assert_int_equal(s.ops->send(s.ctx, buf, 0, &n, 10), AMBC_ERR_INVALID_ARG);
    s.ops->close(s.ctx);
    s.ops->close(s.ctx);
    assert_int_equal(tcp.fd, -1);
}

/* ---- timeout 0: "is anything waiting?" (port.h) ---- */

/* A zero-timeout recv on an idle connection: AMBC_ERR_NET_TIMEOUT at once, every time. */
static void test_zero_timeout_idle_never_waits(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 99;
    uint64_t t0;
    int i;
    (void)state;
    pair_open(&p, "127.0.0.1");
    t0 = now_ms();
    for (i = 0; i < 1000; i++) {
        assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_TIMEOUT);
        assert_int_equal(n, 0);
    }
    /* 1000 calls that each waited even 1 ms would take a second */
    assert_true(now_ms() - t0 <= margin_ms());
    pair_close(&p);
}

/* Bytes the peer wrote after the answer was read, in a later write: they are returned. */
static void test_zero_timeout_stray_bytes(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 0;
    (void)state;
    pair_open(&p, "127.0.0.1");
    send_all_fd(p.peer, "answer", 6);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 1000), AMBC_OK);
    assert_int_equal(n, 6);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_TIMEOUT);
    send_all_fd(p.peer, "stray", 5);
    usleep(50000); /* loopback delivers at once; give it more than enough */
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "stray", 5);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_TIMEOUT);
    pair_close(&p);
}

static void test_zero_timeout_fin(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 99;
    (void)state;
    pair_open(&p, "127.0.0.1");
    close(p.peer);
    p.peer = -1;
    usleep(50000);
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_OK);
    assert_int_equal(n, 0);
    pair_close(&p);
}

static void test_zero_timeout_reset(void **state)
{
    pair_t p;
    uint8_t buf[16];
    size_t n = 0;
    uint64_t t0;
    (void)state;
    pair_open(&p, "127.0.0.1");
    reset_peer(&p);
    usleep(50000);
    t0 = now_ms();
    assert_int_equal(p.s.ops->recv(p.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_CLOSED);
    assert_true(now_ms() - t0 <= margin_ms());
    pair_close(&p);
}

/* The echo server thread: returns every byte it receives until the client closes. */
static void *echo_main(void *arg)
{
    int lfd = *(int *)arg;
    int fd = accept(lfd, NULL, NULL);
    char buf[8192];
    ssize_t n;
    if (fd < 0) {
        return NULL;
    }
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
        ssize_t off = 0;
        while (off < n) {
            ssize_t w = send(fd, buf + off, (size_t)(n - off), 0);
            if (w <= 0) {
                close(fd);
                return NULL;
            }
            off += w;
        }
    }
    close(fd);
    return NULL;
}

static void test_echo_thread(void **state)
{
    enum { CHUNK = 4096, ROUNDS = 64 };
    static uint8_t out[CHUNK];
    static uint8_t in[CHUNK];
    uint16_t port = 0;
    int lfd = listen_loopback(&port, 1);
    pthread_t th;
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    int r;
    (void)state;
    assert_int_equal(pthread_create(&th, NULL, echo_main, &lfd), 0);
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    assert_int_equal(s.ops->connect(s.ctx, "127.0.0.1", port, 2000), AMBC_OK);
    for (r = 0; r < ROUNDS; r++) {
        size_t got = 0;
        memset(out, 'a' + r % 26, sizeof(out));
        assert_int_equal(ambc_stream_send_all(&s, ambc_posix_clock(), out, sizeof(out), 2000),
                         AMBC_OK);
        while (got < sizeof(in)) {
            size_t n = 0;
            assert_int_equal(s.ops->recv(s.ctx, in + got, sizeof(in) - got, &n, 2000), AMBC_OK);
            assert_true(n > 0);
            got += n;
        }
        assert_memory_equal(in, out, sizeof(out));
    }
    s.ops->close(s.ctx);
    assert_int_equal(pthread_join(th, NULL), 0);
    close(lfd);
}

static void test_clock(void **state)
{
    const ambc_clock_t *c = ambc_posix_clock();
    uint64_t a;
    uint64_t b;
    uint32_t r[8];
    int i;
    int differ = 0;
    (void)state;
    assert_non_null(c);
    assert_ptr_equal(c, ambc_posix_clock());
    a = c->now_ms(c->ctx);
    for (i = 0; i < 1000; i++) {
        b = c->now_ms(c->ctx);
        assert_true(b >= a);
        a = b;
    }
    a = c->now_ms(c->ctx);
    c->sleep_ms(c->ctx, 50);
    b = c->now_ms(c->ctx);
    assert_true(b - a >= 50);
    assert_true(b - a <= 50 + margin_ms());
    a = c->now_ms(c->ctx);
    c->sleep_ms(c->ctx, 0);
    assert_true(c->now_ms(c->ctx) - a <= margin_ms());
    for (i = 0; i < 8; i++) {
        r[i] = c->random(c->ctx);
        differ += i > 0 && r[i] != r[0];
    }
    assert_true(differ > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_recv_timeout_then_usable),
        cmocka_unit_test(test_orderly_close),
        cmocka_unit_test(test_reset_is_closed),
        cmocka_unit_test(test_send_to_closed_peer_no_sigpipe),
        cmocka_unit_test(test_send_timeout),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_localhost),
        cmocka_unit_test(test_ipv6_loopback),
        cmocka_unit_test(test_arguments_and_state),
        cmocka_unit_test(test_zero_timeout_idle_never_waits),
        cmocka_unit_test(test_zero_timeout_stray_bytes),
        cmocka_unit_test(test_zero_timeout_fin),
        cmocka_unit_test(test_zero_timeout_reset),
        cmocka_unit_test(test_echo_thread),
        cmocka_unit_test(test_clock),
    };
    /* Default action on purpose: a SIGPIPE raised by the port kills the test. */
    signal(SIGPIPE, SIG_DFL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
