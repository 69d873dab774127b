/*
 * ambc on ESP-IDF: list every Message Batch over verified TLS.
 *
 * The TCP stream is ambc's lwIP socket port (port/lwip/sockets.c: ESP-IDF runs lwIP with
 * NO_SYS=0 and sockets); TLS is port/mbedtls over ESP-IDF's mbedTLS, whose entropy is the
 * chip's hardware RNG. Trust comes from ESP-IDF's certificate bundle, attached through
 * ambc's TLS configuration hook; the clock is set by SNTP before the first handshake, as
 * ESP-IDF's HTTPS examples do, because certificate dates are checked against it.
 * Wi-Fi or Ethernet comes from ESP-IDF's protocol_examples_common ("Example Connection
 * Configuration" in menuconfig); the API key from "ambc example" there.
 * NOT BUILT on the project's CI (no ESP-IDF there): see boards/esp-idf/README.md.
 */
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "esp_crt_bundle.h"
#include "esp_event.h"
#include "esp_netif.h"
#include "esp_netif_sntp.h"
#include "esp_random.h"
#include "freertos/FreeRTOS.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"
#include "sdkconfig.h"

#include "ambc/ambc.h"
#include "ambc/lwip.h"
#include "ambc/mbedtls.h"

/* A clock before this (2025-01-01T00:00:00Z) has not been set: no certificate's dates can be
 * judged by it. */
#define CLOCK_SET_AFTER 1735689600
/* SNTP: how long to wait for the first answer, in waits of SNTP_WAIT_MS. */
#define SNTP_WAITS   15
#define SNTP_WAIT_MS 2000

static ambc_lwip_sock_t tcp;
static ambc_clock_t clock_port;
static ambc_tls_t tls;
static ambc_client_t client;

static uint32_t hw_random(void *ctx)
{
    (void)ctx;
    return esp_random();
}

/* ambc's TLS hook: ESP-IDF's CA bundle verifies the server's chain. The bundle is static
 * data in flash; nothing here needs freeing. */
static ambc_status_t attach_bundle(void *ctx, mbedtls_ssl_config *conf)
{
    (void)ctx;
    return esp_crt_bundle_attach(conf) == ESP_OK ? AMBC_OK : AMBC_ERR_TLS_CA;
}

static bool clock_is_set(void)
{
    return time(NULL) > (time_t)CLOCK_SET_AFTER;
}

/* Sets the clock from SNTP and leaves SNTP running, so the clock stays right. */
static bool set_clock(void)
{
    esp_sntp_config_t cfg = ESP_NETIF_SNTP_DEFAULT_CONFIG(CONFIG_AMBC_EXAMPLE_SNTP_SERVER);
    int waits = 0;
    if (esp_netif_sntp_init(&cfg) != ESP_OK) {
        return false;
    }
    while (!clock_is_set() && waits < SNTP_WAITS &&
           esp_netif_sntp_sync_wait(pdMS_TO_TICKS(SNTP_WAIT_MS)) == ESP_ERR_TIMEOUT) {
        printf("ambc: waiting for the time from %s\n", CONFIG_AMBC_EXAMPLE_SNTP_SERVER);
        waits++;
    }
    return clock_is_set();
}

static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
    return AMBC_OK;
}

static ambc_status_t list_batches(void)
{
    ambc_stream_t lower;
    ambc_tls_config_t tcfg = {.conf_hook = attach_bundle};
    ambc_client_options_t opt = {.api_key = CONFIG_AMBC_EXAMPLE_API_KEY};
    ambc_list_params_t params = {.limit = 100};
    ambc_status_t st;

    ambc_lwip_sock_init(&tcp);
    lower = ambc_lwip_sock_stream(&tcp);
    ambc_lwip_clock_init(&clock_port, NULL, NULL, hw_random, NULL); /* sys_now(), sys_msleep() */
    tcfg.clock = &clock_port;
    st = ambc_tls_init(&tls, &lower, &tcfg);
    if (st == AMBC_OK) {
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), &clock_port);
    }
    if (st == AMBC_OK) {
        st = ambc_batches_list_each(&client, &params, true, print_batch, NULL);
    }
    ambc_client_close(&client);
    ambc_tls_free(&tls);
    return st;
}

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());

    if (CONFIG_AMBC_EXAMPLE_API_KEY[0] == '\0') {
        printf("ambc: set the API key in menuconfig (ambc example)\n");
        return;
    }
    if (!set_clock()) {
        printf("ambc: no time from SNTP: certificate dates cannot be checked, not connecting\n");
        return;
    }
    printf("ambc: %s\n", ambc_strerror(list_batches()));
}
