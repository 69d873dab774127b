/*
 * lwIP's compiler/platform header for ambc's QEMU mps2-an385 firmware (arm-none-eabi-gcc,
 * newlib-nano, little-endian Cortex-M3, NO_SYS=1).
 */
#ifndef AMBC_QEMU_ARCH_CC_H
#define AMBC_QEMU_ARCH_CC_H

#include <stdint.h>

#include "board.h"

#define BYTE_ORDER LITTLE_ENDIAN

/* lwIP's random source: TCP initial sequence numbers and local ports. NOT SECURE on this
 * board (entropy_insecure_qemu.c): a real board feeds its TRNG here too. */
#define LWIP_RAND() board_insecure_random()

/* Diagnostics go to the console without printf (no C library stdio in the image). */
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        board_puts("lwip: diag\n");                                                                \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    do {                                                                                           \
        board_puts("lwip: assertion failed: " x "\n");                                             \
        board_exit(71);                                                                            \
    } while (0)

#endif /* AMBC_QEMU_ARCH_CC_H */
