/*
 * !!!  NOT SECURE  —  QEMU TEST BUILD ONLY  !!!
 *
 * mbedTLS's entropy source for the emulated board. QEMU's mps2-an385 has no true random
 * number generator, so this "entropy" is a xorshift generator stirred with timer values
 * (the LAN9118 free-running counter and SysTick). An attacker who knows roughly when the
 * firmware booted can predict every key it makes. It exists so that the TLS handshake can
 * run in the emulator, and for nothing else.
 *
 * A real board replaces this file with its TRNG (see README.md): STM32 RNG, nRF CRACEN /
 * RNG, ESP32 esp_fill_random() with RF on, RP2040/RP2350 get_rand_32() or the RP2350
 * TRNG, or a secure element. It must provide mbedtls_hardware_poll() with real entropy.
 *
 * The build refuses to compile this file unless CMake says so explicitly.
 */
#if !defined(AMBC_QEMU_INSECURE_ENTROPY)
#error "NOT SECURE, QEMU only: define AMBC_QEMU_INSECURE_ENTROPY to build this file"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbedtls/entropy_poll.h"

#include "board.h"

#define LAN9118_FREE_RUN (*(volatile uint32_t *)(uintptr_t)0x4020009Cu) /* 25 MHz counter */
#define SYST_CVR         (*(volatile uint32_t *)(uintptr_t)0xE000E018u)

static uint64_t state = 0x9E3779B97F4A7C15u;

static uint32_t next(void)
{
    /* xorshift64*, stirred with whatever the timers say right now. NOT SECURE. */
    state ^= ((uint64_t)LAN9118_FREE_RUN << 32) ^ SYST_CVR ^ board_ms();
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (uint32_t)((state * 0x2545F4914F6CDD1Du) >> 32);
}

uint32_t board_insecure_random(void)
{
    return next();
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    size_t i;
    (void)data;
    for (i = 0; i < len; i += 4u) {
        uint32_t r = next();
        size_t n = len - i < 4u ? len - i : 4u;
        memcpy(output + i, &r, n);
    }
    *olen = len;
    return 0;
}
