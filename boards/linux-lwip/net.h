/*
 * What main.c needs from an lwIP flavour: bring lwIP up on a TAP device and hand over the TCP
 * stream and clock to run ambc on (net_sockets.c for NO_SYS=0, net_raw.c for NO_SYS=1).
 */
#ifndef AMBC_LINUX_LWIP_NET_H
#define AMBC_LINUX_LWIP_NET_H

#include <stdint.h>
#include <stdio.h>

#include "ambc/port.h"
#include "lwip/ip4_addr.h"

typedef struct {
    const char *tap; /* an existing TAP device, e.g. made with `ip tuntap add` */
    const char *ip;  /* lwIP's own address */
    const char *netmask;
    const char *gateway;      /* may be NULL */
    const char *dns;          /* lwIP's DNS server, or NULL: names then fail to resolve */
    uint32_t (*rand)(void *); /* jitter source for the clock */
} net_config_t;

/* The flavour's name, for messages: "sockets" or "raw". */
extern const char net_flavour[];

/* Brings lwIP up; on success *tcp and *clock are ready (valid for the life of the program).
 * Returns 0, or -1 after printing why. */
int net_up(const net_config_t *cfg, ambc_stream_t *tcp, const ambc_clock_t **clock);

/* Writes lwIP's statistics (heap and pool high-water marks, TCP counters) and the port's RAM
 * to f, under lwIP's lock where there is one. */
void net_report(FILE *f);

/* Shared by both flavours (host.c). The configuration's addresses (the gateway 0.0.0.0 when
 * absent); 0, or -1 after printing which one is bad. */
int net_addresses(const net_config_t *cfg, ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw);

/* The DNS server of the configuration into lwIP (dns_setserver), when one is given and lwIP
 * has DNS; call where lwIP may be called (under the core lock with NO_SYS=0). 0, or -1 after
 * printing why. */
int net_set_dns(const net_config_t *cfg);

/* The statistics part of net_report: */
void lwip_report(FILE *f);

/* Waits until the kernel has brought its side of the TAP device up after lwIP attached to it
 * (Linux activates the queue up to a second later and drops frames until then; lwIP would
 * then wait a second to repeat its first ARP request). 0, or -1 after printing why. */
int tap_wait_up(const char *tap, unsigned timeout_ms);

#endif /* AMBC_LINUX_LWIP_NET_H */
