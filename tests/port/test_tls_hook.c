/* The TLS configuration hook (ambc_tls_config_t.conf_hook) of port/mbedtls, over port/posix,
 * against the scripted TLS peer tests/port/peer.py on 127.0.0.1.
 *
 * usage: test_tls_hook CA_FILE HOST PORT REFUSED_PORT BLACKHOLE_PORT
 *        (the arguments tests/port/run_conformance.py gives a TLS driver; the peer's
 *        certificate names "localhost" and chains to CA_FILE; the last two are not used)
 *
 * What is proven: the hook runs once per ambc_tls_init (not per connect), after ambc's own
 * configuration and before mbedtls_ssl_setup; the trust it attaches is the trust the
 * handshake uses (no CA given to ambc, the hook adds CA_FILE, the handshake verifies); without
 * it nothing verifies, and it cannot switch verification off; its error stops
 * ambc_tls_init, and then nothing reaches the network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "ambc/mbedtls.h"
#include "ambc/posix.h"
#include "mbedtls/version.h"

static const char *ca_path;
static const char *peer_host;
static uint16_t peer_port;

/* ---- a lower stream that counts what reaches the network ---- */

typedef struct {
    ambc_stream_t inner;
    unsigned connects;
    size_t bytes_sent;
} counting_t;

static ambc_status_t count_connect(void *ctx, const char *host, uint16_t port, uint32_t ms)
{
    counting_t *c = ctx;
    c->connects++;
    return c->inner.ops->connect(c->inner.ctx, host, port, ms);
}

static ambc_status_t count_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                                uint32_t ms)
{
    counting_t *c = ctx;
    ambc_status_t st = c->inner.ops->send(c->inner.ctx, data, len, sent, ms);
    if (st == AMBC_OK) {
        c->bytes_sent += *sent;
    }
    return st;
}

static ambc_status_t count_recv(void *ctx, uint8_t *buf, size_t cap, size_t *got, uint32_t ms)
{
    counting_t *c = ctx;
    return c->inner.ops->recv(c->inner.ctx, buf, cap, got, ms);
}

static void count_close(void *ctx)
{
    counting_t *c = ctx;
    c->inner.ops->close(c->inner.ctx);
}

static const ambc_stream_ops_t counting_ops = {count_connect, count_send, count_recv, count_close};

/* ---- the hooks ---- */

typedef struct {
    const ambc_tls_t *tls; /* the object being set up, to look at it from inside */
    unsigned calls;
    mbedtls_ssl_config *conf; /* what the hook was given */
    int setup_done;           /* was conf already bound to the SSL context? */
    int ambc_configured;      /* had ambc already set VERIFY_REQUIRED and its RNG? */
    int add_ca;               /* parse ca_path into ca and attach it */
    int verify_none;          /* try to switch verification off */
    ambc_status_t result;     /* what the hook returns */
    mbedtls_x509_crt ca;      /* the hook's own trust; the hook's to free */
} hook_t;

static void hook_init(hook_t *h, const ambc_tls_t *tls)
{
    memset(h, 0, sizeof(*h));
    h->tls = tls;
    h->result = AMBC_OK;
    mbedtls_x509_crt_init(&h->ca);
}

static ambc_status_t hook(void *ctx, mbedtls_ssl_config *conf)
{
    hook_t *h = ctx;
    h->calls++;
    h->conf = conf;
#if MBEDTLS_VERSION_NUMBER < 0x03000000
    /* 2.28's structs are public: check the order the header promises. */
    h->setup_done = h->tls->ssl.conf != NULL;
    h->ambc_configured = conf->authmode == MBEDTLS_SSL_VERIFY_REQUIRED && conf->f_rng != NULL;
#else
    h->ambc_configured = 1; /* private fields in 3.x: not checked there */
#endif
    if (h->add_ca) {
        if (mbedtls_x509_crt_parse_file(&h->ca, ca_path) != 0) {
            return AMBC_ERR_TLS_CA;
        }
        mbedtls_ssl_conf_ca_chain(conf, &h->ca, NULL);
    }
    if (h->verify_none) {
        mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    }
    return h->result;
}

typedef struct {
    ambc_posix_tcp_t tcp;
    counting_t lower;
    ambc_tls_t tls;
    ambc_stream_t s;
    hook_t hook;
} client_t;

/* A configuration with no CA of ambc's own: all trust comes from the hook. */
static ambc_status_t client_init(client_t *c)
{
    ambc_tls_config_t cfg;
    ambc_stream_t lower;
    memset(&cfg, 0, sizeof(cfg));
    cfg.server_name = "localhost"; /* the peer is reached by address */
    cfg.clock = ambc_posix_clock();
    cfg.conf_hook = hook;
    cfg.conf_hook_ctx = &c->hook;
    ambc_posix_tcp_init(&c->tcp);
    c->lower.inner = ambc_posix_tcp_stream(&c->tcp);
    lower.ops = &counting_ops;
    lower.ctx = &c->lower;
    c->s = ambc_tls_stream(&c->tls);
    return ambc_tls_init(&c->tls, &lower, &cfg);
}

static void client_free(client_t *c)
{
    ambc_tls_free(&c->tls);
    mbedtls_x509_crt_free(&c->hook.ca); /* the hook's, after the TLS object that used it */
}

/* One scripted exchange with peer.py: 16 pattern bytes (i % 251), then close_notify. */
static void exchange(client_t *c)
{
    static const char script[] = "send:16 notify\n";
    uint8_t got[32];
    size_t have = 0;
    size_t n = 0;
    size_t i;
    assert_int_equal(ambc_stream_send_all(&c->s, ambc_posix_clock(), (const uint8_t *)script,
                                          sizeof(script) - 1, 5000),
                     AMBC_OK);
    do {
        assert_int_equal(c->s.ops->recv(c->s.ctx, got + have, sizeof(got) - have, &n, 5000),
                         AMBC_OK);
        have += n;
    } while (n > 0 && have < sizeof(got));
    assert_int_equal(have, 16);
    for (i = 0; i < have; i++) {
        assert_int_equal(got[i], i % 251u);
    }
}

/* ---- the cases ---- */

/* ambc is given no CA; the hook attaches one; that is what the handshake verifies with. */
static void test_hook_supplies_the_trust(void **state)
{
    static client_t c;
    int round;
    (void)state;
    hook_init(&c.hook, &c.tls);
    c.hook.add_ca = 1;
    assert_int_equal(client_init(&c), AMBC_OK);
    assert_int_equal(c.hook.calls, 1);
    assert_ptr_equal(c.hook.conf, &c.tls.conf);
    assert_true(c.hook.ambc_configured);  /* called after ambc configured conf ... */
    assert_false(c.hook.setup_done);      /* ... and before mbedtls_ssl_setup */
    assert_null(c.tls.ca.raw.p);          /* ambc loaded no CA of its own */
    for (round = 0; round < 2; round++) { /* connect twice: still one call */
        assert_int_equal(c.s.ops->connect(c.s.ctx, peer_host, peer_port, 5000), AMBC_OK);
        assert_int_equal(ambc_tls_verify_flags(&c.tls), 0);
        exchange(&c);
        c.s.ops->close(c.s.ctx);
    }
    assert_int_equal(c.hook.calls, 1);
    assert_int_equal(c.lower.connects, 2);
    client_free(&c);
}

/* A hook that attaches no trust: nothing verifies (ambc did not fall back to a bundle). */
static void test_no_trust_no_connection(void **state)
{
    static client_t c;
    (void)state;
    hook_init(&c.hook, &c.tls);
    assert_int_equal(client_init(&c), AMBC_OK);
    assert_int_equal(c.hook.calls, 1);
    assert_int_equal(c.s.ops->connect(c.s.ctx, peer_host, peer_port, 5000), AMBC_ERR_TLS_VERIFY);
    assert_int_equal(c.tcp.fd, -1);
    client_free(&c);
}

/* A hook that switches verification off (and attaches no trust) changes nothing. */
static void test_hook_cannot_switch_verification_off(void **state)
{
    static client_t c;
    (void)state;
    hook_init(&c.hook, &c.tls);
    c.hook.verify_none = 1;
    assert_int_equal(client_init(&c), AMBC_OK);
    assert_int_equal(c.s.ops->connect(c.s.ctx, peer_host, peer_port, 5000), AMBC_ERR_TLS_VERIFY);
    client_free(&c);
}

/* A listener of our own: whatever the client might do, we can see whether it arrived. */
static int listen_local(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* The hook fails: ambc_tls_init returns its status, and not one byte goes out. */
static void test_hook_error_stops_everything(void **state)
{
    static client_t c;
    uint16_t port = 0;
    int lfd = listen_local(&port);
    int afd;
    (void)state;
    assert_true(lfd >= 0);
    hook_init(&c.hook, &c.tls);
    c.hook.add_ca = 1; /* everything else in order: only the status stops it */
    c.hook.result = AMBC_ERR_TLS_CA;
    assert_int_equal(client_init(&c), AMBC_ERR_TLS_CA);
    assert_int_equal(c.hook.calls, 1);
    assert_int_equal(c.s.ops->connect(c.s.ctx, "127.0.0.1", port, 300), AMBC_ERR_STATE);
    assert_int_equal(c.lower.connects, 0);
    assert_int_equal(c.lower.bytes_sent, 0);
    afd = accept(lfd, NULL, NULL);
    assert_int_equal(afd, -1); /* no connection reached the listener */
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    client_free(&c);
    ambc_tls_free(&c.tls); /* twice: safe */
    close(lfd);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hook_supplies_the_trust),
        cmocka_unit_test(test_no_trust_no_connection),
        cmocka_unit_test(test_hook_cannot_switch_verification_off),
        cmocka_unit_test(test_hook_error_stops_everything),
    };
    if (argc < 4) {
        fprintf(stderr, "usage: %s CA_FILE HOST PORT [REFUSED_PORT BLACKHOLE_PORT]\n", argv[0]);
        return 2;
    }
    ca_path = argv[1];
    peer_host = argv[2];
    peer_port = (uint16_t)strtoul(argv[3], NULL, 10);
    signal(SIGPIPE, SIG_DFL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
