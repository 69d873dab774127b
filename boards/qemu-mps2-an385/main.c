/*
 * ambc firmware for QEMU's mps2-an385 (Cortex-M3): list every Message Batch over verified
 * TLS, through lwIP (NO_SYS=1, raw API) on the board's LAN9118, and print each record as one
 * JSON line in exactly the format of the Linux CLI's `ambc list --all --json`.
 *
 * The ambc part (client, TLS stream over the lwIP raw stream, the walk) is what any
 * application does; only the board set-up and the configuration source are QEMU's.
 *
 * Configuration comes from the semihosting command line (QEMU's `-append`), as key=value
 * words:
 *   port=N     the API's TCP port on the gateway (required)
 *   ca=PATH    a host file of PEM CA certificates, read through semihosting (required)
 *   key=KEY    the API key (default: test-key, the mock's)
 *   limit=N    records per page (default: the API's, 20)
 *   host=A.B.C.D  numeric address of the API (default 10.0.2.2: QEMU user networking's
 *              gateway, i.e. the host's loopback)
 *   name=NAME  the name the certificate must carry and SNI (default localhost)
 *   beta=1     the beta flavour
 *   create=N   first create a batch of N requests (1..100) written from flash with the params
 *              writer, wait for it to end, then list (the new batch comes first)
 *   results=1  after the wait, stream the batch's results (results_demo.c)
 * A real device keeps these (and the CA certificates) in flash.
 *
 * Output: `created: ` and `ended: ` lines with the new batch (create=N), record lines, then
 * `ambc-fw: ...` lines with the measurements. Exit status (QEMU's, through semihosting) as the
 * CLI's: 0 success, 1 other, 2 usage, 3 network/TLS, 4 API error, 5 protocol error.
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
#include "results_demo.h"

enum { EXIT_USAGE = 2, EXIT_NET = 3, EXIT_API = 4, EXIT_PROTOCOL = 5 };

/* mbedTLS's arena: every byte mbedTLS ever allocates comes from here. */
#ifndef AMBC_FW_ARENA_SIZE
#define AMBC_FW_ARENA_SIZE 32768
#endif
/* The raw lwIP port's receive ring (Kconfig: this board's defconfig sets it): it must hold a
 * whole TCP window, or lwIP keeps segments the ring refused and offers them again only on its
 * 250 ms timer (measured here with a 2 KB ring: the walk took 33 s instead of 3.3 s). */
#define AMBC_FW_RING_SIZE CONFIG_AMBC_LWIP_RING_SIZE
typedef char ring_holds_a_tcp_window[(AMBC_FW_RING_SIZE >= TCP_WND) ? 1 : -1];

/* sizeof(memory_header) in mbedTLS 2.28's memory_buffer_alloc.c with MBEDTLS_MEMORY_DEBUG and
 * no backtrace: eight 32-bit fields. */
#define ARENA_BLOCK_HEADER 32u
#define CA_PEM_MAX         4096 /* test set-up only: a real board keeps its CAs in flash */
#define CMDLINE_MAX        512

typedef struct {
    uint16_t port;
    uint16_t limit;
    uint16_t create; /* requests in a batch to create first, 0: none */
    bool beta;
    bool results; /* stream the created batch's results after the wait */
    const char *ca_path;
    const char *api_key;
    const char *host;
    const char *server_name;
} fw_args_t;

static uint8_t arena[AMBC_FW_ARENA_SIZE] __attribute__((aligned(8)));
static uint8_t ring[AMBC_FW_RING_SIZE];
static uint8_t ca_pem[CA_PEM_MAX];
static char cmdline[CMDLINE_MAX];
static struct netif nif;
static ambc_lwip_raw_t raw;
static ambc_clock_t fw_clock;
static ambc_tls_t tls;
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
} walk_t;

static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
{
    walk_t *w = ctx;
    if (w->records++ == 0u) {
        w->first_record = board_ms() - w->t0;
    }
    print_json(b);
    return AMBC_OK;
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

static bool parse_word(char *w, fw_args_t *a)
{
    char *eq = strchr(w, '=');
    const char *v;
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
    return a->port != 0 && a->ca_path != NULL;
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

static void report(const walk_t *w, uint32_t walk_ms)
{
    ambc_client_stats_t s = ambc_client_stats(&client);
    size_t peak = 0, peak_blocks = 0, cur = 0, cur_blocks = 0;
    const lan9118_stats_t *eth = lan9118_stats();
    mbedtls_memory_buffer_alloc_max_get(&peak, &peak_blocks);
    mbedtls_memory_buffer_alloc_cur_get(&cur, &cur_blocks);
    board_puts("ambc-fw: walk");
    measure("records", w->records);
    measure("pages", s.requests - w->requests0);
    measure("handshakes", s.connects);
    measure("reconnects", s.reconnects);
    measure("retries", s.retries);
    measure("walk_ms", walk_ms);
    measure("first_record_ms", w->first_record);
    measure("uptime_ms", board_ms());
    board_puts("\nambc-fw: memory");
    measure("arena_size", AMBC_FW_ARENA_SIZE);
    measure("arena_peak", (uint32_t)peak);
    measure("arena_peak_blocks", (uint32_t)peak_blocks);
    /* max_get counts payload bytes; each block also has a header in the arena. */
    measure("arena_peak_bound", (uint32_t)(peak + peak_blocks * ARENA_BLOCK_HEADER));
    measure("arena_in_use_at_end", (uint32_t)cur);
    measure("stack_size", (uint32_t)board_stack_size());
    measure("stack_used", (uint32_t)board_stack_used());
    measure("client_bytes", (uint32_t)sizeof(client));
    measure("tls_bytes", (uint32_t)sizeof(tls));
    measure("ring_bytes", AMBC_FW_RING_SIZE);
    board_puts("\nambc-fw: lwip");
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

int main(void)
{
    fw_args_t a;
    ambc_stream_t lower;
    ambc_tls_config_t tcfg;
    ambc_client_options_t opt;
    ambc_list_params_t params;
    ambc_status_t st;
    walk_t walk;
    uint32_t walk_ms;
    long ca_len;

    board_init();
    board_puts("ambc-fw: WARNING: this QEMU build's TLS entropy is NOT SECURE (test only)\n");
    if (!parse_args(&a)) {
        board_puts("ambc-fw: usage: -append \"port=N ca=PATH [key=K] [limit=N] [host=A.B.C.D]"
                   " [name=NAME] [beta=1] [create=N]\"\n");
        return EXIT_USAGE;
    }
    ca_len = board_read_file(a.ca_path, ca_pem, sizeof(ca_pem));
    if (ca_len <= 0) {
        board_puts("ambc-fw: cannot read the CA file through semihosting\n");
        return EXIT_USAGE;
    }
    mbedtls_memory_buffer_alloc_init(arena, sizeof(arena));
    if (!net_up()) {
        board_puts("ambc-fw: no LAN9118 at 0x40200000 (run with -net nic,model=lan9118)\n");
        return EXIT_NET;
    }

    /* From here on: what any application does with ambc over lwIP and mbedTLS. */
    ambc_lwip_raw_init(&raw, ring, sizeof(ring), net_poll, &nif);
    ambc_lwip_clock_init(&fw_clock, net_poll, &nif, jitter_random, NULL);
    lower = ambc_lwip_raw_stream(&raw);
    memset(&tcfg, 0, sizeof(tcfg));
    tcfg.ca_pem = ca_pem;
    tcfg.ca_pem_len = (size_t)ca_len + 1u; /* PEM: the length includes the NUL */
    tcfg.server_name = a.server_name;      /* lwIP has no DNS here: connect by address */
    tcfg.clock = &fw_clock;
    st = ambc_tls_init(&tls, &lower, &tcfg);
    if (st == AMBC_OK) {
        memset(&opt, 0, sizeof(opt));
        opt.host = a.host;
        opt.port = a.port;
        opt.api_key = a.api_key;
        opt.beta = a.beta;
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), &fw_clock);
    }
    if (st == AMBC_OK && a.create > 0) {
        uint32_t create_ms = 0, wait_ms = 0, polls = 0;
        st = create_and_wait(a.create, &create_ms, &wait_ms, &polls);
        if (st == AMBC_OK && a.results) {
            st = results_demo_run(&client, ended);
        }
        board_puts("ambc-fw: create");
        measure("requests", a.create);
        measure("create_ms", create_ms);
        measure("wait_ms", wait_ms);
        measure("polls", polls);
        board_puts("\n");
    }
    memset(&walk, 0, sizeof(walk));
    walk.requests0 = ambc_client_stats(&client).requests;
    walk.t0 = board_ms();
    if (st == AMBC_OK) {
        memset(&params, 0, sizeof(params));
        params.limit = a.limit;
        st = ambc_batches_list_each(&client, &params, true, on_batch, &walk);
    }
    walk_ms = board_ms() - walk.t0;
    ambc_client_close(&client);
    ambc_tls_free(&tls);
    report(&walk, walk_ms);
    return exit_status(st);
}
