/* The lwIP raw-API stream (ambc/lwip.h): tcp_* callbacks fill a caller-provided ring, and
 * every call that waits loops on the application's poll function. For lwIP without an OS
 * (NO_SYS=1); see ambc/lwip.h for other threading models. */
#include "ambc/lwip.h"

#include <string.h>

#include "lwip/opt.h"

#if !LWIP_TCP || !LWIP_CALLBACK_API
#error "port/lwip/raw.c needs LWIP_TCP and LWIP_CALLBACK_API"
#endif

#include "lwip/dns.h"
#include "lwip/err.h"
#include "lwip/init.h" /* LWIP_VERSION */
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

/* Where lwIP runs in another context, these bracket every lwIP call (see ambc/lwip.h). */
#ifndef AMBC_LWIP_RAW_LOCK
#define AMBC_LWIP_RAW_LOCK()
#endif
#ifndef AMBC_LWIP_RAW_UNLOCK
#define AMBC_LWIP_RAW_UNLOCK()
#endif

enum {
    F_CONNECTED = 1u << 0, /* the handshake completed */
    F_FIN = 1u << 1,       /* the peer's FIN arrived (after the bytes in the ring) */
    F_ERROR = 1u << 2,     /* lwIP ended the connection and freed the PCB; err says why */
};

static bool expired(uint32_t start, uint32_t timeout_ms)
{
    return (uint32_t)(sys_now() - start) >= timeout_ms;
}

/* ---- ring ------------------------------------------------------------------------------- */

static void ring_put(ambc_lwip_raw_t *r, const struct pbuf *p)
{
    size_t tail = (r->head + r->count) % r->size;
    size_t first = r->size - tail;
    size_t len = p->tot_len;
    if (first > len) {
        first = len;
    }
    (void)pbuf_copy_partial(p, r->ring + tail, (u16_t)first, 0);
    if (len > first) {
        (void)pbuf_copy_partial(p, r->ring, (u16_t)(len - first), (u16_t)first);
    }
    r->count += len;
}

static size_t ring_take(ambc_lwip_raw_t *r, uint8_t *buf, size_t cap)
{
    size_t n = cap < r->count ? cap : r->count;
    size_t first = r->size - r->head;
    if (first > n) {
        first = n;
    }
    memcpy(buf, r->ring + r->head, first);
    memcpy(buf + first, r->ring, n - first);
    r->head = (r->head + n) % r->size;
    r->count -= n;
    if (r->count == 0) {
        r->head = 0;
    }
    return n;
}

/* Gives lwIP back n bytes of window (tcp_recved takes at most 0xFFFF at a time). */
static void recved(struct tcp_pcb *pcb, size_t n)
{
    while (n > 0) {
        u16_t step = n > 0xFFFFu ? (u16_t)0xFFFFu : (u16_t)n;
        tcp_recved(pcb, step);
        n -= step;
    }
}

/*
 * The only place this port touches lwIP's private state: two fields of struct tcp_pcb that
 * lwIP's API cannot set. tcp_recved() only ever opens the window (clamped at TCP_WND), and
 * lwIP announces a larger window only when it grew by TCP_WND_UPDATE_THRESHOLD; a ring smaller
 * than TCP_WND needs the window shrunk to the ring's free space at connect (window_fit) and
 * announced as soon as half the ring is free (window_announce). No lwIP option does either
 * (TCP_WND is global, not per connection). Checked against lwIP 2.1.3 (Debian's source, built
 * and run by the suite: lwip.tap_walk asserts that no segment is ever refused and the walk's
 * speed, which fail if this stops working) and lwIP 2.2's tcp_priv.h/tcp.c (the same fields,
 * the same tcp_recved). Called with lwIP's core locked (AMBC_LWIP_RAW_LOCK), as lwIP's own
 * TCP functions are.
 */
#if LWIP_VERSION < 0x02010000UL || LWIP_VERSION >= 0x02030000UL
#error "port/lwip/raw.c: window_set() was checked against lwIP 2.1 and 2.2 only: check the \
tcp_pcb fields rcv_wnd and rcv_ann_wnd and tcp_recved() of this version, then widen this test"
#endif
static void window_set(struct tcp_pcb *pcb, tcpwnd_size_t wnd, tcpwnd_size_t announce)
{
    LWIP_ASSERT_CORE_LOCKED();
    pcb->rcv_wnd = wnd;
    pcb->rcv_ann_wnd = announce;
}

/* The peer may send no more than the ring can hold: the receive window starts at the ring's
 * free space instead of TCP_WND (at connect), and grows only as ambc consumes (recved). So
 * lwIP never has to keep data the recv callback refused. */
static void window_fit(const ambc_lwip_raw_t *r)
{
    struct tcp_pcb *pcb = r->pcb;
    size_t room = r->size - r->count;
    if (room < (size_t)pcb->rcv_wnd) {
        window_set(pcb, (tcpwnd_size_t)room, (tcpwnd_size_t)room);
    }
}

/* Window updates, sized for the ring. lwIP advertises a larger window only once its right
 * edge can move by min(TCP_WND / 2, MSS), which may be more than a small ring ever frees.
 * Senders avoid segments smaller than about half the largest window they saw (RFC 1122
 * silly window avoidance; Linux waits for a whole window below 536 bytes), so the peer
 * would wait for its persist timer (200 ms and more on Linux). Advertise here as soon as
 * half the ring more is free, or the ring is empty: that ACK also acknowledges at once what
 * lwIP would otherwise hold for its delayed-ACK timer. */
static void window_announce(const ambc_lwip_raw_t *r, struct tcp_pcb *pcb)
{
    size_t step = r->size / 2;
    if (step > (size_t)pcb->mss) {
        step = pcb->mss;
    }
    if (pcb->rcv_wnd > pcb->rcv_ann_wnd &&
        ((size_t)(pcb->rcv_wnd - pcb->rcv_ann_wnd) >= step || r->count == 0)) {
        window_set(pcb, pcb->rcv_wnd, pcb->rcv_wnd); /* the ACK carries it, moves the edge */
        tcp_set_flags(pcb, TF_ACK_NOW);
        (void)tcp_output(pcb);
    }
}

/* ---- lwIP callbacks (run inside poll) -------------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    ambc_lwip_raw_t *r = arg;
    (void)pcb;
    if (p == NULL) {
        r->flags |= F_FIN;
        return ERR_OK;
    }
    if (err != ERR_OK) { /* lwIP 2.x never passes data with an error; be safe anyway */
        pbuf_free(p);
        return ERR_OK;
    }
    if ((size_t)p->tot_len > r->size - r->count) {
        r->refused++;   /* the window should have made this impossible: counted, for the tests */
        return ERR_MEM; /* lwIP keeps p (refused data) and offers it again later */
    }
    ring_put(r, p);
    pbuf_free(p);
    return ERR_OK;
}

/* lwIP has already freed the PCB when this runs. */
static void on_err(void *arg, err_t err)
{
    ambc_lwip_raw_t *r = arg;
    r->pcb = NULL;
    r->err = err;
    r->flags |= F_ERROR;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    ambc_lwip_raw_t *r = arg;
    (void)pcb;
    (void)err; /* always ERR_OK in lwIP 2.x: failures go to on_err */
    r->flags |= F_CONNECTED;
    /* Announced in the handshake's final ACK, which lwIP sends after this returns. */
    window_fit(r);
    return ERR_OK;
}

/* Detaches r from the PCB, so no callback of a PCB that lwIP still owns reaches r again. */
static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL); /* lwIP then acknowledges and drops what still arrives */
    tcp_err(pcb, NULL);
}

/* ---- name resolution ------------------------------------------------------------------- *
 *
 * dns_gethostbyname answers from lwIP's cache at once, or later through a callback that
 * connect waits for by polling, no longer than its timeout. lwIP cannot cancel a query, so
 * the callback may come after connect gave up, when the caller's ambc_lwip_raw_t may be gone:
 * its state lives in a static slot (lwIP is one per program) tagged with a generation, so a
 * late answer finds its slot freed or serving a newer lookup, and is dropped. */

#if LWIP_DNS
#ifndef AMBC_LWIP_DNS_SLOTS
#define AMBC_LWIP_DNS_SLOTS 2 /* lookups that may wait at once */
#endif
#define SLOT_BITS 4u
typedef char dns_slots_fit[AMBC_LWIP_DNS_SLOTS <= (1 << SLOT_BITS) ? 1 : -1];

typedef struct {
    uintptr_t gen; /* of the lookup this slot serves; bumped for each new one */
    bool busy;     /* a connect waits on this slot */
    bool done;     /* the callback came: ok and addr are set */
    bool ok;
    ip_addr_t addr;
} dns_slot_t;

static dns_slot_t dns_slots[AMBC_LWIP_DNS_SLOTS];

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
}

/* Takes a slot and starts the query (under the lwIP lock): the slot, or NULL when none is
 * free; *e is dns_gethostbyname's return. */
static dns_slot_t *dns_start(const char *host, ip_addr_t *out, err_t *e)
{
    int i;
    for (i = 0; i < AMBC_LWIP_DNS_SLOTS; i++) {
        dns_slot_t *sl = &dns_slots[i];
        if (!sl->busy) {
            sl->busy = true; /* before the call: the callback may run inside it */
            sl->gen++;
            sl->done = false;
            *e = dns_gethostbyname(host, out, on_dns,
                                   (void *)((sl->gen << SLOT_BITS) | (uintptr_t)i));
            sl->busy = *e == ERR_INPROGRESS; /* otherwise no callback will come */
            return sl;
        }
    }
    return NULL;
}

/* Polls until the slot has its answer or the time is up, then frees the slot. */
static ambc_status_t dns_wait(ambc_lwip_raw_t *r, dns_slot_t *sl, ip_addr_t *out, uint32_t start,
                              uint32_t timeout_ms)
{
    ambc_status_t st;
    bool done = false;
    for (;;) {
        AMBC_LWIP_RAW_LOCK();
        done = sl->done;
        AMBC_LWIP_RAW_UNLOCK();
        if (done || expired(start, timeout_ms)) {
            break;
        }
        r->poll(r->poll_ctx);
    }
    AMBC_LWIP_RAW_LOCK();
    st = !sl->done ? AMBC_ERR_NET_TIMEOUT : sl->ok ? AMBC_OK : AMBC_ERR_NET_RESOLVE;
    if (st == AMBC_OK) {
        ip_addr_copy(*out, sl->addr);
    }
    sl->busy = false; /* a late answer is now dropped */
    AMBC_LWIP_RAW_UNLOCK();
    return st;
}
#endif

static ambc_status_t resolve(ambc_lwip_raw_t *r, const char *host, ip_addr_t *out, uint32_t start,
                             uint32_t timeout_ms)
{
    if (ipaddr_aton(host, out)) {
        return AMBC_OK;
    }
#if LWIP_DNS
    {
        err_t e = ERR_OK;
        dns_slot_t *sl;
        AMBC_LWIP_RAW_LOCK();
        sl = dns_start(host, out, &e);
        AMBC_LWIP_RAW_UNLOCK();
        if (sl == NULL) {
            return AMBC_ERR_NET_IO; /* every slot waits already: out of resources */
        }
        if (e == ERR_OK) {
            return AMBC_OK; /* numeric or cached */
        }
        if (e != ERR_INPROGRESS) {
            return AMBC_ERR_NET_RESOLVE; /* no DNS server set, a name too long, table full */
        }
        return dns_wait(r, sl, out, start, timeout_ms);
    }
#else
    (void)r;
    (void)start;
    (void)timeout_ms;
    return AMBC_ERR_NET_RESOLVE;
#endif
}

/* ---- stream operations ----------------------------------------------------------------- */

/* Status of a connection lwIP ended (on_err). */
static ambc_status_t error_status(const ambc_lwip_raw_t *r)
{
    switch (r->err) {
    case ERR_RST:
        return AMBC_ERR_NET_CLOSED;
    default: /* ERR_ABRT: lwIP gave up (retransmissions) or reclaimed the PCB */
        return AMBC_ERR_NET_IO;
    }
}

static void raw_close(void *ctx)
{
    ambc_lwip_raw_t *r = ctx;
    if (r == NULL) {
        return;
    }
    if (r->pcb != NULL) {
        struct tcp_pcb *pcb = r->pcb;
        AMBC_LWIP_RAW_LOCK();
        detach(pcb);
        /* tcp_close resets a connection whose window is not fully open ("unread data"): give
         * back what window_fit() held back, so only data really left unread in the ring does. */
        if (r->count == 0 && pcb->rcv_wnd < TCP_WND_MAX(pcb)) {
            recved(pcb, (size_t)(TCP_WND_MAX(pcb) - pcb->rcv_wnd));
        }
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb); /* no memory to queue the FIN */
        }
        AMBC_LWIP_RAW_UNLOCK();
    }
    r->pcb = NULL;
    r->head = 0;
    r->count = 0;
    r->err = ERR_OK;
    r->flags = 0;
}

/* Gives up a connection attempt: the PCB is aborted (an RST if the SYN went out). */
static void abandon(ambc_lwip_raw_t *r)
{
    if (r->pcb != NULL) {
        AMBC_LWIP_RAW_LOCK();
        detach(r->pcb);
        tcp_abort(r->pcb);
        AMBC_LWIP_RAW_UNLOCK();
    }
    r->pcb = NULL;
    r->flags = 0;
}

/* Starts the handshake: a new PCB with r's callbacks, then tcp_connect. */
static ambc_status_t start_connect(ambc_lwip_raw_t *r, const ip_addr_t *ip, uint16_t port)
{
    err_t e;
    AMBC_LWIP_RAW_LOCK();
    r->pcb = tcp_new_ip_type((u8_t)IP_GET_TYPE(ip));
    if (r->pcb == NULL) {
        AMBC_LWIP_RAW_UNLOCK();
        return AMBC_ERR_NET_IO; /* MEMP_NUM_TCP_PCB exhausted */
    }
    tcp_arg(r->pcb, r);
    tcp_recv(r->pcb, on_recv);
    tcp_err(r->pcb, on_err);
    tcp_nagle_disable(r->pcb);
    e = tcp_connect(r->pcb, ip, port, on_connected);
    if (e == ERR_OK) {
        window_fit(r); /* tcp_connect set it to TCP_WND; a retransmitted SYN announces this */
    }
    AMBC_LWIP_RAW_UNLOCK();
    if (e != ERR_OK) {
        abandon(r);
        return e == ERR_MEM ? AMBC_ERR_NET_IO : AMBC_ERR_NET_CONNECT; /* ERR_RTE: no route */
    }
    return AMBC_OK;
}

static ambc_status_t raw_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ambc_lwip_raw_t *r = ctx;
    uint32_t start = sys_now();
    ip_addr_t ip;
    ambc_status_t st;

    if (r == NULL || host == NULL || host[0] == '\0' || port == 0 || r->ring == NULL ||
        r->size == 0) {
        return AMBC_ERR_INVALID_ARG; /* a ring of 0 bytes could hold nothing (nor divide) */
    }
    raw_close(r);
    st = resolve(r, host, &ip, start, timeout_ms);
    if (st == AMBC_OK) {
        st = start_connect(r, &ip, port);
    }
    if (st != AMBC_OK) {
        return st;
    }
    while (!(r->flags & (F_CONNECTED | F_ERROR)) && !expired(start, timeout_ms)) {
        r->poll(r->poll_ctx);
    }
    if ((r->flags & F_CONNECTED) && !(r->flags & F_ERROR)) {
        return AMBC_OK;
    }
    if (r->flags & F_ERROR) {
        /* The PCB is gone: ERR_RST is a refusal, ERR_ABRT lwIP giving up on the SYN. */
        r->flags = 0;
        r->err = ERR_OK;
        r->count = 0;
        return AMBC_ERR_NET_CONNECT;
    }
    abandon(r);
    return AMBC_ERR_NET_TIMEOUT;
}

/* One tcp_write of as much as lwIP takes now: bytes queued, 0 when there is no room, or -1
 * with *st set when the connection cannot send. */
static long write_some(ambc_lwip_raw_t *r, const uint8_t *data, size_t len, ambc_status_t *st)
{
    size_t n;
    err_t e = ERR_MEM;
    AMBC_LWIP_RAW_LOCK();
    n = tcp_sndbuf(r->pcb);
    if (n > len) {
        n = len;
    }
    if (n > 0xFFFFu) {
        n = 0xFFFFu;
    }
    /* tcp_write is all or nothing; a smaller piece may fit lwIP's segment and pbuf pools. */
    while (n > 0 && (e = tcp_write(r->pcb, data, (u16_t)n, TCP_WRITE_FLAG_COPY)) == ERR_MEM) {
        n /= 2;
    }
    if (e == ERR_OK) {
        (void)tcp_output(r->pcb); /* on failure lwIP's timers send it */
    }
    AMBC_LWIP_RAW_UNLOCK();
    if (e == ERR_OK) {
        return (long)n;
    }
    if (e == ERR_MEM) {
        return 0;
    }
    *st = e == ERR_CONN ? AMBC_ERR_NET_CLOSED : AMBC_ERR_NET_IO;
    return -1;
}

static ambc_status_t raw_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                              uint32_t timeout_ms)
{
    ambc_lwip_raw_t *r = ctx;
    uint32_t start = sys_now();
    bool polled = false;
    if (r == NULL || data == NULL || sent == NULL || len == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *sent = 0;
    for (;;) {
        ambc_status_t st = AMBC_OK;
        long n;
        if (r->pcb == NULL) {
            return (r->flags & F_ERROR) ? error_status(r) : AMBC_ERR_STATE;
        }
        n = write_some(r, data, len, &st);
        if (n > 0) {
            *sent = (size_t)n;
            return AMBC_OK;
        }
        if (n < 0) {
            return st;
        }
        if (polled && expired(start, timeout_ms)) {
            return AMBC_ERR_NET_TIMEOUT;
        }
        r->poll(r->poll_ctx); /* acknowledgements free the send buffer */
        polled = true;
    }
}

static ambc_status_t raw_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                              uint32_t timeout_ms)
{
    ambc_lwip_raw_t *r = ctx;
    uint32_t start = sys_now();
    bool polled = false;
    if (r == NULL || buf == NULL || received == NULL || cap == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *received = 0;
    if (r->pcb == NULL && !(r->flags & F_ERROR)) {
        return AMBC_ERR_STATE;
    }
    for (;;) {
        if (r->count > 0) {
            size_t n = ring_take(r, buf, cap);
            if (r->pcb != NULL) {
                AMBC_LWIP_RAW_LOCK();
                recved(r->pcb, n);
                window_announce(r, r->pcb);
                AMBC_LWIP_RAW_UNLOCK();
            }
            *received = n;
            return AMBC_OK;
        }
        if (r->flags & F_ERROR) {
            return error_status(r);
        }
        if (r->flags & F_FIN) {
            return AMBC_OK; /* *received == 0: end of stream */
        }
        if (polled && expired(start, timeout_ms)) {
            return AMBC_ERR_NET_TIMEOUT;
        }
        r->poll(r->poll_ctx);
        polled = true;
    }
}

static const ambc_stream_ops_t raw_ops = {raw_connect, raw_send, raw_recv, raw_close};

void ambc_lwip_raw_init(ambc_lwip_raw_t *r, uint8_t *ring, size_t ring_size, ambc_lwip_poll_fn poll,
                        void *poll_ctx)
{
    memset(r, 0, sizeof(*r));
    r->ring = ring;
    r->size = ring_size;
    r->poll = poll;
    r->poll_ctx = poll_ctx;
}

ambc_stream_t ambc_lwip_raw_stream(ambc_lwip_raw_t *r)
{
    ambc_stream_t s;
    s.ops = &raw_ops;
    s.ctx = r;
    return s;
}
