/*
 * Start-up code for the Cortex-M3 of QEMU's mps2-an385: the vector table, the reset
 * handler (copy .data, zero .bss, paint the stack) and the fault handlers.
 *
 * The vector table sits at address 0 (VTOR's reset value), where QEMU loads the image:
 * word 0 is the initial main stack pointer, word 1 the reset handler.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"

/* Linker script symbols (mps2_an385.ld). */
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

/* Every unused word of the stack holds this, so the high-water mark can be read later. */
#define STACK_PAINT 0xA5A5A5A5u

int main(void);
void Reset_Handler(void);
void SysTick_Handler(void); /* board.c */

static void fault(const char *what, const uint32_t *frame)
{
    board_puts("ambc-fw: FATAL ");
    board_puts(what);
    if (frame != NULL) {
        /* The exception frame: r0-r3, r12, lr, pc, xpsr. */
        board_puts(" pc=");
        board_put_u32(frame[6]);
        board_puts(" lr=");
        board_put_u32(frame[5]);
    }
    board_puts("\n");
    board_exit(70);
}

/* The hardware pushed the frame on the main stack (no threads here, so always MSP). */
__attribute__((naked)) static void HardFault_Handler(void)
{
    __asm__ volatile("mrs r0, msp\n"
                     "b hard_fault_report\n");
}

__attribute__((used)) void hard_fault_report(const uint32_t *frame);
__attribute__((used)) void hard_fault_report(const uint32_t *frame)
{
    fault("HardFault", frame);
}

static void Default_Handler(void)
{
    fault("unexpected exception", NULL);
}

static void NMI_Handler(void)
{
    fault("NMI", NULL);
}

/* Cortex-M3: the initial stack pointer, 15 system vectors, then the external interrupts
 * (QEMU's AN385 wires 32; this firmware is polled and enables none). */
#define D Default_Handler
typedef struct {
    uint32_t *initial_sp;
    void (*handler[15 + 32])(void);
} vector_table_t;

/* clang-format off */
__attribute__((section(".vectors"), used)) static const vector_table_t vectors = {
    __stack_top,
    {
        Reset_Handler, NMI_Handler, HardFault_Handler,
        D, D, D,       /* MemManage, BusFault, UsageFault */
        0, 0, 0, 0,    /* reserved */
        D, D, 0, D,    /* SVCall, DebugMonitor, reserved, PendSV */
        SysTick_Handler,
        D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, /* IRQ 0..15 */
        D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, /* IRQ 16..31 */
    },
};
/* clang-format on */
#undef D

static uint32_t *current_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void Reset_Handler(void)
{
    uint32_t *p;
    uint32_t *sp;
    /* Linker symbols are separate objects to C: measure them as addresses. */
    memcpy(__data_start, __data_load, (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    /* Paint everything below this frame (with a small margin): nothing there is live yet. */
    sp = current_sp() - 16;
    for (p = __stack_limit; (uintptr_t)p < (uintptr_t)sp; p++) {
        *p = STACK_PAINT;
    }
    board_exit(main());
}

size_t board_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
}

size_t board_stack_used(void)
{
    const uint32_t *p = __stack_limit;
    while ((uintptr_t)p < (uintptr_t)__stack_top && *p == STACK_PAINT) {
        p++;
    }
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}
