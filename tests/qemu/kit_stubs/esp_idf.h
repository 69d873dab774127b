/* Stand-ins for the ESP-IDF declarations boards/esp-idf/examples/ use: enough to check that
 * the examples' use of ambc's API compiles. Not ESP-IDF; not for building firmware. The
 * signatures follow ESP-IDF 5.x's headers (esp_err.h, esp_event.h, esp_netif.h,
 * esp_netif_sntp.h, esp_crt_bundle.h, esp_random.h, nvs_flash.h, FreeRTOS). */
#ifndef AMBC_KIT_STUB_ESP_IDF_H
#define AMBC_KIT_STUB_ESP_IDF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef int esp_err_t;
#define ESP_OK             0
#define ESP_ERR_TIMEOUT    0x107
#define ESP_ERROR_CHECK(x) (void)(x)
typedef uint32_t TickType_t;
#define pdMS_TO_TICKS(ms) ((TickType_t)(ms))
esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_netif_init(void);
esp_err_t nvs_flash_init(void);
esp_err_t example_connect(void);
uint32_t esp_random(void);
esp_err_t esp_crt_bundle_attach(void *conf);
typedef struct {
    bool smooth_sync, server_from_dhcp, wait_for_sync, start;
    size_t num_of_servers;
    const char *servers[1];
} esp_sntp_config_t;
#define ESP_NETIF_SNTP_DEFAULT_CONFIG(server)                                                      \
    {                                                                                              \
        .wait_for_sync = true, .start = true, .num_of_servers = 1, .servers = { server }           \
    }
esp_err_t esp_netif_sntp_init(const esp_sntp_config_t *config);
esp_err_t esp_netif_sntp_sync_wait(TickType_t tout);
#endif
