/* lwIP's compiler/platform header for the Cortex-M size build of port/lwip (cross_size.sh):
 * arm-none-eabi-gcc with newlib. Compile-only: nothing here is linked or run. */
#ifndef AMBC_CORTEX_M_ARCH_CC_H
#define AMBC_CORTEX_M_ARCH_CC_H

#include <stdint.h>

#define LWIP_ERRNO_STDINCLUDE 1          /* newlib's <errno.h> */
#define LWIP_TIMEVAL_PRIVATE  1          /* lwIP's own struct timeval for select */
#define LWIP_RAND()           ((u32_t)0) /* a device's TRNG goes here */
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
    } while (0)

typedef uint32_t sys_prot_t;

#endif /* AMBC_CORTEX_M_ARCH_CC_H */
