/* Conformance driver: port/lwip (sockets.c or raw.c, whichever flavour of boards/linux-lwip's
 * net_*.c it is linked with) on a TAP device, inside the test's network namespace.
 *   conformance_lwip_<flavour> TAP LWIP_IP HOST PORT REFUSED_PORT BLACKHOLE_PORT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conformance.h"
#include "net.h"

/* The device's TRNG stands here: getrandom(2). */
static uint32_t host_random(void *ctx)
{
    uint32_t r = 0;
    (void)ctx;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        r = 0x2545F491u;
    }
    return r;
}

int main(int argc, char **argv)
{
    static char name[32];
    net_config_t net;
    conformance_t c;
    memset(&c, 0, sizeof(c));
    memset(&net, 0, sizeof(net));
    /* Less than over loopback: lwIP's windows are small and the peer checks every byte. */
    c.bulk_bytes = 256u * 1024u;
    if (argc < 3 || conformance_args(argc, argv, 3, &c) != 0) {
        fprintf(stderr, "usage: %s TAP LWIP_IP HOST PORT REFUSED_PORT BLACKHOLE_PORT\n", argv[0]);
        return 2;
    }
    net.tap = argv[1];
    net.ip = argv[2];
    net.netmask = "255.255.255.0";
    net.rand = host_random;
    /* Debian's arch/cc.h makes LWIP_RAND() rand(): seed it, so a run does not reuse the local
     * ports of the one before (the peer may still hold those connections). */
    srand(host_random(NULL));
    if (net_up(&net, &c.stream, &c.clock) != 0) {
        return 2;
    }
    (void)snprintf(name, sizeof(name), "lwip %s", net_flavour);
    c.name = name;
    return conformance_run(&c);
}
