/**
 * @file ambc/lwip.h
 * @brief The lwIP ports: a TCP stream over lwIP sockets (NO_SYS=0) or over lwIP's raw API
 *        (NO_SYS=1), and a clock over lwIP's sys_now().
 *
 * Two flavours, one per kind of system, each a separate source file so a firmware compiles
 * only the one its lwIP supports:
 *
 * - sockets.c, for lwIP with an OS (NO_SYS=0, LWIP_SOCKET=1: ESP-IDF, STM32 + FreeRTOS):
 *   lwip_socket / lwip_connect / lwip_recv / lwip_send on a non-blocking socket, every wait
 *   bounded with lwip_select (or lwip_poll when the build has no select). Thread-safe the way
 *   lwIP sockets are: ambc may run in any thread.
 * - raw.c, for lwIP without an OS (NO_SYS=1: Raspberry Pi Pico W, bare metal): tcp_*
 *   callbacks. Received data is copied into a ring buffer the application provides, and the
 *   TCP window is reopened (tcp_recved) only as ambc consumes it. Every call that waits loops
 *   on the application's poll function, which drives lwIP (reads the network interface, runs
 *   sys_check_timeouts()), until data, close, error or the timeout.
 *
 * Neither allocates anything beyond lwIP's own pools and heap. TLS runs above either one as
 * port/mbedtls, unchanged (not lwIP's altcp_tls):
 *
 * @code
 * static uint8_t ring[CONFIG_AMBC_LWIP_RING_SIZE];
 * static ambc_lwip_raw_t tcp;
 * static ambc_clock_t clock;
 * static ambc_tls_t tls;
 * static ambc_client_t client;
 *
 * static void poll(void *ctx) { (void)ctx; cyw43_arch_poll(); }  // drives lwIP
 *
 * ambc_lwip_clock_init(&clock, poll, NULL, trng_u32, NULL);
 * ambc_lwip_raw_init(&tcp, ring, sizeof(ring), poll, NULL);
 * ambc_stream_t lower = ambc_lwip_raw_stream(&tcp);
 * ambc_tls_config_t tcfg = {.ca_pem = ca, .ca_pem_len = sizeof(ca), .clock = &clock};
 * ambc_tls_init(&tls, &lower, &tcfg);
 * ambc_client_options_t opt = {.api_key = key, .host = "203.0.113.7"};
 * ambc_client_init(&client, &opt, ambc_tls_stream(&tls), &clock);
 * @endcode
 *
 * Host names: both flavours take numeric IPv4/IPv6 addresses (ipaddr_aton) without any
 * resolver. Names are resolved only when lwIP is built with LWIP_DNS, by dns_gethostbyname
 * (a DNS server must be set: dns_setserver, or DHCP), and connect waits for the answer no
 * longer than its timeout (AMBC_ERR_NET_TIMEOUT). lwIP cannot cancel a query, so its answer
 * may come after connect stopped waiting: the port keeps each lookup's state in one of
 * AMBC_LWIP_DNS_SLOTS static slots (default 2: lookups that may wait at the same time; more
 * at once fail with AMBC_ERR_NET_IO), never in the caller's object, and drops late answers.
 * Without LWIP_DNS names fail with AMBC_ERR_NET_RESOLVE. When connecting to an address, give
 * TLS the certificate's name: ambc_tls_config_t.server_name.
 *
 * Timeout 0 (port.h's "is anything waiting?"): sockets.c looks at the socket with
 * lwip_recv and a zero-time select/poll, so it sees what lwIP's tcpip thread has already
 * handed to the socket; raw.c calls poll once, so lwIP takes in what the interface has, then
 * looks at the ring, the FIN and the error without waiting.
 *
 * Requirements on lwIP (2.1 or later; lwipopts.h): LWIP_TCP; for sockets.c LWIP_SOCKET and
 * LWIP_SOCKET_SELECT or LWIP_SOCKET_POLL; for raw.c, the raw API callbacks (LWIP_CALLBACK_API,
 * lwIP's default).
 */
#ifndef AMBC_LWIP_H
#define AMBC_LWIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/config.h"
#include "ambc/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Drives lwIP once and returns: reads what the network interface has received into lwIP and
 * runs lwIP's timers (sys_check_timeouts()). On a Pico W in poll mode, cyw43_arch_poll(); on
 * the Linux test host, one read of the TAP device. It may wait a little for input (a few
 * milliseconds: that is the granularity of every timeout), but never long. Called from the
 * thread that runs ambc, never from inside an lwIP callback.
 */
typedef void (*ambc_lwip_poll_fn)(void *ctx);

/* ---- sockets flavour (sockets.c; NO_SYS=0, LWIP_SOCKET=1) ------------------------------- */

/** One TCP connection over an lwIP socket. Owned by the application; one stream per object. */
typedef struct {
    int fd;   /**< the lwIP socket, non-blocking while open; -1 when closed */
    bool eof; /**< the peer's FIN was reported: recv keeps saying so (lwIP says it once) */
} ambc_lwip_sock_t;

/**
 * @brief Make s a closed connection, ready for connect.
 * @param s the connection; must not be NULL. Call once before first use (not while open).
 */
void ambc_lwip_sock_init(ambc_lwip_sock_t *s);

/**
 * @brief The stream (ops + ctx = s) that drives s.
 *
 * The operations behave as ambc/port.h says, with these specifics:
 *
 * connect(host, port, timeout_ms): a numeric address (ipaddr_aton), else, with LWIP_DNS,
 *   dns_gethostbyname started on the tcpip thread (tcpip_api_call) and its answer awaited on
 *   a semaphore within timeout_ms. A non-blocking lwip_connect, then a wait for the outcome;
 *   lookup and connection share timeout_ms. TCP_NODELAY is set. Closes any connection s had.
 *   Returns AMBC_OK; AMBC_ERR_INVALID_ARG (NULL or empty host, port 0);
 *   AMBC_ERR_NET_RESOLVE (not a numeric address and no DNS, no DNS server set, or the
 *   resolver answered that the name does not exist);
 *   AMBC_ERR_NET_CONNECT (reset/refused, unreachable, lwIP gave up on the SYN);
 *   AMBC_ERR_NET_TIMEOUT (timeout_ms ran out, resolving or connecting); AMBC_ERR_NET_IO (no
 *   socket, semaphore or DNS slot could be had: lwIP's pools are exhausted).
 *
 * send(data, len, sent, timeout_ms): one lwip_send, waiting for room in the send buffer.
 *   AMBC_OK with 1 <= *sent <= len; AMBC_ERR_NET_TIMEOUT (nothing could be written in time);
 *   AMBC_ERR_NET_CLOSED (the peer reset the connection); AMBC_ERR_NET_IO (any other error);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, len 0); AMBC_ERR_STATE (not connected).
 *
 * recv(buf, cap, received, timeout_ms): one lwip_recv, waiting for data (select/poll).
 *   AMBC_OK with *received >= 1 (bytes) or 0 (orderly close: the peer's FIN; every later
 *   recv says so again, although lwip_recv itself reports the FIN only once);
 *   AMBC_ERR_NET_TIMEOUT (nothing within timeout_ms; still usable); AMBC_ERR_NET_CLOSED (reset:
 *   data may be lost); AMBC_ERR_NET_IO (any other error, e.g. lwIP aborted the connection);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, cap 0); AMBC_ERR_STATE (not connected).
 *
 * close(): lwip_close; safe when closed and twice.
 *
 * @param s the connection (ctx of the stream); kept by the stream, so it must outlive it.
 * @return the stream; a value, copy it freely.
 */
ambc_stream_t ambc_lwip_sock_stream(ambc_lwip_sock_t *s);

/* ---- raw flavour (raw.c; NO_SYS=1) ------------------------------------------------------ */

struct tcp_pcb;

/**
 * One TCP connection over lwIP's raw API. Owned by the application; treat the fields as
 * private. RAM: sizeof(ambc_lwip_raw_t) plus the ring (CONFIG_AMBC_LWIP_RING_SIZE by
 * convention); lwIP's own TCP PCB, segments and pbufs come from lwIP's pools.
 */
typedef struct {
    struct tcp_pcb *pcb;    /**< the connection; NULL when closed or after lwIP freed it */
    uint8_t *ring;          /**< the caller's receive ring */
    size_t size;            /**< ring capacity, bytes */
    size_t head;            /**< offset of the oldest unread byte */
    size_t count;           /**< unread bytes in the ring */
    ambc_lwip_poll_fn poll; /**< drives lwIP while a call waits */
    void *poll_ctx;         /**< passed to poll */
    int err;                /**< lwIP err_t that ended the connection, 0 while none */
    uint32_t refused;       /**< segments the ring could not take (lwIP offers them again);
                                 0 while the window fits the ring, as it should */
    uint8_t flags;          /**< connection state bits (raw.c) */
} ambc_lwip_raw_t;

/**
 * @brief Make r a closed connection over the given ring, ready for connect.
 *
 * @param r         the connection; must not be NULL. Not while open (the PCB would leak).
 * @param ring      receive buffer, owned by the caller and used by r until r is closed for
 *                  good; must not be NULL. lwIP's pbufs are copied in as they arrive and
 *                  freed at once, so received data holds no lwIP memory while it waits.
 * @param ring_size its size in bytes, > 0; CONFIG_AMBC_LWIP_RING_SIZE by convention.
 *                  The TCP receive window is kept within the ring's free space, so the
 *                  server never sends more than fits and lwIP holds no received data for
 *                  ambc. A larger ring means fewer round trips: 2 * TCP_MSS (2920 bytes)
 *                  lets a sender keep full segments in flight. Window updates are sent as
 *                  soon as half the ring is free again, so even small rings keep data moving.
 * @param poll      drives lwIP (see ambc_lwip_poll_fn); must not be NULL.
 * @param poll_ctx  passed to poll.
 */
void ambc_lwip_raw_init(ambc_lwip_raw_t *r, uint8_t *ring, size_t ring_size, ambc_lwip_poll_fn poll,
                        void *poll_ctx);

/**
 * @brief The stream (ops + ctx = r) that drives r.
 *
 * Every call runs in the caller's thread and loops on poll until its outcome or its
 * timeout; lwIP's callbacks run inside poll and only record what happened in r. The
 * operations behave as ambc/port.h says, with these specifics:
 *
 * connect(host, port, timeout_ms): a numeric address (ipaddr_aton), else, with LWIP_DNS,
 *   dns_gethostbyname (answered from lwIP's cache, or awaited by polling within timeout_ms).
 *   tcp_new_ip_type, Nagle off, tcp_connect, then poll until connected, refused or the
 *   time is up; lookup and connection share timeout_ms. Closes any connection r had.
 *   Returns AMBC_OK; AMBC_ERR_INVALID_ARG (NULL or empty host, port 0);
 *   AMBC_ERR_NET_RESOLVE (not numeric and no DNS, no DNS server set, or the resolver
 *   answered that the name does not exist); AMBC_ERR_NET_CONNECT (reset/refused, no route,
 *   lwIP gave up on the SYN); AMBC_ERR_NET_TIMEOUT (timeout_ms ran out, resolving or
 *   connecting: the PCB is aborted); AMBC_ERR_NET_IO (no TCP PCB or DNS slot free).
 *
 * send(data, len, sent, timeout_ms): tcp_write (copied into lwIP's buffers) of as much as
 *   lwIP's send buffer takes, then tcp_output; polls while the buffer is full.
 *   AMBC_OK with 1 <= *sent <= len; AMBC_ERR_NET_TIMEOUT (no room within timeout_ms);
 *   AMBC_ERR_NET_CLOSED (the peer reset, or the connection is no longer open for sending);
 *   AMBC_ERR_NET_IO (lwIP aborted the connection, or another lwIP error);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, len 0); AMBC_ERR_STATE (not connected).
 *
 * recv(buf, cap, received, timeout_ms): bytes from the ring; the window reopens by what was
 *   taken (tcp_recved). Polls while the ring is empty. Bytes that arrived before a reset or
 *   a FIN are delivered first. AMBC_OK with *received >= 1 (bytes) or 0 (the peer's FIN);
 *   AMBC_ERR_NET_TIMEOUT (nothing within timeout_ms; still usable; with timeout_ms 0 lwIP is
 *   polled once); AMBC_ERR_NET_CLOSED (reset: data may be lost); AMBC_ERR_NET_IO (lwIP
 *   aborted the connection, e.g. after too many retransmissions); AMBC_ERR_INVALID_ARG
 *   (NULL pointer, cap 0); AMBC_ERR_STATE (not connected).
 *
 * close(): tcp_close (a FIN; a reset instead when unread data is still in the ring, as BSD
 *   sockets do); tcp_abort when lwIP cannot queue the FIN. Does not wait. Safe when closed
 *   and twice. The ring is free for the caller afterwards.
 *
 * Threads: raw.c calls lwIP from the caller's thread. With NO_SYS=1 and one thread that is
 * all it takes. Where lwIP runs in another context (Pico W "threadsafe background" mode, or
 * raw API over NO_SYS=0), compile raw.c with AMBC_LWIP_RAW_LOCK() / AMBC_LWIP_RAW_UNLOCK()
 * defined (e.g. as cyw43_arch_lwip_begin() / cyw43_arch_lwip_end(), or LOCK_TCPIP_CORE() /
 * UNLOCK_TCPIP_CORE()): every lwIP call is made between them, and poll is called outside.
 *
 * @param r the connection (ctx of the stream), set up by ambc_lwip_raw_init; must outlive it.
 * @return the stream; a value, copy it freely.
 */
ambc_stream_t ambc_lwip_raw_stream(ambc_lwip_raw_t *r);

/* ---- clock (clock.c; either flavour) ---------------------------------------------------- */

/**
 * @brief A clock over lwIP's sys_now().
 *
 * now_ms: sys_now() (a 32-bit millisecond counter) extended to 64 bits; monotonic as long as
 *   it is read at least once every 49 days (every ambc call does).
 * sleep_ms: waits by calling poll (when given) until the time has passed, so lwIP's timers and
 *   input keep running during retry backoff; without poll, sys_msleep() with NO_SYS=0, or a
 *   busy wait on sys_now() with NO_SYS=1.
 * random: rand(rand_ctx) when rand is given (use the device's hardware RNG). When rand is
 *   NULL: a xorshift32 generator seeded with a fixed constant mixed with sys_now() at init.
 *   It is NOT secure and barely random (two devices booted alike jitter alike): fine for
 *   retry jitter, which is all ambc uses it for, and nothing else.
 *
 * lwIP's clock is one per program, and so is this one: its settings live in clock.c, and a
 * second ambc_lwip_clock_init replaces the first's poll and rand (clock->ctx points to them).
 *
 * @param clock    filled in; must not be NULL. Keep it alive while a client or TLS uses it.
 * @param poll     drives lwIP while sleeping (see ambc_lwip_poll_fn), or NULL.
 * @param poll_ctx passed to poll.
 * @param rand     32 random bits per call, or NULL for the insecure built-in generator.
 * @param rand_ctx passed to rand.
 */
void ambc_lwip_clock_init(ambc_clock_t *clock, ambc_lwip_poll_fn poll, void *poll_ctx,
                          uint32_t (*rand)(void *), void *rand_ctx);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_LWIP_H */
