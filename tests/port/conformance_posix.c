/* Conformance driver: port/posix TCP, and port/mbedtls over it when built with
 * CONFORMANCE_TLS.
 *   conformance_posix HOST PORT REFUSED_PORT BLACKHOLE_PORT
 *   conformance_tls   CA_FILE HOST PORT REFUSED_PORT BLACKHOLE_PORT
 * (ports from tests/port/peer.py; the TLS peer's certificate must name "localhost"). */
#include <signal.h>
#include <string.h>

#include "ambc/posix.h"
#include "conformance.h"
#ifdef CONFORMANCE_TLS
#include "ambc/mbedtls.h"
#endif

int main(int argc, char **argv)
{
    static ambc_posix_tcp_t tcp;
    conformance_t c;
    int first = 1;
    int rc;
#ifdef CONFORMANCE_TLS
    static ambc_tls_t tls;
    ambc_tls_config_t cfg;
    ambc_stream_t lower;
    first = 2;
#endif
    memset(&c, 0, sizeof(c));
    if (conformance_args(argc, argv, first, &c) != 0) {
        return 2;
    }
    /* Default action on purpose: a SIGPIPE raised by a port kills the run. */
    (void)signal(SIGPIPE, SIG_DFL);
    ambc_posix_tcp_init(&tcp);
    c.clock = ambc_posix_clock();
    c.stream = ambc_posix_tcp_stream(&tcp);
    c.name = "posix";
#ifdef CONFORMANCE_TLS
    memset(&cfg, 0, sizeof(cfg));
    cfg.ca_file = argv[1];
    cfg.server_name = "localhost"; /* the peer listens on an address */
    cfg.clock = c.clock;
    lower = c.stream;
    if (ambc_tls_init(&tls, &lower, &cfg) != AMBC_OK) {
        return 2;
    }
    c.stream = ambc_tls_stream(&tls);
    c.name = "tls over posix";
    c.framed = true;
#endif
    rc = conformance_run(&c);
#ifdef CONFORMANCE_TLS
    ambc_tls_free(&tls);
#endif
    return rc;
}
