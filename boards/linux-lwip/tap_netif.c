/* A polled TAP network interface for lwIP with NO_SYS=1 (tap_netif.h). */
#include "tap_netif.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#define FRAME_MAX 1518 /* Ethernet with a VLAN tag, without the CRC */

static err_t tap_output(struct netif *netif, struct pbuf *p)
{
    const tap_netif_t *t = netif->state;
    uint8_t frame[FRAME_MAX];
    ssize_t n;
    if (p->tot_len > sizeof(frame)) {
        LINK_STATS_INC(link.lenerr);
        return ERR_IF;
    }
    (void)pbuf_copy_partial(p, frame, p->tot_len, 0);
    n = write(t->fd, frame, p->tot_len);
    if (n != (ssize_t)p->tot_len) {
        LINK_STATS_INC(link.err);
        return ERR_IF;
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

err_t tap_netif_init(struct netif *netif)
{
    tap_netif_t *t = netif->state;
    struct ifreq ifr;
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0) {
        perror("tap_netif: /dev/net/tun");
        return ERR_IF;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    (void)snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        perror("tap_netif: TUNSETIFF");
        (void)close(t->fd);
        t->fd = -1;
        return ERR_IF;
    }
    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->output = etharp_output;
    netif->linkoutput = tap_output;
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, t->mac, 6);
    netif->flags =
        NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

/* One frame from the device into lwIP: 1 read, 0 nothing waiting, -1 device error. */
static int input_one(struct netif *netif, const tap_netif_t *t)
{
    uint8_t frame[FRAME_MAX];
    struct pbuf *p;
    ssize_t n = read(t->fd, frame, sizeof(frame));
    if (n < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    }
    if (n == 0) {
        return 0;
    }
    p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
    if (p == NULL) {
        LINK_STATS_INC(link.memerr);
        LINK_STATS_INC(link.drop); /* as a NIC does when its RX ring is full: TCP retransmits */
        return 1;
    }
    (void)pbuf_take(p, frame, (u16_t)n);
    LINK_STATS_INC(link.recv);
    if (netif->input(p, netif) != ERR_OK) {
        pbuf_free(p);
    }
    return 1;
}

int tap_netif_poll(struct netif *netif, uint32_t wait_ms)
{
    const tap_netif_t *t = netif->state;
    struct pollfd pfd;
    int frames = 0;
    pfd.fd = t->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, wait_ms > 1000u ? 1000 : (int)wait_ms) < 0 && errno != EINTR) {
        return -1;
    }
    /* Bounded, so a flood cannot keep lwIP's timers from running. */
    while (frames < 64) {
        int r = input_one(netif, t);
        if (r <= 0) {
            return r < 0 ? -1 : frames;
        }
        frames++;
    }
    return frames;
}
