/* sizeof the lwIP port's objects on the target, read back by cross_size.sh with nm -S. */
#include "ambc/lwip.h"

uint8_t ambc_size_lwip_raw_t[sizeof(ambc_lwip_raw_t)];
uint8_t ambc_size_lwip_sock_t[sizeof(ambc_lwip_sock_t)];
uint8_t ambc_size_lwip_ring[CONFIG_AMBC_LWIP_RING_SIZE];
