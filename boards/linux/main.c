/*
 * ambc CLI for Linux: list Message Batches over TLS (POSIX sockets + mbedTLS).
 *
 *   ambc list [--limit N] [--after-id ID | --before-id ID] [--all] [--beta] [--json]
 *             [--ca-file PEM] [--stats] [--max-pages N] [--walk-timeout-ms MS]
 *   ambc get ID [--beta] [--json] [--ca-file PEM]
 *
 * Environment: ANTHROPIC_API_KEY (required), ANTHROPIC_BASE_URL (https://host[:port],
 * default https://api.anthropic.com).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <stddef.h>

#include "ambc/ambc.h"
#include "ambc_mbedtls.h"
#include "ambc_posix.h"
#include "cli_common.h"

static const char usage[] =
    "usage: ambc list [--limit N] [--after-id ID | --before-id ID] [--all] [--beta]\n"
    "                 [--json] [--ca-file PEM] [--stats]\n"
    "       ambc get ID [--beta] [--json] [--ca-file PEM] [--stats]\n"
    "\n"
    "  --limit N        batches per page, 1..1000 (default: the API's, 20)\n"
    "  --after-id ID    start after this batch (older ones)\n"
    "  --before-id ID   start before this batch (newer ones); --all then walks backward\n"
    "  --all            follow has_more through every page\n"
    "  --beta           use the beta flavour (?beta=true, anthropic-beta header)\n"
    "  --json           one JSON object per batch per line, with the API's key names\n"
    "  --ca-file PEM    trust these CAs instead of the system bundle\n"
    "  --stats          print connections, requests, retries, RSS and open files to stderr\n"
    "  -v, -vv          log to stderr (-v: errors, retries, connections; -vv: every request)\n"
    "\n"
    "  --repeat N       run the command N times in one process (soak tests)\n"
    "  --repeat-interval-ms MS  pause between those runs, the connection kept (as a device\n"
    "                   polling the API does)\n"
    "\n"
    "environment:\n"
    "  ANTHROPIC_API_KEY   the API key (required)\n"
    "  ANTHROPIC_BASE_URL  https://host[:port] (default https://api.anthropic.com)\n"
    "\n";

static void print_usage(FILE *f)
{
    fputs(usage, f);
    fputs(cli_usage_tuning, f);
    fputs("\n", f);
    fputs(cli_usage_exit, f);
}

typedef struct {
    const char *cmd;
    const char *id;
    uint32_t repeat;
    uint32_t interval_ms;
    cli_list_args_t list;
} args_t;

static int bad_usage(const char *what)
{
    fprintf(stderr, "ambc: %s\n\n", what);
    print_usage(stderr);
    return CLI_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    int i;
    memset(a, 0, sizeof(*a));
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : -1;
    }
    a->cmd = argv[1];
    if (strcmp(a->cmd, "list") != 0 && strcmp(a->cmd, "get") != 0) {
        return bad_usage("unknown command");
    }
    a->repeat = 1;
    for (i = 2; i < argc; i++) {
        const char *o = argv[i];
        const char *why = NULL;
        int r;
        if (strcmp(o, "--help") == 0) {
            print_usage(stdout);
            return -1;
        }
        if (strcmp(o, "--repeat") == 0) {
            if (cli_parse_u32(i + 1 < argc ? argv[i + 1] : NULL, 1, 1000000, &a->repeat) != 0) {
                return bad_usage("--repeat must be 1..1000000");
            }
            i++;
            continue;
        }
        if (strcmp(o, "--repeat-interval-ms") == 0) {
            if (cli_parse_u32(i + 1 < argc ? argv[i + 1] : NULL, 0, 3600000, &a->interval_ms) !=
                0) {
                return bad_usage("--repeat-interval-ms must be 0..3600000");
            }
            i++;
            continue;
        }
        r = cli_parse_list_option(argc, argv, &i, &a->list, &why);
        if (r < 0) {
            return bad_usage(why);
        }
        if (r > 0) {
            continue;
        }
        if (strcmp(a->cmd, "get") == 0 && a->id == NULL && o[0] != '-') {
            a->id = o;
            continue;
        }
        return bad_usage("unknown or incomplete option");
    }
    if (cli_check_list_args(&a->list) != NULL) {
        return bad_usage(cli_check_list_args(&a->list));
    }
    if (strcmp(a->cmd, "get") == 0 && a->id == NULL) {
        return bad_usage("get needs a batch id");
    }
    return 0;
}

/* Resident set size in KB and open descriptors of this process (Linux /proc). */
static void process_figures(long *rss_kb, int *fds)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    DIR *d;
    struct dirent *e;
    *rss_kb = -1;
    *fds = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            *rss_kb = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    d = opendir("/proc/self/fd");
    while (d != NULL && (e = readdir(d)) != NULL) {
        *fds += e->d_name[0] != '.';
    }
    if (d != NULL) {
        closedir(d);
        (*fds)--; /* the directory's own descriptor */
    }
}

static ambc_posix_tcp_t tcp;
static ambc_tls_t tls;
static ambc_client_t client;

static ambc_status_t run_command(args_t *a)
{
    if (strcmp(a->cmd, "get") == 0) {
        static ambc_batch_t b;
        ambc_status_t st = ambc_batches_retrieve(&client, a->id, &b);
        if (st == AMBC_OK) {
            cli_print_batch(&a->list, &b);
        }
        return st;
    }
    if (!a->list.json) {
        cli_print_header(stdout);
    }
    return ambc_batches_list_each(&client, &a->list.params, a->list.all, cli_print_batch, &a->list);
}

int main(int argc, char **argv)
{
    static char host[256];
    args_t a;
    ambc_client_options_t opt;
    ambc_tls_config_t tcfg;
    ambc_stream_t raw;
    ambc_status_t st;
    long rss0;
    int fds0;
    uint32_t round;
    const char *base = getenv("ANTHROPIC_BASE_URL");
    int rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    opt = a.list.tune;
    opt.api_key = getenv("ANTHROPIC_API_KEY");
    if (opt.api_key == NULL || opt.api_key[0] == '\0') {
        return bad_usage("set ANTHROPIC_API_KEY");
    }
    if (base == NULL || base[0] == '\0') {
        base = "https://" AMBC_DEFAULT_HOST;
    }
    if (cli_parse_base_url(base, host, sizeof(host), &opt.port) != 0) {
        return bad_usage("ANTHROPIC_BASE_URL must be https://host[:port]");
    }
    opt.host = host;
    opt.beta = a.list.beta;
    opt.log = cli_log_stderr;
    opt.log_ctx = &a.list.verbose;
    memset(&tcfg, 0, sizeof(tcfg));
    tcfg.ca_file = a.list.ca_file;
    tcfg.clock = ambc_posix_clock();
    ambc_posix_tcp_init(&tcp);
    raw = ambc_posix_tcp_stream(&tcp);
    st = ambc_tls_init(&tls, &raw, &tcfg);
    if (st == AMBC_OK) {
        st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), ambc_posix_clock());
    }
    rss0 = -1;
    fds0 = -1;
    for (round = 0; st == AMBC_OK && round < a.repeat; round++) {
        if (round > 0 && a.interval_ms > 0) {
            ambc_posix_clock()->sleep_ms(NULL, a.interval_ms);
        }
        st = run_command(&a);
        /* the baseline: warm, with the kept-alive connection open; only for --stats, since
         * reading /proc/self/fd costs a 32 KB directory buffer that would otherwise show up
         * as the CLI's peak heap */
        if (round == 0 && a.list.stats) {
            process_figures(&rss0, &fds0);
        }
    }
    if (a.list.stats) {
        ambc_client_stats_t s = ambc_client_stats(&client);
        long rss1;
        int fds1;
        process_figures(&rss1, &fds1);
        fprintf(stderr,
                "ambc: connections %" PRIu32 ", requests %" PRIu32 ", reconnects %" PRIu32
                ", idle_dropped %" PRIu32 ", retries %" PRIu32 ", resumed %" PRIu32
                ", rss_kb after first run %ld, at end %ld, fds %d->%d\n",
                s.connects, s.requests, s.reconnects, s.idle_dropped, s.retries, s.resumed, rss0,
                rss1, fds0, fds1);
    }
    (void)ambc_client_close(&client);
    ambc_tls_free(&tls);
    fflush(stdout);
    return st == AMBC_OK ? 0 : cli_report(st, &client);
}
