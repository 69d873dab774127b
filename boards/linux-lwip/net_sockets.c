/* lwIP with an OS (NO_SYS=0): the tcpip thread, Debian's unix port (pthreads sys_arch, tapif
 * with its reader thread), and ambc over lwIP sockets (port/lwip/sockets.c). */
#include "net.h"

#include <stdlib.h>

#include "ambc/lwip.h"
#include "lwip/inet.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

#if NO_SYS
#error "net_sockets.c is the NO_SYS=0 flavour"
#endif

const char net_flavour[] = "sockets";

static struct netif nif;
static ambc_lwip_sock_t sock;
static ambc_clock_t clock_;

static void tcpip_ready(void *arg)
{
    sys_sem_signal((sys_sem_t *)arg);
}

int net_up(const net_config_t *cfg, ambc_stream_t *tcp, const ambc_clock_t **clock)
{
    ip4_addr_t ip, mask, gw;
    sys_sem_t ready;
    struct netif *added;
    int dns_ok;
    if (net_addresses(cfg, &ip, &mask, &gw) != 0) {
        return -1;
    }
    /* Debian's tapif opens this device; without the variable it would run ifconfig itself. */
    if (setenv("PRECONFIGURED_TAPIF", cfg->tap, 1) != 0 || sys_sem_new(&ready, 0) != ERR_OK) {
        perror("ambc-lwip");
        return -1;
    }
    tcpip_init(tcpip_ready, &ready);
    (void)sys_arch_sem_wait(&ready, 0);
    sys_sem_free(&ready);

    LOCK_TCPIP_CORE();
    added = netif_add(&nif, &ip, &mask, &gw, NULL, tapif_init, tcpip_input);
    if (added != NULL) {
        netif_set_default(&nif);
        netif_set_up(&nif);
    }
    dns_ok = net_set_dns(cfg);
    UNLOCK_TCPIP_CORE();
    if (added == NULL) {
        fprintf(stderr, "ambc-lwip: netif_add on %s failed\n", cfg->tap);
        return -1;
    }
    if (dns_ok != 0) {
        return -1;
    }
    if (tap_wait_up(cfg->tap, 3000) != 0) {
        return -1;
    }
    ambc_lwip_sock_init(&sock);
    *tcp = ambc_lwip_sock_stream(&sock);
    ambc_lwip_clock_init(&clock_, NULL, NULL, cfg->rand, NULL); /* sleeps with sys_msleep */
    *clock = &clock_;
    return 0;
}

void net_report(FILE *f)
{
    LOCK_TCPIP_CORE();
    lwip_report(f);
    UNLOCK_TCPIP_CORE();
    fprintf(f, "lwip: port RAM sizeof(ambc_lwip_sock_t) %zu B (lwIP keeps the data)\n",
            sizeof(ambc_lwip_sock_t));
}
