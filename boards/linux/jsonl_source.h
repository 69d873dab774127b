/*
 * The CLI's request source for `ambc create FILE.jsonl`: one {"custom_id":...,"params":{...}}
 * object per line, as the API's docs and the SDKs' examples write them. The file is read twice
 * (ambc asks for request 0 again for its second pass), line by line in a fixed buffer, with
 * the params passed on as raw JSON while they are read: a line of any length costs no more RAM.
 * In the first pass it also checks that every custom_id is unique, which the library leaves to
 * applications because it needs memory that grows with the count.
 */
#ifndef AMBC_BOARDS_LINUX_JSONL_SOURCE_H
#define AMBC_BOARDS_LINUX_JSONL_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ambc/ambc.h"

typedef struct jsonl_ids jsonl_ids_t;

typedef struct {
    FILE *f;
    const char *path;
    char buf[65536];
    size_t len, pos; /* bytes in buf, and where the next line starts */
    unsigned pass;   /* 1 or 2 */
    uint32_t line;   /* file line being read (1-based) */
    ambc_json_scan_t scan;
    ambc_request_writer_t *w;
    int key;           /* the member whose value is being read */
    bool in_params;    /* inside the params object: its bytes go to the writer */
    bool params_ended; /* params ended in the segment being scanned, at params_end */
    bool have_id, have_params;
    size_t from; /* where the params' bytes start in the segment being scanned */
    size_t params_end;
    char id[72]; /* the custom_id as decoded */
    size_t id_len;
    jsonl_ids_t *ids;         /* custom_ids of the first pass, for uniqueness */
    char error[256];          /* why a line was refused */
    ambc_status_t writer_err; /* a writer failure that is not a refusal (a send that failed) */
} jsonl_source_t;

/* Opens path; 0, or -1 with jsonl_source_t.error set. */
int jsonl_source_open(jsonl_source_t *s, const char *path);

/* The ambc_create_params_t.source callback (ctx: the jsonl_source_t). */
ambc_status_t jsonl_source_next(void *ctx, uint32_t index, ambc_request_writer_t *w);

/* Closes the file and frees the uniqueness set. */
void jsonl_source_close(jsonl_source_t *s);

#endif
