/* What both flavours share on the host: lwIP's statistics as text, and waiting for the
 * kernel's side of the TAP device to come up. */
#include "net.h"

#include <string.h>
#include <time.h>

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
