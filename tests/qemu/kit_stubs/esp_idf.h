/* Stand-ins for the few ESP-IDF declarations boards/esp-idf/main/main.c uses: enough to check
 * that the example's use of ambc's API compiles. Not ESP-IDF; not for building firmware. */
#include <stdint.h>
typedef int esp_err_t;
#define ESP_ERROR_CHECK(x) (void)(x)
esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_netif_init(void);
esp_err_t nvs_flash_init(void);
esp_err_t example_connect(void);
uint32_t esp_random(void);
