/* Shared by the Linux programs (see cli_common.h). */
#include "cli_common.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char cli_usage_tuning[] =
    "tuning (defaults from Kconfig):\n"
    "  --max-pages N          most pages one --all walk asks for\n"
    "  --walk-timeout-ms MS   deadline of one whole --all walk\n"
    "  --max-retries N        retries after a retryable failure (0 turns them off)\n"
    "  --timeout-ms MS        total deadline of each request with its retries\n"
    "  --connect-timeout-ms MS  TCP connect + TLS handshake\n"
    "  --io-timeout-ms MS     longest wait for any progress on a connection\n"
    "  --retry-initial-ms MS  first backoff; --retry-max-ms MS: backoff ceiling\n";

const char cli_usage_exit[] =
    "exit status:\n"
    "  0  success\n"
    "  1  other failure (out of memory in a caller buffer, callback)\n"
    "  2  usage error, or requests to create that the API would refuse\n"
    "  3  network or TLS error (resolve, connect, timeout, certificate), or an answer lost\n"
    "     after a create's upload (the batch may exist)\n"
    "  4  the API answered with an error (HTTP status, type, message, request-id on stderr),\n"
    "     or the batch has no results yet\n"
    "  5  protocol error (malformed HTTP or JSON from the server, a record missing a key,\n"
    "     a walk whose cursors repeat or that reaches --max-pages, a results line refused\n"
    "     (its number on stderr), a results file that changed under a resumed download, a\n"
    "     results_url off the API's origin)\n";

int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
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

int cli_parse_tuning(const char *opt, const char *val, ambc_client_options_t *tune)
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
    if (strcmp(opt, "--max-retries") == 0) {
        if (cli_parse_u32(val, 0, 10, &v) != 0) {
            return -1;
        }
        tune->max_retries = (uint8_t)(v == 0 ? AMBC_RETRIES_NONE : v);
        return 1;
    }
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (strcmp(opt, opts[i].name) == 0) {
            if (cli_parse_u32(val, opts[i].lo, opts[i].hi, &v) != 0) {
                return -1;
            }
            memcpy((char *)tune + opts[i].offset, &v, sizeof(v));
            return 1;
        }
    }
    return 0;
}

int cli_parse_list_option(int argc, char **argv, int *i, cli_list_args_t *a, const char **why)
{
    static const struct {
        const char *name;
        size_t offset;
    } flags[] = {{"--all", offsetof(cli_list_args_t, all)},
                 {"--beta", offsetof(cli_list_args_t, beta)},
                 {"--json", offsetof(cli_list_args_t, json)},
                 {"--stats", offsetof(cli_list_args_t, stats)}},
      strings[] = {{"--after-id", offsetof(cli_list_args_t, params.after_id)},
                   {"--before-id", offsetof(cli_list_args_t, params.before_id)},
                   {"--ca-file", offsetof(cli_list_args_t, ca_file)}};
    const char *o = argv[*i];
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    uint32_t limit;
    size_t k;
    int t;
    for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        if (strcmp(o, flags[k].name) == 0) {
            *(bool *)(void *)((char *)a + flags[k].offset) = true;
            return 1;
        }
    }
    if (strcmp(o, "-v") == 0 || strcmp(o, "-vv") == 0) {
        a->verbose = o[2] == 'v' ? 2 : 1;
        return 1;
    }
    for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
        if (strcmp(o, strings[k].name) == 0) {
            if (val == NULL) {
                *why = "an option is missing its value";
                return -1;
            }
            memcpy((char *)a + strings[k].offset, &val, sizeof(val));
            (*i)++;
            return 1;
        }
    }
    if (strcmp(o, "--max-pages") == 0 || strcmp(o, "--walk-timeout-ms") == 0) {
        bool pages = o[2] == 'm';
        if (cli_parse_u32(val, pages ? 1 : 1000, pages ? 10000000 : 86400000,
                          pages ? &a->params.max_pages : &a->params.walk_timeout_ms) != 0) {
            *why = pages ? "--max-pages must be 1..10000000"
                         : "--walk-timeout-ms must be 1000..86400000";
            return -1;
        }
        (*i)++;
        return 1;
    }
    if (strcmp(o, "--limit") == 0) {
        if (cli_parse_u32(val, 1, AMBC_LIST_LIMIT_MAX, &limit) != 0) {
            *why = "--limit must be 1..1000";
            return -1;
        }
        a->params.limit = (uint16_t)limit;
        (*i)++;
        return 1;
    }
    t = cli_parse_tuning(o, val, &a->tune);
    if (t < 0) {
        *why = "bad value for a tuning option";
    } else if (t > 0) {
        (*i)++;
    }
    return t;
}

const char *cli_check_list_args(const cli_list_args_t *a)
{
    if (a->params.after_id != NULL && a->params.before_id != NULL) {
        return "--after-id and --before-id are exclusive";
    }
    return NULL;
}

ambc_status_t cli_print_batch(void *ctx, const ambc_batch_t *b)
{
    cli_list_args_t *a = ctx;
    if (a->json) {
        cli_print_json(stdout, b);
        return AMBC_OK;
    }
    if (!a->header_done) {
        cli_print_header(stdout);
        a->header_done = true;
    }
    cli_print_row(stdout, b);
    return AMBC_OK;
}

int cli_parse_base_url(const char *url, char *host, size_t cap, uint16_t *port)
{
    const char *p, *colon, *end;
    size_t len;
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
        char *stop;
        long v = strtol(colon + 1, &stop, 10);
        if (stop != end || v < 1 || v > 65535) {
            return -1;
        }
        *port = (uint16_t)v;
    }
    return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4, of the `left` bytes there), or 0 when the
 * bytes there are not one (a stray continuation, an overlong form, a surrogate, past U+10FFFF,
 * cut short). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n, i;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n > left) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0; /* also a NUL: the string ends inside the sequence */
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800u) || (n == 4 && (cp < 0x10000u || cp > 0x10FFFFu)) ||
        (cp >= 0xD800u && cp <= 0xDFFFu)) {
        return 0;
    }
    return n;
}

/* A C0 or C1 control character, DEL, or a bidirectional override (which could reorder what
 * a terminal shows): never written raw when it came from the server. */
static bool is_control(const unsigned char *s, size_t n)
{
    uint32_t cp;
    if (n == 1) {
        return s[0] < 0x20 || s[0] == 0x7F;
    }
    if (n == 2) {
        cp = ((uint32_t)(s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        return cp < 0xA0u;
    }
    if (n == 3) {
        cp = ((uint32_t)(s[0] & 0x0Fu) << 12) | ((uint32_t)(s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        return (cp >= 0x202Au && cp <= 0x202Eu) || (cp >= 0x2066u && cp <= 0x2069u);
    }
    return false;
}

size_t cli_put_text(FILE *f, const char *text)
{
    return cli_put_text_bytes(f, text, strlen(text), false);
}

size_t cli_put_text_bytes(FILE *f, const char *text, size_t len, bool newlines)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    size_t shown = 0;
    while (s < end) {
        size_t n = utf8_len(s, (size_t)(end - s)), i;
        if (n == 0 || (is_control(s, n) && !(newlines && (*s == '\n' || *s == '\t')))) {
            for (i = 0; i < (n == 0 ? 1 : n); i++) {
                fprintf(f, "\\x%02x", s[i]); /* shown, not obeyed */
                shown += 4;
            }
        } else {
            fwrite(s, 1, n, f);
            shown += n;
        }
        s += n == 0 ? 1 : n;
    }
    return shown;
}

/* A JSON string of server text: valid JSON whatever the bytes. Control characters are
 * escaped; bytes that are not UTF-8 become U+FFFD, the replacement character. */
void cli_print_json_string(FILE *f, const char *text)
{
    fputc('"', f);
    cli_print_json_bytes(f, text, strlen(text));
    fputc('"', f);
}

void cli_print_json_bytes(FILE *f, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    while (s < end) {
        size_t n = utf8_len(s, (size_t)(end - s));
        if (n == 0) {
            fputs("\\ufffd", f);
            s++;
        } else if (*s == '"' || *s == '\\') {
            fprintf(f, "\\%c", *s++);
        } else if (is_control(s, n)) {
            uint32_t cp = n == 1 ? s[0] : ((uint32_t)(s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
            if (n == 3) {
                cp = ((uint32_t)(s[0] & 0x0Fu) << 12) | ((uint32_t)(s[1] & 0x3Fu) << 6) |
                     (s[2] & 0x3Fu);
            }
            fprintf(f, "\\u%04x", (unsigned)cp);
            s += n;
        } else {
            fwrite(s, 1, n, f);
            s += n;
        }
    }
}

static void json_time(FILE *f, const char *key, int64_t us)
{
    char buf[AMBC_RFC3339_BUF_SIZE];
    fprintf(f, ",\"%s\":", key);
    if (us == AMBC_TIME_NULL || ambc_rfc3339_format(us, buf, sizeof(buf)) != AMBC_OK) {
        fputs("null", f);
    } else {
        cli_print_json_string(f, buf);
    }
}

void cli_print_json(FILE *f, const ambc_batch_t *b)
{
    const ambc_request_counts_t *n = &b->request_counts;
    fputs("{\"id\":", f);
    cli_print_json_string(f, b->id);
    fputs(",\"type\":\"message_batch\",\"processing_status\":", f);
    cli_print_json_string(f,
                          b->status_text); /* what the API sent, also a status this version lacks */
    fprintf(f,
            ",\"request_counts\":{\"processing\":%" PRIu32 ",\"succeeded\":%" PRIu32
            ",\"errored\":%" PRIu32 ",\"canceled\":%" PRIu32 ",\"expired\":%" PRIu32 "}",
            n->processing, n->succeeded, n->errored, n->canceled, n->expired);
    json_time(f, "created_at", b->created_at);
    json_time(f, "expires_at", b->expires_at);
    json_time(f, "ended_at", b->ended_at);
    json_time(f, "cancel_initiated_at", b->cancel_initiated_at);
    json_time(f, "archived_at", b->archived_at);
    fputs(",\"results_url\":", f);
    if (b->null & AMBC_BATCH_F_RESULTS_URL || !(b->present & AMBC_BATCH_F_RESULTS_URL)) {
        fputs("null", f);
    } else {
        cli_print_json_string(f, b->results_url);
    }
    fputs("}\n", f);
}

void cli_print_header(FILE *f)
{
    fprintf(f, "%-34s %-12s %10s %9s %7s %8s %7s  %s\n", "ID", "STATUS", "PROCESSING", "SUCCEEDED",
            "ERRORED", "CANCELED", "EXPIRED", "CREATED");
}

/* A table cell of server text: escaped, then padded to width (in bytes of what was shown). */
static void cell(FILE *f, const char *text, size_t width)
{
    size_t shown = cli_put_text(f, text);
    for (; shown < width; shown++) {
        fputc(' ', f);
    }
}

void cli_print_row(FILE *f, const ambc_batch_t *b)
{
    char created[AMBC_RFC3339_BUF_SIZE] = "-";
    const ambc_request_counts_t *n = &b->request_counts;
    if (b->created_at != AMBC_TIME_NULL) {
        ambc_rfc3339_format(b->created_at, created, sizeof(created));
        created[19] = '\0'; /* seconds are enough in a table */
    }
    cell(f, b->id, 34);
    fputc(' ', f);
    cell(f, b->status_text, 12);
    fprintf(f, " %10" PRIu32 " %9" PRIu32 " %7" PRIu32 " %8" PRIu32 " %7" PRIu32 "  %sZ\n",
            n->processing, n->succeeded, n->errored, n->canceled, n->expired, created);
}

void cli_log_stderr(void *ctx, const ambc_log_event_t *ev)
{
    static const char *const names[] = {"", "error", "warn", "info", "debug"};
    int verbose = *(const int *)ctx;
    if (verbose > 0 && (verbose >= 2 || ev->level <= AMBC_LOG_INFO)) {
        fprintf(stderr, "ambc: [%s] %s %s %" PRId64, names[ev->level], ev->event, ev->text,
                ev->num);
        if (ev->status != AMBC_OK) { /* the application names the status, not the core */
            fprintf(stderr, " (%s)", ambc_strerror(ev->status));
        }
        fputc('\n', stderr);
    }
}

/* The exit code of a status: its layer, as the README's table says. */
int cli_exit_code(ambc_status_t st)
{
    if (st == AMBC_OK) {
        return 0;
    }
    if (st == AMBC_ERR_API || st == AMBC_ERR_RESULTS_NOT_READY) {
        return CLI_EXIT_API;
    }
    if (st == AMBC_ERR_INVALID_ARG ||
        (st <= AMBC_ERR_CUSTOM_ID && st >= AMBC_ERR_CREATE_TOO_LARGE)) {
        return CLI_EXIT_USAGE; /* the command's input: the arguments, the requests file */
    }
    if (st == AMBC_ERR_OUTCOME_UNKNOWN) {
        return CLI_EXIT_NET;
    }
    if (st == AMBC_ERR_SOURCE_CHANGED) {
        return 1;
    }
    if (st <= AMBC_ERR_NET_RESOLVE && st > AMBC_ERR_API) {
        return CLI_EXIT_NET; /* the port, the deadline, TLS */
    }
    if ((st <= AMBC_ERR_HTTP_STATUS_LINE && st > AMBC_ERR_NET_RESOLVE) || st < AMBC_ERR_API) {
        return CLI_EXIT_PROTOCOL; /* HTTP, JSON, and walks the server would never end */
    }
    return 1;
}

int cli_report(ambc_status_t st, const ambc_client_t *client)
{
    const char *field = ambc_client_error_field(client);
    if (st == AMBC_ERR_API) {
        const ambc_api_error_t *e = ambc_client_last_error(client);
        fprintf(stderr, "ambc: API error: HTTP %u, type ", e->http_status);
        cli_put_text(stderr, e->from_body ? e->type_text : "(no API error body)");
        fputs(", message: ", stderr);
        cli_put_text(stderr, e->message);
        fprintf(stderr, "%s, request-id: ", e->message_truncated ? "..." : "");
        cli_put_text(stderr, e->request_id[0] ? e->request_id : "(none)");
        fprintf(stderr, "%s\n", e->request_id_truncated ? "..." : "");
    } else if (field != NULL) {
        fprintf(stderr, "ambc: %s (key: %s)\n", ambc_strerror(st), field);
    } else {
        fprintf(stderr, "ambc: %s\n", ambc_strerror(st));
    }
    return cli_exit_code(st);
}
