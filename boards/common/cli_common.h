/*
 * What the Linux programs share: the CLI (boards/linux) and the lwIP host program
 * (boards/linux-lwip) must print the same bytes for the same batches, so the printers, the
 * error report, the exit codes and the option parsers live here once.
 */
#ifndef AMBC_BOARDS_CLI_COMMON_H
#define AMBC_BOARDS_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "ambc/ambc.h"

enum { CLI_EXIT_USAGE = 2, CLI_EXIT_NET = 3, CLI_EXIT_API = 4, CLI_EXIT_PROTOCOL = 5 };

/* The exit-code and tuning paragraphs of --help, shared by both programs. */
extern const char cli_usage_tuning[];
extern const char cli_usage_exit[];

/* Decimal in [lo, hi]; 0 on success, -1 when malformed or out of range. */
int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);

/* --timeout-ms, --connect-timeout-ms, --io-timeout-ms, --retry-initial-ms, --retry-max-ms,
 * --max-retries into tune: 1 when opt was one of them (val consumed), 0 when not, -1 if bad. */
int cli_parse_tuning(const char *opt, const char *val, ambc_client_options_t *tune);

/* https://host[:port] -> host (copied into host, cap bytes) and port; 0 or -1. */
int cli_parse_base_url(const char *url, char *host, size_t cap, uint16_t *port);

/* One batch as one JSON line with the API's keys (RFC 3339 UTC with microseconds). */
void cli_print_json(FILE *f, const ambc_batch_t *b);

/* The table: header, then one row per batch. */
void cli_print_header(FILE *f);
void cli_print_row(FILE *f, const ambc_batch_t *b);

/* ambc_log_fn printing to stderr; ctx points to an int: 0 quiet, 1 up to info, 2 all. */
void cli_log_stderr(void *ctx, ambc_log_level_t level, const char *event, const char *text,
                    int64_t num);

/* Print the failure to stderr (the API error's status, type, message and request-id) and
 * return the exit code for it. */
int cli_report(ambc_status_t st, const ambc_client_t *client);

#endif
