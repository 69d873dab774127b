/**
 * @file port.h
 * @brief The port contract: a byte stream and a clock. The only way ambc touches the world.
 *
 * A port is a table of functions plus the context they run on. core/ calls nothing else:
 * POSIX sockets (port/posix), lwIP (port/lwip), TLS (port/mbedtls, itself a stream that
 * wraps another stream) and a modem with hardware TLS all plug in here.
 *
 * Ownership: the stream's context (`ctx`) belongs to the application, which keeps it alive
 * and unshared for as long as a client uses the stream. Buffers passed to send/recv belong
 * to the caller and are used only during the call; a port keeps no pointer to them.
 *
 * Time: every call that can wait takes a timeout in milliseconds and must return within
 * it (plus the port's scheduling slack). Nothing blocks forever: that includes resolving a
 * host name in connect. A timeout of 0 means "do not wait": return what is possible now
 * (for recv, exactly what the "timeout 0" paragraph below says).
 *
 * Threads: ambc calls a stream from one thread at a time; a port need not be reentrant.
 */
#ifndef AMBC_PORT_H
#define AMBC_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A connected byte stream (TCP, or TLS over TCP, or anything that carries bytes in order).
 *
 * connect: open a connection to host:port (host is a name or a numeric address,
 *   NUL-terminated, read during the call only). Must finish, fail or time out within
 *   timeout_ms, name resolution included; for TLS that also includes the handshake and
 *   certificate verification. A name that could not be resolved in time is
 *   AMBC_ERR_NET_TIMEOUT; one the resolver answered "no such name" (or failed) is
 *   AMBC_ERR_NET_RESOLVE.
 *   Returns AMBC_OK; AMBC_ERR_NET_RESOLVE; AMBC_ERR_NET_CONNECT; AMBC_ERR_NET_TIMEOUT;
 *   for TLS also AMBC_ERR_TLS_* (VERIFY, HOSTNAME, EXPIRED, HANDSHAKE, CA, SETUP).
 *   On failure the stream is left closed.
 *
 * send: write up to len bytes; *sent receives how many were taken (>= 1 on AMBC_OK).
 *   Returns AMBC_OK; AMBC_ERR_NET_TIMEOUT if no byte could be written within timeout_ms;
 *   AMBC_ERR_NET_CLOSED if the peer has gone; AMBC_ERR_NET_IO / AMBC_ERR_TLS_IO otherwise.
 *   A port must never raise a signal (SIGPIPE) for a closed peer.
 *
 * recv: read up to cap bytes into buf. The four outcomes are distinct:
 *   - bytes:          AMBC_OK with *received >= 1;
 *   - orderly close:  AMBC_OK with *received == 0 (the peer finished sending: end of stream,
 *                     which is how a close-delimited HTTP body ends — not a timeout);
 *   - timeout:        AMBC_ERR_NET_TIMEOUT (nothing arrived within timeout_ms; the stream
 *                     is still usable);
 *   - error:          AMBC_ERR_NET_IO, AMBC_ERR_TLS_IO, or AMBC_ERR_NET_CLOSED for an
 *                     abortive close (reset), which may have lost data.
 *
 *   timeout_ms == 0 ("is anything waiting?"): do not wait at all, not even for lower layers
 *   or a network stack to catch up; report only what has already arrived at this stream.
 *   The client asks this before it reuses a kept-alive connection, and reuses the
 *   connection only on AMBC_ERR_NET_TIMEOUT:
 *   - AMBC_ERR_NET_TIMEOUT if and only if nothing is pending: no byte, no close, no error;
 *   - pending bytes:  AMBC_OK with *received >= 1 (they are consumed, as in any recv);
 *   - a pending orderly close (FIN): AMBC_OK with *received == 0;
 *   - a pending reset or error: its usual status (AMBC_ERR_NET_CLOSED, AMBC_ERR_NET_IO, ...).
 *   A stream with framing of its own (TLS records) that holds part of a unit but not all
 *   of it (a record has begun to arrive) is not idle, yet has no byte it could return:
 *   it returns an error (AMBC_ERR_TLS_IO for TLS) rather than AMBC_ERR_NET_TIMEOUT. The
 *   caller then discards the stream; nothing is lost that a new connection would not redo.
 *
 * close: release the connection; safe to call when not connected, and twice.
 */
typedef struct {
    /** Open a connection to host:port within timeout_ms (see above). */
    ambc_status_t (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
    /** Write up to len bytes; *sent receives how many were taken (see above). */
    ambc_status_t (*send)(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                          uint32_t timeout_ms);
    /** Read up to cap bytes: bytes, orderly close, timeout or error (see above). */
    ambc_status_t (*recv)(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                          uint32_t timeout_ms);
    /** Release the connection; safe when not connected, and twice. */
    void (*close)(void *ctx);
} ambc_stream_ops_t;

/** A stream: the operations and the context they act on. Both owned by the application. */
typedef struct {
    const ambc_stream_ops_t *ops; /**< the operations; static in every port */
    void *ctx;                    /**< passed to every operation: the port's connection object */
} ambc_stream_t;

/**
 * The clock and randomness.
 *
 * now_ms:  monotonic milliseconds (never goes back; any origin).
 * sleep_ms: wait about ms milliseconds (used between retries only).
 * random:  32 random bits for backoff jitter. Need not be cryptographic: TLS takes its
 *          entropy from its own source.
 */
typedef struct {
    uint64_t (*now_ms)(void *ctx);            /**< monotonic milliseconds */
    void (*sleep_ms)(void *ctx, uint32_t ms); /**< wait about ms milliseconds */
    uint32_t (*random)(void *ctx);            /**< 32 random bits, for jitter */
    void *ctx;                                /**< passed to the three */
} ambc_clock_t;

/**
 * @brief Write all of data, looping over partial sends, within timeout_ms in total.
 * @param s          the stream, connected.
 * @param clock      measures the time spent.
 * @param data       len bytes, read during the call only.
 * @param len        bytes to write; 0 writes nothing and returns AMBC_OK.
 * @param timeout_ms the time all of it may take.
 * @retval AMBC_ERR_INVALID_ARG s, its ops or clock NULL, or data NULL with len > 0.
 * @retval AMBC_OK every byte was taken by the stream.
 * @retval AMBC_ERR_NET_TIMEOUT the whole buffer could not be written in time.
 * @retval AMBC_ERR_NET_IO the stream's send failed so, or broke the contract (took 0 bytes, or
 *         more than it was given).
 * @return Also any other error of the stream's send (AMBC_ERR_NET_CLOSED, AMBC_ERR_TLS_IO,
 *         ...), as it returned it.
 */
ambc_status_t ambc_stream_send_all(const ambc_stream_t *s, const ambc_clock_t *clock,
                                   const uint8_t *data, size_t len, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_PORT_H */
