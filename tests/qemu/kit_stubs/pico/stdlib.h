/* Stand-ins for the pico-sdk declarations boards/pico-w/main.c uses (syntax check only). */
#ifndef AMBC_KIT_STUB_PICO_STDLIB_H
#define AMBC_KIT_STUB_PICO_STDLIB_H
#include <stdbool.h>
#include <stdint.h>
/* pico-sdk's opaque form (PICO_OPAQUE_ABSOLUTE_TIME_T): a plain number passed for a time
 * does not compile, as it would not with that option. */
typedef struct {
    uint64_t _private_us_since_boot;
} absolute_time_t;
bool stdio_init_all(void);
absolute_time_t make_timeout_time_ms(uint32_t ms);
#endif
