/* The lwIP sockets stream (ambc/lwip.h): non-blocking lwIP sockets, every wait bounded by
 * lwip_select (or lwip_poll). For lwIP with an OS (NO_SYS=0, LWIP_SOCKET=1). */
#include "ambc/lwip.h"

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
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/dns.h"
#include "lwip/priv/tcpip_priv.h" /* tcpip_api_call, as lwIP's own netdb.c uses it */
#include "lwip/tcpip.h"
#endif

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

#if LWIP_DNS
/* ---- names: dns_gethostbyname with a bounded wait -------------------------------------- *
 *
 * lwip_getaddrinfo waits on lwIP's resolver without a bound (its retries take 10 s and more)
 * and cannot be cancelled. So connect starts dns_gethostbyname itself, on the tcpip thread,
 * and waits for the callback on a semaphore no longer than its timeout. lwIP cannot cancel a
 * query either, so the callback may come after connect has stopped waiting, when the
 * caller's ambc_lwip_sock_t may be gone: the callback's state lives in a static slot (lwIP is
 * one per program) and carries a generation, so a late answer finds its slot freed or reused
 * and is dropped. Slots are touched only on the tcpip thread, so they need no lock. */

#ifndef AMBC_LWIP_DNS_SLOTS
#define AMBC_LWIP_DNS_SLOTS 2 /* lookups that may wait at once (threads connecting at once) */
#endif
#define SLOT_BITS 4u
typedef char dns_slots_fit[AMBC_LWIP_DNS_SLOTS <= (1 << SLOT_BITS) ? 1 : -1];

typedef struct {
    uintptr_t gen; /* of the lookup this slot serves; bumped for each new one */
    bool busy;     /* a connect waits on this slot */
    bool done;     /* the callback came: ok and addr are set */
    bool ok;
    ip_addr_t addr;
    sys_sem_t *wake; /* the waiting connect's semaphore */
} dns_slot_t;

static dns_slot_t dns_slots[AMBC_LWIP_DNS_SLOTS];

/* One request to the tcpip thread (start or finish a lookup). */
typedef struct {
    struct tcpip_api_call_data call; /* first: tcpip_api_call hands back this pointer */
    const char *host;
    sys_sem_t *wake;
    int slot;  /* the slot in use; -1 when none was free */
    err_t err; /* dns_gethostbyname's return */
    ip_addr_t addr;
    bool done; /* finish: the answer came in time */
    bool ok;   /* ... and it was an address */
} dns_call_t;

static void *slot_key(int slot, uintptr_t gen)
{
    return (void *)((gen << SLOT_BITS) | (uintptr_t)slot);
}

static void on_dns(const char *name, const ip_addr_t *ip, void *arg)
{
    uintptr_t key = (uintptr_t)arg;
    dns_slot_t *sl = &dns_slots[key & ((1u << SLOT_BITS) - 1u)];
    (void)name;
    if (!sl->busy || ((sl->gen << SLOT_BITS) >> SLOT_BITS) != (key >> SLOT_BITS)) {
        return; /* connect stopped waiting for this lookup */
    }
    sl->done = true;
    sl->ok = ip != NULL;
    if (ip != NULL) {
        ip_addr_copy(sl->addr, *ip);
    }
    sys_sem_signal(sl->wake);
}

/* On the tcpip thread: takes a slot and starts the query. The callback may run inside
 * dns_gethostbyname (no server reachable), so the slot is ready before the call. */
static err_t dns_start(struct tcpip_api_call_data *call)
{
    dns_call_t *c = (dns_call_t *)call;
    int i;
    c->slot = -1;
    for (i = 0; i < AMBC_LWIP_DNS_SLOTS; i++) {
        if (!dns_slots[i].busy) {
            dns_slot_t *sl = &dns_slots[i];
            sl->busy = true;
            sl->gen++;
            sl->done = false;
            sl->wake = c->wake;
            c->slot = i;
            c->err = dns_gethostbyname(c->host, &c->addr, on_dns, slot_key(i, sl->gen));
            sl->busy = c->err == ERR_INPROGRESS; /* otherwise no callback will come */
            return ERR_OK;
        }
    }
    return ERR_OK;
}

/* On the tcpip thread: collects the answer, if any, and frees the slot. */
static err_t dns_finish(struct tcpip_api_call_data *call)
{
    dns_call_t *c = (dns_call_t *)call;
    dns_slot_t *sl = &dns_slots[c->slot];
    c->done = sl->done;
    c->ok = sl->ok;
    ip_addr_copy(c->addr, sl->addr);
    sl->busy = false;
    return ERR_OK;
}

static ambc_status_t resolve_name(const char *host, ip_addr_t *out, uint32_t start,
                                  uint32_t timeout_ms)
{
    dns_call_t c;
    sys_sem_t wake;
    ambc_status_t st;
    memset(&c, 0, sizeof(c));
    if (sys_sem_new(&wake, 0) != ERR_OK) {
        return AMBC_ERR_NET_IO;
    }
    c.host = host;
    c.wake = &wake;
    if (tcpip_api_call(dns_start, &c.call) != ERR_OK || c.slot < 0) {
        st = AMBC_ERR_NET_IO; /* no message or no slot: out of resources */
    } else if (c.err == ERR_OK) {
        ip_addr_copy(*out, c.addr); /* in lwIP's cache */
        st = AMBC_OK;
    } else if (c.err != ERR_INPROGRESS) {
        st = AMBC_ERR_NET_RESOLVE; /* no DNS server set, a name too long, table full */
    } else {
        uint32_t left = ms_left(start, timeout_ms);
        if (left > 0u) { /* 0 would mean "forever" to sys_arch_sem_wait */
            (void)sys_arch_sem_wait(&wake, left);
        }
        (void)tcpip_api_call(dns_finish, &c.call);
        st = !c.done ? AMBC_ERR_NET_TIMEOUT : c.ok ? AMBC_OK : AMBC_ERR_NET_RESOLVE;
        if (st == AMBC_OK) {
            ip_addr_copy(*out, c.addr);
        }
    }
    sys_sem_free(&wake); /* no callback can reach it now: the slot is no longer busy */
    return st;
}
#endif /* LWIP_DNS */

/* A numeric address at once; a name (with LWIP_DNS) within the time left. */
static ambc_status_t resolve(const char *host, uint16_t port, sock_addr_t *out, socklen_t *len,
                             uint32_t start, uint32_t timeout_ms)
{
    ip_addr_t ip;
    if (ipaddr_aton(host, &ip)) {
        return to_sockaddr(&ip, port, out, len);
    }
#if LWIP_DNS
    {
        ambc_status_t st = resolve_name(host, &ip, start, timeout_ms);
        return st == AMBC_OK ? to_sockaddr(&ip, port, out, len) : st;
    }
#else
    (void)start;
    (void)timeout_ms;
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
    st = resolve(host, port, &addr, &addr_len, start, timeout_ms);
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
