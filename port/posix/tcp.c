/* The POSIX TCP stream (ambc/posix.h): non-blocking BSD sockets, every wait bounded by poll. */
#include "ambc/posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Systems without MSG_NOSIGNAL (macOS) have SO_NOSIGPIPE instead, set on each socket. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static uint64_t now_ms(void)
{
    const ambc_clock_t *c = ambc_posix_clock();
    return c->now_ms(c->ctx);
}

static uint32_t ms_left(uint64_t deadline)
{
    uint64_t now = now_ms();
    /* deadline is now + a uint32_t timeout, so the difference always fits. */
    return now >= deadline ? 0u : (uint32_t)(deadline - now);
}

/* Waits for events on fd until the deadline: AMBC_OK ready, AMBC_ERR_NET_TIMEOUT, or
 * AMBC_ERR_NET_IO when poll failed. The loop re-polls after EINTR, and after an early
 * wake-up caused by the clock's millisecond rounding, so a timeout is never reported
 * before the deadline. */
static ambc_status_t wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        struct pollfd p;
        uint32_t left = ms_left(deadline);
        int rc;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        rc = poll(&p, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
        if (rc > 0) {
            return AMBC_OK;
        }
        if (rc == 0 && ms_left(deadline) == 0) {
            return AMBC_ERR_NET_TIMEOUT;
        }
        if (rc < 0 && errno != EINTR) {
            return AMBC_ERR_NET_IO;
        }
    }
}

static int would_block(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK;
}

/* send/recv errno on an established connection. ETIMEDOUT here is the kernel giving up
 * on the peer (retransmissions, keepalive): the connection is dead, not merely slow, so it
 * must not look like the retryable AMBC_ERR_NET_TIMEOUT. */
static ambc_status_t io_status(int err)
{
    if (err == ECONNRESET || err == EPIPE) {
        return AMBC_ERR_NET_CLOSED;
    }
    return AMBC_ERR_NET_IO;
}

/* connect errno: anything that says "this address cannot be reached" is a connect failure,
 * so the caller's retry policy treats it like a refusal; resource errors stay I/O errors. */
static ambc_status_t connect_status(int err)
{
    switch (err) {
    case ETIMEDOUT:
        return AMBC_ERR_NET_TIMEOUT;
    case ECONNREFUSED:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ECONNRESET:
    case ENETDOWN:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
        return AMBC_ERR_NET_CONNECT;
    default:
        return AMBC_ERR_NET_IO;
    }
}

/* Sets the options every ambc socket needs; returns 0 or -1 (errno set). */
static int configure_socket(int fd)
{
    int one = 1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -1;
    }
    /* A forked child (a CGI, a helper) must not inherit the connection. */
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        return -1;
    }
#ifdef SO_NOSIGPIPE
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one)) < 0) {
        return -1;
    }
#endif
    /* Latency only (requests go out in a few writes): a failure here is not worth failing
     * the connection for. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return 0;
}

/* After a non-blocking connect: wait for the outcome, then read it from SO_ERROR. */
static ambc_status_t finish_connect(int fd, uint64_t deadline)
{
    int err = 0;
    socklen_t len = sizeof(err);
    ambc_status_t st = wait_fd(fd, POLLOUT, deadline);
    if (st != AMBC_OK) {
        return st;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        return AMBC_ERR_NET_IO;
    }
    return err == 0 ? AMBC_OK : connect_status(err);
}

/* One address: on AMBC_OK t->fd holds the connected socket, otherwise nothing is left open. */
static ambc_status_t try_address(ambc_posix_tcp_t *t, const struct addrinfo *ai, uint64_t deadline)
{
    ambc_status_t st = AMBC_OK;
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        return connect_status(errno);
    }
    if (configure_socket(fd) < 0) {
        st = AMBC_ERR_NET_IO;
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        /* EINTR: POSIX says the connection then proceeds asynchronously, as with
         * EINPROGRESS, so both wait for the result the same way. */
        if (errno == EINPROGRESS || errno == EINTR) {
            st = finish_connect(fd, deadline);
        } else {
            st = connect_status(errno);
        }
    }
    if (st != AMBC_OK) {
        (void)close(fd);
        return st;
    }
    t->fd = fd;
    return AMBC_OK;
}

/* ---- name resolution bounded by the connect timeout ---------------------------------- */

/* getaddrinfo cannot be interrupted, and glibc's resolver waits resolv.conf's timeout times
 * its attempts (10 s by default) for a server that never answers. So a name is looked up in
 * a thread of its own while connect waits for it only until its deadline. The lookup's
 * state is on the heap and shared by reference count: a connect that stops waiting hands it
 * to the thread, which frees it (and the answer nobody wants) when getaddrinfo returns, so
 * the thread never touches the caller's memory. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC, as the deadline */
    int refs;            /* 2 while connect waits, 1 after either side let go */
    bool done;           /* getaddrinfo returned: rc and list are set */
    bool abandoned;      /* connect stopped waiting: the thread frees everything */
    int rc;
    struct addrinfo *list;
    char service[8];
    char host[]; /* a copy: the caller's string is only valid during connect */
} lookup_t;

/* Lookups connect gave up on that are still running (ambc_posix_lookups_pending). */
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t pending;

static void pending_add(int delta)
{
    (void)pthread_mutex_lock(&pending_lock);
    pending = delta > 0 ? pending + 1u : pending - 1u;
    (void)pthread_mutex_unlock(&pending_lock);
}

size_t ambc_posix_lookups_pending(void)
{
    size_t n;
    (void)pthread_mutex_lock(&pending_lock);
    n = pending;
    (void)pthread_mutex_unlock(&pending_lock);
    return n;
}

static int lookup(const char *host, const char *service, int flags, struct addrinfo **list)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on hosts with only loopback up. */
    hints.ai_flags = AI_NUMERICSERV | flags;
    return getaddrinfo(host, service, &hints, list);
}

static void lookup_free(lookup_t *l)
{
    if (l->list != NULL) {
        freeaddrinfo(l->list);
    }
    (void)pthread_cond_destroy(&l->cond);
    (void)pthread_mutex_destroy(&l->lock);
    free(l);
}

static void *lookup_main(void *arg)
{
    lookup_t *l = arg;
    struct addrinfo *list = NULL;
    int rc = lookup(l->host, l->service, 0, &list);
    bool abandoned;
    (void)pthread_mutex_lock(&l->lock);
    l->rc = rc;
    l->list = list;
    l->done = true;
    abandoned = l->abandoned; /* then connect has let go: this thread holds the last ref */
    l->refs--;
    (void)pthread_cond_signal(&l->cond);
    (void)pthread_mutex_unlock(&l->lock);
    if (abandoned) {
        lookup_free(l);
        pending_add(-1); /* last: a test that waits for 0 then finds nothing left */
    }
    return NULL;
}

static lookup_t *lookup_new(const char *host, const char *service)
{
    size_t len = strlen(host) + 1u;
    pthread_condattr_t ca;
    lookup_t *l = malloc(sizeof(*l) + len);
    if (l == NULL) {
        return NULL;
    }
    memset(l, 0, sizeof(*l));
    memcpy(l->host, host, len);
    (void)snprintf(l->service, sizeof(l->service), "%s", service);
    l->refs = 2;
    if (pthread_condattr_init(&ca) != 0) {
        free(l);
        return NULL;
    }
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&l->cond, &ca) != 0) {
        (void)pthread_condattr_destroy(&ca);
        free(l);
        return NULL;
    }
    (void)pthread_condattr_destroy(&ca);
    if (pthread_mutex_init(&l->lock, NULL) != 0) {
        (void)pthread_cond_destroy(&l->cond);
        free(l);
        return NULL;
    }
    return l;
}

/* A detached thread (nobody joins it; it never holds up exit) with every signal blocked, so
 * the application's signals go to its own threads. 0 or an errno. */
static int lookup_start(lookup_t *l)
{
    pthread_attr_t attr;
    pthread_t th;
    sigset_t all, old;
    int rc = pthread_attr_init(&attr);
    if (rc != 0) {
        return rc;
    }
    (void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    (void)sigfillset(&all);
    (void)pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&th, &attr, lookup_main, l);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    (void)pthread_attr_destroy(&attr);
    return rc;
}

/* Waits for the lookup until the deadline; on return connect no longer holds l. */
static ambc_status_t lookup_wait(lookup_t *l, uint64_t deadline, struct addrinfo **list)
{
    ambc_status_t st;
    bool last;
    struct timespec at;
    uint64_t now = now_ms();
    uint64_t left = deadline > now ? deadline - now : 0u;
    (void)clock_gettime(CLOCK_MONOTONIC, &at);
    at.tv_sec += (time_t)(left / 1000u);
    at.tv_nsec += (long)(left % 1000u) * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    (void)pthread_mutex_lock(&l->lock);
    while (!l->done) {
        /* 0 is a signal or a spurious wake-up: look again. Anything else ends the wait. */
        if (pthread_cond_timedwait(&l->cond, &l->lock, &at) != 0) {
            break;
        }
    }
    if (l->done) {
        st = (l->rc == 0 && l->list != NULL) ? AMBC_OK : AMBC_ERR_NET_RESOLVE;
        *list = l->list;
        l->list = NULL;
    } else {
        st = AMBC_ERR_NET_TIMEOUT;
        l->abandoned = true;
        pending_add(+1); /* before the thread can see abandoned and count it down */
    }
    l->refs--;
    last = l->refs == 0;
    (void)pthread_mutex_unlock(&l->lock);
    if (last) {
        lookup_free(l);
    }
    return st;
}

/* Resolves host for connect: a numeric address at once, a name in a lookup thread bounded
 * by the deadline. On AMBC_OK *list is getaddrinfo's list (freeaddrinfo it). */
static ambc_status_t resolve(const char *host, const char *service, uint64_t deadline,
                             struct addrinfo **list)
{
    lookup_t *l;
    int rc = lookup(host, service, AI_NUMERICHOST, list);
    if (rc == 0) {
        return *list != NULL ? AMBC_OK : AMBC_ERR_NET_RESOLVE;
    }
    if (rc != EAI_NONAME) {
        return AMBC_ERR_NET_RESOLVE;
    }
    l = lookup_new(host, service);
    if (l == NULL) {
        return AMBC_ERR_NET_IO;
    }
    if (lookup_start(l) != 0) {
        lookup_free(l);
        return AMBC_ERR_NET_IO; /* no thread to be had: out of resources */
    }
    return lookup_wait(l, deadline, list);
}

static size_t count_addresses(const struct addrinfo *ai)
{
    size_t n = 0;
    for (; ai != NULL; ai = ai->ai_next) {
        n++;
    }
    return n;
}

static void tcp_close(void *ctx)
{
    ambc_posix_tcp_t *t = ctx;
    if (t != NULL && t->fd >= 0) {
        /* Not retried on EINTR: on Linux the descriptor is gone either way. */
        (void)close(t->fd);
        t->fd = -1;
    }
}

static ambc_status_t tcp_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ambc_posix_tcp_t *t = ctx;
    struct addrinfo *list = NULL;
    const struct addrinfo *ai;
    char service[8];
    ambc_status_t st;
    uint64_t deadline;
    size_t remaining;

    if (t == NULL || host == NULL || host[0] == '\0' || port == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    tcp_close(t);
    deadline = now_ms() + timeout_ms;
    (void)snprintf(service, sizeof(service), "%u", (unsigned)port);
    st = resolve(host, service, deadline, &list);
    if (st != AMBC_OK) {
        return st;
    }
    st = AMBC_ERR_NET_CONNECT;
    remaining = count_addresses(list);
    for (ai = list; ai != NULL; ai = ai->ai_next, remaining--) {
        /* An equal share of what is left, so a silent address cannot use up the time of
         * the ones after it; the last address gets everything that remains. */
        st = try_address(t, ai, now_ms() + ms_left(deadline) / remaining);
        if (st == AMBC_OK) {
            break;
        }
    }
    freeaddrinfo(list);
    return st;
}

static ambc_status_t tcp_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                              uint32_t timeout_ms)
{
    ambc_posix_tcp_t *t = ctx;
    uint64_t deadline;
    if (t == NULL || data == NULL || sent == NULL || len == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *sent = 0;
    if (t->fd < 0) {
        return AMBC_ERR_STATE;
    }
    deadline = now_ms() + timeout_ms;
    for (;;) {
        ambc_status_t st;
        ssize_t n = send(t->fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            *sent = (size_t)n;
            return AMBC_OK;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && !would_block(errno)) {
            return io_status(errno);
        }
        st = wait_fd(t->fd, POLLOUT, deadline);
        if (st != AMBC_OK) {
            return st;
        }
    }
}

static ambc_status_t tcp_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                              uint32_t timeout_ms)
{
    ambc_posix_tcp_t *t = ctx;
    uint64_t deadline;
    if (t == NULL || buf == NULL || received == NULL || cap == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *received = 0;
    if (t->fd < 0) {
        return AMBC_ERR_STATE;
    }
    deadline = now_ms() + timeout_ms;
    for (;;) {
        ambc_status_t st;
        ssize_t n = recv(t->fd, buf, cap, 0);
        if (n >= 0) {
            *received = (size_t)n; /* 0: the peer's FIN, an orderly close */
            return AMBC_OK;
        }
        if (errno == EINTR) {
            continue;
        }
        if (!would_block(errno)) {
            return io_status(errno);
        }
        st = wait_fd(t->fd, POLLIN, deadline);
        if (st != AMBC_OK) {
            return st;
        }
    }
}

static const ambc_stream_ops_t tcp_ops = {tcp_connect, tcp_send, tcp_recv, tcp_close};

void ambc_posix_tcp_init(ambc_posix_tcp_t *t)
{
    t->fd = -1;
}

ambc_stream_t ambc_posix_tcp_stream(ambc_posix_tcp_t *t)
{
    ambc_stream_t s;
    s.ops = &tcp_ops;
    s.ctx = t;
    return s;
}
