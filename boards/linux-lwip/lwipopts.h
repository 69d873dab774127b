/*
 * lwIP options for ambc's lwIP programs on Linux (boards/linux-lwip), chosen as a device would
 * choose them: lwIP's own static heap and pools (never the C library's allocator), IPv4 on
 * Ethernet, TCP sized for one TLS connection at a time, statistics on for the high-water
 * marks. Also the options the Cortex-M size build of port/lwip uses.
 *
 * One file, two configurations; the build passes NO_SYS:
 *   NO_SYS=0  ambc-lwip-sockets: tcpip thread, sockets API, Debian's unix sys_arch + tapif
 *   NO_SYS=1  ambc-lwip-raw:     raw API only, polled from the application's loop
 *
 * The lwIP sources are Debian's source package, built with these options (not the
 * liblwip-dev binary, whose MEMP sizing disagrees with pbuf.c: platforms.md). Nothing here
 * includes a system networking header, so glibc's <netinet/tcp.h> can never redefine TCP_MSS.
 */
#ifndef AMBC_LINUX_LWIP_LWIPOPTS_H
#define AMBC_LINUX_LWIP_LWIPOPTS_H

/* main.c checks this, so Debian's own port/include/lwipopts.h cannot win by include order. */
#define AMBC_LINUX_LWIPOPTS 1

#ifndef NO_SYS
#define NO_SYS 0
#endif

/* ---- memory: static heap and pools only ---- */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_USE_POOLS   0
#if defined(__LP64__)
#define MEM_ALIGNMENT 8
#else
#define MEM_ALIGNMENT 4
#endif
#define MEM_SIZE                (16 * 1024) /* TX segments (TCP_WRITE_FLAG_COPY), netif state */
#define MEMP_NUM_PBUF           16
#define MEMP_NUM_RAW_PCB        0
#define MEMP_NUM_UDP_PCB        2 /* DNS */
#define MEMP_NUM_TCP_PCB        4
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG        24
#define MEMP_NUM_REASSDATA      2
#define MEMP_NUM_ARP_QUEUE      4
#define PBUF_POOL_SIZE          16 /* RX frames */

/* ---- protocols ---- */
#define LWIP_IPV4     1
#define LWIP_IPV6     0
#define LWIP_ARP      1
#define LWIP_ETHERNET 1
#define ARP_QUEUEING  0 /* lwIP still keeps the latest packet per unresolved address */
#define LWIP_ICMP     1
#define LWIP_RAW      0
#define LWIP_UDP      1
#define LWIP_DHCP     0 /* static addresses in the test's own namespace */
#define LWIP_AUTOIP   0
#define LWIP_IGMP     0
#ifndef LWIP_DNS   /* tests/lwip/cross_size.sh also builds the ports without it */
#define LWIP_DNS 1 /* compiled in (names work when a server is set); the tests use addresses */
#endif
#define DNS_TABLE_SIZE             2
#define DNS_MAX_NAME_LENGTH        128
#define LWIP_TCP                   1
#define TCP_MSS                    1460
#define TCP_WND                    (4 * TCP_MSS)
#define TCP_SND_BUF                (4 * TCP_MSS)
#define TCP_SND_QUEUELEN           ((4 * TCP_SND_BUF + (TCP_MSS - 1)) / TCP_MSS)
#define TCP_QUEUE_OOSEQ            1
#define LWIP_TCP_KEEPALIVE         0
#define LWIP_NETIF_TX_SINGLE_PBUF  0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK   0
#define LWIP_HAVE_LOOPIF           0
#define LWIP_NETIF_LOOPBACK        0

/* ---- APIs ---- */
#if NO_SYS
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0
#define SYS_LIGHTWEIGHT_PROT 0
#else
#define LWIP_SOCKET                 1
#define LWIP_NETCONN                1
#define LWIP_COMPAT_SOCKETS         0 /* only lwip_* names: no clash with the C library's socket() */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#ifndef LWIP_SOCKET_SELECT /* cross_size.sh also builds sockets.c with lwip_poll only */
#define LWIP_SOCKET_SELECT 1
#endif
#define LWIP_SOCKET_POLL               1
#define LWIP_TCPIP_CORE_LOCKING        1
#define SYS_LIGHTWEIGHT_PROT           1
#define TCPIP_MBOX_SIZE                16
#define DEFAULT_TCP_RECVMBOX_SIZE      16
#define DEFAULT_UDP_RECVMBOX_SIZE      4
#define DEFAULT_RAW_RECVMBOX_SIZE      4
#define DEFAULT_ACCEPTMBOX_SIZE        4
#define MEMP_NUM_NETCONN               4
#define MEMP_NUM_NETBUF                4
#define MEMP_NUM_TCPIP_MSG_API         8
#define MEMP_NUM_TCPIP_MSG_INPKT       16
/* Debian's source package patches sockets.c to call these, and defines them only in its
 * external (GNU Hurd) socket headers. lwIP's own struct sockaddr has the length byte. */
#define IP4ADDR_SOCKADDR_SET_LEN(sin)  ((sin)->sin_len = (u8_t)sizeof(struct sockaddr_in))
#define IP6ADDR_SOCKADDR_SET_LEN(sin6) ((sin6)->sin6_len = (u8_t)sizeof(struct sockaddr_in6))
#define IPADDR_SOCKADDR_GET_LEN(addr)  ((addr)->sa.sa_len)
#endif

/* ---- statistics: the high-water marks the test reports ---- */
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS          1
#define MEMP_STATS         1
#define LINK_STATS         1
#define TCP_STATS          1
#define SYS_STATS          (!NO_SYS)

#endif /* AMBC_LINUX_LWIP_LWIPOPTS_H */
