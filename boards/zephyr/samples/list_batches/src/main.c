/*
 * ambc on Zephyr: list every Message Batch, newest first, over TLS (port/mbedtls) on a TCP
 * stream over Zephyr's BSD sockets. NOT BUILT on the project's CI (no Zephyr SDK there); it
 * follows the APIs of Zephyr 3.x/4.x (zsock_*, k_uptime_get, sys_csrand_get).
 *
 * The stream below is the whole network port: ambc needs connect/send/recv/close with
 * timeouts (ambc/port.h). Fill in API_KEY. The prj.conf is Zephyr 4.0 to 4.3's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/random/random.h>

#include "ambc/ambc.h"
#include "ambc/mbedtls.h"

/* From secure storage on a real device. With this placeholder the sample still shows the
 * whole path working: a verified handshake, then the API's 401 (AMBC_ERR_API). */
#define API_KEY "sk-ant-..."
/* The roots the API's certificate may chain to, as PEM text (CMakeLists.txt generates the
 * include from them); mbedTLS wants the terminating NUL counted. */
static const unsigned char ca_pem[] = {
#include "ambc_roots.pem.inc"
    0x00};

/* ---- a TCP stream over zsock_* ----------------------------------------------------------- */

typedef struct {
    int fd;
} zstream_t;

static ambc_status_t wait_fd(int fd, short events, uint32_t timeout_ms)
{
    struct zsock_pollfd p = {.fd = fd, .events = events};
    int rc = zsock_poll(&p, 1, (int)timeout_ms);
    if (rc == 0) {
        return AMBC_ERR_NET_TIMEOUT;
    }
    return rc < 0 ? AMBC_ERR_NET_IO : AMBC_OK;
}

static void z_close(void *ctx)
{
    zstream_t *z = ctx;
    if (z->fd >= 0) {
        zsock_close(z->fd);
        z->fd = -1;
    }
}

/* A blocking connect: Zephyr bounds it with CONFIG_NET_SOCKETS_CONNECT_TIMEOUT (3 s by
 * default), so timeout_ms is not applied to this step. send and recv wait with zsock_poll
 * and never block (ZSOCK_MSG_DONTWAIT). */
static ambc_status_t z_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    zstream_t *z = ctx;
    struct zsock_addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct zsock_addrinfo *ai = NULL;
    char service[6];
    ambc_status_t st = AMBC_OK;
    (void)timeout_ms;
    z_close(z);
    snprintf(service, sizeof(service), "%u", port);
    if (zsock_getaddrinfo(host, service, &hints, &ai) != 0 || ai == NULL) {
        return AMBC_ERR_NET_RESOLVE;
    }
    z->fd = zsock_socket(ai->ai_family, SOCK_STREAM, IPPROTO_TCP);
    if (z->fd < 0) {
        st = AMBC_ERR_NET_IO;
    } else if (zsock_connect(z->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        st = errno == ETIMEDOUT ? AMBC_ERR_NET_TIMEOUT : AMBC_ERR_NET_CONNECT;
        z_close(z);
    }
    zsock_freeaddrinfo(ai);
    return st;
}

static ambc_status_t z_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                            uint32_t timeout_ms)
{
    zstream_t *z = ctx;
    ambc_status_t st = wait_fd(z->fd, ZSOCK_POLLOUT, timeout_ms);
    ssize_t n;
    *sent = 0;
    if (st != AMBC_OK) {
        return st;
    }
    n = zsock_send(z->fd, data, len, ZSOCK_MSG_DONTWAIT);
    if (n > 0) {
        *sent = (size_t)n;
        return AMBC_OK;
    }
    if (n < 0 && errno == EAGAIN) {
        return AMBC_ERR_NET_TIMEOUT;
    }
    return (errno == ECONNRESET || errno == EPIPE) ? AMBC_ERR_NET_CLOSED : AMBC_ERR_NET_IO;
}

static ambc_status_t z_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                            uint32_t timeout_ms)
{
    zstream_t *z = ctx;
    ambc_status_t st = wait_fd(z->fd, ZSOCK_POLLIN, timeout_ms);
    ssize_t n;
    *received = 0;
    if (st != AMBC_OK) {
        return st;
    }
    n = zsock_recv(z->fd, buf, cap, ZSOCK_MSG_DONTWAIT);
    if (n >= 0) {
        *received = (size_t)n; /* 0: the peer's orderly close */
        return AMBC_OK;
    }
    if (errno == EAGAIN) {
        return AMBC_ERR_NET_TIMEOUT;
    }
    return errno == ECONNRESET ? AMBC_ERR_NET_CLOSED : AMBC_ERR_NET_IO;
}

static const ambc_stream_ops_t zstream_ops = {z_connect, z_send, z_recv, z_close};

/* ---- clock ---------------------------------------------------------------------------------- */

static uint64_t now_ms(void *ctx)
{
    (void)ctx;
    return (uint64_t)k_uptime_get();
}

static void sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    k_msleep((int32_t)ms);
}

static uint32_t random32(void *ctx)
{
    (void)ctx;
    return sys_rand32_get();
}

/* ---- the application ----------------------------------------------------------------------- */

static zstream_t tcp = {.fd = -1};
static ambc_tls_t tls;
static ambc_client_t client;
static const ambc_clock_t clock_port = {now_ms, sleep_ms, random32, NULL};

static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    printk("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
    return AMBC_OK;
}

int main(void)
{
    ambc_stream_t lower = {&zstream_ops, &tcp};
    ambc_tls_config_t tcfg = {.ca_pem = ca_pem, .ca_pem_len = sizeof(ca_pem), .clock = &clock_port};
    ambc_client_options_t opt = {.api_key = API_KEY};
    ambc_list_params_t params = {.limit = 100};
    ambc_status_t st = ambc_tls_init(&tls, &lower, &tcfg);
    if (st == AMBC_OK) {
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), &clock_port);
    }
    if (st == AMBC_OK) {
        st = ambc_batches_list_each(&client, &params, true, print_batch, NULL);
    }
    printk("ambc: %s\n", ambc_strerror(st));
    ambc_client_close(&client);
    ambc_tls_free(&tls);
    return 0;
}
