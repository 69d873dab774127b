/* Wall-clock time for certificate dates: SNTP, else the build-time floor (wallclock.h). */
#include "wallclock.h"

#include <string.h>

#include "ambc_build_time.h" /* AMBC_FW_BUILD_TIME, generated at build time (build_time.cmake) */
#include "board.h"
#include "lwip/apps/sntp.h"
#include "mbedtls/platform_util.h"

static uint32_t base_unix = AMBC_FW_BUILD_TIME; /* wall time at base_ms */
static uint32_t base_ms;
static uint32_t syncs;
static uint32_t refused;

uint32_t wallclock_now(void)
{
    return base_unix + (board_ms() - base_ms) / 1000u;
}

uint32_t wallclock_floor(void)
{
    return AMBC_FW_BUILD_TIME;
}

/* lwIP's SNTP_SET_SYSTEM_TIME_US (lwipopts.h). A time before the build cannot be right: the
 * floor stands against a server (or an attacker, SNTP being unauthenticated) that would
 * wind the clock back to make an expired certificate look valid. */
void board_sntp_set_time(uint32_t sec, uint32_t us)
{
    (void)us;
    if (sec < AMBC_FW_BUILD_TIME) {
        refused++;
        return;
    }
    base_unix = sec;
    base_ms = board_ms();
    syncs++;
}

/* lwIP's SNTP_GET_SYSTEM_TIME, used only for the request's transmit timestamp, which the
 * server echoes and lwIP checks (SNTP_CHECK_RESPONSE 2): random microseconds make it a nonce
 * that an off-path reply has to guess. */
void board_sntp_get_time(uint32_t *sec, uint32_t *us)
{
    *sec = wallclock_now();
    *us = board_insecure_random() % 1000000u;
}

bool wallclock_sync(const ip4_addr_t *server, uint32_t wait_ms, void (*poll)(void *), void *ctx)
{
    ip_addr_t addr;
    uint32_t t0 = board_ms();
    ip_addr_copy_from_ip4(addr, *server);
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    sntp_setserver(0, &addr);
    sntp_init();
    while (syncs == 0u && board_ms() - t0 < wait_ms) {
        poll(ctx);
    }
    return syncs != 0u;
}

int wallclock_is_floor(void *ctx)
{
    (void)ctx;
    return syncs == 0u;
}

uint32_t wallclock_syncs(void)
{
    return syncs;
}

uint32_t wallclock_refused(void)
{
    return refused;
}

time_t board_wall_time(time_t *t)
{
    time_t now = (time_t)wallclock_now();
    if (t != NULL) {
        *t = now;
    }
    return now;
}

#ifdef MBEDTLS_PLATFORM_GMTIME_R_ALT /* not with -DAMBC_FW_TLS_NO_DATES (no mbedtls_time_t) */
/* mbedTLS's gmtime_r (MBEDTLS_PLATFORM_GMTIME_R_ALT): UTC calendar fields from seconds since
 * 1970, with Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, any year here). */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    int64_t t = (int64_t)*tt;
    int64_t days = t / 86400;
    int64_t secs = t % 86400;
    int64_t era, doe, yoe, doy, mp, y;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    days += 719468; /* from 1970-03-01 back to 0000-03-01 */
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    y = yoe + era * 400 + (mp >= 10 ? 1 : 0);
    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    tm_buf->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
    tm_buf->tm_year = (int)(y - 1900);
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    return tm_buf;
}
#endif
