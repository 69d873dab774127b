/* The CLI's commands that act on batches: create (from a JSONL file, optionally waiting for
 * the batch to end), cancel, delete, wait. Each prints what the API answered as `list` prints
 * a batch (a table row, or JSON with --json); progress goes to stderr when it is a terminal. */
#ifndef AMBC_BOARDS_LINUX_ACT_H
#define AMBC_BOARDS_LINUX_ACT_H

#include <stdbool.h>
#include <stdint.h>

#include "ambc/ambc.h"
#include "cli_common.h"

ambc_status_t cli_create(ambc_client_t *c, const char *file, bool wait, const cli_list_args_t *a,
                         uint32_t wait_timeout_ms);
ambc_status_t cli_cancel(ambc_client_t *c, const char *id, const cli_list_args_t *a);
ambc_status_t cli_delete(ambc_client_t *c, const char *id, const cli_list_args_t *a);
/* timeout_ms 0: CONFIG_AMBC_WAIT_TIMEOUT_MS */
ambc_status_t cli_wait(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                       uint32_t timeout_ms);

#endif
