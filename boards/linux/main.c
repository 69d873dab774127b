/*
 * ambc CLI for Linux: Message Batches over TLS (POSIX sockets + mbedTLS).
 *
 *   ambc list [--limit N] [--after-id ID | --before-id ID] [--all] ...
 *   ambc get ID | cancel ID | delete ID | wait ID
 *   ambc create FILE.jsonl [--wait]
 *   ambc results ID [--summary | --text | --blocks] [-o FILE]
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

#include "act.h"
#include "ambc/ambc.h"
#include "ambc/mbedtls.h"
#include "ambc/posix.h"
#include "cli_common.h"
#include "results_cli.h"

static const char usage[] =
    "usage: ambc list [--limit N] [--after-id ID | --before-id ID] [--all] [--max-pages N]\n"
    "                 [--walk-timeout-ms MS]\n"
    "       ambc get ID\n"
    "       ambc create FILE.jsonl [--wait] [--wait-timeout-ms MS] [--not-found-grace-ms MS]\n"
    "                        [--create-retry safe|sdk]\n"
    "       ambc cancel ID\n"
    "       ambc delete ID\n"
    "       ambc wait ID [--wait-timeout-ms MS] [--not-found-grace-ms MS]\n"
    "       ambc results ID [--summary | --text | --blocks] [-o FILE]\n"
    "       ambc --version | --help\n"
    "  every command also takes [--beta] [--json] [--ca-file PEM] [--stats] [-v|-vv]\n"
    "\n"
    "  --limit N        batches per page, 1..1000 (default: the API's, 20)\n"
    "  --after-id ID    start after this batch (older ones)\n"
    "  --before-id ID   start before this batch (newer ones); --all then walks backward\n"
    "  --all            follow has_more through every page\n"
    "  FILE.jsonl       one {\"custom_id\": ..., \"params\": {...}} object per line; every\n"
    "                   request is checked (and custom_ids for uniqueness) before any is sent\n"
    "  --wait           after create, wait for the batch to end, then print it again\n"
    "  --wait-timeout-ms MS  how long a wait may take (default 25 h)\n"
    "  --not-found-grace-ms MS  how long a wait takes a 404 for a batch not visible yet\n"
    "                   (default 30 s; 0: a 404 is final at once)\n"
    "  --create-retry sdk    retry a create as the SDKs do (may make a second batch when an\n"
    "                   answer is lost); default safe: only when nothing can have been created\n"
    "  results          the batch's results, validated: the JSONL byte for byte; --summary\n"
    "                   a table (custom_id, type, stop reason, tokens, text bytes; --json: one\n"
    "                   object per line); --text each text's text and a newline; --blocks one\n"
    "                   JSON object per line with its blocks (tool input as sent) and summary\n"
    "  -o FILE          write the results there instead of stdout\n"
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

/* The commands, and the one operand each takes ("" none). */
static const struct {
    const char *name;
    const char *operand;
} commands[] = {{"list", ""},     {"get", "ID"},  {"create", "FILE"}, {"cancel", "ID"},
                {"delete", "ID"}, {"wait", "ID"}, {"results", "ID"}};

typedef struct {
    const char *cmd;
    const char *operand;
    uint32_t repeat;
    uint32_t interval_ms;
    cli_wait_opts_t waiting;
    bool wait;
    cli_list_args_t list;
    cli_results_opts_t results;
} args_t;

/* A usage error: one line saying what, and where the whole text is. */
static int bad_usage(const char *what)
{
    fprintf(stderr, "ambc: %s (try 'ambc --help')\n", what);
    return CLI_EXIT_USAGE;
}

static int command_index(const char *name)
{
    size_t k;
    for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(name, commands[k].name) == 0) {
            return (int)k;
        }
    }
    return -1;
}

/* The options only some commands take: 1 when argv[*i] was one (value consumed), 0 when not,
 * -1 when its value is bad (*why says so). */
static int parse_command_option(int argc, char **argv, int *i, args_t *a, const char **why)
{
    const char *o = argv[*i];
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    int r = cli_parse_results_option(argc, argv, i, &a->results, why);
    if (r != 0) {
        return r;
    }
    if (strcmp(o, "--wait") == 0) {
        a->wait = true;
        return 1;
    }
    if (strcmp(o, "--create-retry") == 0) {
        if (val == NULL || (strcmp(val, "safe") != 0 && strcmp(val, "sdk") != 0)) {
            *why = "--create-retry must be safe or sdk";
            return -1;
        }
        a->list.tune.create_retry =
            val[1] == 'd' ? AMBC_CREATE_RETRY_LIKE_SDKS : AMBC_CREATE_RETRY_SAFE;
        (*i)++;
        return 1;
    }
    if (strcmp(o, "--not-found-grace-ms") == 0) {
        uint32_t v;
        if (cli_parse_u32(val, 0, 86400000, &v) != 0) {
            *why = "bad value for --not-found-grace-ms";
            return -1;
        }
        a->waiting.not_found_ms = v == 0 ? AMBC_WAIT_NOT_FOUND_NONE : v;
        (*i)++;
        return 1;
    }
    if (strcmp(o, "--wait-timeout-ms") == 0 || strcmp(o, "--repeat-interval-ms") == 0 ||
        strcmp(o, "--repeat") == 0) {
        bool wt = o[2] == 'w', interval = o[8] == '-';
        if (cli_parse_u32(val,
                          wt         ? 1000
                          : interval ? 0
                                     : 1,
                          wt ? 172800000 : 3600000,
                          wt         ? &a->waiting.timeout_ms
                          : interval ? &a->interval_ms
                                     : &a->repeat) != 0) {
            *why = "bad value for --wait-timeout-ms, --repeat or --repeat-interval-ms";
            return -1;
        }
        (*i)++;
        return 1;
    }
    return 0;
}

/* 0 when the arguments make a command; -1 when --help or --version was answered; else the
 * usage exit code (the error said on stderr). */
static int parse_args(int argc, char **argv, args_t *a)
{
    int i, k;
    memset(a, 0, sizeof(*a));
    a->repeat = 1;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        print_usage(stdout);
        return -1;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("ambc %s\n", AMBC_VERSION);
        return -1;
    }
    if (argc < 2 || (k = command_index(argv[1])) < 0) {
        return bad_usage(argc < 2 ? "no command" : "unknown command");
    }
    a->cmd = argv[1];
    for (i = 2; i < argc; i++) {
        const char *why = "unknown or incomplete option";
        int r = strcmp(argv[i], "--help") == 0
                    ? 2
                    : cli_parse_list_option(argc, argv, &i, &a->list, &why);
        if (r == 2) {
            print_usage(stdout);
            return -1;
        }
        if (r == 0) {
            r = parse_command_option(argc, argv, &i, a, &why);
        }
        if (r == 0 && a->operand == NULL && argv[i][0] != '-' && commands[k].operand[0]) {
            a->operand = argv[i];
            r = 1;
        }
        if (r <= 0) {
            return bad_usage(why);
        }
    }
    if (cli_check_list_args(&a->list) != NULL) {
        return bad_usage(cli_check_list_args(&a->list));
    }
    if (cli_check_results_opts(&a->results) != NULL) {
        return bad_usage(cli_check_results_opts(&a->results));
    }
    if (commands[k].operand[0] != '\0' && a->operand == NULL) {
        return bad_usage(strcmp(commands[k].operand, "ID") == 0 ? "this command needs a batch id"
                                                                : "create needs a JSONL file");
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
/* The last TLS session, to resume on reconnect. Debian's mbedTLS keeps the server's
 * certificate in it (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE): room for a large one. */
static uint8_t
    tls_session[CONFIG_AMBC_TLS_SESSION_SIZE > 4096 ? CONFIG_AMBC_TLS_SESSION_SIZE : 4096];
static ambc_client_t client;

static ambc_status_t run_command(args_t *a)
{
    static ambc_batch_t b;
    ambc_status_t st;
    if (!a->list.json && a->cmd[0] == 'l' && !a->list.header_done) {
        cli_print_header(stdout); /* a list shows its header even when it is empty */
        a->list.header_done = true;
    }
    switch (a->cmd[0]) {
    case 'g': /* get */
        st = ambc_batches_retrieve(&client, a->operand, &b);
        if (st == AMBC_OK) {
            cli_print_batch(&a->list, &b);
        }
        return st;
    case 'c':
        return a->cmd[1] == 'r' ? cli_create(&client, a->operand, a->wait, &a->list, &a->waiting)
                                : cli_cancel(&client, a->operand, &a->list);
    case 'd':
        return cli_delete(&client, a->operand, &a->list);
    case 'w':
        return cli_wait(&client, a->operand, &a->list, &a->waiting);
    case 'r':
        return cli_results(&client, a->operand, &a->list, &a->results);
    default: /* list */
        return ambc_batches_list_each(&client, &a->list.params, a->list.all, cli_print_batch,
                                      &a->list);
    }
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
        return bad_usage("set ANTHROPIC_API_KEY to an API key");
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
    tcfg.session = tls_session;
    tcfg.session_size = sizeof(tls_session);
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
        ambc_tls_stats_t ts = ambc_tls_stats(&tls);
        long rss1;
        int fds1;
        process_figures(&rss1, &fds1);
        fprintf(stderr,
                "ambc: connections %" PRIu32 ", requests %" PRIu32 ", reconnects %" PRIu32
                ", idle_dropped %" PRIu32 ", retries %" PRIu32 ", resumed %" PRIu32
                ", tls_handshakes %" PRIu32 ", tls_resumed %" PRIu32
                ", rss_kb after first run %ld, at end %ld, fds %d->%d\n",
                s.connects, s.requests, s.reconnects, s.idle_dropped, s.retries, s.resumed,
                ts.handshakes, ts.resumed, rss0, rss1, fds0, fds1);
    }
    (void)ambc_client_close(&client);
    ambc_tls_free(&tls);
    fflush(stdout);
    return st == AMBC_OK ? 0 : cli_report(st, &client);
}
