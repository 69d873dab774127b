/* Stand-ins for the pico-sdk declarations boards/pico-w/main.c uses (syntax check only). */
#include <stdint.h>
uint32_t get_rand_32(void);
