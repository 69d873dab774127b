/*
 * Wall-clock time for certificate dates on a board without a battery-backed clock: SNTP
 * (lwIP's apps/sntp) when a server answers, else the firmware's build time as a floor.
 *
 * mbedTLS reads it through MBEDTLS_PLATFORM_TIME_MACRO (board_wall_time, see
 * include/ambc_mbedtls_config.h); the TLS port asks wallclock_is_floor() at each handshake
 * (ambc_tls_config_t.time_is_floor), and while the time is only the floor it refuses expired
 * certificates but not "not valid yet" ones (docs/tls.md says what the floor does and does not
 * protect).
 */
#ifndef AMBC_FW_WALLCLOCK_H
#define AMBC_FW_WALLCLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lwip/ip4_addr.h"

/** Seconds since 1970 (UTC): SNTP's time plus the uptime since, or the floor plus uptime. */
uint32_t wallclock_now(void);

/** The build-time floor: the start of the UTC day the firmware was built (ambc_build_time.h). */
uint32_t wallclock_floor(void);

/**
 * Ask server (SNTP, UDP 123) for the time and wait for it at most wait_ms, calling poll(ctx)
 * meanwhile (lwIP's input and timers). SNTP keeps running afterwards (lwIP retries with
 * backoff, and re-syncs every hour), so a late answer still counts for later handshakes.
 * @return true when the time is known.
 */
bool wallclock_sync(const ip4_addr_t *server, uint32_t wait_ms, void (*poll)(void *), void *ctx);

/** For ambc_tls_config_t.time_is_floor: 1 while no SNTP answer has been taken. */
int wallclock_is_floor(void *ctx);

/** SNTP answers taken, and answers refused because they were earlier than the floor. */
uint32_t wallclock_syncs(void);
uint32_t wallclock_refused(void);

/** mbedtls_time() for mbedTLS (time(NULL)-like). */
time_t board_wall_time(time_t *t);

#endif /* AMBC_FW_WALLCLOCK_H */
