/*
 * Board services for QEMU's mps2-an385: SysTick time, UART0 console, semihosting.
 *
 * Registers used (Arm CMSDK and ARMv7-M documentation):
 *   SysTick  0xE000E010 CSR (ENABLE bit 0, TICKINT bit 1, CLKSOURCE bit 2 = core clock),
 *            0xE000E014 RVR (reload), 0xE000E018 CVR (current value).
 *   UART0    0x40004000 DATA, +0x04 STATE (bit 0 TX buffer full), +0x08 CTRL (bit 0 TX
 *            enable), +0x10 BAUDDIV (QEMU wants >= 16; the value is otherwise irrelevant).
 * Semihosting: `bkpt 0xAB` with the operation in r0 and its argument block in r1; QEMU runs
 * it when started with `-semihosting-config enable=on,target=native`.
 */
#include <stdarg.h>
#include <string.h>

#include "board.h"

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)

#define UART0_DATA    REG32(0x40004000u)
#define UART0_STATE   REG32(0x40004004u)
#define UART0_CTRL    REG32(0x40004008u)
#define UART0_BAUDDIV REG32(0x40004010u)

/* Semihosting operations (Arm "Semihosting for AArch32 and AArch64", version 2). */
enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0C,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static volatile uint32_t ticks_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    ticks_ms++;
}

void board_init(void)
{
    UART0_BAUDDIV = 16u;
    UART0_CTRL = 1u; /* TX enable */
    SYST_RVR = BOARD_CPU_HZ / 1000u - 1u;
    SYST_CVR = 0u;
    SYST_CSR = 7u; /* core clock, interrupt, enable */
}

uint32_t board_ms(void)
{
    return ticks_ms;
}

uint64_t board_us(void)
{
    uint32_t ms;
    uint32_t left;
    /* SysTick counts down from RVR to 0 each millisecond; read the count between two reads of
     * the millisecond counter, so a tick in between cannot pair an old count with a new ms. */
    do {
        ms = ticks_ms;
        left = SYST_CVR;
    } while (ms != ticks_ms);
    return (uint64_t)ms * 1000u + (BOARD_CPU_HZ / 1000u - 1u - left) / (BOARD_CPU_HZ / 1000000u);
}

void board_write(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        while ((UART0_STATE & 1u) != 0u) {
        }
        UART0_DATA = (uint8_t)s[i];
    }
}

void board_puts(const char *s)
{
    board_write(s, strlen(s));
}

void board_put_u32(uint32_t v)
{
    char buf[10];
    size_t n = sizeof(buf);
    do {
        buf[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    board_write(buf + n, sizeof(buf) - n);
}

void board_put_i32(int32_t v)
{
    if (v < 0) {
        board_write("-", 1);
        board_put_u32(0u - (uint32_t)v);
    } else {
        board_put_u32((uint32_t)v);
    }
}

static int semihost(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_exit(int code)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost(SYS_EXIT_EXTENDED, block);
    /* Only reached without semihosting support for the extended call. */
    semihost(SYS_EXIT, (void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}

int board_cmdline(char *buf, size_t cap)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)cap};
    if (cap == 0u || semihost(SYS_GET_CMDLINE, block) != 0) {
        return -1;
    }
    buf[block[1] < cap ? block[1] : cap - 1u] = '\0';
    return (int)block[1];
}

long board_read_file(const char *path, uint8_t *buf, size_t cap)
{
    uint32_t open_block[3] = {(uint32_t)(uintptr_t)path, 1u /* "rb" */, (uint32_t)strlen(path)};
    uint32_t handle_block[1];
    uint32_t read_block[3];
    int fd = semihost(SYS_OPEN, open_block);
    int len;
    long result = -1;
    if (fd < 0) {
        return -1;
    }
    handle_block[0] = (uint32_t)fd;
    len = semihost(SYS_FLEN, handle_block);
    if (len >= 0 && (size_t)len < cap) {
        read_block[0] = (uint32_t)fd;
        read_block[1] = (uint32_t)(uintptr_t)buf;
        read_block[2] = (uint32_t)len;
        /* SYS_READ returns the number of bytes NOT read. */
        if (semihost(SYS_READ, read_block) == 0) {
            buf[len] = 0u;
            result = len;
        }
    }
    semihost(SYS_CLOSE, handle_block);
    return result;
}

int board_mbedtls_print(const char *fmt, ...)
{
    /* mbedTLS prints only on fatal arena corruption here; the format is shown unexpanded,
     * which keeps the C library's printf (and its malloc) out of the image. */
    board_puts("mbedtls: ");
    board_puts(fmt);
    return 0;
}

int board_mbedtls_snprintf(char *s, size_t n, const char *fmt, ...)
{
    /* Only mbedTLS's informational text functions (certificate info, DN strings) format
     * strings, and this firmware calls none of them; keep them harmless if one is added. */
    (void)fmt;
    if (n > 0u) {
        s[0] = '\0';
    }
    return -1;
}
