/* What both flavours share on the host: their addresses from the command line, lwIP's
 * statistics as text, and waiting for the kernel's side of the TAP device to come up. */
#include "net.h"

#include <string.h>
#include <time.h>

#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#ifndef AMBC_LINUX_LWIPOPTS
#error "lwIP was configured with another lwipopts.h than boards/linux-lwip/lwipopts.h"
#endif
#if !LWIP_STATS || !MEM_STATS || !MEMP_STATS
#error "boards/linux-lwip reports lwIP's high-water marks: LWIP_STATS, MEM_STATS, MEMP_STATS"
#endif

/* Pool names from lwIP's own pool list (the X-macro lwIP uses to build memp_pools). */
static const char *const pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

static int parse_ip(const char *what, const char *text, ip4_addr_t *out)
{
    if (text == NULL || !ip4addr_aton(text, out)) {
        fprintf(stderr, "ambc-lwip: bad %s address: %s\n", what, text ? text : "(none)");
        return -1;
    }
    return 0;
}

int net_addresses(const net_config_t *cfg, ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
    ip4_addr_set_zero(gw);
    if (parse_ip("--ip", cfg->ip, ip) != 0 || parse_ip("--netmask", cfg->netmask, mask) != 0 ||
        (cfg->gateway != NULL && parse_ip("--gw", cfg->gateway, gw) != 0)) {
        return -1;
    }
    return 0;
}

int net_set_dns(const net_config_t *cfg)
{
    if (cfg->dns == NULL) {
        return 0;
    }
#if LWIP_DNS
    {
        ip_addr_t server;
        if (!ipaddr_aton(cfg->dns, &server)) {
            fprintf(stderr, "ambc-lwip: bad --dns address: %s\n", cfg->dns);
            return -1;
        }
        dns_setserver(0, &server);
        return 0;
    }
#else
    fputs("ambc-lwip: --dns given, but lwIP is built without LWIP_DNS\n", stderr);
    return -1;
#endif
}

void lwip_report(FILE *f)
{
    const struct stats_mem *heap = &lwip_stats.mem;
    int i;
    fprintf(f, "lwip: heap max %lu of %lu B, err %lu\n", (unsigned long)heap->max,
            (unsigned long)heap->avail, (unsigned long)heap->err);
    fputs("lwip: pools max/size err:", f);
    for (i = 0; i < (int)MEMP_MAX; i++) {
        const struct stats_mem *m = lwip_stats.memp[i];
        if (m != NULL) {
            fprintf(f, " %s %lu/%lu %lu", pool_names[i], (unsigned long)m->max,
                    (unsigned long)m->avail, (unsigned long)m->err);
        }
    }
    fputc('\n', f);
    fprintf(f,
            "lwip: link xmit %lu recv %lu drop %lu memerr %lu; tcp xmit %lu recv %lu err %lu "
            "drop %lu memerr %lu\n",
            (unsigned long)lwip_stats.link.xmit, (unsigned long)lwip_stats.link.recv,
            (unsigned long)lwip_stats.link.drop, (unsigned long)lwip_stats.link.memerr,
            (unsigned long)lwip_stats.tcp.xmit, (unsigned long)lwip_stats.tcp.recv,
            (unsigned long)lwip_stats.tcp.err, (unsigned long)lwip_stats.tcp.drop,
            (unsigned long)lwip_stats.tcp.memerr);
}

int tap_wait_up(const char *tap, unsigned timeout_ms)
{
    char path[96];
    char state[16];
    unsigned waited = 0;
    const struct timespec step = {0, 5 * 1000 * 1000};
    (void)snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", tap);
    for (;;) {
        FILE *f = fopen(path, "r");
        size_t n = 0;
        if (f != NULL) {
            n = fread(state, 1, sizeof(state) - 1, f);
            fclose(f);
        }
        state[n] = '\0';
        if (strncmp(state, "up", 2) == 0) {
            return 0;
        }
        if (waited >= timeout_ms) {
            fprintf(stderr, "ambc-lwip: %s did not come up (%s: %s)\n", tap, path,
                    n > 0 ? state : "unreadable");
            return -1;
        }
        (void)nanosleep(&step, NULL);
        waited += 5;
    }
}
