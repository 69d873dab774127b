/* The lwIP sockets stream (ambc_lwip.h): non-blocking lwIP sockets, every wait bounded by
 * lwip_select (or lwip_poll). For lwIP with an OS (NO_SYS=0, LWIP_SOCKET=1). */
#include "ambc_lwip.h"

#include <string.h>

#include "lwip/opt.h"

#if !LWIP_SOCKET
#error "port/lwip/sockets.c needs lwIP sockets (LWIP_SOCKET=1, NO_SYS=0); NO_SYS=1 builds use raw.c"
#endif
#if !LWIP_SOCKET_SELECT && !LWIP_SOCKET_POLL
#error "port/lwip/sockets.c needs LWIP_SOCKET_SELECT or LWIP_SOCKET_POLL to bound its waits"
#endif

#include "lwip/errno.h"
#include "lwip/inet.h"
#include "lwip/ip_addr.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"

/* Milliseconds left before start + timeout_ms, on lwIP's 32-bit clock (wrap-safe). */
static uint32_t ms_left(uint32_t start, uint32_t timeout_ms)
{
    uint32_t spent = (uint32_t)(sys_now() - start);
    return spent >= timeout_ms ? 0u : timeout_ms - spent;
}

/* Waits until fd is readable (or writable) for at most timeout_ms: 1 ready, 0 timed out,
 * -1 failed. A timeout of 0 only looks. */
static int wait_once(int fd, bool for_write, uint32_t timeout_ms)
{
#if LWIP_SOCKET_SELECT
    fd_set set;
    struct timeval tv;
    int rc;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    tv.tv_sec = (long)(timeout_ms / 1000u);
    tv.tv_usec = (long)(timeout_ms % 1000u) * 1000L;
    rc = lwip_select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, &tv);
#else
    struct pollfd p;
    int rc;
    p.fd = fd;
    p.events = (short)(for_write ? POLLOUT : POLLIN);
    p.revents = 0;
    rc = lwip_poll(&p, 1, timeout_ms > 0x7FFFFFFFu ? 0x7FFFFFFF : (int)timeout_ms);
#endif
    return rc > 0 ? 1 : (rc == 0 ? 0 : -1);
}

/* Waits until ready (AMBC_OK) or the time is up (AMBC_ERR_NET_TIMEOUT); AMBC_ERR_NET_IO
 * when the wait itself failed. Re-waits after an early wake-up (lwIP rounds the timeout to
 * its own tick), so a timeout is never reported before it is due. */
static ambc_status_t wait_fd(int fd, bool for_write, uint32_t start, uint32_t timeout_ms)
{
    for (;;) {
        uint32_t left = ms_left(start, timeout_ms);
        int w = wait_once(fd, for_write, left);
        if (w != 0 || left == 0u) {
            return w > 0 ? AMBC_OK : w == 0 ? AMBC_ERR_NET_TIMEOUT : AMBC_ERR_NET_IO;
        }
    }
}

static bool would_block(int err)
{
    return err == EWOULDBLOCK || err == EAGAIN;
}

/* errno of lwip_send/lwip_recv on an established connection (lwIP's err_to_errno). */
static ambc_status_t io_status(int err)
{
    return err == ECONNRESET ? AMBC_ERR_NET_CLOSED : AMBC_ERR_NET_IO;
}

/* errno of a connect: ERR_RST (refused) arrives as ECONNRESET, ERR_ABRT (lwIP gave up on
 * the SYN) as ECONNABORTED, ERR_RTE (no route) as EHOSTUNREACH. */
static ambc_status_t connect_status(int err)
{
    switch (err) {
    case ETIMEDOUT:
        return AMBC_ERR_NET_TIMEOUT;
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENOTCONN:
        return AMBC_ERR_NET_CONNECT;
    default:
        return AMBC_ERR_NET_IO;
    }
}

/* Socket address of a numeric host, or (with LWIP_DNS) a resolved name. */
typedef union {
    struct sockaddr sa;
#if LWIP_IPV4
    struct sockaddr_in in4;
#endif
#if LWIP_IPV6
    struct sockaddr_in6 in6;
#endif
} sock_addr_t;

static ambc_status_t to_sockaddr(const ip_addr_t *ip, uint16_t port, sock_addr_t *out,
                                 socklen_t *len)
{
    memset(out, 0, sizeof(*out));
#if LWIP_IPV4
    if (IP_IS_V4(ip)) {
        out->in4.sin_len = (u8_t)sizeof(out->in4);
        out->in4.sin_family = AF_INET;
        out->in4.sin_port = lwip_htons(port);
        inet_addr_from_ip4addr(&out->in4.sin_addr, ip_2_ip4(ip));
        *len = (socklen_t)sizeof(out->in4);
        return AMBC_OK;
    }
#endif
#if LWIP_IPV6
    if (IP_IS_V6(ip)) {
        out->in6.sin6_len = (u8_t)sizeof(out->in6);
        out->in6.sin6_family = AF_INET6;
        out->in6.sin6_port = lwip_htons(port);
        inet6_addr_from_ip6addr(&out->in6.sin6_addr, ip_2_ip6(ip));
        *len = (socklen_t)sizeof(out->in6);
        return AMBC_OK;
    }
#endif
    return AMBC_ERR_NET_RESOLVE;
}

static ambc_status_t resolve(const char *host, uint16_t port, sock_addr_t *out, socklen_t *len)
{
    ip_addr_t ip;
    if (ipaddr_aton(host, &ip)) {
        return to_sockaddr(&ip, port, out, len);
    }
#if LWIP_DNS
    {
        struct addrinfo hints;
        struct addrinfo *res = NULL;
        ambc_status_t st = AMBC_ERR_NET_RESOLVE;
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        if (lwip_getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
            res->ai_addrlen <= sizeof(*out)) {
            memcpy(out, res->ai_addr, res->ai_addrlen);
            *len = (socklen_t)res->ai_addrlen;
#if LWIP_IPV4
            if (out->sa.sa_family == AF_INET) {
                out->in4.sin_port = lwip_htons(port);
                st = AMBC_OK;
            }
#endif
#if LWIP_IPV6
            if (out->sa.sa_family == AF_INET6) {
                out->in6.sin6_port = lwip_htons(port);
                st = AMBC_OK;
            }
#endif
        }
        if (res != NULL) {
            lwip_freeaddrinfo(res);
        }
        return st;
    }
#else
    (void)out;
    (void)len;
    (void)port;
    return AMBC_ERR_NET_RESOLVE;
#endif
}

/* After a non-blocking connect: wait for the outcome, then read it from SO_ERROR. */
static ambc_status_t finish_connect(int fd, uint32_t start, uint32_t timeout_ms)
{
    int err = 0;
    socklen_t len = (socklen_t)sizeof(err);
    ambc_status_t st = wait_fd(fd, true, start, timeout_ms);
    if (st != AMBC_OK) {
        return st;
    }
    if (lwip_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        return AMBC_ERR_NET_IO;
    }
    return err == 0 ? AMBC_OK : connect_status(err);
}

static void sock_close(void *ctx)
{
    ambc_lwip_sock_t *s = ctx;
    if (s != NULL && s->fd >= 0) {
        (void)lwip_close(s->fd);
        s->fd = -1;
    }
    if (s != NULL) {
        s->eof = false;
    }
}

static ambc_status_t sock_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ambc_lwip_sock_t *s = ctx;
    sock_addr_t addr;
    socklen_t addr_len = 0;
    uint32_t start = sys_now();
    ambc_status_t st;
    int one = 1;
    int fd;

    if (s == NULL || host == NULL || host[0] == '\0' || port == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    sock_close(s);
    st = resolve(host, port, &addr, &addr_len);
    if (st != AMBC_OK) {
        return st;
    }
    fd = lwip_socket(addr.sa.sa_family, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        return AMBC_ERR_NET_IO; /* ENFILE / ENOBUFS: lwIP's netconn or PCB pool is empty */
    }
    /* Latency only (requests go out in a few writes): not worth failing the connection for. */
    (void)lwip_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof(one));
    if (lwip_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        st = AMBC_ERR_NET_IO;
    } else if (lwip_connect(fd, &addr.sa, addr_len) != 0) {
        st = (errno == EINPROGRESS) ? finish_connect(fd, start, timeout_ms) : connect_status(errno);
    }
    if (st != AMBC_OK) {
        (void)lwip_close(fd);
        return st;
    }
    s->fd = fd;
    return AMBC_OK;
}

static ambc_status_t sock_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                               uint32_t timeout_ms)
{
    ambc_lwip_sock_t *s = ctx;
    uint32_t start = sys_now();
    if (s == NULL || data == NULL || sent == NULL || len == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *sent = 0;
    if (s->fd < 0) {
        return AMBC_ERR_STATE;
    }
    for (;;) {
        ambc_status_t st;
        ssize_t n = lwip_send(s->fd, data, len, 0);
        if (n > 0) {
            *sent = (size_t)n;
            return AMBC_OK;
        }
        if (n < 0 && !would_block(errno)) {
            return io_status(errno);
        }
        st = wait_fd(s->fd, true, start, timeout_ms);
        if (st != AMBC_OK) {
            return st;
        }
    }
}

static ambc_status_t sock_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                               uint32_t timeout_ms)
{
    ambc_lwip_sock_t *s = ctx;
    uint32_t start = sys_now();
    if (s == NULL || buf == NULL || received == NULL || cap == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *received = 0;
    if (s->fd < 0) {
        return AMBC_ERR_STATE;
    }
    if (s->eof) {
        return AMBC_OK; /* lwIP answers ENOTCONN after the FIN it reported: keep the end */
    }
    for (;;) {
        ambc_status_t st;
        ssize_t n = lwip_recv(s->fd, buf, cap, 0);
        if (n >= 0) {
            *received = (size_t)n; /* 0: the peer's FIN, an orderly close */
            s->eof = n == 0;
            return AMBC_OK;
        }
        if (!would_block(errno)) {
            return io_status(errno);
        }
        st = wait_fd(s->fd, false, start, timeout_ms);
        if (st != AMBC_OK) {
            return st;
        }
    }
}

static const ambc_stream_ops_t sock_ops = {sock_connect, sock_send, sock_recv, sock_close};

void ambc_lwip_sock_init(ambc_lwip_sock_t *s)
{
    s->fd = -1;
    s->eof = false;
}

ambc_stream_t ambc_lwip_sock_stream(ambc_lwip_sock_t *s)
{
    ambc_stream_t st;
    st.ops = &sock_ops;
    st.ctx = s;
    return st;
}
