/*
 * A polled lwIP netif driver for the SMSC LAN9118 Ethernet controller, as QEMU's
 * mps2-an385 maps it at 0x40200000 (`-net nic,model=lan9118`). No interrupts: the
 * application calls lan9118_poll() from its lwIP poll loop.
 */
#ifndef AMBC_LAN9118_H
#define AMBC_LAN9118_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

/** Where the controller's registers are on mps2-an385. */
#define LAN9118_BASE 0x40200000u

/** Driver counters (lwIP's own LINK_STATS count the same events when LWIP_STATS is on). */
typedef struct {
    uint32_t rx_frames;  /**< frames handed to lwIP */
    uint32_t tx_frames;  /**< frames written to the TX FIFO */
    uint32_t rx_dropped; /**< bad status, bad length, no pbuf, or lwIP refused */
    uint32_t tx_errors;  /**< frames too long, TX FIFO full, or an error in their TX status */
} lan9118_stats_t;

/**
 * netif_add() init callback: reset and check the chip (BYTE_TEST, ID_REV), read the MAC
 * address the chip holds, start the transmitter and receiver, fill in the netif.
 * @return ERR_OK; ERR_IF when no LAN9118 answers at LAN9118_BASE or it does not come out
 *         of reset.
 */
err_t lan9118_netif_init(struct netif *netif);

/** Move every received frame from the RX FIFOs into lwIP (netif->input). Never blocks. */
void lan9118_poll(struct netif *netif);

/** Counters since lan9118_netif_init. */
const lan9118_stats_t *lan9118_stats(void);

#endif /* AMBC_LAN9118_H */
