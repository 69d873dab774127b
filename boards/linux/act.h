/* The CLI's commands that act on batches: create (from a JSONL file, optionally waiting for
 * the batch to end), cancel, delete, wait. Each prints what the API answered as `list` prints
 * a batch (a table row, or JSON with --json); progress goes to stderr when it is a terminal. */
#ifndef AMBC_BOARDS_LINUX_ACT_H
#define AMBC_BOARDS_LINUX_ACT_H

#include <stdbool.h>
#include <stdint.h>

#include "ambc/ambc.h"
#include "cli_common.h"

/* How the CLI waits; 0 in either field: the library's default (Kconfig). */
typedef struct {
    uint32_t timeout_ms;
    uint32_t not_found_ms; /* AMBC_WAIT_NOT_FOUND_NONE: a 404 is final at once */
} cli_wait_opts_t;

ambc_status_t cli_create(ambc_client_t *c, const char *file, bool wait, const cli_list_args_t *a,
                         const cli_wait_opts_t *w);
ambc_status_t cli_cancel(ambc_client_t *c, const char *id, const cli_list_args_t *a);
ambc_status_t cli_delete(ambc_client_t *c, const char *id, const cli_list_args_t *a);
ambc_status_t cli_wait(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                       const cli_wait_opts_t *w);

#endif
