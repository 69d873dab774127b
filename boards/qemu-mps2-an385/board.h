/*
 * The board layer of ambc's QEMU mps2-an385 firmware: start-up, time, console, exit.
 *
 * Cortex-M3 at 25 MHz (QEMU's AN385 system clock), console on CMSDK UART0, exit and the
 * command line through Arm semihosting. Everything here is specific to this emulated board;
 * a real board replaces this file and keeps main.c's use of ambc as it is.
 */
#ifndef AMBC_BOARD_H
#define AMBC_BOARD_H

#include <stddef.h>
#include <stdint.h>

/** Core clock of QEMU's mps2-an385 (SYSCLK), which SysTick counts with CLKSOURCE = 1. */
#define BOARD_CPU_HZ 25000000u

/** UART0 on, SysTick at 1 kHz. Called first thing in main. */
void board_init(void);

/** Milliseconds since board_init (SysTick). Wraps after 49 days; lwIP's sys_now is this. */
uint32_t board_ms(void);

/**
 * Microseconds since board_init (SysTick's count within the millisecond). Under QEMU's
 * `-icount shift=N` this is emulated time, one instruction every 2^N ns: the firmware's phase
 * figures are instruction counts in disguise (main.c, meter.c).
 */
uint64_t board_us(void);

/** Console output on UART0 (blocking, byte by byte). */
void board_write(const char *s, size_t len);
void board_puts(const char *s);
void board_put_u32(uint32_t v);
void board_put_i32(int32_t v);

/** End the program: QEMU exits with `code` as its status (semihosting SYS_EXIT_EXTENDED). */
void board_exit(int code) __attribute__((noreturn));

/**
 * The command line QEMU passes through semihosting (`-append "..."`), NUL-terminated.
 * @return its length, or -1 when semihosting gives none.
 */
int board_cmdline(char *buf, size_t cap);

/**
 * Read a whole host file through semihosting into buf and NUL-terminate it (test set-up
 * only: a real board keeps its CA certificates in flash).
 * @return the file's length, or -1 (cannot open, read error, or it does not fit cap - 1).
 */
long board_read_file(const char *path, uint8_t *buf, size_t cap);

/** Bytes of the main stack reserved by the linker script, and the most ever used (paint). */
size_t board_stack_size(void);
size_t board_stack_used(void);

/** NOT SECURE: a test-only pseudo-random source (entropy_insecure_qemu.c). */
uint32_t board_insecure_random(void);

/** printf-like sink for mbedTLS's diagnostics (prints the format string as is). */
int board_mbedtls_print(const char *fmt, ...);

/** mbedTLS's snprintf hook: unused by this firmware; writes "" and returns -1. */
int board_mbedtls_snprintf(char *s, size_t n, const char *fmt, ...);

#endif /* AMBC_BOARD_H */
