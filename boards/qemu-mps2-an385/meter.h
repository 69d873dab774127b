/*
 * A stream that measures another: the emulated time spent inside each operation and the bytes
 * that crossed it. The firmware wraps both the TCP stream (below TLS: bytes on the wire and the
 * time spent waiting for the network and in lwIP) and the TLS stream (what the client sees);
 * the difference of the two is mbedTLS's own work. Under QEMU's -icount, time is instructions.
 *
 * On the receive side it also follows the TLS record framing of the bytes (5-byte headers), to
 * count the records that arrived.
 */
#ifndef AMBC_FW_METER_H
#define AMBC_FW_METER_H

#include <stdint.h>

#include "ambc/port.h"

typedef struct {
    uint64_t connect_us; /**< time inside connect (for TLS: TCP connect and the handshake) */
    uint64_t send_us;
    uint64_t recv_us;
    uint64_t close_us; /**< for TLS: the close_notify */
    uint64_t sent;     /**< bytes */
    uint64_t received; /**< bytes */
    uint32_t connects;
    uint32_t records;     /**< TLS records received (only meaningful below TLS) */
    uint32_t app_records; /**< of which application data (content type 23) */
} meter_counts_t;

typedef struct {
    ambc_stream_t inner;
    meter_counts_t n;
    /** Called before (st = AMBC_ERR_BUSY) and after each connect (its status), or NULL. */
    void (*on_connect)(void *ctx, ambc_status_t st);
    void *on_connect_ctx;
    uint32_t hdr_pos;  /* position in the current record header (0..5), then in its body */
    uint32_t rec_left; /* body bytes of the current record still to come */
    uint8_t hdr[5];
} meter_t;

/** Wrap inner: the returned stream is inner, measured into m (which must outlive it). */
ambc_stream_t meter_wrap(meter_t *m, ambc_stream_t inner);

/** Total time inside any operation. */
uint64_t meter_total_us(const meter_counts_t *n);

#endif /* AMBC_FW_METER_H */
