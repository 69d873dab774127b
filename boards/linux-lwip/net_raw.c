/* lwIP without an OS (NO_SYS=1): one thread, the application polls the TAP device and lwIP's
 * timers, and ambc runs over lwIP's raw API (port/lwip/raw.c) with a ring buffer. */
#include "net.h"

#include "ambc/lwip.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "tap_netif.h"

#if !NO_SYS
#error "net_raw.c is the NO_SYS=1 flavour"
#endif

/* The longest a poll waits for a frame: the granularity of every timeout, and the CPU cost
 * of waiting (a device's poll does not wait at all; cyw43_arch_poll returns at once). */
#define POLL_WAIT_MS 2u

const char net_flavour[] = "raw";

static struct netif nif;
static tap_netif_t tap = {NULL, -1, {0x02, 0x00, 0x5e, 0xa3, 0xbc, 0x01}};
static uint8_t ring[CONFIG_AMBC_LWIP_RING_SIZE];
static ambc_lwip_raw_t raw;
static ambc_clock_t clock_;

/* What cyw43_arch_poll() is on a Pico W: network input, then lwIP's timers. */
static void poll_lwip(void *ctx)
{
    struct netif *n = ctx;
    uint32_t wait = sys_timeouts_sleeptime();
    (void)tap_netif_poll(n, wait < POLL_WAIT_MS ? wait : POLL_WAIT_MS);
    sys_check_timeouts();
}

int net_up(const net_config_t *cfg, ambc_stream_t *tcp, const ambc_clock_t **clock)
{
    ip4_addr_t ip, mask, gw;
    if (net_addresses(cfg, &ip, &mask, &gw) != 0) {
        return -1;
    }
    lwip_init();
    tap.name = cfg->tap;
    if (netif_add(&nif, &ip, &mask, &gw, &tap, tap_netif_init, ethernet_input) == NULL) {
        fprintf(stderr, "ambc-lwip: cannot attach TAP device %s\n", cfg->tap);
        return -1;
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    if (net_set_dns(cfg) != 0 || tap_wait_up(cfg->tap, 3000) != 0) {
        return -1;
    }
    ambc_lwip_raw_init(&raw, ring, sizeof(ring), poll_lwip, &nif);
    *tcp = ambc_lwip_raw_stream(&raw);
    ambc_lwip_clock_init(&clock_, poll_lwip, &nif, cfg->rand, NULL);
    *clock = &clock_;
    return 0;
}

void net_report(FILE *f)
{
    lwip_report(f);
    fprintf(f, "lwip: port RAM sizeof(ambc_lwip_raw_t) %zu B + ring %zu B = %zu B\n",
            sizeof(ambc_lwip_raw_t), sizeof(ring), sizeof(ambc_lwip_raw_t) + sizeof(ring));
    /* TCP_WND is larger than the ring: the port's window keeps the server within the ring */
    fprintf(f, "lwip: ring %zu B < TCP_WND %u B, segments refused %lu\n", sizeof(ring),
            (unsigned)TCP_WND, (unsigned long)raw.refused);
}
