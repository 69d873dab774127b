/* Tests of port/mbedtls over port/posix, against `openssl s_server` and raw TCP peers, all on
 * 127.0.0.1.
 *
 * usage: test_tls CERT_DIR   (made by tests/mock/gen_certs.sh, plus CERT_DIR/cadir/ holding
 *                              only ca.pem; the CMake fixture port.tls_certs prepares both)
 *
 * The program starts its own s_server processes (one per server certificate), learns their
 * ports from the "ACCEPT 127.0.0.1:PORT" line they log, and stops them by pid at the end.
 * Each child also gets PR_SET_PDEATHSIG, so a crash of this program cannot leave one behind.
 * AMBC_TEST_FILTER=<cmocka pattern> runs a subset (used for heap measurements).
 *
 * Built a second time as test_tls_heap (AMBC_TEST_HEAP_COUNT, linked with
 * tests/support/heap_count.c): usage `test_tls_heap CERT_DIR [BUDGET_BYTES]`. It runs only
 * test_trusted_round_trip, counts the heap mbedTLS's libraries take from calloc during it,
 * prints the peak, and fails over the budget (default 65536) or if any byte is still in use
 * after ambc_tls_free. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "ambc/mbedtls.h"
#include "mbedtls/version.h"
#include "ambc/posix.h"

#ifdef AMBC_TEST_HEAP_COUNT
#include "heap_count.h"
#endif

static const char *cert_dir;

typedef struct {
    pid_t pid;
    uint16_t port;
    char log[PATH_MAX]; /* the server's output, where its port is read from */
} server_t;

static server_t good_server;     /* server.pem: localhost, 127.0.0.1, ::1 */
static server_t wrong_server;    /* wrong-host.pem: wrong.example */
static server_t old_server;      /* expired.pem: localhost, expired in 2021 */
static server_t future_server;   /* future.pem: localhost, valid from 30 days from now */
static server_t noresume_server; /* server.pem, no session cache, no tickets */
static server_t script_peer;     /* tests/port/peer.py --tls (AMBC_TEST_PEER), server.pem */

static uint64_t margin_ms(void)
{
    const char *s = getenv("AMBC_TEST_TIME_MARGIN_MS");
    return s != NULL ? (uint64_t)strtoul(s, NULL, 10) : 200u;
}

static uint64_t now_ms(void)
{
    const ambc_clock_t *c = ambc_posix_clock();
    return c->now_ms(c->ctx);
}

static const char *path(const char *name)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, PATH_MAX, "%s/%s", cert_dir, name);
    return p;
}

/* ---- openssl s_server, started and stopped by pid ---- */

/* s_server's options after the certificate: none, or no resumption at all. */
static const char *const no_resume_args[] = {"-no_ticket", "-no_cache", NULL};

static void exec_s_server(const char *cert, const char *key, const char *log, const char *accept,
                          const char *const *extra)
{
    const char *argv[16] = {"openssl", "s_server", "-accept", accept, "-cert",
                            cert,      "-key",     key,       "-www"};
    size_t n = 9;
    int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    /* If this test dies, the kernel kills the server too. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
        _exit(127);
    }
    while (extra != NULL && *extra != NULL && n < 15) {
        argv[n++] = *extra++;
    }
    argv[n] = NULL;
    /* -www: answers "GET /" with a status page, then closes with close_notify. */
    execvp("openssl", (char *const *)(uintptr_t)argv);
    _exit(127);
}

/* Reads the port from the server's log, after `prefix`: OpenSSL 3 prints
 * "ACCEPT 127.0.0.1:PORT", tests/port/peer.py "LISTEN PORT". */
static int read_port_after(const char *log, const char *prefix, uint16_t *port)
{
    char text[512];
    size_t n;
    const char *at;
    FILE *f = fopen(log, "r");
    if (f == NULL) {
        return -1;
    }
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    at = strstr(text, prefix);
    if (at == NULL || strchr(at, '\n') == NULL) {
        return -1;
    }
    *port = (uint16_t)strtoul(at + strlen(prefix), NULL, 10);
    return *port != 0 ? 0 : -1;
}

static int read_port(const char *log, uint16_t *port)
{
    return read_port_after(log, "ACCEPT 127.0.0.1:", port);
}

static int accepting(const char *log)
{
    char text[512];
    size_t n;
    FILE *f = fopen(log, "r");
    if (f == NULL) {
        return 0;
    }
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    return strstr(text, "ACCEPT\n") != NULL;
}

/* port 0: any free port; extra: more s_server options (NULL-terminated) or NULL. */
static int start_server_on(server_t *sv, const char *cert, const char *key, const char *name,
                           uint16_t port, const char *const *extra)
{
    const char *log = sv->log;
    char accept[32];
    int i;
    snprintf(accept, sizeof(accept), "127.0.0.1:%u", (unsigned)port);
    sv->port = 0;
    /* The pid in the name keeps parallel runs (plain and valgrind) apart. */
    snprintf(sv->log, sizeof(sv->log), "%s/%s-%ld.log", cert_dir, name, (long)getpid());
    /* A log left by an earlier run would name an old port: the child must start afresh. */
    if (unlink(log) != 0 && errno != ENOENT) {
        return -1;
    }
    sv->pid = fork();
    if (sv->pid < 0) {
        return -1;
    }
    if (sv->pid == 0) {
        exec_s_server(cert, key, log, accept, extra);
    }
    for (i = 0; i < 500; i++) { /* up to 5 s */
        int status;
        /* A port asked for is not repeated: the line is then just "ACCEPT". */
        if (port != 0 ? accepting(log) : read_port(log, &sv->port) == 0) {
            sv->port = port != 0 ? port : sv->port;
            return 0;
        }
        if (waitpid(sv->pid, &status, WNOHANG) == sv->pid) {
            sv->pid = 0; /* it died: nothing to stop */
            return -1;
        }
        usleep(10000);
    }
    return -1;
}

static int start_server(server_t *sv, const char *cert, const char *key, const char *name)
{
    return start_server_on(sv, cert, key, name, 0, NULL);
}

/* tests/port/peer.py, a TLS server whose every connection does what the client scripts. */
static int start_script_peer(server_t *sv, const char *peer)
{
    int i;
    snprintf(sv->log, sizeof(sv->log), "%s/peer-%ld.log", cert_dir, (long)getpid());
    if (unlink(sv->log) != 0 && errno != ENOENT) {
        return -1;
    }
    sv->pid = fork();
    if (sv->pid < 0) {
        return -1;
    }
    if (sv->pid == 0) {
        int out = open(sv->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (out < 0 || dup2(out, 1) < 0) {
            _exit(127);
        }
        execl("/usr/bin/python3", "python3", peer, "--host", "127.0.0.1", "--tls",
              path("server.pem"), path("server.key"), "--life", "120", (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 500; i++) {
        int status;
        if (read_port_after(sv->log, "LISTEN ", &sv->port) == 0) {
            return 0;
        }
        if (waitpid(sv->pid, &status, WNOHANG) == sv->pid) {
            sv->pid = 0;
            return -1;
        }
        usleep(10000);
    }
    return -1;
}

static void stop_server(server_t *sv)
{
    if (sv->pid > 0) {
        kill(sv->pid, SIGTERM);
        (void)waitpid(sv->pid, NULL, 0);
        sv->pid = 0;
        (void)unlink(sv->log);
    }
}

static int stop_servers(void **state)
{
    (void)state;
    stop_server(&good_server);
    stop_server(&wrong_server);
    stop_server(&old_server);
    stop_server(&future_server);
    stop_server(&noresume_server);
    stop_server(&script_peer);
    return 0;
}

static int start_servers(void **state)
{
    struct {
        server_t *sv;
        const char *cert;
        const char *key;
        const char *name;
    } spec[] = {
        {&good_server, "server.pem", "server.key", "s_server-good"},
        {&wrong_server, "wrong-host.pem", "wrong-host.key", "s_server-wrong"},
        {&old_server, "expired.pem", "expired.key", "s_server-expired"},
        {&future_server, "future.pem", "future.key", "s_server-future"},
    };
    size_t i;
    for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
        if (start_server(spec[i].sv, path(spec[i].cert), path(spec[i].key), spec[i].name) != 0) {
            fprintf(stderr, "could not start openssl s_server (see %s)\n", spec[i].sv->log);
            stop_servers(state);
            return -1;
        }
    }
    if (start_server_on(&noresume_server, path("server.pem"), path("server.key"),
                        "s_server-noresume", 0, no_resume_args) != 0) {
        fprintf(stderr, "could not start openssl s_server (see %s)\n", noresume_server.log);
        stop_servers(state);
        return -1;
    }
    if (getenv("AMBC_TEST_PEER") != NULL &&
        start_script_peer(&script_peer, getenv("AMBC_TEST_PEER")) != 0) {
        fprintf(stderr, "could not start %s (see %s)\n", getenv("AMBC_TEST_PEER"), script_peer.log);
        stop_servers(state);
        return -1;
    }
    return 0;
}

/* ---- a TLS client over TCP ---- */

typedef struct {
    ambc_posix_tcp_t tcp;
    ambc_tls_t tls;
    ambc_stream_t s;
} client_t;

static ambc_status_t client_init(client_t *c, ambc_tls_config_t cfg)
{
    ambc_stream_t lower;
    ambc_status_t st;
    ambc_posix_tcp_init(&c->tcp);
    lower = ambc_posix_tcp_stream(&c->tcp);
    cfg.clock = ambc_posix_clock();
    st = ambc_tls_init(&c->tls, &lower, &cfg);
    c->s = ambc_tls_stream(&c->tls);
    return st;
}

static ambc_tls_config_t ca_file(const char *name)
{
    ambc_tls_config_t cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ca_file = path(name);
    return cfg;
}

static ambc_status_t client_connect(client_t *c, const char *host, uint16_t port)
{
    return c->s.ops->connect(c->s.ctx, host, port, 5000);
}

/* Connects and checks the outcome. On a surprise the client is freed before failing: s_server
 * serves one connection at a time, so a connection left open would hang every later case. */
static void connect_or_fail(client_t *c, const char *host, uint16_t port, ambc_status_t want)
{
    ambc_status_t st = client_connect(c, host, port);
    if (st != want) {
        ambc_tls_free(&c->tls);
        fail_msg("connect: %s, expected %s", ambc_strerror(st), ambc_strerror(want));
    }
}

/* GET / from s_server -www; reads to the end of the stream, which must be an orderly one. */
static void http_get_round_trip(client_t *c)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    static uint8_t page[65536];
    size_t total = 0;
    size_t n = 1;
    assert_int_equal(ambc_stream_send_all(&c->s, ambc_posix_clock(), (const uint8_t *)req,
                                          sizeof(req) - 1, 5000),
                     AMBC_OK);
    while (n > 0) {
        assert_true(total < sizeof(page));
        assert_int_equal(c->s.ops->recv(c->s.ctx, page + total, sizeof(page) - total, &n, 5000),
                         AMBC_OK);
        total += n;
    }
    assert_true(total > 16);
    assert_memory_equal(page, "HTTP/1.0 200 ok", 15);
    /* the end is sticky */
    assert_int_equal(c->s.ops->recv(c->s.ctx, page, sizeof(page), &n, 100), AMBC_OK);
    assert_int_equal(n, 0);
}

static void expect_connect(ambc_tls_config_t cfg, const char *host, uint16_t port,
                           ambc_status_t want)
{
    client_t c;
    assert_int_equal(client_init(&c, cfg), AMBC_OK);
    connect_or_fail(&c, host, port, want);
    if (want == AMBC_OK) {
        assert_int_equal(ambc_tls_verify_flags(&c.tls), 0);
        http_get_round_trip(&c);
    } else {
        assert_int_equal(c.tcp.fd, -1); /* a failed connect leaves the lower stream closed */
    }
    c.s.ops->close(c.s.ctx);
    ambc_tls_free(&c.tls);
}

/* ---- trusted servers and the ways to trust them ---- */

#ifdef AMBC_TEST_HEAP_COUNT
static unsigned long heap_budget = 65536;

/* After a whole client lifetime: the figure, and nothing of it left over. */
static void heap_report(void)
{
    size_t peak = heap_count_peak();
    size_t now = heap_count_now();
    size_t allocs = heap_count_allocs();
    printf("TLS heap peak: %zu bytes in %zu allocations, %zu bytes in use after free\n", peak,
           allocs, now);
    fflush(stdout);
    if (allocs == 0) {
        fail_msg("no allocation was attributed to libmbed*: is the wrapper in effect?");
    }
    if (now != 0) {
        fail_msg("%zu bytes allocated by mbedTLS still in use after ambc_tls_free", now);
    }
    if (peak > heap_budget) {
        fail_msg("TLS heap peak %zu bytes is over the budget of %lu", peak, heap_budget);
    }
}
#endif

/* test_tls_heap measures this case: init, handshake, GET / and its ~4 KB answer, close, free. */
static void test_trusted_round_trip(void **state)
{
    (void)state;
#ifdef AMBC_TEST_HEAP_COUNT
    heap_count_reset();
#endif
    expect_connect(ca_file("ca.pem"), "localhost", good_server.port, AMBC_OK);
#ifdef AMBC_TEST_HEAP_COUNT
    heap_report();
#endif
}

static void test_ca_from_dir(void **state)
{
    ambc_tls_config_t cfg;
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ca_dir = path("cadir");
    expect_connect(cfg, "localhost", good_server.port, AMBC_OK);
}

static void test_ca_from_memory(void **state)
{
    static unsigned char pem[16384];
    ambc_tls_config_t cfg;
    size_t n;
    FILE *f = fopen(path("ca.pem"), "rb");
    (void)state;
    assert_non_null(f);
    n = fread(pem, 1, sizeof(pem) - 1, f);
    fclose(f);
    assert_true(n > 0);
    pem[n] = '\0';
    memset(&cfg, 0, sizeof(cfg));
    cfg.ca_pem = pem;
    cfg.ca_pem_len = n + 1; /* PEM: the length includes the NUL */
    expect_connect(cfg, "localhost", good_server.port, AMBC_OK);
}

/* The roots a device compiles into flash: DER, parsed in place; every entry must parse. */
static void test_ca_from_der(void **state)
{
    static unsigned char der[4096];
    char cmd[PATH_MAX * 2 + 64];
    ambc_tls_der_t roots[2];
    ambc_tls_config_t cfg;
    client_t c;
    size_t n;
    FILE *f;
    (void)state;
    snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -outform DER", path("ca.pem"));
    f = popen(cmd, "r");
    assert_non_null(f);
    n = fread(der, 1, sizeof(der), f);
    assert_int_equal(pclose(f), 0);
    assert_true(n > 100);
    memset(&cfg, 0, sizeof(cfg));
    roots[0].der = der;
    roots[0].len = n;
    cfg.ca_der = roots;
    cfg.ca_der_count = 1;
    expect_connect(cfg, "localhost", good_server.port, AMBC_OK);
    roots[1].der = der + 1; /* not a certificate: the whole list is refused */
    roots[1].len = n - 1;
    cfg.ca_der_count = 2;
    assert_int_equal(client_init(&c, cfg), AMBC_ERR_TLS_CA);
    ambc_tls_free(&c.tls);
    cfg.ca_der_count = 0;
    assert_int_equal(client_init(&c, cfg), AMBC_ERR_INVALID_ARG);
    ambc_tls_free(&c.tls);
}

static void test_server_name_override(void **state)
{
    ambc_tls_config_t cfg = ca_file("ca.pem");
    (void)state;
    cfg.server_name = "localhost"; /* reached by address, verified by name */
    expect_connect(cfg, "127.0.0.1", good_server.port, AMBC_OK);
}

static void test_ip_host_without_server_name(void **state)
{
    (void)state;
#if MBEDTLS_VERSION_NUMBER < 0x03000000
    /* 2.28 matches DNS names only, never the IP SAN: this is why server_name exists. */
    expect_connect(ca_file("ca.pem"), "127.0.0.1", good_server.port, AMBC_ERR_TLS_HOSTNAME);
#else
    skip(); /* newer mbedTLS may match IP SANs */
#endif
}

static void test_reconnect_same_object(void **state)
{
    client_t c;
    int i;
    (void)state;
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    for (i = 0; i < 3; i++) {
        connect_or_fail(&c, "localhost", good_server.port, AMBC_OK);
        if (i == 1) {
            continue; /* connect again while open: the old connection is closed first */
        }
        http_get_round_trip(&c);
        c.s.ops->close(c.s.ctx);
    }
    c.s.ops->close(c.s.ctx);
    c.s.ops->close(c.s.ctx);
    ambc_tls_free(&c.tls);
    ambc_tls_free(&c.tls);
}

static void test_recv_timeout_then_usable(void **state)
{
    client_t c;
    uint8_t buf[16];
    size_t n = 7;
    uint64_t t0;
    uint64_t spent;
    (void)state;
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    connect_or_fail(&c, "localhost", good_server.port, AMBC_OK);
    /* s_server -www says nothing until it has a request */
    t0 = now_ms();
    assert_int_equal(c.s.ops->recv(c.s.ctx, buf, sizeof(buf), &n, 150), AMBC_ERR_NET_TIMEOUT);
    spent = now_ms() - t0;
    assert_true(spent >= 150);
    assert_true(spent <= 150 + margin_ms());
    assert_int_equal(n, 0);
    http_get_round_trip(&c);
    c.s.ops->close(c.s.ctx);
    ambc_tls_free(&c.tls);
}

static void test_system_bundle_default(void **state)
{
    client_t c;
    ambc_tls_config_t cfg;
    (void)state;
    if (access(AMBC_TLS_SYSTEM_CA_FILE, R_OK) != 0) {
        skip();
    }
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(client_init(&c, cfg), AMBC_OK);
    /* the public roots do not include the test CA */
    connect_or_fail(&c, "localhost", good_server.port, AMBC_ERR_TLS_VERIFY);
    ambc_tls_free(&c.tls);
}

/* ---- certificates that must be refused ---- */

static void test_untrusted_ca(void **state)
{
    client_t c;
    (void)state;
    assert_int_equal(client_init(&c, ca_file("other-ca.pem")), AMBC_OK);
    connect_or_fail(&c, "localhost", good_server.port, AMBC_ERR_TLS_VERIFY);
    assert_true((ambc_tls_verify_flags(&c.tls) & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
    assert_int_equal(c.tcp.fd, -1);
    ambc_tls_free(&c.tls);
}

/* A trusted certificate refused for one reason: its status and exactly its verify flag. */
static void expect_refused(uint16_t port, ambc_status_t want, uint32_t flags)
{
    client_t c;
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    connect_or_fail(&c, "localhost", port, want);
    assert_int_equal(ambc_tls_verify_flags(&c.tls), flags);
    ambc_tls_free(&c.tls);
}

static void test_wrong_hostname(void **state)
{
    (void)state;
    expect_refused(wrong_server.port, AMBC_ERR_TLS_HOSTNAME, MBEDTLS_X509_BADCERT_CN_MISMATCH);
}

static void test_server_name_mismatch(void **state)
{
    ambc_tls_config_t cfg = ca_file("ca.pem");
    (void)state;
    cfg.server_name = "api.example.com"; /* the override is what gets verified */
    expect_connect(cfg, "localhost", good_server.port, AMBC_ERR_TLS_HOSTNAME);
}

static void test_expired(void **state)
{
    (void)state;
    expect_refused(old_server.port, AMBC_ERR_TLS_EXPIRED, MBEDTLS_X509_BADCERT_EXPIRED);
}

/* ---- certificate dates and the time floor ---- */

static int floor_only(void *ctx)
{
    return *(const int *)ctx;
}

static void test_not_yet_valid(void **state)
{
    (void)state;
    expect_refused(future_server.port, AMBC_ERR_TLS_NOT_YET_VALID, MBEDTLS_X509_BADCERT_FUTURE);
}

/* Against a floor, "not valid yet" proves nothing (the real time may be past notBefore), while
 * "expired" still does; once the time is known, both count again. */
static void test_time_floor(void **state)
{
    ambc_tls_config_t cfg = ca_file("ca.pem");
    int floor = 1;
    (void)state;
    cfg.time_is_floor = floor_only;
    cfg.time_ctx = &floor;
    expect_connect(cfg, "localhost", future_server.port, AMBC_OK);
    expect_connect(cfg, "localhost", old_server.port, AMBC_ERR_TLS_EXPIRED);
    floor = 0;
    expect_connect(cfg, "localhost", future_server.port, AMBC_ERR_TLS_NOT_YET_VALID);
}

/* ---- session resumption ---- */

static uint8_t session_mem[4096];

static ambc_tls_config_t with_session(size_t size)
{
    ambc_tls_config_t cfg = ca_file("ca.pem");
    memset(session_mem, 0x5A, sizeof(session_mem)); /* whatever was there: init wipes it */
    cfg.session = session_mem;
    cfg.session_size = size;
    return cfg;
}

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* connect, GET / (s_server -www closes after it), close; checks what the handshake was. */
static void round_trip_expect(client_t *c, uint16_t port, int resumed)
{
    int was;
    connect_or_fail(c, "localhost", port, AMBC_OK);
    was = ambc_tls_resumed(&c->tls);
    http_get_round_trip(c); /* first: s_server then closes, and a failure below leaves it free */
    c->s.ops->close(c->s.ctx);
    assert_int_equal(was, resumed);
    assert_int_equal(ambc_tls_verify_flags(&c->tls), 0);
}

static void expect_stats(const client_t *c, uint32_t handshakes, uint32_t resumed, uint32_t offered)
{
    ambc_tls_stats_t st = ambc_tls_stats(&c->tls);
    assert_int_equal(st.handshakes, handshakes);
    assert_int_equal(st.resumed, resumed);
    assert_int_equal(st.offered, offered);
}

static void test_resume_on_reconnect(void **state)
{
    client_t c;
    (void)state;
    assert_int_equal(client_init(&c, with_session(sizeof(session_mem))), AMBC_OK);
    assert_true(all_zero(session_mem, sizeof(session_mem)));
    round_trip_expect(&c, good_server.port, 0);
    assert_false(all_zero(session_mem, sizeof(session_mem)));
    round_trip_expect(&c, good_server.port, 1);
    round_trip_expect(&c, good_server.port, 1);
    expect_stats(&c, 3, 2, 2);
    assert_int_equal(ambc_tls_stats(&c.tls).not_saved, 0);
    /* what to size CONFIG_AMBC_TLS_SESSION_SIZE from (Debian's mbedTLS keeps the certificate) */
    printf("saved session: %u bytes\n", (unsigned)ambc_tls_stats(&c.tls).session_bytes);
    assert_true(ambc_tls_stats(&c.tls).session_bytes > AMBC_TLS_SESSION_OVERHEAD);
    ambc_tls_free(&c.tls);
    assert_true(all_zero(session_mem, sizeof(session_mem))); /* wiped with the client */
}

/* A server that resumes nothing: the offer is refused, a full handshake follows, silently. */
static void test_resume_refused_falls_back(void **state)
{
    client_t c;
    (void)state;
    assert_int_equal(client_init(&c, with_session(sizeof(session_mem))), AMBC_OK);
    round_trip_expect(&c, noresume_server.port, 0);
    round_trip_expect(&c, noresume_server.port, 0);
    round_trip_expect(&c, noresume_server.port, 0);
    expect_stats(&c, 3, 0, 2);
    ambc_tls_free(&c.tls);
}

/* One session, the last one, offered only to the host, name and port it was made with. */
static void test_resume_same_peer_only(void **state)
{
    ambc_tls_config_t cfg = with_session(sizeof(session_mem));
    client_t c;
    (void)state;
    assert_int_equal(client_init(&c, cfg), AMBC_OK);
    round_trip_expect(&c, good_server.port, 0);
    round_trip_expect(&c, noresume_server.port, 0); /* same name, another port */
    round_trip_expect(&c, good_server.port, 0);     /* its session was replaced */
    expect_stats(&c, 3, 0, 0);
    connect_or_fail(&c, "127.0.0.1", good_server.port, AMBC_ERR_TLS_HOSTNAME); /* other host */
    expect_stats(&c, 3, 0, 0);
    round_trip_expect(&c, good_server.port, 1); /* the failure kept the right session */
    ambc_tls_free(&c.tls);

    cfg.server_name = "localhost"; /* the same address under another name: its own session */
    assert_int_equal(client_init(&c, cfg), AMBC_OK);
    connect_or_fail(&c, "127.0.0.1", good_server.port, AMBC_OK);
    c.s.ops->close(c.s.ctx);
    round_trip_expect(&c, good_server.port, 0);
    expect_stats(&c, 2, 0, 0);
    ambc_tls_free(&c.tls);
}

static void test_resume_forget_and_small_buffer(void **state)
{
    client_t c;
    (void)state;
    assert_int_equal(client_init(&c, with_session(sizeof(session_mem))), AMBC_OK);
    round_trip_expect(&c, good_server.port, 0);
    ambc_tls_forget_session(&c.tls);
    assert_true(all_zero(session_mem, sizeof(session_mem)));
    round_trip_expect(&c, good_server.port, 0);
    expect_stats(&c, 2, 0, 0);
    ambc_tls_free(&c.tls);

    /* Too small for any session: nothing kept, counted, every connect full. */
    assert_int_equal(client_init(&c, with_session(AMBC_TLS_SESSION_OVERHEAD + 64u)), AMBC_OK);
    round_trip_expect(&c, good_server.port, 0);
    round_trip_expect(&c, good_server.port, 0);
    expect_stats(&c, 2, 0, 0);
    assert_int_equal(ambc_tls_stats(&c.tls).not_saved, 2);
    assert_int_equal(ambc_tls_stats(&c.tls).session_bytes, 0);
    assert_true(all_zero(session_mem, AMBC_TLS_SESSION_OVERHEAD + 64u));
    ambc_tls_free(&c.tls);
}

/* The server behind a port changes (a restart: its ticket keys and cache are gone, and here
 * its certificate has expired). The offered session is refused, the full handshake fails, and
 * the session is forgotten, so the next connect does not offer it again. */
static void test_resume_failed_handshake_forgets(void **state)
{
    client_t c;
    server_t sv = {0};
    uint16_t port;
    (void)state;
    assert_int_equal(start_server(&sv, path("server.pem"), path("server.key"), "s_server-r1"), 0);
    port = sv.port;
    assert_int_equal(client_init(&c, with_session(sizeof(session_mem))), AMBC_OK);
    round_trip_expect(&c, port, 0);
    stop_server(&sv);
    assert_int_equal(
        start_server_on(&sv, path("expired.pem"), path("expired.key"), "s_server-r2", port, NULL),
        0);
    connect_or_fail(&c, "localhost", port, AMBC_ERR_TLS_EXPIRED);
    expect_stats(&c, 1, 0, 1);
    assert_true(all_zero(session_mem, sizeof(session_mem)));
    stop_server(&sv);
    assert_int_equal(
        start_server_on(&sv, path("server.pem"), path("server.key"), "s_server-r3", port, NULL), 0);
    round_trip_expect(&c, port, 0);
    expect_stats(&c, 2, 0, 1); /* nothing offered */
    round_trip_expect(&c, port, 1);
    stop_server(&sv);
    ambc_tls_free(&c.tls);
}

/* ---- peers that break the handshake ---- */

typedef struct {
    int lfd;
    int reset; /* close with RST instead of FIN */
} peer_t;

static int listen_loopback(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Accepts one connection, reads the ClientHello, and hangs up without a word. */
static void *hang_up_peer(void *arg)
{
    const peer_t *p = arg;
    char buf[512];
    int fd = accept(p->lfd, NULL, NULL);
    if (fd < 0) {
        return NULL;
    }
    (void)recv(fd, buf, sizeof(buf), 0);
    if (p->reset) {
        struct linger lg;
        lg.l_onoff = 1;
        lg.l_linger = 0;
        (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    close(fd);
    return NULL;
}

static void expect_hang_up(int reset)
{
    peer_t p;
    pthread_t th;
    uint16_t port = 0;
    client_t c;
    p.lfd = listen_loopback(&port);
    p.reset = reset;
    assert_int_equal(pthread_create(&th, NULL, hang_up_peer, &p), 0);
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    connect_or_fail(&c, "localhost", port, AMBC_ERR_TLS_HANDSHAKE);
    assert_int_equal(ambc_tls_verify_flags(&c.tls), 0); /* failed before any certificate */
    assert_int_equal(c.tcp.fd, -1);
    assert_int_equal(pthread_join(th, NULL), 0);
    close(p.lfd);
    ambc_tls_free(&c.tls);
}

static void test_peer_closes_in_handshake(void **state)
{
    (void)state;
    expect_hang_up(0);
}

static void test_peer_resets_in_handshake(void **state)
{
    (void)state;
    expect_hang_up(1);
}

static void test_handshake_timeout(void **state)
{
    uint16_t port = 0;
    int lfd = listen_loopback(&port); /* never accept()ed: TCP connects, TLS never answers */
    client_t c;
    uint64_t t0;
    uint64_t spent;
    (void)state;
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    t0 = now_ms();
    assert_int_equal(c.s.ops->connect(c.s.ctx, "localhost", port, 500), AMBC_ERR_NET_TIMEOUT);
    spent = now_ms() - t0;
    assert_true(spent >= 500);
    assert_true(spent <= 500 + margin_ms());
    assert_int_equal(c.tcp.fd, -1);
    ambc_tls_free(&c.tls);
    close(lfd);
}

static void test_lower_failure_passes_through(void **state)
{
    uint16_t port = 0;
    int lfd = listen_loopback(&port);
    client_t c;
    (void)state;
    close(lfd); /* refused */
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    connect_or_fail(&c, "localhost", port, AMBC_ERR_NET_CONNECT);
    connect_or_fail(&c, "ambc-test.invalid", port, AMBC_ERR_NET_RESOLVE);
    ambc_tls_free(&c.tls);
}

/* ---- TLS over a lower stream that misbehaves on purpose ---- */

/* A lower stream wrapping TCP: it can drip bytes a few at a time, stall (an honest timeout
 * that uses up the caller's time), or fail sends and receives with a chosen status. */
typedef struct {
    ambc_posix_tcp_t tcp;
    ambc_stream_t inner;
    size_t drip;          /* most bytes per recv; 0 = no limit */
    unsigned stall_every; /* every Nth recv times out; 0 = never */
    unsigned calls;
    ambc_status_t send_fault; /* returned by send when not AMBC_OK */
    ambc_status_t recv_fault; /* returned by recv when not AMBC_OK */
} faulty_t;

static ambc_status_t faulty_connect(void *ctx, const char *host, uint16_t port, uint32_t ms)
{
    faulty_t *f = ctx;
    return f->inner.ops->connect(f->inner.ctx, host, port, ms);
}

static ambc_status_t faulty_send(void *ctx, const uint8_t *d, size_t len, size_t *sent, uint32_t ms)
{
    faulty_t *f = ctx;
    if (f->send_fault != AMBC_OK) {
        *sent = 0;
        return f->send_fault;
    }
    return f->inner.ops->send(f->inner.ctx, d, len, sent, ms);
}

static ambc_status_t faulty_recv(void *ctx, uint8_t *buf, size_t cap, size_t *got, uint32_t ms)
{
    faulty_t *f = ctx;
    *got = 0;
    if (f->recv_fault != AMBC_OK) {
        return f->recv_fault;
    }
    if (f->stall_every != 0 && ++f->calls % f->stall_every == 0) {
        usleep((useconds_t)ms * 1000u);
        return AMBC_ERR_NET_TIMEOUT;
    }
    if (f->drip != 0 && cap > f->drip) {
        cap = f->drip;
    }
    return f->inner.ops->recv(f->inner.ctx, buf, cap, got, ms);
}

static void faulty_close(void *ctx)
{
    faulty_t *f = ctx;
    f->inner.ops->close(f->inner.ctx);
}

static const ambc_stream_ops_t faulty_ops = {faulty_connect, faulty_send, faulty_recv,
                                             faulty_close};

/* Connects a TLS client over a fresh faulty_t to the good server. */
static void faulty_open(faulty_t *f, ambc_tls_t *tls, ambc_stream_t *s)
{
    ambc_tls_config_t cfg = ca_file("ca.pem");
    ambc_stream_t lower;
    memset(f, 0, sizeof(*f));
    ambc_posix_tcp_init(&f->tcp);
    f->inner = ambc_posix_tcp_stream(&f->tcp);
    lower.ops = &faulty_ops;
    lower.ctx = f;
    cfg.clock = ambc_posix_clock();
    assert_int_equal(ambc_tls_init(tls, &lower, &cfg), AMBC_OK);
    *s = ambc_tls_stream(tls);
    assert_int_equal(s->ops->connect(s->ctx, "localhost", good_server.port, 5000), AMBC_OK);
}

static void send_get(const ambc_stream_t *s)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    assert_int_equal(
        ambc_stream_send_all(s, ambc_posix_clock(), (const uint8_t *)req, sizeof(req) - 1, 5000),
        AMBC_OK);
}

static void test_partial_records_and_timeouts(void **state)
{
    static uint8_t page[65536];
    faulty_t f;
    ambc_tls_t tls;
    ambc_stream_t s;
    size_t total = 0;
    size_t n = 1;
    unsigned timeouts = 0;
    (void)state;
    faulty_open(&f, &tls, &s);
    send_get(&s);
    /* Records now arrive 7 bytes at a time with a timeout every 5th read, so most recv
     * timeouts strike in the middle of a record: each must leave the stream usable and
     * lose nothing. */
    f.drip = 7;
    f.stall_every = 5;
    while (n > 0) {
        ambc_status_t st = s.ops->recv(s.ctx, page + total, sizeof(page) - 1 - total, &n, 5);
        if (st == AMBC_ERR_NET_TIMEOUT) {
            timeouts++;
            n = 1;
            continue;
        }
        assert_int_equal(st, AMBC_OK);
        total += n;
        assert_true(total < sizeof(page) - 1);
    }
    page[total] = '\0';
    assert_true(timeouts > 10);
    assert_memory_equal(page, "HTTP/1.0 200 ok", 15);
    assert_non_null(strstr((const char *)page, "</HTML>"));
    s.ops->close(s.ctx);
    ambc_tls_free(&tls);
}

static void test_send_timeout_stops_sending(void **state)
{
    static uint8_t page[65536];
    faulty_t f;
    ambc_tls_t tls;
    ambc_stream_t s;
    size_t n = 0;
    size_t total = 0;
    (void)state;
    faulty_open(&f, &tls, &s);
    send_get(&s);
    f.send_fault = AMBC_ERR_NET_TIMEOUT;
    assert_int_equal(s.ops->send(s.ctx, (const uint8_t *)"x", 1, &n, 50), AMBC_ERR_NET_TIMEOUT);
    assert_int_equal(n, 0);
    f.send_fault = AMBC_OK;
    /* the half-written record cannot be resumed with other bytes: sending is over */
    assert_int_equal(s.ops->send(s.ctx, (const uint8_t *)"y", 1, &n, 50), AMBC_ERR_TLS_IO);
    /* receiving is not affected: the answer to the GET still arrives in full */
    do {
        assert_int_equal(s.ops->recv(s.ctx, page + total, sizeof(page) - total, &n, 5000), AMBC_OK);
        total += n;
    } while (n > 0);
    assert_memory_equal(page, "HTTP/1.0 200 ok", 15);
    s.ops->close(s.ctx);
    ambc_tls_free(&tls);
}

static void test_lower_errors_pass_through(void **state)
{
    faulty_t f;
    ambc_tls_t tls;
    ambc_stream_t s;
    uint8_t buf[64];
    size_t n = 0;
    (void)state;
    faulty_open(&f, &tls, &s);
    send_get(&s);
    f.recv_fault = AMBC_ERR_NET_CLOSED; /* as the TCP port reports a reset */
    assert_int_equal(s.ops->recv(s.ctx, buf, sizeof(buf), &n, 1000), AMBC_ERR_NET_CLOSED);
    f.recv_fault = AMBC_OK;
    /* mbedTLS must not be used after a fatal error: the stream stays failed until closed */
    assert_int_equal(s.ops->recv(s.ctx, buf, sizeof(buf), &n, 1000), AMBC_ERR_TLS_IO);
    assert_int_equal(s.ops->send(s.ctx, buf, 1, &n, 1000), AMBC_ERR_TLS_IO);
    s.ops->close(s.ctx);
    assert_int_equal(s.ops->recv(s.ctx, buf, sizeof(buf), &n, 1000), AMBC_ERR_STATE);
    /* and a send failure of the lower stream comes through as itself */
    assert_int_equal(s.ops->connect(s.ctx, "localhost", good_server.port, 5000), AMBC_OK);
    f.send_fault = AMBC_ERR_NET_IO;
    assert_int_equal(s.ops->send(s.ctx, buf, 1, &n, 1000), AMBC_ERR_NET_IO);
    f.send_fault = AMBC_OK;
    s.ops->close(s.ctx);
    ambc_tls_free(&tls);
}

/* ---- timeout 0: "is anything waiting?" (port.h), against peer.py ---- */

/* Connects to the scripted peer and sends it the script (peer.py's steps); skips the case
 * when the peer was not started (AMBC_TEST_PEER unset). */
static void script_open(client_t *c, const char *script)
{
    char line[96];
    int len = snprintf(line, sizeof(line), "%s\n", script);
    ambc_tls_config_t cfg = ca_file("ca.pem");
    if (script_peer.pid <= 0) {
        skip();
    }
    assert_int_equal(client_init(c, cfg), AMBC_OK);
    connect_or_fail(c, "localhost", script_peer.port, AMBC_OK);
    assert_int_equal(
        ambc_stream_send_all(&c->s, ambc_posix_clock(), (const uint8_t *)line, (size_t)len, 5000),
        AMBC_OK);
}

static void script_close(client_t *c)
{
    c->s.ops->close(c->s.ctx);
    ambc_tls_free(&c->tls);
}

/* Reads the n pattern bytes (i % 251) the peer's send:n wrote. */
static void recv_pattern(client_t *c, size_t n)
{
    uint8_t buf[64];
    size_t got = 0;
    size_t i;
    assert_true(n <= sizeof(buf));
    while (got < n) {
        size_t k = 0;
        assert_int_equal(c->s.ops->recv(c->s.ctx, buf + got, n - got, &k, 5000), AMBC_OK);
        assert_true(k > 0);
        got += k;
    }
    for (i = 0; i < n; i++) {
        assert_int_equal(buf[i], i % 251u);
    }
}

/* Asks "anything waiting?" once and checks the answer and that it did not wait. */
static void expect_zero(client_t *c, ambc_status_t want, size_t want_n)
{
    uint8_t buf[64];
    size_t n = 99;
    uint64_t t0 = now_ms();
    assert_int_equal(c->s.ops->recv(c->s.ctx, buf, sizeof(buf), &n, 0), want);
    assert_true(now_ms() - t0 <= margin_ms());
    if (want == AMBC_OK) {
        assert_int_equal(n, want_n);
    }
}

static void test_zero_timeout_idle(void **state)
{
    client_t c;
    uint8_t buf[16];
    size_t n = 0;
    uint64_t t0;
    int i;
    (void)state;
    script_open(&c, "hold");
    t0 = now_ms();
    for (i = 0; i < 1000; i++) {
        assert_int_equal(c.s.ops->recv(c.s.ctx, buf, sizeof(buf), &n, 0), AMBC_ERR_NET_TIMEOUT);
    }
    assert_true(now_ms() - t0 <= margin_ms()); /* 1000 calls: none waited */
    script_close(&c);
}

/* The peer's next write is a TLS record of its own after the "response": its bytes. */
static void test_zero_timeout_extra_record(void **state)
{
    client_t c;
    (void)state;
    script_open(&c, "send:5 wait:100 send:7 hold");
    recv_pattern(&c, 5);
    expect_zero(&c, AMBC_ERR_NET_TIMEOUT, 0); /* before the record is sent: idle */
    usleep(400000);
    expect_zero(&c, AMBC_OK, 7);
    expect_zero(&c, AMBC_ERR_NET_TIMEOUT, 0);
    script_close(&c);
}

/* Half of a record has arrived: not idle, and no byte to give: AMBC_ERR_TLS_IO. */
static void test_zero_timeout_half_record(void **state)
{
    client_t c;
    (void)state;
    script_open(&c, "send:5 wait:100 half:64 hold");
    recv_pattern(&c, 5);
    usleep(400000);
    expect_zero(&c, AMBC_ERR_TLS_IO, 0);
    script_close(&c);
}

/* The end of the stream, with close_notify and without (a bare FIN): OK with 0. */
static void test_zero_timeout_end(void **state)
{
    client_t c;
    (void)state;
    script_open(&c, "send:5 notify");
    recv_pattern(&c, 5);
    usleep(300000);
    expect_zero(&c, AMBC_OK, 0);
    script_close(&c);
    script_open(&c, "send:5 fin");
    recv_pattern(&c, 5);
    usleep(300000);
    expect_zero(&c, AMBC_OK, 0);
    script_close(&c);
}

static void test_zero_timeout_reset(void **state)
{
    client_t c;
    (void)state;
    script_open(&c, "rst");
    usleep(300000);
    expect_zero(&c, AMBC_ERR_NET_CLOSED, 0);
    script_close(&c);
}

/* ---- set-up errors and state ---- */

static void test_init_errors(void **state)
{
    client_t c;
    ambc_tls_config_t cfg;
    ambc_stream_t lower;
    static const unsigned char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64\n"
                                        "-----END CERTIFICATE-----\n";
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    ambc_posix_tcp_init(&c.tcp);
    lower = ambc_posix_tcp_stream(&c.tcp);
    assert_int_equal(ambc_tls_init(NULL, &lower, &cfg), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_tls_init(&c.tls, &lower, &cfg), AMBC_ERR_INVALID_ARG); /* no clock */
    ambc_tls_free(&c.tls);
    assert_int_equal(ambc_tls_init(&c.tls, NULL, &cfg), AMBC_ERR_INVALID_ARG);
    assert_int_equal(client_init(&c, ca_file("no-such-file.pem")), AMBC_ERR_TLS_CA);
    ambc_tls_free(&c.tls); /* safe after a failed init */
    assert_int_equal(client_init(&c, ca_file("server.key")), AMBC_ERR_TLS_CA);
    cfg.ca_pem = junk;
    cfg.ca_pem_len = sizeof(junk);
    assert_int_equal(client_init(&c, cfg), AMBC_ERR_TLS_CA);
    cfg.ca_pem_len = 0;
    assert_int_equal(client_init(&c, cfg), AMBC_ERR_INVALID_ARG);
    memset(&cfg, 0, sizeof(cfg));
    cfg.ca_dir = path("no-such-dir");
    assert_int_equal(client_init(&c, cfg), AMBC_ERR_TLS_CA);
    ambc_tls_free(NULL);
}

static void test_io_when_closed(void **state)
{
    client_t c;
    uint8_t buf[8] = {0};
    size_t n = 5;
    (void)state;
    assert_int_equal(client_init(&c, ca_file("ca.pem")), AMBC_OK);
    assert_int_equal(ambc_tls_verify_flags(&c.tls), UINT32_MAX);
    assert_int_equal(c.s.ops->recv(c.s.ctx, buf, sizeof(buf), &n, 10), AMBC_ERR_STATE);
    assert_int_equal(n, 0);
    assert_int_equal(c.s.ops->send(c.s.ctx, buf, sizeof(buf), &n, 10), AMBC_ERR_STATE);
    assert_int_equal(c.s.ops->connect(c.s.ctx, "", 443, 10), AMBC_ERR_INVALID_ARG);
    assert_int_equal(c.s.ops->recv(c.s.ctx, buf, 0, &n, 10), AMBC_ERR_INVALID_ARG);
    c.s.ops->close(c.s.ctx);
    ambc_tls_free(&c.tls);
    /* after free, the object is not set up: connect refuses rather than crashing */
    assert_int_equal(c.s.ops->connect(c.s.ctx, "localhost", 443, 10), AMBC_ERR_STATE);
}

/* The read-only calls answer a NULL object with a neutral value, as the core's do. */
static void test_null_object(void **state)
{
    ambc_tls_stats_t st = ambc_tls_stats(NULL);
    (void)state;
    assert_int_equal(ambc_tls_verify_flags(NULL), UINT32_MAX);
    assert_int_equal(ambc_tls_resumed(NULL), 0);
    assert_int_equal(st.handshakes + st.resumed + st.offered + st.not_saved + st.session_bytes, 0);
    ambc_tls_forget_session(NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_object),
        cmocka_unit_test(test_trusted_round_trip),
        cmocka_unit_test(test_ca_from_dir),
        cmocka_unit_test(test_ca_from_memory),
        cmocka_unit_test(test_ca_from_der),
        cmocka_unit_test(test_server_name_override),
        cmocka_unit_test(test_ip_host_without_server_name),
        cmocka_unit_test(test_reconnect_same_object),
        cmocka_unit_test(test_recv_timeout_then_usable),
        cmocka_unit_test(test_system_bundle_default),
        cmocka_unit_test(test_untrusted_ca),
        cmocka_unit_test(test_wrong_hostname),
        cmocka_unit_test(test_server_name_mismatch),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_not_yet_valid),
        cmocka_unit_test(test_time_floor),
        cmocka_unit_test(test_resume_on_reconnect),
        cmocka_unit_test(test_resume_refused_falls_back),
        cmocka_unit_test(test_resume_same_peer_only),
        cmocka_unit_test(test_resume_forget_and_small_buffer),
        cmocka_unit_test(test_resume_failed_handshake_forgets),
        cmocka_unit_test(test_peer_closes_in_handshake),
        cmocka_unit_test(test_peer_resets_in_handshake),
        cmocka_unit_test(test_handshake_timeout),
        cmocka_unit_test(test_lower_failure_passes_through),
        cmocka_unit_test(test_partial_records_and_timeouts),
        cmocka_unit_test(test_send_timeout_stops_sending),
        cmocka_unit_test(test_lower_errors_pass_through),
        cmocka_unit_test(test_zero_timeout_idle),
        cmocka_unit_test(test_zero_timeout_extra_record),
        cmocka_unit_test(test_zero_timeout_half_record),
        cmocka_unit_test(test_zero_timeout_end),
        cmocka_unit_test(test_zero_timeout_reset),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_io_when_closed),
    };
    const char *filter = getenv("AMBC_TEST_FILTER");
#ifdef AMBC_TEST_HEAP_COUNT
    char *end = NULL;
    if (argc == 3) {
        heap_budget = strtoul(argv[2], &end, 10);
    }
    if ((argc != 2 && argc != 3) || (end != NULL && (*end != '\0' || end == argv[2]))) {
        fprintf(stderr, "usage: %s CERT_DIR [BUDGET_BYTES]\n", argv[0]);
        return 2;
    }
    filter = "test_trusted_round_trip"; /* the one case measured */
#else
    if (argc != 2) {
        fprintf(stderr, "usage: %s CERT_DIR\n", argv[0]);
        return 2;
    }
#endif
    cert_dir = argv[1];
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE from the ports must be seen, not ignored */
    if (filter != NULL) {
        cmocka_set_test_filter(filter);
    }
    return cmocka_run_group_tests(tests, start_servers, stop_servers);
}
