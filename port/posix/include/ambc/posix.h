/**
 * @file ambc/posix.h
 * @brief The POSIX port: a TCP stream over BSD sockets and a monotonic clock.
 *
 * For Linux (and other POSIX systems with getaddrinfo and poll). Both objects are
 * implementations of the contract in ambc/port.h; this header only adds how to make them.
 *
 * @code
 * ambc_posix_tcp_t tcp;
 * ambc_posix_tcp_init(&tcp);
 * ambc_stream_t s = ambc_posix_tcp_stream(&tcp);
 * ambc_status_t st = s.ops->connect(s.ctx, "localhost", 8080, 5000);
 * ...
 * s.ops->close(s.ctx);
 * @endcode
 *
 * Signals: no call here ever raises SIGPIPE (MSG_NOSIGNAL on send, SO_NOSIGPIPE where the
 * system has it), so an application need not ignore SIGPIPE. Calls interrupted by a signal
 * (EINTR) are restarted with the time that is left.
 */
#ifndef AMBC_POSIX_H
#define AMBC_POSIX_H

#include "ambc/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One TCP connection. Owned by the application; one stream per object. */
typedef struct {
    int fd; /**< the socket, non-blocking while open; -1 when closed */
} ambc_posix_tcp_t;

/**
 * @brief Make t a closed TCP connection, ready for connect.
 * @param t the connection; must not be NULL. Call once before first use (not while open:
 *          the socket would leak).
 */
void ambc_posix_tcp_init(ambc_posix_tcp_t *t);

/**
 * @brief The stream (ops + ctx = t) that drives t.
 *
 * The operations behave as ambc/port.h says, with these specifics:
 *
 * connect(host, port, timeout_ms): resolves host with getaddrinfo (IPv4 and IPv6, in the
 *   resolver's order) and tries each address in turn. A numeric address is converted at
 *   once. A name is looked up in a detached thread of the port's own, and connect waits for
 *   the answer no longer than timeout_ms: a resolver that never answers costs the timeout,
 *   not resolv.conf's timeout times its attempts. A lookup connect gave up on goes on in its
 *   thread until getaddrinfo returns, then frees everything itself; it holds nothing of the
 *   caller's (the name is copied), and its thread does not hold up the process's exit.
 *   Memory: one heap block per name lookup (about 100 bytes plus the name) and a thread,
 *   both gone when getaddrinfo returns. All address attempts share the one
 *   timeout: each gets an equal share of the time still left (the last gets all of it),
 *   so one black-holed address cannot starve the others. The socket is non-blocking from
 *   then on, with TCP_NODELAY set (requests are written in a few pieces and should leave
 *   at once). Closes any connection t already had.
 *   Returns AMBC_OK; AMBC_ERR_INVALID_ARG (NULL or empty host, port 0);
 *   AMBC_ERR_NET_RESOLVE (getaddrinfo answered: no such name, or it failed);
 *   AMBC_ERR_NET_TIMEOUT (the time ran out: while resolving the name, or connecting, or the
 *   kernel gave up on the SYN); AMBC_ERR_NET_CONNECT (refused, unreachable, or no address
 *   could be tried); AMBC_ERR_NET_IO (socket() or setsockopt failed, or no memory or thread
 *   for a lookup could be had: lack of resources). When several addresses fail, the status
 *   of the last one is returned.
 *
 * send(data, len, sent, timeout_ms): one send(2), waiting with poll for the socket to be
 *   writable. AMBC_OK with 1 <= *sent <= len; AMBC_ERR_NET_TIMEOUT (nothing written in
 *   time); AMBC_ERR_NET_CLOSED (EPIPE, ECONNRESET); AMBC_ERR_NET_IO (any other errno);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, len 0); AMBC_ERR_STATE (not connected).
 *
 * recv(buf, cap, received, timeout_ms): one recv(2), waiting with poll for data. With
 *   timeout_ms 0 a non-blocking recv(2) and a poll of 0 ms: only what the kernel already
 *   holds (port.h's "is anything waiting?").
 *   AMBC_OK with *received >= 1 (bytes) or *received == 0 (orderly close: the peer's FIN);
 *   AMBC_ERR_NET_TIMEOUT (nothing within timeout_ms; still usable);
 *   AMBC_ERR_NET_CLOSED (ECONNRESET: the peer aborted, data may be lost);
 *   AMBC_ERR_NET_IO (any other errno); AMBC_ERR_INVALID_ARG (NULL pointer, cap 0);
 *   AMBC_ERR_STATE (not connected).
 *
 * close(): closes the socket; safe when closed and twice.
 *
 * @param t the connection (ctx of the stream); kept by the stream, so it must outlive it.
 * @return the stream; a value, copy it freely.
 */
ambc_stream_t ambc_posix_tcp_stream(ambc_posix_tcp_t *t);

/**
 * @brief How many name lookups connect gave up on (AMBC_ERR_NET_TIMEOUT) are still running.
 *
 * Each ends by itself when the system resolver answers or gives up (resolv.conf "timeout"
 * times "attempts"), and frees what it holds. A program need not wait for them: their
 * threads are detached and do not hold up exit. This is for tests (no leak once they are
 * done) and for a program that wants to leave nothing running, e.g. before a fork.
 *
 * @return the number of such lookups now; thread-safe.
 */
size_t ambc_posix_lookups_pending(void);

/**
 * @brief The POSIX clock: a static object, valid for the life of the program.
 *
 * now_ms: CLOCK_MONOTONIC in milliseconds (unaffected by changes to the wall clock).
 * sleep_ms: nanosleep, restarted with the remaining time when a signal interrupts it.
 * random: 32 bits from getrandom(2) (without blocking), else /dev/urandom, else (neither
 *   available) a mix of the clock and a counter: enough for backoff jitter, which is all
 *   this is for. ctx is NULL.
 *
 * @return a pointer to the clock; never NULL; owned by this port (do not free).
 */
const ambc_clock_t *ambc_posix_clock(void);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_POSIX_H */
