/* The CLI's `results` command: a batch's results, downloaded and validated in constant RAM.
 *
 *   ambc results ID                 the JSONL byte for byte as the server sent it
 *   ambc results ID --summary       a table: custom_id, type, stop reason, tokens, text bytes
 *   ambc results ID --summary --json   one summary object per line
 *   ambc results ID --text          the text of every text block, each followed by a newline
 *   ambc results ID --blocks        one JSON object per line: its blocks (text, thinking, tool
 *                                   input as sent), then its summary
 *   -o FILE                         write there instead of stdout
 *
 * A progress line (lines, bytes, rate) goes to stderr when it is a terminal. Server text shown
 * on a terminal (--text, the table) has its control characters escaped. */
#ifndef AMBC_BOARDS_LINUX_RESULTS_CLI_H
#define AMBC_BOARDS_LINUX_RESULTS_CLI_H

#include <stdbool.h>

#include "ambc/ambc.h"
#include "cli_common.h"

typedef struct {
    const char *out_path; /* -o FILE, or NULL: stdout */
    bool summary, text, blocks;
} cli_results_opts_t;

/* The results option at argv[*i] (-o FILE, --summary, --text, --blocks): 1 when consumed (*i
 * then points at its last word), 0 when argv[*i] is none of them, -1 when bad (*why says). */
int cli_parse_results_option(int argc, char **argv, int *i, cli_results_opts_t *o,
                             const char **why);

/* NULL when the options go together, else why not. */
const char *cli_check_results_opts(const cli_results_opts_t *o);

/* Download the results of batch id and print them as the options say. */
ambc_status_t cli_results(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                          const cli_results_opts_t *o);

#endif
