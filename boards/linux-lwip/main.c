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
 * https://HOST[:port]; HOST is a numeric address, or a name resolved by lwIP's DNS when
 * --dns names a server).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ambc/ambc.h"
#include "ambc/lwip.h"
#include "ambc/mbedtls.h"
#include "cli_common.h"
#include "net.h"

static const char usage[] =
    "usage: ambc-lwip-<flavour> list [--limit N] [--after-id ID | --before-id ID] [--all]\n"
    "                 [--beta] [--json] [--ca-file PEM] [--stats] [-v|-vv]\n"
    "                 [--tap NAME] [--ip A.B.C.D] [--netmask M] [--gw G] [--dns D]\n"
    "                 [--server-name NAME]\n"
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
    "  --dns D             lwIP's DNS server, for a host name in the URL (default none)\n"
    "  --server-name NAME  the name TLS verifies, since the URL has an address (default "
    "localhost)\n"
    "\n"
    "environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL=https://HOST[:PORT] (required)\n"
    "exit status: as ambc (0 ok, 2 usage, 3 network/TLS, 4 API error, 5 protocol error)\n";

typedef struct {
    cli_list_args_t list; /* the options `ambc list` has, parsed by the same code */
    const char *server_name;
    net_config_t net;
} args_t;

/* This program's own options (network and TLS name): 1 when o was one of them, 0 when not. */
static int parse_string_opt(const char *o, const char *val, args_t *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
        {"--server-name", offsetof(args_t, server_name)},
        {"--tap", offsetof(args_t, net.tap)},
        {"--ip", offsetof(args_t, net.ip)},
        {"--netmask", offsetof(args_t, net.netmask)},
        {"--gw", offsetof(args_t, net.gateway)},
        {"--dns", offsetof(args_t, net.dns)},
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
    return CLI_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    int i;
    memset(a, 0, sizeof(*a));
    a->server_name = "localhost";
    a->net.tap = "tap0";
    a->net.ip = "192.168.77.2";
    a->net.netmask = "255.255.255.0";
    if (argc < 2 || strcmp(argv[1], "list") != 0) {
        fputs(usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? -1 : CLI_EXIT_USAGE;
    }
    for (i = 2; i < argc; i++) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        const char *why = NULL;
        int r = cli_parse_list_option(argc, argv, &i, &a->list, &why);
        if (r < 0) {
            return bad_usage(why);
        }
        if (r > 0) {
            continue;
        }
        if (val == NULL || !parse_string_opt(argv[i], val, a)) {
            return bad_usage("unknown or incomplete option");
        }
        i++;
    }
    if (cli_check_list_args(&a->list) != NULL) {
        return bad_usage(cli_check_list_args(&a->list));
    }
    return 0;
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
    opt = a.list.tune;
    opt.api_key = getenv("ANTHROPIC_API_KEY");
    if (opt.api_key == NULL || opt.api_key[0] == '\0') {
        return bad_usage("set ANTHROPIC_API_KEY");
    }
    if (cli_parse_base_url(getenv("ANTHROPIC_BASE_URL"), host, sizeof(host), &opt.port) != 0) {
        return bad_usage("ANTHROPIC_BASE_URL must be https://HOST[:port]");
    }
    opt.host = host;
    opt.beta = a.list.beta;
    opt.log = cli_log_stderr;
    opt.log_ctx = &a.list.verbose;
    a.net.rand = host_random;
    /* Debian's arch/cc.h makes LWIP_RAND() rand(): seed it, or every run would pick the same
     * local port and meet the previous run's connection still open at the server. */
    srand(host_random(NULL));
    if (net_up(&a.net, &tcp, &clock) != 0) {
        return CLI_EXIT_NET;
    }
    memset(&tcfg, 0, sizeof(tcfg));
    tcfg.ca_file = a.list.ca_file;
    tcfg.server_name = a.server_name;
    tcfg.clock = clock;
    st = ambc_tls_init(&tls, &tcp, &tcfg);
    if (st == AMBC_OK) {
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), clock);
    }
    if (st == AMBC_OK) {
        if (!a.list.json) {
            cli_print_header(stdout);
            a.list.header_done = true;
        }
        st = ambc_batches_list_each(&client, &a.list.params, a.list.all, cli_print_batch, &a.list);
    }
    fflush(stdout);
    if (a.list.stats) {
        ambc_client_stats_t s = ambc_client_stats(&client);
        fprintf(stderr,
                "ambc: connections %" PRIu32 ", requests %" PRIu32 ", reconnects %" PRIu32
                ", idle_dropped %" PRIu32 ", retries %" PRIu32 ", resumed %" PRIu32 "\n",
                s.connects, s.requests, s.reconnects, s.idle_dropped, s.retries, s.resumed);
    }
    (void)ambc_client_close(&client);
    ambc_tls_free(&tls);
    net_report(stderr);
    print_memory(stderr);
    return st == AMBC_OK ? 0 : cli_report(st, &client);
}
