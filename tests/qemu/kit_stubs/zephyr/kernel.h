/* Stand-ins for the Zephyr declarations boards/zephyr/src/main.c uses (syntax check only). */
#include <stdint.h>
int64_t k_uptime_get(void);
int32_t k_msleep(int32_t ms);
void printk(const char *fmt, ...);
