/* port/posix name resolution bounded by the connect timeout, where DNS never answers.
 *
 * Run by dns_blackhole.py (port.dns_timeout): a private namespace whose resolv.conf names a
 * server that reads queries and answers none, with "options timeout:1 attempts:1" so that a
 * lookup connect gave up on ends (in its own thread) about a second later. Without the black
 * hole the name cases would fail or hang, so the program refuses to run outside it
 * (AMBC_TEST_DNS_BLACKHOLE=1 is set by the ctest registration). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ambc/posix.h"

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

/* Waits (up to 15 s) until every abandoned lookup has ended; returns how long it took. */
static uint64_t wait_lookups_done(void)
{
    uint64_t t0 = now_ms();
    while (ambc_posix_lookups_pending() > 0 && now_ms() - t0 < 15000u) {
        usleep(20000);
    }
    assert_int_equal(ambc_posix_lookups_pending(), 0);
    return now_ms() - t0;
}

static void expect_timeout(const char *host, uint32_t timeout_ms)
{
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    uint64_t t0, spent;
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    t0 = now_ms();
    assert_int_equal(s.ops->connect(s.ctx, host, 443, timeout_ms), AMBC_ERR_NET_TIMEOUT);
    spent = now_ms() - t0;
    print_message("connect(%s, %u ms): AMBC_ERR_NET_TIMEOUT after %llu ms\n", host,
                  (unsigned)timeout_ms, (unsigned long long)spent);
    assert_true(spent >= timeout_ms);
    assert_true(spent <= timeout_ms + margin_ms());
    assert_int_equal(tcp.fd, -1);
}

/* The case of the brief: a name, 500 ms, a resolver that never answers. */
static void test_name_times_out_at_the_deadline(void **state)
{
    (void)state;
    expect_timeout("blackhole.example", 500);
    assert_int_equal(ambc_posix_lookups_pending(), 1); /* it goes on, in its own thread */
    print_message("the abandoned lookup ended %llu ms later\n",
                  (unsigned long long)wait_lookups_done());
}

/* A name the resolver says does not exist: AMBC_ERR_NET_RESOLVE at once, not a timeout.
 * (Here, not in test_posix_tcp: there the query would go to the machine's own resolver.) */
static void test_resolve_failure(void **state)
{
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    uint64_t t0;
    (void)state;
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    t0 = now_ms();
    assert_int_equal(s.ops->connect(s.ctx, "ambc-test.nxdomain.example", 443, 2000),
                     AMBC_ERR_NET_RESOLVE);
    assert_true(now_ms() - t0 < 1000u);
    assert_int_equal(tcp.fd, -1);
    wait_lookups_done();
}

static void test_zero_timeout_does_not_wait(void **state)
{
    (void)state;
    expect_timeout("zero.example", 0);
    wait_lookups_done();
}

/* Several lookups abandoned at once: each ends and frees itself (valgrind: no leak). */
static void test_many_abandoned_lookups(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof(name), "n%d.blackhole.example", i);
        expect_timeout(name, 100);
    }
    assert_true(ambc_posix_lookups_pending() >= 1);
    wait_lookups_done();
}

/* Numeric addresses and /etc/hosts never reach the resolver, so they are not held up. */
static void test_numeric_and_hosts_unaffected(void **state)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    ambc_posix_tcp_t tcp;
    ambc_stream_t s;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    (void)state;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    ambc_posix_tcp_init(&tcp);
    s = ambc_posix_tcp_stream(&tcp);
    assert_int_equal(s.ops->connect(s.ctx, "127.0.0.1", ntohs(a.sin_port), 500), AMBC_OK);
    assert_int_equal(s.ops->connect(s.ctx, "localhost", ntohs(a.sin_port), 500), AMBC_OK);
    s.ops->close(s.ctx);
    assert_int_equal(ambc_posix_lookups_pending(), 0);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_times_out_at_the_deadline),
        cmocka_unit_test(test_resolve_failure),
        cmocka_unit_test(test_zero_timeout_does_not_wait),
        cmocka_unit_test(test_many_abandoned_lookups),
        cmocka_unit_test(test_numeric_and_hosts_unaffected),
    };
    int rc;
    if (getenv("AMBC_TEST_DNS_BLACKHOLE") == NULL) {
        fprintf(stderr, "run me through tests/port/dns_blackhole.py (see the top of this file)\n");
        return 2;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    /* The threads have counted themselves out; let them finish returning before exit, so
     * valgrind sees their thread-local resolver state freed too. */
    usleep(200000);
    return rc;
}
