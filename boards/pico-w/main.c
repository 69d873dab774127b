/*
 * ambc on the Raspberry Pi Pico W: list every Message Batch over TLS. lwIP runs in poll mode
 * (NO_SYS=1): ambc's raw lwIP port (port/lwip/raw.c) calls net_poll() whenever it waits,
 * which sleeps until the Wi-Fi chip or an lwIP timer has work, then does it; TLS is
 * port/mbedtls over pico-sdk's mbedTLS with a static arena.
 * NOT BUILT on the project's CI (no pico-sdk there).
 */
#include <stdio.h>

#include "pico/cyw43_arch.h"
#include "pico/rand.h"
#include "pico/stdlib.h"

#include "mbedtls/memory_buffer_alloc.h"

#include "ambc/ambc.h"
#include "ambc/lwip.h"
#include "ambc/mbedtls.h"

#define API_KEY "sk-ant-..." /* from flash or a secure element on a real device */

/* The Wi-Fi regulatory domain, an ISO 3166-1 alpha-2 code ("GB", "US", "DE", ...): set it
 * where the device will run (cmake -DWIFI_COUNTRY=GB). Default "XX", the CYW43 driver's
 * worldwide setting, which cyw43_arch_init() also uses: legal anywhere, but passive on
 * channels 12-14 and not the best range. */
#ifndef WIFI_COUNTRY
#define WIFI_COUNTRY "XX"
#endif
typedef char wifi_country_is_two_letters[sizeof(WIFI_COUNTRY) == 3 ? 1 : -1];

/* The longest one poll sleeps when nothing happens: the granularity of ambc's timeouts and
 * backoff sleeps. A packet from the Wi-Fi chip or a due lwIP timer ends the sleep at once. */
#ifndef AMBC_PICO_POLL_SLEEP_MS
#define AMBC_PICO_POLL_SLEEP_MS 10
#endif
/* The root CA of api.anthropic.com's chain, PEM, NUL-terminated. */
static const unsigned char ca_pem[] = "-----BEGIN CERTIFICATE-----\n...\n";

static uint8_t arena[40 * 1024] __attribute__((aligned(8))); /* all of mbedTLS's memory */
static uint8_t ring[6 * 1024];                               /* >= TCP_WND (lwipopts.h) */
static ambc_lwip_raw_t tcp;
static ambc_clock_t clock_port;
static ambc_tls_t tls;
static ambc_client_t client;

/* ambc's poll function (ambc_lwip_poll_fn). Sleep first, then work: the CPU waits for an
 * interrupt (no spinning) until the CYW43 driver or lwIP's next timer needs servicing, or
 * AMBC_PICO_POLL_SLEEP_MS; cyw43_arch_poll() then runs the Wi-Fi driver, lwIP's input and
 * its timers, so the caller sees the result as soon as this returns. Work that arrived
 * while ambc was busy ends the wait at once (the wake-up is latched). */
static void net_poll(void *ctx)
{
    (void)ctx;
    cyw43_arch_wait_for_work_until(make_timeout_time_ms(AMBC_PICO_POLL_SLEEP_MS));
    cyw43_arch_poll();
}

static uint32_t hw_random(void *ctx)
{
    (void)ctx;
    return get_rand_32();
}

static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
    return AMBC_OK;
}

int main(void)
{
    ambc_stream_t lower;
    ambc_tls_config_t tcfg = {.ca_pem = ca_pem, .ca_pem_len = sizeof(ca_pem)};
    ambc_client_options_t opt = {.api_key = API_KEY};
    ambc_list_params_t params = {.limit = 100};
    ambc_status_t st;

    stdio_init_all();
    if (cyw43_arch_init_with_country(CYW43_COUNTRY(WIFI_COUNTRY[0], WIFI_COUNTRY[1], 0)) != 0) {
        return 1;
    }
    cyw43_arch_enable_sta_mode();
    if (cyw43_arch_wifi_connect_timeout_ms(WIFI_SSID, WIFI_PASSWORD, CYW43_AUTH_WPA2_AES_PSK,
                                           30000) != 0) {
        printf("wifi: cannot connect\n");
        return 1;
    }
    mbedtls_memory_buffer_alloc_init(arena, sizeof(arena));
    ambc_lwip_raw_init(&tcp, ring, sizeof(ring), net_poll, NULL);
    ambc_lwip_clock_init(&clock_port, net_poll, NULL, hw_random, NULL);
    lower = ambc_lwip_raw_stream(&tcp);
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
    cyw43_arch_deinit();
    return 0;
}
