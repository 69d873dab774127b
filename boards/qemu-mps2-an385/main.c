/*
 * ambc firmware for QEMU's mps2-an385 (Cortex-M3): list every Message Batch over verified
 * TLS, through lwIP (NO_SYS=1, raw API) on the board's LAN9118, and print each record as one
 * JSON line in exactly the format of the Linux CLI's `ambc list --all --json`.
 *
 * The ambc part (client, TLS stream over the lwIP raw stream, the walk) is what any
 * application does; only the board set-up and the configuration source are QEMU's. What a
 * product ships is all here too: CA roots compiled into flash as DER (roots.c, generated from
 * Kconfig's AMBC_TLS_CA_ROOTS), wall-clock time from SNTP with the build time as a floor
 * (wallclock.c), the TLS session kept for resumption.
 *
 * Configuration comes from the semihosting command line (QEMU's `-append`), as key=value
 * words:
 *   port=N     the API's TCP port on the gateway (required)
 *   ca=PATH    test option: trust only this DER certificate (a host file, read through
 *              semihosting) instead of the roots compiled into flash
 *   key=KEY    the API key (default: test-key, the mock's)
 *   limit=N    records per page (default: the API's, 20)
 *   host=A.B.C.D  numeric address of the API (default 10.0.2.2: QEMU user networking's
 *              gateway, i.e. the host's loopback)
 *   name=NAME  the name the certificate must carry and SNI (default localhost)
 *   beta=1     the beta flavour
 *   create=N   first create a batch of N requests (1..100) written from flash with the params
 *              writer, wait for it to end, then list (the new batch comes first)
 *   results=1  after the wait, stream the batch's results (results_demo.c)
 *   sntp=A.B.C.D|off  the SNTP server asked for the time before the first handshake (default
 *              10.0.2.2); sntp_wait=MS how long to wait for it (default 2000)
 *   probe=P[,P...]  instead of listing: a TLS handshake with each port in turn, reporting its
 *              status (certificate tests)
 * A real device keeps these (and the CA certificates) in flash.
 *
 * Output: `created: ` and `ended: ` lines with the new batch (create=N), record lines, then
 * `ambc-fw: ...` lines with the measurements (emulated microseconds: under -icount,
 * instructions). Exit status (QEMU's, through semihosting) as the CLI's: 0 success, 1 other,
 * 2 usage, 3 network/TLS, 4 API error, 5 protocol error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ambc/ambc.h"
#include "ambc/lwip.h"
#include "ambc/mbedtls.h"

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/opt.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "mbedtls/memory_buffer_alloc.h"

#include "board.h"
#include "lan9118.h"
#include "meter.h"
#include "results_demo.h"
#include "wallclock.h"

enum { EXIT_USAGE = 2, EXIT_NET = 3, EXIT_API = 4, EXIT_PROTOCOL = 5 };

/* mbedTLS's arena: every byte mbedTLS ever allocates comes from here. */
#ifndef AMBC_FW_ARENA_SIZE
#define AMBC_FW_ARENA_SIZE 36864
#endif
/* The raw lwIP port's receive ring (Kconfig; this board's defconfig sets it from a
 * measurement, README.md "The receive ring"). The port announces only the ring's free space as
 * TCP window, so any size works; the size sets how much the server can have in flight. */
#ifndef AMBC_FW_RING_SIZE /* -D only to measure other sizes without rebuilding the rest */
#define AMBC_FW_RING_SIZE CONFIG_AMBC_LWIP_RING_SIZE
#endif

/* sizeof(memory_header) in mbedTLS 2.28's memory_buffer_alloc.c with MBEDTLS_MEMORY_DEBUG and
 * no backtrace: eight 32-bit fields. */
#define ARENA_BLOCK_HEADER 32u
#define CA_DER_MAX         2048 /* test option only: the product's roots are in flash */
#define CMDLINE_MAX        512
#define PROBES_MAX         8

/* The roots compiled into flash (roots.c, made by scripts/ca_roots.py at build time). */
extern const ambc_tls_der_t ambc_fw_roots[];
extern const size_t ambc_fw_roots_count;

typedef struct {
    uint16_t port;
    uint16_t limit;
    uint16_t create; /* requests in a batch to create first, 0: none */
    uint16_t probes; /* ports in probe[] */
    uint16_t probe[PROBES_MAX];
    uint16_t sntp_wait_ms;
    bool beta;
    bool results; /* stream the created batch's results after the wait */
    bool sntp;
    ip4_addr_t sntp_server;
    const char *ca_path;
    const char *api_key;
    const char *host;
    const char *server_name;
} fw_args_t;

/* Where the time went, in emulated microseconds (instructions under -icount). "cpu" is time in
 * TLS minus time in the TCP stream below it: mbedTLS's own work. */
typedef struct {
    uint32_t full, resumed;           /* handshakes of each kind */
    uint64_t full_cpu, resumed_cpu;   /* their mbedTLS work */
    uint64_t full_net, resumed_net;   /* their time in TCP (lwIP, and waiting for the server) */
    uint64_t lower_at, tls_at;        /* the meters when the current connect began */
    size_t full_arena, resumed_arena; /* arena peak during each kind of handshake */
    size_t arena_peak;                /* over the whole run */
    size_t arena_idle;                /* in use after ambc_tls_init: held between handshakes */
} handshakes_t;

static uint8_t arena[AMBC_FW_ARENA_SIZE] __attribute__((aligned(8)));
static uint8_t ring[AMBC_FW_RING_SIZE];
static uint8_t ca_der[CA_DER_MAX];
static uint8_t tls_session[CONFIG_AMBC_TLS_SESSION_SIZE];
static char cmdline[CMDLINE_MAX];
static struct netif nif;
static ambc_lwip_raw_t raw;
static ambc_clock_t fw_clock;
static ambc_tls_t tls;
static meter_t tcp_meter; /* below TLS: the wire */
static meter_t tls_meter; /* above TLS: what the client sees */
static handshakes_t hs;
static ambc_client_t client;

/* lwIP's time base for NO_SYS=1 (timeouts, TCP timers). */
u32_t sys_now(void)
{
    return board_ms();
}

/* What the lwIP port calls whenever it waits: take frames in, run lwIP's timers. */
static void net_poll(void *ctx)
{
    lan9118_poll(ctx);
    sys_check_timeouts();
}

static uint32_t jitter_random(void *ctx)
{
    (void)ctx;
    return board_insecure_random(); /* backoff jitter only; TLS has its own source */
}

/* ---- JSON output, byte for byte the CLI's print_json (boards/linux/main.c) ---------------- */

static void put_json_string(const char *s)
{
    static const char hex[] = "0123456789abcdef";
    board_write("\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            board_write(esc, 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15u]};
            board_write(esc, 6);
        } else {
            board_write((const char *)&c, 1);
        }
    }
    board_write("\"", 1);
}

static void put_json_time(int64_t us)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    if (us == AMBC_TIME_NULL || ambc_rfc3339_format(us, buf, sizeof(buf)) != AMBC_OK) {
        board_puts("null");
    } else {
        put_json_string(buf);
    }
}

static void put_count(const char *key, uint32_t v)
{
    board_puts(key);
    board_put_u32(v);
}

static void print_json(const ambc_batch_t *b)
{
    const ambc_request_counts_t *n = &b->request_counts;
    board_puts("{\"id\":");
    put_json_string(b->id);
    board_puts(",\"type\":\"message_batch\",\"processing_status\":");
    put_json_string(ambc_batch_status_name(b->processing_status));
    put_count(",\"request_counts\":{\"processing\":", n->processing);
    put_count(",\"succeeded\":", n->succeeded);
    put_count(",\"errored\":", n->errored);
    put_count(",\"canceled\":", n->canceled);
    put_count(",\"expired\":", n->expired);
    board_puts("},\"created_at\":");
    put_json_time(b->created_at);
    board_puts(",\"expires_at\":");
    put_json_time(b->expires_at);
    board_puts(",\"ended_at\":");
    put_json_time(b->ended_at);
    board_puts(",\"cancel_initiated_at\":");
    put_json_time(b->cancel_initiated_at);
    board_puts(",\"archived_at\":");
    put_json_time(b->archived_at);
    board_puts(",\"results_url\":");
    if (b->null & AMBC_BATCH_F_RESULTS_URL || !(b->present & AMBC_BATCH_F_RESULTS_URL)) {
        board_puts("null");
    } else {
        put_json_string(b->results_url);
    }
    board_puts("}\n");
}

typedef struct {
    uint32_t records;
    uint32_t requests0;    /* the client's request count before the walk */
    uint32_t t0;           /* board_ms() when the walk started */
    uint32_t first_record; /* ms from t0 to the first record: connect, handshake, first page */
    uint64_t us0;          /* board_us() when the walk started */
    uint64_t callback_us;  /* time in on_batch: printing, the application's share */
    meter_counts_t tcp0;   /* the meters when the walk started */
    meter_counts_t tls0;
    uint64_t hs_cpu0; /* handshake work before the walk */
} walk_t;

static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
{
    walk_t *w = ctx;
    uint64_t t0 = board_us();
    if (w->records++ == 0u) {
        w->first_record = board_ms() - w->t0;
    }
    print_json(b);
    w->callback_us += board_us() - t0;
    return AMBC_OK;
}

/* ---- handshake costs: the TLS meter calls this around each connect ------------------------ */

static void on_tls_connect(void *ctx, ambc_status_t st)
{
    handshakes_t *h = ctx;
    size_t peak = 0, blocks = 0;
    uint64_t cpu, net;
    if (st == AMBC_ERR_BUSY) { /* before: mark the meters, restart the arena's peak */
        h->lower_at = meter_total_us(&tcp_meter.n);
        h->tls_at = meter_total_us(&tls_meter.n);
        mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
        h->arena_peak = peak > h->arena_peak ? peak : h->arena_peak;
        mbedtls_memory_buffer_alloc_max_reset();
        return;
    }
    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    if (st != AMBC_OK) {
        return;
    }
    net = meter_total_us(&tcp_meter.n) - h->lower_at;
    cpu = meter_total_us(&tls_meter.n) - h->tls_at - net;
    if (ambc_tls_resumed(&tls)) {
        h->resumed++;
        h->resumed_cpu += cpu;
        h->resumed_net += net;
        h->resumed_arena = peak > h->resumed_arena ? peak : h->resumed_arena;
    } else {
        h->full++;
        h->full_cpu += cpu;
        h->full_net += net;
        h->full_arena = peak > h->full_arena ? peak : h->full_arena;
    }
}

/* ---- create and wait ----------------------------------------------------------------------- */

/* What a sensor node might send: a fixed prompt and a reading, from flash and a counter. The
 * params writer escapes and checks the text; nothing is assembled in RAM. */
static ambc_status_t reading_source(void *ctx, uint32_t i, ambc_request_writer_t *w)
{
    static const char digits[] = "0123456789";
    static const char system[] = "You read sensor values. Answer \"ok\" or \"check\".";
    static const char prompt[] = "Vibration (mm/s): ";
    const uint16_t *n = ctx;
    char id[] = "reading-000";
    char value[3];
    if (i >= *n) {
        return AMBC_END;
    }
    id[8] = digits[i / 100u % 10u];
    id[9] = digits[i / 10u % 10u];
    id[10] = digits[i % 10u];
    value[0] = digits[(i * 7u) / 10u % 10u];
    value[1] = '.';
    value[2] = digits[(i * 7u) % 10u];
    ambc_request_custom_id(w, id);
    ambc_params_begin(w, "claude-haiku-4-5", 64);
    ambc_params_system(w, system, sizeof(system) - 1u);
    ambc_params_message(w, AMBC_ROLE_USER, prompt, sizeof(prompt) - 1u);
    ambc_params_text(w, value, sizeof(value));
    return ambc_params_end(w);
}

typedef struct {
    uint32_t polls;
} waited_t;

static ambc_status_t on_poll(void *ctx, const ambc_batch_t *b, uint32_t polls, uint32_t next_ms)
{
    (void)b;
    (void)next_ms;
    ((waited_t *)ctx)->polls = polls;
    return AMBC_OK;
}

static const ambc_batch_t *ended; /* the created batch as the wait left it */

/* Create a batch of n requests and wait for it to end; the batch is printed both times. */
static ambc_status_t create_and_wait(uint16_t n, uint32_t *create_ms, uint32_t *wait_ms,
                                     uint32_t *polls)
{
    static ambc_batch_t b;
    ambc_create_params_t cp;
    ambc_wait_params_t wp;
    waited_t w = {0};
    uint32_t t0 = board_ms();
    ambc_status_t st;
    memset(&cp, 0, sizeof(cp));
    cp.source = reading_source;
    cp.source_ctx = &n;
    st = ambc_batches_create(&client, &cp, &b);
    *create_ms = board_ms() - t0;
    if (st != AMBC_OK) {
        return st;
    }
    board_puts("created: ");
    print_json(&b);
    memset(&wp, 0, sizeof(wp));
    wp.initial_ms = 200;
    wp.max_ms = 1000;
    wp.timeout_ms = 60000;
    wp.on_poll = on_poll;
    wp.ctx = &w;
    t0 = board_ms();
    st = ambc_batches_wait(&client, b.id, &wp, &b);
    *wait_ms = board_ms() - t0;
    *polls = w.polls;
    if (st == AMBC_OK) {
        board_puts("ended: ");
        print_json(&b);
        ended = &b;
    }
    return st;
}

/* ---- configuration from the semihosting command line --------------------------------------- */

static bool parse_u16(const char *s, uint32_t lo, uint32_t hi, uint16_t *out)
{
    uint32_t v = 0;
    if (*s == '\0') {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000u) {
            return false;
        }
        v = v * 10u + (uint32_t)(*s - '0');
    }
    if (v < lo || v > hi) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

/* probe=P[,P...] */
static bool parse_ports(char *v, fw_args_t *a)
{
    while (a->probes < PROBES_MAX) {
        char *comma = strchr(v, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (!parse_u16(v, 1, 65535, &a->probe[a->probes++])) {
            return false;
        }
        if (comma == NULL) {
            return true;
        }
        v = comma + 1;
    }
    return false;
}

static bool parse_word(char *w, fw_args_t *a)
{
    char *eq = strchr(w, '=');
    char *v;
    if (eq == NULL) {
        return true; /* the program name QEMU puts first */
    }
    *eq = '\0';
    v = eq + 1;
    if (strcmp(w, "port") == 0) {
        return parse_u16(v, 1, 65535, &a->port);
    } else if (strcmp(w, "limit") == 0) {
        return parse_u16(v, 1, AMBC_LIST_LIMIT_MAX, &a->limit);
    } else if (strcmp(w, "ca") == 0) {
        a->ca_path = v;
    } else if (strcmp(w, "sntp") == 0) {
        a->sntp = strcmp(v, "off") != 0;
        return !a->sntp || ip4addr_aton(v, &a->sntp_server) != 0;
    } else if (strcmp(w, "sntp_wait") == 0) {
        return parse_u16(v, 0, 60000, &a->sntp_wait_ms);
    } else if (strcmp(w, "probe") == 0) {
        return parse_ports(v, a);
    } else if (strcmp(w, "key") == 0) {
        a->api_key = v;
    } else if (strcmp(w, "host") == 0) {
        a->host = v;
    } else if (strcmp(w, "name") == 0) {
        a->server_name = v;
    } else if (strcmp(w, "create") == 0) {
        return parse_u16(v, 1, 100, &a->create);
    } else if (strcmp(w, "beta") == 0) {
        a->beta = strcmp(v, "1") == 0;
    } else if (strcmp(w, "results") == 0) {
        a->results = strcmp(v, "1") == 0;
    } else {
        return false;
    }
    return true;
}

static bool parse_args(fw_args_t *a)
{
    char *p = cmdline;
    memset(a, 0, sizeof(*a));
    a->api_key = "test-key";
    a->host = "10.0.2.2";
    a->server_name = "localhost";
    a->sntp = true;
    IP4_ADDR(&a->sntp_server, 10, 0, 2, 2);
    a->sntp_wait_ms = 2000;
    if (board_cmdline(cmdline, sizeof(cmdline)) < 0) {
        return false;
    }
    while (*p != '\0') {
        char *w;
        while (*p == ' ') {
            p++;
        }
        w = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if (*p == ' ') {
            *p++ = '\0';
        }
        if (*w != '\0' && !parse_word(w, a)) {
            return false;
        }
    }
    return a->port != 0 || a->probes > 0;
}

/* ---- bring-up, the walk, the report -------------------------------------------------------- */

static bool net_up(void)
{
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    lwip_init();
    if (netif_add(&nif, &ip, &mask, &gw, NULL, lan9118_netif_init, netif_input) == NULL) {
        return false;
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    return true;
}

static int exit_status(ambc_status_t st)
{
    if (st == AMBC_OK) {
        return 0;
    }
    if (st == AMBC_ERR_API) {
        const ambc_api_error_t *e = ambc_client_last_error(&client);
        board_puts("ambc: API error: HTTP ");
        board_put_u32(e->http_status);
        board_puts(", type ");
        board_puts(e->from_body ? e->type_text : "(no API error body)");
        board_puts(", message: ");
        board_puts(e->message);
        board_puts(", request-id: ");
        board_puts(e->request_id[0] ? e->request_id : "(none)");
        board_puts("\n");
        return EXIT_API;
    }
    board_puts("ambc: ");
    board_puts(ambc_strerror(st));
    board_puts("\n");
    if (st <= AMBC_ERR_NET_RESOLVE && st > AMBC_ERR_API) {
        return EXIT_NET;
    }
    if (st <= AMBC_ERR_HTTP_STATUS_LINE && st > AMBC_ERR_NET_RESOLVE) {
        return EXIT_PROTOCOL;
    }
    return st == AMBC_ERR_INVALID_ARG ? EXIT_USAGE : 1;
}

static void measure(const char *key, uint32_t value)
{
    board_puts(" ");
    board_puts(key);
    board_puts("=");
    board_put_u32(value);
}

static void report_memory(void)
{
    size_t peak = 0, peak_blocks = 0, cur = 0, cur_blocks = 0;
    mbedtls_memory_buffer_alloc_max_get(&peak, &peak_blocks);
    mbedtls_memory_buffer_alloc_cur_get(&cur, &cur_blocks);
    peak = peak > hs.arena_peak ? peak : hs.arena_peak;
    board_puts("ambc-fw: memory");
    measure("arena_size", AMBC_FW_ARENA_SIZE);
    measure("arena_peak", (uint32_t)peak);
    measure("arena_peak_blocks", (uint32_t)peak_blocks);
    /* max_get counts payload bytes; each block also has a header in the arena. */
    measure("arena_peak_bound", (uint32_t)(peak + peak_blocks * ARENA_BLOCK_HEADER));
    measure("arena_in_use_at_end", (uint32_t)cur);
    measure("arena_after_init", (uint32_t)hs.arena_idle);
    measure("stack_size", (uint32_t)board_stack_size());
    measure("stack_used", (uint32_t)board_stack_used());
    measure("client_bytes", (uint32_t)sizeof(client));
    measure("tls_bytes", (uint32_t)sizeof(tls));
    measure("session_buf", (uint32_t)sizeof(tls_session));
    measure("ring_bytes", AMBC_FW_RING_SIZE);
    board_puts("\n");
}

static void report_tls(void)
{
    ambc_tls_stats_t ts = ambc_tls_stats(&tls);
    board_puts("ambc-fw: time");
    measure("sntp", wallclock_syncs());
    measure("sntp_refused", wallclock_refused());
    measure("floor", wallclock_floor());
    measure("now", wallclock_now());
    board_puts("\nambc-fw: tls");
    measure("tls_handshakes", ts.handshakes);
    measure("tls_resumed", ts.resumed);
    measure("tls_offered", ts.offered);
    measure("not_saved", ts.not_saved);
    measure("session_bytes", ts.session_bytes);
    measure("full", hs.full);
    measure("full_cpu_us", (uint32_t)hs.full_cpu);
    measure("full_net_us", (uint32_t)hs.full_net);
    measure("full_arena", (uint32_t)hs.full_arena);
    measure("resumed_cpu_us", (uint32_t)hs.resumed_cpu);
    measure("resumed_net_us", (uint32_t)hs.resumed_net);
    measure("resumed_arena", (uint32_t)hs.resumed_arena);
    measure("verify_flags", ambc_tls_verify_flags(&tls));
    board_puts("\n");
}

static void report_lwip(void)
{
    const lan9118_stats_t *eth = lan9118_stats();
    board_puts("ambc-fw: lwip");
    measure("heap_max", (uint32_t)lwip_stats.mem.max);
    measure("heap_err", (uint32_t)lwip_stats.mem.err);
    measure("pbuf_pool_max", (uint32_t)lwip_stats.memp[MEMP_PBUF_POOL]->max);
    measure("pbuf_pool_err", (uint32_t)lwip_stats.memp[MEMP_PBUF_POOL]->err);
    measure("tcp_seg_max", (uint32_t)lwip_stats.memp[MEMP_TCP_SEG]->max);
    measure("eth_rx", eth->rx_frames);
    measure("eth_tx", eth->tx_frames);
    measure("eth_rx_dropped", eth->rx_dropped);
    measure("eth_tx_errors", eth->tx_errors);
    measure("tcp_xmit", (uint32_t)lwip_stats.tcp.xmit);
    measure("tcp_drop", (uint32_t)lwip_stats.tcp.drop);
    board_puts("\n");
}

/* The walk's phases: all of it, mbedTLS's work (handshakes and records), TCP (lwIP and
 * waiting), the application's callback, and the rest: ambc's own (requests, HTTP, JSON). */
static void report_walk(const walk_t *w, uint32_t walk_ms)
{
    ambc_client_stats_t s = ambc_client_stats(&client);
    uint64_t walk_us = board_us() - w->us0;
    uint64_t net = meter_total_us(&tcp_meter.n) - meter_total_us(&w->tcp0);
    uint64_t in_tls = meter_total_us(&tls_meter.n) - meter_total_us(&w->tls0);
    uint64_t hs_cpu = hs.full_cpu + hs.resumed_cpu - w->hs_cpu0;
    board_puts("ambc-fw: walk");
    measure("records", w->records);
    measure("pages", s.requests - w->requests0);
    measure("handshakes", s.connects);
    measure("reconnects", s.reconnects);
    measure("retries", s.retries);
    measure("walk_ms", walk_ms);
    measure("first_record_ms", w->first_record);
    measure("uptime_ms", board_ms());
    board_puts("\nambc-fw: phases");
    measure("walk_us", (uint32_t)walk_us);
    measure("tls_cpu_us", (uint32_t)(in_tls - net));
    measure("hs_cpu_us", (uint32_t)hs_cpu);
    measure("record_cpu_us", (uint32_t)(in_tls - net - hs_cpu));
    measure("net_us", (uint32_t)net);
    measure("callback_us", (uint32_t)w->callback_us);
    measure("client_us", (uint32_t)(walk_us - in_tls - w->callback_us));
    measure("wire_sent", (uint32_t)(tcp_meter.n.sent - w->tcp0.sent));
    measure("wire_received", (uint32_t)(tcp_meter.n.received - w->tcp0.received));
    measure("app_sent", (uint32_t)(tls_meter.n.sent - w->tls0.sent));
    measure("app_received", (uint32_t)(tls_meter.n.received - w->tls0.received));
    measure("records_in", tcp_meter.n.records - w->tcp0.records);
    measure("app_records_in", tcp_meter.n.app_records - w->tcp0.app_records);
    board_puts("\n");
}

/* probe=...: one handshake with each port, and its status (the certificate tests). */
static void probe(const fw_args_t *a, ambc_stream_t s)
{
    uint16_t i;
    for (i = 0; i < a->probes; i++) {
        ambc_status_t st =
            s.ops->connect(s.ctx, a->host, a->probe[i], CONFIG_AMBC_CONNECT_TIMEOUT_MS);
        board_puts("ambc-fw: probe");
        measure("port", a->probe[i]);
        board_puts(" status=");
        board_put_i32(st);
        measure("verify_flags", ambc_tls_verify_flags(&tls));
        board_puts(" ");
        board_puts(ambc_strerror(st));
        board_puts("\n");
        s.ops->close(s.ctx);
    }
}

/* Trust: the roots in flash, or (test option) one DER certificate from the host. */
static bool set_trust(const fw_args_t *a, ambc_tls_config_t *c, ambc_tls_der_t *one)
{
    long len;
    if (a->ca_path == NULL) {
        c->ca_der = ambc_fw_roots;
        c->ca_der_count = ambc_fw_roots_count;
        return true;
    }
    len = board_read_file(a->ca_path, ca_der, sizeof(ca_der));
    if (len <= 0) {
        return false;
    }
    one->der = ca_der;
    one->len = (size_t)len;
    c->ca_der = one;
    c->ca_der_count = 1u;
    return true;
}

/* Before the first handshake: the time for certificate dates, or the build-time floor. */
static void get_time(const fw_args_t *a)
{
    uint32_t t0 = board_ms();
    bool ok = a->sntp && wallclock_sync(&a->sntp_server, a->sntp_wait_ms, net_poll, &nif);
    board_puts("ambc-fw: clock source=");
    board_puts(ok ? "sntp" : "floor");
    measure("sntp_ms", board_ms() - t0);
    board_puts("\n");
}

static ambc_status_t run(const fw_args_t *a, walk_t *walk, ambc_status_t st)
{
    ambc_list_params_t params;
    if (st == AMBC_OK && a->create > 0) {
        uint32_t create_ms = 0, wait_ms = 0, polls = 0;
        st = create_and_wait(a->create, &create_ms, &wait_ms, &polls);
        if (st == AMBC_OK && a->results) {
            st = results_demo_run(&client, ended);
        }
        board_puts("ambc-fw: create");
        measure("requests", a->create);
        measure("create_ms", create_ms);
        measure("wait_ms", wait_ms);
        measure("polls", polls);
        board_puts("\n");
    }
    memset(walk, 0, sizeof(*walk));
    walk->requests0 = ambc_client_stats(&client).requests;
    walk->t0 = board_ms();
    walk->us0 = board_us();
    walk->tcp0 = tcp_meter.n;
    walk->tls0 = tls_meter.n;
    walk->hs_cpu0 = hs.full_cpu + hs.resumed_cpu;
    if (st == AMBC_OK) {
        memset(&params, 0, sizeof(params));
        params.limit = a->limit;
        st = ambc_batches_list_each(&client, &params, true, on_batch, walk);
    }
    return st;
}

int main(void)
{
    static walk_t walk;
    fw_args_t a;
    ambc_stream_t wire, secure;
    ambc_tls_config_t tcfg;
    ambc_tls_der_t one_ca;
    ambc_client_options_t opt;
    ambc_status_t st;
    size_t blocks = 0;

    board_init();
    board_puts("ambc-fw: WARNING: this QEMU build's TLS entropy is NOT SECURE (test only)\n");
    if (!parse_args(&a)) {
        board_puts("ambc-fw: usage: -append \"port=N [ca=DER] [key=K] [limit=N] [host=A.B.C.D]"
                   " [name=NAME] [beta=1] [create=N] [results=1] [sntp=A.B.C.D|off] [sntp_wait=MS]"
                   " [probe=P,...]\"\n");
        return EXIT_USAGE;
    }
    memset(&tcfg, 0, sizeof(tcfg));
    if (!set_trust(&a, &tcfg, &one_ca)) {
        board_puts("ambc-fw: cannot read the CA file through semihosting\n");
        return EXIT_USAGE;
    }
    mbedtls_memory_buffer_alloc_init(arena, sizeof(arena));
    if (!net_up()) {
        board_puts("ambc-fw: no LAN9118 at 0x40200000 (run with -net nic,model=lan9118)\n");
        return EXIT_NET;
    }
    get_time(&a);

    /* From here on: what any application does with ambc over lwIP and mbedTLS (the meters
     * aside: they only watch the two streams). */
    ambc_lwip_raw_init(&raw, ring, sizeof(ring), net_poll, &nif);
    ambc_lwip_clock_init(&fw_clock, net_poll, &nif, jitter_random, NULL);
    wire = meter_wrap(&tcp_meter, ambc_lwip_raw_stream(&raw));
    tcfg.server_name = a.server_name; /* lwIP has no DNS here: connect by address */
    tcfg.clock = &fw_clock;
    tcfg.session = tls_session;
    tcfg.session_size = sizeof(tls_session);
    tcfg.time_is_floor = wallclock_is_floor;
    st = ambc_tls_init(&tls, &wire, &tcfg);
    mbedtls_memory_buffer_alloc_cur_get(&hs.arena_idle, &blocks);
    secure = meter_wrap(&tls_meter, ambc_tls_stream(&tls));
    tls_meter.on_connect = on_tls_connect;
    tls_meter.on_connect_ctx = &hs;
    board_puts("ambc-fw: trust");
    measure("roots", (uint32_t)tcfg.ca_der_count);
    board_puts(a.ca_path != NULL ? " source=host-file\n" : " source=flash\n");
    if (st == AMBC_OK && a.probes > 0) {
        probe(&a, secure);
    } else if (st == AMBC_OK) {
        memset(&opt, 0, sizeof(opt));
        opt.host = a.host;
        opt.port = a.port;
        opt.api_key = a.api_key;
        opt.beta = a.beta;
        st = ambc_client_init(&client, &opt, secure, &fw_clock);
        st = run(&a, &walk, st);
        report_walk(&walk, board_ms() - walk.t0);
        ambc_client_close(&client);
    }
    report_tls();
    ambc_tls_free(&tls);
    report_memory();
    report_lwip();
    return exit_status(st);
}
