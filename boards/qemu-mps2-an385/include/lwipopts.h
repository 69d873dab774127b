/*
 * lwIP options of ambc's QEMU mps2-an385 firmware: bare metal (NO_SYS=1), the raw TCP API
 * only, IPv4 with a static address, and every buffer in a static pool or lwIP's own static
 * heap array (never the C library's malloc).
 *
 * Sizing: one TLS connection at a time. The receive window (TCP_WND) is kept under the
 * LAN9118's RX data FIFO (about 10 KB in QEMU) so a full window fits even if the firmware is
 * busy in a public-key operation when it arrives; the ambc raw port announces no more than its
 * ring's free space (2 KB by default), which is what the server really gets.
 */
#ifndef AMBC_QEMU_LWIPOPTS_H
#define AMBC_QEMU_LWIPOPTS_H

#define NO_SYS          1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET     0
#define LWIP_NETCONN    0
#define LWIP_NETIF_API  0

/* Memory: static pools (memp) and lwIP's heap, which is a static array (mem.c). */
#define MEM_LIBC_MALLOC  0
#define MEMP_MEM_MALLOC  0
#define MEM_ALIGNMENT    4
#define MEM_SIZE         (4 * 1024)   /* TX segments copied by tcp_write: one TLS record */
#define MEMP_NUM_PBUF    8
#define MEMP_NUM_TCP_PCB 2            /* the connection, plus one in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG 16
#define MEMP_NUM_ARP_QUEUE 4
#define PBUF_POOL_SIZE   6             /* a full window (4 segments) plus ARP/ACK traffic */
#define PBUF_POOL_BUFSIZE 1536        /* one Ethernet frame per pool pbuf */

/* Protocols. */
#define LWIP_ARP        1
#define LWIP_ETHERNET   1
#define LWIP_IPV4       1
#define LWIP_IPV6       0
#define LWIP_ICMP       1
#define LWIP_RAW        0
#define LWIP_UDP        1             /* SNTP only: no DHCP, no DNS (numeric, static) */
#define MEMP_NUM_UDP_PCB 1
#define LWIP_DHCP       0
#define LWIP_DNS        0
#define LWIP_IGMP       0
#define LWIP_TCP        1
#define IP_REASSEMBLY   0
#define IP_FRAG         0
#define LWIP_SINGLE_NETIF 1

/* TCP. */
#define TCP_MSS         1460
#define TCP_WND         (4 * TCP_MSS)
#define TCP_SND_BUF     (2 * TCP_MSS) /* > one 2 KB TLS record (OUT) */
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_CALLBACK_API 1
#define LWIP_ALTCP      0

/* SNTP (lwIP's apps/sntp): wall-clock time for certificate dates, asked once at start-up;
 * wallclock.c takes the answer. Checks: the answer comes from the server asked (1) and echoes
 * our transmit timestamp (2), so an off-path reply must guess it. No start-up delay: the time is
 * wanted before the first handshake. */
#include <stdint.h>
void board_sntp_set_time(uint32_t sec, uint32_t us);
void board_sntp_get_time(uint32_t *sec, uint32_t *us);
#define SNTP_SET_SYSTEM_TIME_US(sec, us) board_sntp_set_time((uint32_t)(sec), (uint32_t)(us))
#define SNTP_GET_SYSTEM_TIME(sec, us)    board_sntp_get_time(&(sec), &(us))
#define SNTP_CHECK_RESPONSE  2
#define SNTP_STARTUP_DELAY   0
#define SNTP_SERVER_DNS      0
#define SNTP_MAX_SERVERS     1
#define SNTP_RETRY_TIMEOUT   1000   /* ms between requests while unanswered */
#define SNTP_UPDATE_DELAY    3600000
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1) /* SNTP's own timer */

/* Link callbacks and statistics. */
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK   0
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS  1
#define IP_STATS    1
#define TCP_STATS   1
#define MEM_STATS   1
#define MEMP_STATS  1
#define ETHARP_STATS 1

/* Checksums in software (the LAN9118 offload is off). */
#define CHECKSUM_GEN_IP   1
#define CHECKSUM_GEN_TCP  1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1


#endif /* AMBC_QEMU_LWIPOPTS_H */
