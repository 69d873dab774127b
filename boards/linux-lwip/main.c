/*
 * ambc over lwIP on Linux: the CLI's list walk through an lwIP stack in this process, on a TAP
 * device. Two builds of this file: ambc-lwip-sockets (NO_SYS=0, port/lwip/sockets.c) and
 * ambc-lwip-raw (NO_SYS=1, port/lwip/raw.c); TLS is port/mbedtls over either.
 *
 *   ambc-lwip-sockets list [--limit N] [--after-id ID | --before-id ID] [--all] [--beta]
 *                          [--json] [--ca-file PEM] [--stats] [-v] [tuning] [network]
 *
 * stdout is byte for byte what `ambc list` prints for the same options (tests/lwip compares
 * them). stderr ends with lwIP's high-water marks and this process's RSS.
 *
 * Environment: ANTHROPIC_API_KEY (required), ANTHROPIC_BASE_URL (required here:
 * https://ADDRESS[:port] with a numeric address, since the test network has no DNS).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ambc/ambc.h"
#include "ambc_lwip.h"
#include "ambc_mbedtls.h"
#include "net.h"

enum { EXIT_USAGE = 2, EXIT_NET = 3, EXIT_API = 4, EXIT_PROTOCOL = 5 };

static const char usage[] =
    "usage: ambc-lwip-<flavour> list [--limit N] [--after-id ID | --before-id ID] [--all]\n"
    "                 [--beta] [--json] [--ca-file PEM] [--stats] [-v|-vv]\n"
    "                 [--tap NAME] [--ip A.B.C.D] [--netmask M] [--gw G] [--server-name NAME]\n"
    "\n"
    "  list options as `ambc list` (see ambc --help); tuning options too:\n"
    "  --max-retries N, --timeout-ms MS, --connect-timeout-ms MS, --io-timeout-ms MS,\n"
    "  --retry-initial-ms MS, --retry-max-ms MS\n"
    "\n"
    "network (lwIP's side of the TAP device):\n"
    "  --tap NAME          an existing TAP device (default tap0)\n"
    "  --ip A.B.C.D        lwIP's address (default 192.168.77.2)\n"
    "  --netmask M         (default 255.255.255.0)\n"
    "  --gw G              default gateway (default none: the server is on the link)\n"
    "  --server-name NAME  the name TLS verifies, since the URL has an address (default "
    "localhost)\n"
    "\n"
    "environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL=https://ADDRESS[:PORT] (required)\n"
    "exit status: as ambc (0 ok, 2 usage, 3 network/TLS, 4 API error, 5 protocol error)\n";

typedef struct {
    ambc_list_params_t params;
    bool all, beta, json, stats;
    int verbose;
    const char *ca_file;
    const char *server_name;
    net_config_t net;
    ambc_client_options_t tune; /* only the timeout and retry fields are used */
} args_t;

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (s == NULL || *s == '\0' || *s == '-') {
        return -1;
    }
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* The CLI's tuning options: 1 when o was one (value consumed), 0 when not, -1 if bad. */
static int parse_tuning(const char *o, const char *val, args_t *a)
{
    static const struct {
        const char *name;
        size_t offset;
        uint32_t lo, hi;
    } opts[] = {
        {"--timeout-ms", offsetof(ambc_client_options_t, total_timeout_ms), 1, 3600000},
        {"--connect-timeout-ms", offsetof(ambc_client_options_t, connect_timeout_ms), 1, 600000},
        {"--io-timeout-ms", offsetof(ambc_client_options_t, io_timeout_ms), 1, 600000},
        {"--retry-initial-ms", offsetof(ambc_client_options_t, retry_initial_ms), 1, 600000},
        {"--retry-max-ms", offsetof(ambc_client_options_t, retry_max_ms), 1, 600000},
    };
    size_t i;
    uint32_t v;
    if (strcmp(o, "--max-retries") == 0) {
        if (parse_u32(val, 0, 10, &v) != 0) {
            return -1;
        }
        a->tune.max_retries = (uint8_t)(v == 0 ? AMBC_RETRIES_NONE : v);
        return 1;
    }
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (strcmp(o, opts[i].name) == 0) {
            if (parse_u32(val, opts[i].lo, opts[i].hi, &v) != 0) {
                return -1;
            }
            memcpy((char *)&a->tune + opts[i].offset, &v, sizeof(v));
            return 1;
        }
    }
    return 0;
}

/* Options that take a string: 1 when o was one of them, 0 when not. */
static int parse_string_opt(const char *o, const char *val, args_t *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
        {"--after-id", offsetof(args_t, params.after_id)},
        {"--before-id", offsetof(args_t, params.before_id)},
        {"--ca-file", offsetof(args_t, ca_file)},
        {"--server-name", offsetof(args_t, server_name)},
        {"--tap", offsetof(args_t, net.tap)},
        {"--ip", offsetof(args_t, net.ip)},
        {"--netmask", offsetof(args_t, net.netmask)},
        {"--gw", offsetof(args_t, net.gateway)},
    };
    size_t i;
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (strcmp(o, opts[i].name) == 0) {
            memcpy((char *)a + opts[i].offset, &val, sizeof(val));
            return 1;
        }
    }
    return 0;
}

static int bad_usage(const char *what)
{
    fprintf(stderr, "ambc-lwip: %s\n\n%s", what, usage);
    return EXIT_USAGE;
}

static int parse_flag(const char *o, args_t *a)
{
    if (strcmp(o, "--all") == 0) {
        a->all = true;
    } else if (strcmp(o, "--beta") == 0) {
        a->beta = true;
    } else if (strcmp(o, "--json") == 0) {
        a->json = true;
    } else if (strcmp(o, "--stats") == 0) {
        a->stats = true;
    } else if (strcmp(o, "-v") == 0 || strcmp(o, "-vv") == 0) {
        a->verbose = o[2] == 'v' ? 2 : 1;
    } else {
        return 0;
    }
    return 1;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    int i;
    uint32_t limit;
    memset(a, 0, sizeof(*a));
    a->server_name = "localhost";
    a->net.tap = "tap0";
    a->net.ip = "192.168.77.2";
    a->net.netmask = "255.255.255.0";
    if (argc < 2 || strcmp(argv[1], "list") != 0) {
        fputs(usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? -1 : EXIT_USAGE;
    }
    for (i = 2; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int t;
        if (parse_flag(o, a)) {
            continue;
        }
        if (strcmp(o, "--limit") == 0) {
            if (parse_u32(val, 1, AMBC_LIST_LIMIT_MAX, &limit) != 0) {
                return bad_usage("--limit must be 1..1000");
            }
            a->params.limit = (uint16_t)limit;
            i++;
            continue;
        }
        t = parse_tuning(o, val, a);
        if (t < 0) {
            return bad_usage("bad value for a tuning option");
        }
        if (t == 0 && (val == NULL || !parse_string_opt(o, val, a))) {
            return bad_usage("unknown or incomplete option");
        }
        i++;
    }
    if (a->params.after_id && a->params.before_id) {
        return bad_usage("--after-id and --before-id are exclusive");
    }
    return 0;
}

/* https://host[:port] -> host and port. */
static int parse_base_url(const char *url, char *host, size_t cap, uint16_t *port)
{
    const char *p, *colon, *end;
    size_t len;
    uint32_t v;
    char digits[8];
    if (url == NULL || strncmp(url, "https://", 8) != 0) {
        return -1;
    }
    p = url + 8;
    end = p + strcspn(p, "/");
    colon = memchr(p, ':', (size_t)(end - p));
    len = (size_t)((colon ? colon : end) - p);
    if (len == 0 || len >= cap || (*end == '/' && end[1] != '\0')) {
        return -1;
    }
    memcpy(host, p, len);
    host[len] = '\0';
    *port = 443;
    if (colon) {
        size_t n = (size_t)(end - colon - 1);
        if (n == 0 || n >= sizeof(digits)) {
            return -1;
        }
        memcpy(digits, colon + 1, n);
        digits[n] = '\0';
        if (parse_u32(digits, 1, 65535, &v) != 0) {
            return -1;
        }
        *port = (uint16_t)v;
    }
    return 0;
}

/* ---- output: the CLI's formats, byte for byte ------------------------------------------ */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

static void json_time(FILE *f, const char *key, int64_t us)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    fprintf(f, ",\"%s\":", key);
    if (us == AMBC_TIME_NULL || ambc_rfc3339_format(us, buf, sizeof(buf)) != AMBC_OK) {
        fputs("null", f);
    } else {
        json_string(f, buf);
    }
}

static void print_json(const ambc_batch_t *b)
{
    const ambc_request_counts_t *n = &b->request_counts;
    fputs("{\"id\":", stdout);
    json_string(stdout, b->id);
    fputs(",\"type\":\"message_batch\",\"processing_status\":", stdout);
    json_string(stdout, ambc_batch_status_name(b->processing_status));
    printf(",\"request_counts\":{\"processing\":%" PRIu32 ",\"succeeded\":%" PRIu32
           ",\"errored\":%" PRIu32 ",\"canceled\":%" PRIu32 ",\"expired\":%" PRIu32 "}",
           n->processing, n->succeeded, n->errored, n->canceled, n->expired);
    json_time(stdout, "created_at", b->created_at);
    json_time(stdout, "expires_at", b->expires_at);
    json_time(stdout, "ended_at", b->ended_at);
    json_time(stdout, "cancel_initiated_at", b->cancel_initiated_at);
    json_time(stdout, "archived_at", b->archived_at);
    fputs(",\"results_url\":", stdout);
    if (b->null & AMBC_BATCH_F_RESULTS_URL || !(b->present & AMBC_BATCH_F_RESULTS_URL)) {
        fputs("null", stdout);
    } else {
        json_string(stdout, b->results_url);
    }
    fputs("}\n", stdout);
}

static void print_row(const ambc_batch_t *b)
{
    char created[AMBC_RFC3339_BUF_SIZE] = "-";
    const ambc_request_counts_t *n = &b->request_counts;
    if (b->created_at != AMBC_TIME_NULL) {
        ambc_rfc3339_format(b->created_at, created, sizeof(created));
        created[19] = '\0';
    }
    printf("%-34s %-12s %10" PRIu32 " %9" PRIu32 " %7" PRIu32 " %8" PRIu32 " %7" PRIu32 "  %sZ\n",
           b->id, ambc_batch_status_name(b->processing_status), n->processing, n->succeeded,
           n->errored, n->canceled, n->expired, created);
}

static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
{
    const args_t *a = ctx;
    if (a->json) {
        print_json(b);
    } else {
        print_row(b);
    }
    return AMBC_OK;
}

static void log_stderr(void *ctx, ambc_log_level_t level, const char *event, const char *text,
                       int64_t num)
{
    static const char *const names[] = {"", "error", "warn", "info", "debug"};
    const args_t *a = ctx;
    if ((a->verbose >= 2 || level <= AMBC_LOG_INFO) && a->verbose > 0) {
        fprintf(stderr, "ambc: [%s] %s %s %" PRId64 "\n", names[level], event, text, num);
    }
}

static int report(ambc_status_t st, const ambc_client_t *client)
{
    if (st == AMBC_ERR_API) {
        const ambc_api_error_t *e = ambc_client_last_error(client);
        fprintf(stderr, "ambc: API error: HTTP %u, type %s, message: %s%s, request-id: %s%s\n",
                e->http_status, e->from_body ? e->type_text : "(no API error body)", e->message,
                e->message_truncated ? "..." : "", e->request_id[0] ? e->request_id : "(none)",
                e->request_id_truncated ? "..." : "");
        return EXIT_API;
    }
    fprintf(stderr, "ambc: %s\n", ambc_strerror(st));
    if (st <= AMBC_ERR_NET_RESOLVE && st > AMBC_ERR_API) {
        return EXIT_NET;
    }
    if (st <= AMBC_ERR_HTTP_STATUS_LINE && st > AMBC_ERR_NET_RESOLVE) {
        return EXIT_PROTOCOL;
    }
    return st == AMBC_ERR_INVALID_ARG ? EXIT_USAGE : 1;
}

/* ---- the host's parts: entropy for jitter, memory figures ------------------------------ */

/* The device's TRNG stands here: getrandom(2). */
static uint32_t host_random(void *ctx)
{
    uint32_t r = 0;
    (void)ctx;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        r = 0x2545F491u;
    }
    return r;
}

/* VmRSS and VmHWM (peak RSS) of this process, KB, from /proc. */
static void print_memory(FILE *out)
{
    char line[128];
    long rss = -1, hwm = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            rss = strtol(line + 6, NULL, 10);
        } else if (strncmp(line, "VmHWM:", 6) == 0) {
            hwm = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    fprintf(out, "ambc-lwip-%s: rss_kb %ld, peak rss_kb %ld\n", net_flavour, rss, hwm);
}

static ambc_tls_t tls;
static ambc_client_t client;

int main(int argc, char **argv)
{
    static char host[64];
    args_t a;
    ambc_client_options_t opt;
    ambc_tls_config_t tcfg;
    ambc_stream_t tcp;
    const ambc_clock_t *clock = NULL;
    ambc_status_t st;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    opt = a.tune;
    opt.api_key = getenv("ANTHROPIC_API_KEY");
    if (opt.api_key == NULL || opt.api_key[0] == '\0') {
        return bad_usage("set ANTHROPIC_API_KEY");
    }
    if (parse_base_url(getenv("ANTHROPIC_BASE_URL"), host, sizeof(host), &opt.port) != 0) {
        return bad_usage("ANTHROPIC_BASE_URL must be https://ADDRESS[:port]");
    }
    opt.host = host;
    opt.beta = a.beta;
    opt.log = log_stderr;
    opt.log_ctx = &a;
    a.net.rand = host_random;
    /* Debian's arch/cc.h makes LWIP_RAND() rand(): seed it, or every run would pick the same
     * local port and meet the previous run's connection still open at the server. */
    srand(host_random(NULL));
    if (net_up(&a.net, &tcp, &clock) != 0) {
        return EXIT_NET;
    }
    memset(&tcfg, 0, sizeof(tcfg));
    tcfg.ca_file = a.ca_file;
    tcfg.server_name = a.server_name;
    tcfg.clock = clock;
    st = ambc_tls_init(&tls, &tcp, &tcfg);
    if (st == AMBC_OK) {
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), clock);
    }
    if (st == AMBC_OK) {
        if (!a.json) {
            printf("%-34s %-12s %10s %9s %7s %8s %7s  %s\n", "ID", "STATUS", "PROCESSING",
                   "SUCCEEDED", "ERRORED", "CANCELED", "EXPIRED", "CREATED");
        }
        st = ambc_batches_list_each(&client, &a.params, a.all, on_batch, &a);
    }
    fflush(stdout);
    if (a.stats) {
        ambc_client_stats_t s = ambc_client_stats(&client);
        fprintf(stderr,
                "ambc: connections %" PRIu32 ", requests %" PRIu32 ", reconnects %" PRIu32
                ", retries %" PRIu32 ", resumed %" PRIu32 "\n",
                s.connects, s.requests, s.reconnects, s.retries, s.resumed);
    }
    ambc_client_close(&client);
    ambc_tls_free(&tls);
    net_report(stderr);
    print_memory(stderr);
    return st == AMBC_OK ? 0 : report(st, &client);
}
