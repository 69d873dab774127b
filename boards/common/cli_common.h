/*
 * What the Linux programs share: the CLI (boards/linux) and the lwIP host program
 * (boards/linux-lwip) must print the same bytes for the same batches, so the printers, the
 * error report, the exit codes and the option parsers live here once.
 */
#ifndef AMBC_BOARDS_CLI_COMMON_H
#define AMBC_BOARDS_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ambc/ambc.h"

enum { CLI_EXIT_USAGE = 2, CLI_EXIT_NET = 3, CLI_EXIT_API = 4, CLI_EXIT_PROTOCOL = 5 };

/* The exit-code and tuning paragraphs of --help, shared by both programs. */
extern const char cli_usage_tuning[];
extern const char cli_usage_exit[];

/* The list command's options, parsed the same way by every Linux program. */
typedef struct {
    ambc_list_params_t params;
    bool all, beta, json, stats;
    bool header_done; /* the table's header line is out */
    int verbose;      /* 0, 1 (-v) or 2 (-vv): the log hook's ctx */
    const char *ca_file;
    ambc_client_options_t tune; /* only the timeout and retry fields are used */
} cli_list_args_t;

/* The list option at argv[*i] (with its value, argv[*i + 1]): --limit, --after-id,
 * --before-id, --all, --beta, --json, --stats, --ca-file, -v, -vv and the tuning options.
 * Returns 1 when consumed (*i then points at its last word), 0 when argv[*i] is none of
 * them, -1 when its value is missing or bad (*why says which). */
int cli_parse_list_option(int argc, char **argv, int *i, cli_list_args_t *a, const char **why);

/* The checks across options, after parsing: NULL when fine, else the reason. */
const char *cli_check_list_args(const cli_list_args_t *a);

/* ambc_batch_fn printing each batch as a JSON line or a table row, as ctx (a
 * cli_list_args_t) says. */
ambc_status_t cli_print_batch(void *ctx, const ambc_batch_t *b);

/* Decimal in [lo, hi]; 0 on success, -1 when malformed or out of range. */
int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);

/* --timeout-ms, --connect-timeout-ms, --io-timeout-ms, --retry-initial-ms, --retry-max-ms,
 * --max-retries into tune: 1 when opt was one of them (val consumed), 0 when not, -1 if bad. */
int cli_parse_tuning(const char *opt, const char *val, ambc_client_options_t *tune);

/* https://host[:port] -> host (copied into host, cap bytes) and port; 0 or -1. */
int cli_parse_base_url(const char *url, char *host, size_t cap, uint16_t *port);

/* One batch as one JSON line with the API's keys (RFC 3339 UTC with microseconds). */
void cli_print_json(FILE *f, const ambc_batch_t *b);

/* Server text as a JSON string: valid JSON whatever the bytes (not UTF-8: U+FFFD). */
void cli_print_json_string(FILE *f, const char *text);
/* The same for len bytes (NULs included), without the quotes around them. */
void cli_print_json_bytes(FILE *f, const char *text, size_t len);

/* The table: header, then one row per batch. */
void cli_print_header(FILE *f);
void cli_print_row(FILE *f, const ambc_batch_t *b);

/* ambc_log_fn printing to stderr; ctx points to an int: 0 quiet, 1 up to info, 2 all. */
void cli_log_stderr(void *ctx, const ambc_log_event_t *ev);

/* Print the failure to stderr (the API error's status, type, message and request-id, or the
 * key a protocol error was about) and return the exit code for it. Server text is escaped. */
int cli_report(ambc_status_t st, const ambc_client_t *client);

/* The exit code for a status (the table in cli_usage_exit). */
int cli_exit_code(ambc_status_t st);

/* Text that came from the server, for a terminal or a log: valid UTF-8 as it is, but control
 * characters (C0, DEL, C1, bidirectional overrides) and bytes that are not UTF-8 as \xNN, so
 * nothing the server sends can move the cursor, retitle a terminal or reorder a line. */
size_t cli_put_text(FILE *f, const char *text); /* returns the bytes written */
/* The same for len bytes (NULs included); newlines: \n and \t written as they are. */
size_t cli_put_text_bytes(FILE *f, const char *text, size_t len, bool newlines);

#endif
