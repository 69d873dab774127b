/*
 * A polled TAP network interface for lwIP with NO_SYS=1: the Linux stand-in for a device's
 * Ethernet or Wi-Fi driver (ambc-lwip-raw). Frames are read only when the application polls,
 * as cyw43_arch_poll() does on a Pico W. (The sockets build uses Debian's tapif.c, which reads
 * in its own thread.)
 */
#ifndef AMBC_TAP_NETIF_H
#define AMBC_TAP_NETIF_H

#include <stdint.h>

#include "lwip/netif.h"

/** Driver state; netif->state points to it. name: an existing TAP device (ip tuntap add). */
typedef struct {
    const char *name;
    int fd;
    uint8_t mac[6];
} tap_netif_t;

/** netif_add() init function: opens the TAP device named in the tap_netif_t given as state. */
err_t tap_netif_init(struct netif *netif);

/** Waits up to wait_ms for frames, then hands every waiting frame to netif->input.
 *  Returns the number of frames read, or -1 when the device failed. */
int tap_netif_poll(struct netif *netif, uint32_t wait_ms);

#endif /* AMBC_TAP_NETIF_H */
