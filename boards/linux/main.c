/*
 * ambc CLI for Linux: list Message Batches over TLS (POSIX sockets + mbedTLS).
 *
 *   ambc list [--limit N] [--after-id ID | --before-id ID] [--all] [--beta] [--json]
 *             [--ca-file PEM] [--stats]
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

enum { EXIT_USAGE = 2, EXIT_NET = 3, EXIT_API = 4, EXIT_PROTOCOL = 5 };

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
    "tuning (defaults from Kconfig):\n"
    "  --max-retries N        retries after a retryable failure (0 turns them off)\n"
    "  --timeout-ms MS        total deadline of each request with its retries\n"
    "  --connect-timeout-ms MS  TCP connect + TLS handshake\n"
    "  --io-timeout-ms MS     longest wait for any progress on a connection\n"
    "  --retry-initial-ms MS  first backoff; --retry-max-ms MS: backoff ceiling\n"
    "  --repeat N             run the command N times in one process (soak tests)\n"
    "\n"
    "environment:\n"
    "  ANTHROPIC_API_KEY   the API key (required)\n"
    "  ANTHROPIC_BASE_URL  https://host[:port] (default https://api.anthropic.com)\n"
    "\n"
    "exit status:\n"
    "  0  success\n"
    "  1  other failure (out of memory in a caller buffer, callback)\n"
    "  2  usage error\n"
    "  3  network or TLS error (resolve, connect, timeout, certificate)\n"
    "  4  the API answered with an error (HTTP status, type, message, request-id on stderr)\n"
    "  5  protocol error (malformed HTTP or JSON from the server)\n";

typedef struct {
    const char *cmd;
    const char *id;
    ambc_list_params_t params;
    bool all, beta, json, stats;
    int verbose;
    uint32_t repeat;
    const char *ca_file;
    ambc_client_options_t tune; /* only the timeout and retry fields are used */
} args_t;

/* Numeric option value in [lo, hi]; -1 when malformed. */
static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end != '\0' || v < lo || v > hi) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* The tuning options: 1 when o was one of them (value consumed), 0 when not, -1 if bad. */
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
        if (val == NULL || parse_u32(val, 0, 10, &v) != 0) {
            return -1;
        }
        a->tune.max_retries = (uint8_t)(v == 0 ? AMBC_RETRIES_NONE : v);
        return 1;
    }
    if (strcmp(o, "--repeat") == 0) {
        return (val != NULL && parse_u32(val, 1, 1000000, &a->repeat) == 0) ? 1 : -1;
    }
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (strcmp(o, opts[i].name) == 0) {
            if (val == NULL || parse_u32(val, opts[i].lo, opts[i].hi, &v) != 0) {
                return -1;
            }
            memcpy((char *)&a->tune + opts[i].offset, &v, sizeof(v));
            return 1;
        }
    }
    return 0;
}

static int bad_usage(const char *what)
{
    fprintf(stderr, "ambc: %s\n\n%s", what, usage);
    return EXIT_USAGE;
}

static int parse_limit(const char *s, uint16_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > (long)AMBC_LIST_LIMIT_MAX) {
        return -1;
    }
    *out = (uint16_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    int i;
    memset(a, 0, sizeof(*a));
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : -1;
    }
    a->cmd = argv[1];
    if (strcmp(a->cmd, "list") != 0 && strcmp(a->cmd, "get") != 0) {
        return bad_usage("unknown command");
    }
    a->repeat = 1;
    for (i = 2; i < argc; i++) {
        const char *o = argv[i];
        bool has_val = i + 1 < argc;
        int t = parse_tuning(o, has_val ? argv[i + 1] : NULL, a);
        if (t < 0) {
            return bad_usage("bad value for a tuning option");
        }
        if (t > 0) {
            i++;
            continue;
        }
        if (strcmp(o, "-v") == 0 || strcmp(o, "-vv") == 0) {
            a->verbose = o[2] == 'v' ? 2 : 1;
            continue;
        }
        if (strcmp(o, "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        } else if (strcmp(o, "--all") == 0) {
            a->all = true;
        } else if (strcmp(o, "--beta") == 0) {
            a->beta = true;
        } else if (strcmp(o, "--json") == 0) {
            a->json = true;
        } else if (strcmp(o, "--stats") == 0) {
            a->stats = true;
        } else if (strcmp(o, "--limit") == 0 && has_val) {
            if (parse_limit(argv[++i], &a->params.limit) != 0) {
                return bad_usage("--limit must be 1..1000");
            }
        } else if (strcmp(o, "--after-id") == 0 && has_val) {
            a->params.after_id = argv[++i];
        } else if (strcmp(o, "--before-id") == 0 && has_val) {
            a->params.before_id = argv[++i];
        } else if (strcmp(o, "--ca-file") == 0 && has_val) {
            a->ca_file = argv[++i];
        } else if (strcmp(a->cmd, "get") == 0 && a->id == NULL && o[0] != '-') {
            a->id = o;
        } else {
            return bad_usage("unknown or incomplete option");
        }
    }
    if (a->params.after_id && a->params.before_id) {
        return bad_usage("--after-id and --before-id are exclusive");
    }
    if (strcmp(a->cmd, "get") == 0 && a->id == NULL) {
        return bad_usage("get needs a batch id");
    }
    return 0;
}

/* https://host[:port] -> host and port; the host is copied into a static buffer. */
static int parse_base_url(const char *url, char *host, size_t cap, uint16_t *port)
{
    const char *p, *colon, *end;
    size_t len;
    if (strncmp(url, "https://", 8) != 0) {
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
        char *stop;
        long v = strtol(colon + 1, &stop, 10);
        if (stop != end || v < 1 || v > 65535) {
            return -1;
        }
        *port = (uint16_t)v;
    }
    return 0;
}

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

static void json_time(FILE *f, int64_t us)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
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
    fputs(",\"created_at\":", stdout);
    json_time(stdout, b->created_at);
    fputs(",\"expires_at\":", stdout);
    json_time(stdout, b->expires_at);
    fputs(",\"ended_at\":", stdout);
    json_time(stdout, b->ended_at);
    fputs(",\"cancel_initiated_at\":", stdout);
    json_time(stdout, b->cancel_initiated_at);
    fputs(",\"archived_at\":", stdout);
    json_time(stdout, b->archived_at);
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
        created[19] = '\0'; /* seconds are enough in a table */
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

static ambc_posix_tcp_t tcp;
static ambc_tls_t tls;
static ambc_client_t client;

static ambc_status_t run_command(args_t *a)
{
    if (strcmp(a->cmd, "get") == 0) {
        static ambc_batch_t b;
        ambc_status_t st = ambc_batches_retrieve(&client, a->id, &b);
        if (st == AMBC_OK) {
            on_batch(a, &b);
        }
        return st;
    }
    if (!a->json) {
        printf("%-34s %-12s %10s %9s %7s %8s %7s  %s\n", "ID", "STATUS", "PROCESSING", "SUCCEEDED",
               "ERRORED", "CANCELED", "EXPIRED", "CREATED");
    }
    return ambc_batches_list_each(&client, &a->params, a->all, on_batch, a);
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
    opt = a.tune;
    opt.api_key = getenv("ANTHROPIC_API_KEY");
    if (opt.api_key == NULL || opt.api_key[0] == '\0') {
        return bad_usage("set ANTHROPIC_API_KEY");
    }
    if (base == NULL || base[0] == '\0') {
        base = "https://" AMBC_DEFAULT_HOST;
    }
    if (parse_base_url(base, host, sizeof(host), &opt.port) != 0) {
        return bad_usage("ANTHROPIC_BASE_URL must be https://host[:port]");
    }
    opt.host = host;
    opt.beta = a.beta;
    opt.log = log_stderr;
    opt.log_ctx = &a;
    memset(&tcfg, 0, sizeof(tcfg));
    tcfg.ca_file = a.ca_file;
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
        st = run_command(&a);
        if (round == 0) { /* the baseline: warm, with the kept-alive connection open */
            process_figures(&rss0, &fds0);
        }
    }
    if (a.stats) {
        ambc_client_stats_t s = ambc_client_stats(&client);
        long rss1;
        int fds1;
        process_figures(&rss1, &fds1);
        fprintf(stderr,
                "ambc: connections %" PRIu32 ", requests %" PRIu32 ", reconnects %" PRIu32
                ", retries %" PRIu32 ", resumed %" PRIu32
                ", rss_kb after first run %ld, at end %ld, fds %d->%d\n",
                s.connects, s.requests, s.reconnects, s.retries, s.resumed, rss0, rss1, fds0, fds1);
    }
    ambc_client_close(&client);
    ambc_tls_free(&tls);
    fflush(stdout);
    return st == AMBC_OK ? 0 : report(st, &client);
}
