/* Stand-ins for the pico-sdk declarations boards/pico-w/main.c uses (syntax check only);
 * signatures as in pico-sdk 2.x's pico/cyw43_arch.h and cyw43-driver's cyw43_country.h. */
#include <stdint.h>
#include "pico/stdlib.h"
#define CYW43_AUTH_WPA2_AES_PSK  0x00400004
#define CYW43_COUNTRY(A, B, REV) ((unsigned char)(A) | ((unsigned char)(B) << 8) | ((REV) << 16))
int cyw43_arch_init_with_country(uint32_t country);
void cyw43_arch_enable_sta_mode(void);
int cyw43_arch_wifi_connect_timeout_ms(const char *ssid, const char *pw, uint32_t auth,
                                       uint32_t timeout);
void cyw43_arch_poll(void);
void cyw43_arch_wait_for_work_until(absolute_time_t until);
void cyw43_arch_deinit(void);
