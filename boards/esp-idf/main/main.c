/*
 * ambc on ESP-IDF: list every Message Batch over TLS. The TCP stream is ambc's lwIP socket
 * port (port/lwip/sockets.c: ESP-IDF runs lwIP with NO_SYS=0 and sockets), TLS is
 * port/mbedtls over ESP-IDF's mbedTLS, whose entropy is the ESP32's hardware RNG.
 * NOT BUILT on the project's CI (no ESP-IDF there). Wi-Fi comes from ESP-IDF's
 * protocol_examples_common (menuconfig: "Example Connection Configuration").
 */
#include <stdio.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#include "ambc/ambc.h"
#include "ambc/lwip.h"
#include "ambc/mbedtls.h"

#define API_KEY "sk-ant-..." /* from NVS or secure storage on a real device */
/* The root CA of api.anthropic.com's chain, PEM, NUL-terminated (or EMBED_TXTFILES). */
static const unsigned char ca_pem[] = "-----BEGIN CERTIFICATE-----\n...\n";

static ambc_lwip_sock_t tcp;
static ambc_clock_t clock_port;
static ambc_tls_t tls;
static ambc_client_t client;

static uint32_t hw_random(void *ctx)
{
    (void)ctx;
    return esp_random();
}

static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
    return AMBC_OK;
}

void app_main(void)
{
    ambc_stream_t lower;
    ambc_tls_config_t tcfg = {.ca_pem = ca_pem, .ca_pem_len = sizeof(ca_pem)};
    ambc_client_options_t opt = {.api_key = API_KEY};
    ambc_list_params_t params = {.limit = 100};
    ambc_status_t st;

    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());

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
    printf("ambc: %s\n", ambc_strerror(st));
    ambc_client_close(&client);
    ambc_tls_free(&tls);
}
