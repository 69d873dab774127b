/**
 * @file batch.h
 * @brief Fixed-size MessageBatch records, list-page metadata, and the streaming page parser.
 *
 * A list page (or a single MessageBatch, as retrieve and cancel return) is fed to
 * ambc_page_parser_feed() in slices of any size as it comes off the wire. The parser walks
 * the page with the streaming scanner, cuts each element of `data` into its record buffer,
 * token-parses that one element with jsmn and maps it onto an ambc_batch_t through a
 * descriptor table, then hands the record to the caller's callback. The RAM used is
 * sizeof(ambc_page_parser_t) + sizeof(ambc_batch_t), whatever the page size.
 *
 * Example: parse a page already in memory
 * @code
 * static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
 * {
 *     printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
 *     return AMBC_OK;
 * }
 * static ambc_page_parser_t parser;   // about 3 KB at the default Kconfig
 * static ambc_batch_t record;
 * ambc_page_t page;
 * ambc_page_parser_init(&parser, AMBC_PAGE_LIST, &page, &record, on_batch, NULL);
 * st = ambc_page_parser_feed(&parser, body, body_len);   // as often as slices arrive
 * if (st == AMBC_OK) st = ambc_page_parser_finish(&parser);
 * // page.has_more, page.last_id, page.count are now valid
 * @endcode
 */
#ifndef AMBC_BATCH_H
#define AMBC_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/config.h"
#include "ambc/json.h"
#include "ambc/status.h"
#include "ambc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** `processing_status`. Values the API adds later map to UNKNOWN, not to an error. */
typedef enum {
    AMBC_BATCH_STATUS_UNKNOWN = 0,
    AMBC_BATCH_IN_PROGRESS,
    AMBC_BATCH_CANCELING,
    AMBC_BATCH_ENDED,
} ambc_batch_status_t;

/** `request_counts`. A batch holds at most 100,000 requests; larger values are an error. */
typedef struct {
    uint32_t processing;
    uint32_t succeeded;
    uint32_t errored;
    uint32_t canceled;
    uint32_t expired;
} ambc_request_counts_t;

/** Bits of ambc_batch_t.present and .null: which keys the object had, and which were null. */
enum {
    AMBC_BATCH_F_ID = 1u << 0,
    AMBC_BATCH_F_TYPE = 1u << 1,
    AMBC_BATCH_F_PROCESSING_STATUS = 1u << 2,
    AMBC_BATCH_F_REQUEST_COUNTS = 1u << 3,
    AMBC_BATCH_F_CREATED_AT = 1u << 4,
    AMBC_BATCH_F_EXPIRES_AT = 1u << 5,
    AMBC_BATCH_F_ENDED_AT = 1u << 6,
    AMBC_BATCH_F_CANCEL_INITIATED_AT = 1u << 7,
    AMBC_BATCH_F_ARCHIVED_AT = 1u << 8,
    AMBC_BATCH_F_RESULTS_URL = 1u << 9,
    AMBC_BATCH_F_COUNT_PROCESSING = 1u << 10, /**< request_counts.processing */
    AMBC_BATCH_F_COUNT_SUCCEEDED = 1u << 11,
    AMBC_BATCH_F_COUNT_ERRORED = 1u << 12,
    AMBC_BATCH_F_COUNT_CANCELED = 1u << 13,
    AMBC_BATCH_F_COUNT_EXPIRED = 1u << 14,
    /** Every key the API promises (all ten top-level keys and the five counts). */
    AMBC_BATCH_F_ALL = (1u << 15) - 1u,
};

/**
 * One MessageBatch. Strings are NUL-terminated and never truncated (too long is an error).
 * Timestamps are microseconds since the Unix epoch, UTC; AMBC_TIME_NULL when the API sent
 * null or the key was absent (tell the two apart with `present` and `null`).
 * `results_url` is "" when null or absent.
 */
typedef struct {
    char id[CONFIG_AMBC_ID_MAX];
    ambc_batch_status_t processing_status;
    ambc_request_counts_t request_counts;
    int64_t created_at;
    int64_t expires_at;
    int64_t ended_at;
    int64_t cancel_initiated_at;
    int64_t archived_at;
    char results_url[CONFIG_AMBC_URL_MAX];
    uint32_t present; /**< AMBC_BATCH_F_* of keys present (null counts as present) */
    uint32_t null;    /**< AMBC_BATCH_F_* of keys whose value was null */
} ambc_batch_t;

/** Bits of ambc_page_t.present / .null. */
enum {
    AMBC_PAGE_F_DATA = 1u << 0,
    AMBC_PAGE_F_HAS_MORE = 1u << 1,
    AMBC_PAGE_F_FIRST_ID = 1u << 2,
    AMBC_PAGE_F_LAST_ID = 1u << 3,
};

/** List-page metadata. first_id/last_id are "" when null (see `null`). */
typedef struct {
    bool has_more;
    char first_id[CONFIG_AMBC_ID_MAX];
    char last_id[CONFIG_AMBC_ID_MAX];
    uint32_t count;  /**< records delivered to the callback */
    uint8_t present; /**< AMBC_PAGE_F_* of keys present */
    uint8_t null;    /**< AMBC_PAGE_F_* of keys that were null */
} ambc_page_t;

/** What the body is: a list page, or one MessageBatch object (retrieve, cancel). */
typedef enum {
    AMBC_PAGE_LIST,
    AMBC_PAGE_SINGLE,
} ambc_page_mode_t;

/**
 * Called once per record, in page order. The record is the one passed to init: it is
 * overwritten by the next one, so copy what you keep. Return AMBC_OK to go on; any other
 * status stops parsing and is returned by the feed call.
 */
typedef ambc_status_t (*ambc_batch_fn)(void *ctx, const ambc_batch_t *batch);

/** Token storage with jsmn's layout (jsmn is private to core/; a build check keeps them equal). */
typedef struct {
    int type;
    int start;
    int end;
    int size;
    int parent;
} ambc_json_tok_t;

/** Page parser state. Caller-allocated (static or on a task stack); every field is private. */
typedef struct {
    ambc_json_scan_t scan;
    ambc_page_t *page;
    ambc_batch_t *record;
    ambc_batch_fn on_batch;
    void *ctx;
    const char *slice; /* the slice being fed: elements are copied out of it */
    size_t cap_from;   /* where the element being cut starts in slice */
    size_t cap_len;    /* bytes of the element in `element` so far */
    ambc_status_t err;
    uint8_t mode;
    uint8_t key;   /* which top-level key's value is being scanned */
    uint8_t stage; /* where in the page the scanner is */
    char element[CONFIG_AMBC_RECORD_BUF_SIZE];
    ambc_json_tok_t tokens[CONFIG_AMBC_JSON_MAX_TOKENS];
} ambc_page_parser_t;

/**
 * @brief Prepare to parse one response body.
 * @param p        caller-owned parser state.
 * @param mode     AMBC_PAGE_LIST or AMBC_PAGE_SINGLE.
 * @param page     receives the page metadata (zeroed here); may be NULL in SINGLE mode.
 *                 Written during feed/finish; read it after finish returns AMBC_OK.
 * @param record   caller-owned record filled before each callback.
 * @param on_batch called for each record (must not be NULL).
 * @param ctx      passed to on_batch.
 */
void ambc_page_parser_init(ambc_page_parser_t *p, ambc_page_mode_t mode, ambc_page_t *page,
                           ambc_batch_t *record, ambc_batch_fn on_batch, void *ctx);

/**
 * @brief Feed the next slice of the body.
 * @param data read during the call only.
 * @return AMBC_OK; AMBC_ERR_JSON_INVALID, AMBC_ERR_JSON_DEPTH (not JSON);
 *         AMBC_ERR_JSON_SHAPE (the root is not an object, `data` is not an array of
 *         objects, a record has no `id`); AMBC_ERR_JSON_TYPE (a known key with a value of
 *         the wrong type, or null where the API never sends null); AMBC_ERR_RECORD_TOO_LARGE;
 *         AMBC_ERR_JSON_TOO_MANY_TOKENS; AMBC_ERR_STRING_TOO_LONG; AMBC_ERR_TIME_INVALID;
 *         AMBC_ERR_NUMBER_RANGE; or what the callback returned. Errors are sticky.
 */
ambc_status_t ambc_page_parser_feed(ambc_page_parser_t *p, const uint8_t *data, size_t len);

/**
 * @brief End of body.
 * @return AMBC_OK when the body was one complete page (with `data` and `has_more`) or
 *         one complete batch object; AMBC_ERR_JSON_UNEXPECTED_END if it stopped early;
 *         AMBC_ERR_JSON_SHAPE if required page keys were missing; the sticky error.
 */
ambc_status_t ambc_page_parser_finish(ambc_page_parser_t *p);

/**
 * @brief Map one MessageBatch object held whole in a buffer (the step the page parser
 *        runs on every element; exposed for tests, fuzzing and callers that have the text).
 * @param json    the object's text; read only.
 * @param tokens  token storage, ntokens entries.
 * @param out     filled on success; on failure its content is unspecified.
 * @return as ambc_page_parser_feed for one record; AMBC_ERR_JSON_SHAPE if it is not an object
 *         or lacks `id`.
 */
ambc_status_t ambc_batch_parse(const char *json, size_t len, ambc_json_tok_t *tokens,
                               size_t ntokens, ambc_batch_t *out);

/** "in_progress", "canceling", "ended" or "unknown". */
const char *ambc_batch_status_name(ambc_batch_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_BATCH_H */
