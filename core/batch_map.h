/* Internal: the record's descriptor tables, shared by the cutter (page.c) and the mapper. */
#ifndef AMBC_CORE_BATCH_MAP_H
#define AMBC_CORE_BATCH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/batch.h"

/* What a known member holds, and so how it is copied, checked and mapped. */
typedef enum {
    K_ID,           /* string, not null, into a char array */
    K_TYPE,         /* the string "message_batch" */
    K_TYPE_DELETED, /* the string "message_batch_deleted" */
    K_STATUS,       /* processing_status: enum and text */
    K_COUNTS,       /* the request_counts object, mapped with its own table */
    K_TIME,         /* RFC 3339, not null */
    K_TIME_NULL,    /* RFC 3339 or null */
    K_URL_NULL,     /* string or null, into a char array */
    K_U32,          /* non-negative integer */
} ambc_field_kind_t;

/* One row of a descriptor table (in the manner of Zephyr's json.h). */
typedef struct {
    const char *name; /* for error reports: "created_at", "request_counts.errored" */
    uint8_t keyoff;   /* the key is name + keyoff */
    uint8_t keylen;
    uint8_t kind;    /* ambc_field_kind_t */
    char code;       /* the key as the record buffer stores it: 'a' + its row */
    uint16_t offset; /* into ambc_batch_t */
    uint16_t size;   /* of the char array, for strings */
    uint32_t bit;    /* AMBC_BATCH_F_* */
} ambc_field_t;

/* The known member `key` (decoded, len bytes) of a batch (counts false) or of its
 * request_counts (counts true), or of a deleted-batch record (deleted true); NULL when the
 * record does not map it. */
const ambc_field_t *ambc_batch_field_find(bool deleted, bool counts, const char *key, size_t len);

/* How many decoded bytes a string value of f may have, and the status when it has more. */
size_t ambc_batch_field_limit(const ambc_field_t *f);
ambc_status_t ambc_batch_field_too_long(const ambc_field_t *f);

#ifdef JSMN_H /* only for files that include <jsmn.h> first, with JSMN_PARENT_LINKS */
/* Map the object at token index obj of json, tokenized by jsmn (JSMN_STRICT and
 * JSMN_PARENT_LINKS: both sides must be built alike, the token's layout depends on it). String
 * values may hold any JSON escapes, and raw control bytes (the record buffer keeps those raw). On
 * failure *err_field names the key. Used by the page parser, and by the benchmark to map from
 * whole-page tokens. */
ambc_status_t ambc_batch_map_tokens(const char *json, const jsmntok_t *t, int ntok, int obj,
                                    ambc_batch_t *out, const char **err_field);
#endif

/* jsmn over one record cut out by page.c (a MessageBatch, or with `deleted` the record DELETE
 * answers, whose keys are id and type) (keys as codes, see ambc_batch_field_code; its tokens
 * on this call's stack), then the mapping above, then the check that every key the API
 * promises was there. */
ambc_status_t ambc_batch_map_record(const char *json, size_t len, bool deleted, ambc_batch_t *out,
                                    const char **err_field);

#endif
