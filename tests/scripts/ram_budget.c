/* Compiled for the target by cross_size.sh: fails the build when a client's fixed RAM at the
 * configured Kconfig (TLS and the TCP/IP stack excluded) goes over the 8 KB budget. */
#include "ambc/ambc.h"

#define AMBC_CLIENT_RAM_BUDGET 8192u

typedef char client_ram_within_budget[sizeof(ambc_client_t) <= AMBC_CLIENT_RAM_BUDGET ? 1 : -1];

const unsigned ambc_client_ram = (unsigned)sizeof(ambc_client_t);
