/* The CLI's commands that act on batches: create, cancel, delete, wait (see act.h). */
#include "act.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ambc/posix.h"
#include "jsonl_source.h"

/* Progress lines go to stderr only when it is a terminal, at most five times a second. */
typedef struct {
    bool on;
    uint64_t last_ms;
} progress_t;

static bool due(progress_t *p)
{
    uint64_t now = ambc_posix_clock()->now_ms(NULL);
    if (!p->on || now - p->last_ms < 200) {
        return false;
    }
    p->last_ms = now;
    return true;
}

static ambc_status_t upload_progress(void *ctx, uint32_t requests, uint64_t sent, uint64_t total)
{
    progress_t *p = ctx;
    if (due(p) || (p->on && sent == total)) {
        fprintf(stderr, "\rambc: uploading %" PRIu32 " requests, %.1f of %.1f MB   ", requests,
                (double)sent / 1e6, (double)total / 1e6);
    }
    return AMBC_OK;
}

static ambc_status_t wait_progress(void *ctx, const ambc_batch_t *b, uint32_t polls,
                                   uint32_t next_ms)
{
    progress_t *p = ctx;
    if (p->on) {
        const ambc_request_counts_t *n = &b->request_counts;
        fprintf(stderr,
                "\rambc: %s, %" PRIu32 " processing, %" PRIu32 " succeeded, %" PRIu32
                " errored (poll %" PRIu32 ", next in %.1f s)   ",
                b->status_text, n->processing, n->succeeded, n->errored, polls,
                (double)next_ms / 1e3);
    }
    return AMBC_OK;
}

static void end_progress(const progress_t *p)
{
    if (p->on) {
        fputs("\n", stderr);
    }
}

static ambc_status_t wait_for(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                              const cli_wait_opts_t *w)
{
    static ambc_batch_t b;
    progress_t p = {isatty(2) != 0, 0};
    ambc_wait_params_t wp = {0, 0, w->timeout_ms, w->not_found_ms, wait_progress, &p};
    ambc_status_t st = ambc_batches_wait(c, id, &wp, &b);
    end_progress(&p);
    if (st == AMBC_OK) {
        cli_print_batch((void *)a, &b);
    }
    return st;
}

ambc_status_t cli_create(ambc_client_t *c, const char *file, bool wait, const cli_list_args_t *a,
                         const cli_wait_opts_t *w)
{
    static jsonl_source_t src;
    static ambc_batch_t b;
    progress_t p = {isatty(2) != 0, 0};
    ambc_create_params_t cp = {jsonl_source_next, &src, upload_progress, &p};
    ambc_status_t st;
    if (jsonl_source_open(&src, file) != 0) {
        fprintf(stderr, "ambc: %s\n", src.error);
        return AMBC_ERR_INVALID_ARG;
    }
    st = ambc_batches_create(c, &cp, &b);
    end_progress(&p);
    if (src.error[0] != '\0') {
        fprintf(stderr, "ambc: %s\n", src.error);
    } else if (st == AMBC_ERR_CREATE_COUNT) {
        fprintf(stderr, "ambc: %s: %s\n", file,
                ambc_client_error_index(c) == 0 ? "no requests" : "more than 100,000 requests");
    } else if (st == AMBC_ERR_CREATE_TOO_LARGE) {
        fprintf(stderr, "ambc: %s: the body passes 256 MB at request %" PRIu32 " (0-based)\n", file,
                ambc_client_error_index(c));
    } else if (st == AMBC_ERR_OUTCOME_UNKNOWN) {
        fprintf(stderr, "ambc: the answer was lost after the upload: the batch may exist; "
                        "'ambc list --limit 5' shows the newest\n");
    }
    jsonl_source_close(&src);
    if (st != AMBC_OK) {
        return st;
    }
    cli_print_batch((void *)a, &b);
    fflush(stdout);
    return wait ? wait_for(c, b.id, a, w) : AMBC_OK;
}

ambc_status_t cli_cancel(ambc_client_t *c, const char *id, const cli_list_args_t *a)
{
    static ambc_batch_t b;
    ambc_status_t st = ambc_batches_cancel(c, id, &b);
    if (st == AMBC_OK) {
        cli_print_batch((void *)a, &b);
    }
    return st;
}

ambc_status_t cli_delete(ambc_client_t *c, const char *id, const cli_list_args_t *a)
{
    ambc_batch_deleted_t d;
    ambc_status_t st = ambc_batches_delete(c, id, &d);
    if (st != AMBC_OK) {
        return st;
    }
    if (a->json) {
        printf("{\"id\":");
        cli_print_json_string(stdout, d.id);
        printf(",\"type\":\"message_batch_deleted\"}\n");
    } else {
        printf("deleted ");
        cli_put_text(stdout, d.id);
        printf("\n");
    }
    return AMBC_OK;
}

ambc_status_t cli_wait(ambc_client_t *c, const char *id, const cli_list_args_t *a,
                       const cli_wait_opts_t *w)
{
    return wait_for(c, id, a, w);
}
