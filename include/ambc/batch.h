/**
 * @file batch.h
 * @brief Fixed-size MessageBatch records, list-page metadata, and the streaming page parser.
 *
 * A list page (or a single MessageBatch, as retrieve and cancel return) is fed to
 * ambc_page_parser_feed() in slices of any size as it comes off the wire. The parser walks
 * the page with the streaming scanner and, for each element of `data`, copies into its record
 * buffer only the members the record maps — the ten keys of a MessageBatch and the five of
 * `request_counts` — with every string decoded first (keys too, so an escaped key is still
 * known). Members it does not know pass by in the stream, whatever their size or nesting:
 * they are validated but never copied, decoded or tokenized. The cut-out record is then
 * token-parsed with jsmn and mapped onto an ambc_batch_t through a descriptor table, and
 * handed to the caller's callback. The RAM used is sizeof(ambc_page_parser_t) +
 * sizeof(ambc_batch_t), whatever the page size and whatever the API adds to its objects.
 *
 * Example: parse a page already in memory
 * @code
 * static ambc_status_t on_batch(void *ctx, const ambc_batch_t *b)
 * {
 *     printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
 *     return AMBC_OK;
 * }
 * static ambc_page_parser_t parser;   // about 1.2 KB at the default Kconfig
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

/** `processing_status`. Values the API adds later map to UNKNOWN, not to an error; their text
 *  is kept in ambc_batch_t.status_text. */
typedef enum {
    AMBC_BATCH_STATUS_UNKNOWN = 0,
    AMBC_BATCH_IN_PROGRESS,
    AMBC_BATCH_CANCELING,
    AMBC_BATCH_ENDED,
} ambc_batch_status_t;

/** `request_counts`. Any value that fits a uint32_t is taken (the API documents at most 100,000
 *  requests per batch today, and may raise it); larger values are AMBC_ERR_NUMBER_RANGE. */
typedef struct {
    uint32_t processing; /**< requests not yet processed */
    uint32_t succeeded;  /**< requests that completed with a message */
    uint32_t errored;    /**< requests that failed */
    uint32_t canceled;   /**< requests canceled before processing */
    uint32_t expired;    /**< requests that reached the 24 hour limit unprocessed */
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
    /** Every key the API promises (all ten top-level keys and the five counts). A record is
     *  delivered only when it had all of them: `present` is always this in a callback. */
    AMBC_BATCH_F_ALL = (1u << 15) - 1u,
};

/**
 * One MessageBatch, with every value decoded (escapes resolved) before it was compared or
 * parsed. Strings are NUL-terminated and never truncated (too long is an error naming the
 * key); a string holding U+0000 is AMBC_ERR_JSON_NUL, never cut at it. Timestamps are
 * microseconds since the Unix epoch, UTC; AMBC_TIME_NULL when the API sent null (see `null`).
 * `results_url` is "" when null.
 */
typedef struct {
    char id[CONFIG_AMBC_ID_MAX];           /**< the batch id, e.g. "msgbatch_01..." */
    ambc_batch_status_t processing_status; /**< in_progress, canceling, ended (or unknown) */
    /** `processing_status` as the API sent it (decoded): the name of a status this version does
     *  not know, which then maps to AMBC_BATCH_STATUS_UNKNOWN. */
    char status_text[CONFIG_AMBC_STATUS_TEXT_MAX];
    ambc_request_counts_t request_counts; /**< the requests by outcome */
    int64_t created_at;                   /**< when the batch was created */
    int64_t expires_at;                   /**< when unprocessed requests expire */
    int64_t ended_at;            /**< when processing ended; AMBC_TIME_NULL while it has not */
    int64_t cancel_initiated_at; /**< when a cancel was asked for; AMBC_TIME_NULL if never */
    int64_t archived_at;         /**< when the batch was archived; AMBC_TIME_NULL if not */
    char results_url[CONFIG_AMBC_URL_MAX]; /**< where the results are, once ended; "" if null */
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

/** List-page metadata. first_id/last_id are "" when null or absent (see `null`, `present`). */
typedef struct {
    bool has_more;                     /**< the API has more batches past this page */
    char first_id[CONFIG_AMBC_ID_MAX]; /**< id of the page's first batch (before_id of the next
                                            page backward) */
    char last_id[CONFIG_AMBC_ID_MAX];  /**< id of the page's last batch (after_id of the next
                                            page forward) */
    uint32_t count;                    /**< records delivered to the callback */
    uint8_t present;                   /**< AMBC_PAGE_F_* of keys present */
    uint8_t null;                      /**< AMBC_PAGE_F_* of keys that were null */
} ambc_page_t;

/** What the body is: a list page, one MessageBatch object (retrieve, cancel, create), or the
 *  record DELETE answers (`{"id":"...","type":"message_batch_deleted"}`: only `id` and the
 *  AMBC_BATCH_F_ID | AMBC_BATCH_F_TYPE bits of the record are set). */
typedef enum {
    AMBC_PAGE_LIST,
    AMBC_PAGE_SINGLE,
    AMBC_PAGE_DELETED,
} ambc_page_mode_t;

/** What DELETE answers. */
typedef struct {
    char id[CONFIG_AMBC_ID_MAX]; /**< the id of the batch deleted */
} ambc_batch_deleted_t;

/**
 * Called once per record, in page order. The record is the one passed to init: it is
 * overwritten by the next one, so copy what you keep. Return AMBC_OK to go on; any other
 * status stops parsing and is returned by the feed call.
 */
typedef ambc_status_t (*ambc_batch_fn)(void *ctx, const ambc_batch_t *batch);

/** Longest timestamp text taken, decoded bytes: RFC 3339 with microseconds is 27, with nine
 *  fraction digits and an offset 35. A longer one is AMBC_ERR_TIME_INVALID. */
#define AMBC_RFC3339_TEXT_MAX 40u
/** Longest `type` text compared with "message_batch"; a longer one is AMBC_ERR_JSON_SHAPE. */
#define AMBC_BATCH_TYPE_TEXT_MAX 32u
/** Longest number text taken for a count: more digits than any uint32_t has. */
#define AMBC_RECORD_NUMBER_MAX 20u

/** @cond INTERNAL: how the record buffer's size follows from the known fields alone. */
/* A string value of up to n decoded bytes, as the record buffer holds it: its quotes, and two
 * bytes per byte at worst (a quote or a backslash is stored escaped). */
#define AMBC_RECORD_STR_(n) (2u + 2u * (n))
/* A timestamp or the type: refused if they hold a quote or backslash, so one byte per byte. */
#define AMBC_RECORD_PLAIN_(n) (2u + (n))
/* `,"k":value`: each known key is stored as a one-letter code, not its name */
#define AMBC_RECORD_MEMBER_(value) (5u + (value))
#define AMBC_RECORD_COUNTS_        (2u + 5u * AMBC_RECORD_MEMBER_(AMBC_RECORD_NUMBER_MAX))
/** @endcond */

/**
 * Bytes of the record buffer: the longest text the page parser can cut out for one batch. It
 * copies only the members a record maps (the ten keys of a MessageBatch and the five of
 * `request_counts`), each value decoded and bounded by its field's size, so this follows from
 * CONFIG_AMBC_ID_MAX, CONFIG_AMBC_STATUS_TEXT_MAX and CONFIG_AMBC_URL_MAX alone. Members the
 * API adds, of any size and nesting, pass by in the stream and take none of it.
 */
#define AMBC_RECORD_BUF_SIZE                                                                       \
    (2u + AMBC_RECORD_MEMBER_(AMBC_RECORD_STR_(CONFIG_AMBC_ID_MAX - 1u)) +                         \
     AMBC_RECORD_MEMBER_(AMBC_RECORD_PLAIN_(AMBC_BATCH_TYPE_TEXT_MAX)) +                           \
     AMBC_RECORD_MEMBER_(AMBC_RECORD_STR_(CONFIG_AMBC_STATUS_TEXT_MAX - 1u)) +                     \
     AMBC_RECORD_MEMBER_(AMBC_RECORD_COUNTS_) +                                                    \
     5u * AMBC_RECORD_MEMBER_(AMBC_RECORD_PLAIN_(AMBC_RFC3339_TEXT_MAX)) +                         \
     AMBC_RECORD_MEMBER_(AMBC_RECORD_STR_(CONFIG_AMBC_URL_MAX - 1u)))

/** jsmn tokens one cut-out record needs: the object, ten keys and values, five count keys and
 *  values. They live on the stack of the call that maps a record (not in any struct). */
#define AMBC_RECORD_MAX_TOKENS (1u + 2u * 10u + 2u * 5u)

/** Page parser state. Caller-allocated (static or on a task stack); every field is private. */
typedef struct {
    /** @privatesection */
    ambc_json_scan_t scan;
    ambc_page_t *page;
    ambc_batch_t *record;
    ambc_batch_fn on_batch;
    void *ctx;
    const char *err_field; /* the key the sticky error is about, or NULL */
    const void *field;     /* the record field whose value is being copied, or NULL */
    ambc_status_t err;
    uint32_t seen;     /* AMBC_BATCH_F_* of the known keys met in the record being cut */
    uint32_t str_len;  /* decoded bytes of the string value being copied */
    uint16_t rec_len;  /* bytes in rec */
    uint8_t mode;      /* ambc_page_mode_t */
    uint8_t stage;     /* where in the page the scanner is */
    uint8_t key;       /* the page key (LIST) whose value is being scanned */
    uint8_t in_string; /* a string value's opening quote has been copied */
    char rec[AMBC_RECORD_BUF_SIZE];
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
 * @brief Feed the next slice of the body. Errors are sticky; ambc_page_parser_error_field()
 *        names the key of the error.
 * @param p    the parser, set up by ambc_page_parser_init().
 * @param data len bytes of the body, read during the call only.
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG p NULL, or data NULL with len > 0 (the parser is unchanged); or
 *         the parser was set up with a NULL page (list mode), record or on_batch, or an unknown
 *         mode.
 * @retval AMBC_OK the bytes were taken.
 * @retval AMBC_ERR_JSON_INVALID not JSON.
 * @retval AMBC_ERR_JSON_DEPTH nested deeper than CONFIG_AMBC_JSON_MAX_DEPTH anywhere, unknown
 *         members included.
 * @retval AMBC_ERR_JSON_SHAPE the root is not an object, `data` is not an array of objects, a
 *         key twice in one object, `type` is not "message_batch".
 * @retval AMBC_ERR_JSON_TYPE a known key with a value of the wrong type, or null where the API
 *         never sends null.
 * @retval AMBC_ERR_JSON_MISSING a record without one of the keys the API always sends.
 * @retval AMBC_ERR_STRING_TOO_LONG an id, status or URL longer than its field.
 * @retval AMBC_ERR_JSON_NUL a kept string holds U+0000.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also any other status the callback returned.
 */
ambc_status_t ambc_page_parser_feed(ambc_page_parser_t *p, const uint8_t *data, size_t len);

/**
 * @brief End of body.
 * @param p the parser.
 * @retval AMBC_ERR_INVALID_ARG p NULL, or set up as ambc_page_parser_feed() says.
 * @retval AMBC_OK the body was one complete page (with `data` and `has_more`) or one complete
 *         batch object.
 * @retval AMBC_ERR_JSON_UNEXPECTED_END the body stopped early.
 * @retval AMBC_ERR_JSON_MISSING `data` or `has_more` was missing.
 * @return Also the sticky error of an earlier feed.
 */
ambc_status_t ambc_page_parser_finish(ambc_page_parser_t *p);

/**
 * @brief The key the parser's error is about ("created_at", "request_counts.errored",
 *        "last_id", ...), or NULL when the error is not about one key.
 * @param p the parser.
 * @return A static string, valid for the program's lifetime.
 */
const char *ambc_page_parser_error_field(const ambc_page_parser_t *p);

/**
 * @brief Parse one MessageBatch object held whole in a buffer: the page parser in
 *        AMBC_PAGE_SINGLE mode, fed once (for tests, fuzzing and callers that have the text).
 * @param p    scratch parser state, overwritten.
 * @param json the object's text; read only.
 * @param len  its length in bytes.
 * @param out  filled on AMBC_OK; on failure its content is unspecified.
 * @retval AMBC_OK out holds the batch.
 * @retval AMBC_ERR_INVALID_ARG p, json or out NULL.
 * @retval AMBC_ERR_JSON_INVALID not JSON.
 * @retval AMBC_ERR_JSON_UNEXPECTED_END the text ends inside the object.
 * @retval AMBC_ERR_JSON_DEPTH nested deeper than CONFIG_AMBC_JSON_MAX_DEPTH.
 * @retval AMBC_ERR_JSON_SHAPE not one MessageBatch object.
 * @retval AMBC_ERR_JSON_TYPE a known key with a value of the wrong type.
 * @retval AMBC_ERR_JSON_MISSING a key the API always sends is missing.
 * @retval AMBC_ERR_STRING_TOO_LONG an id, status or URL longer than its field.
 * @retval AMBC_ERR_JSON_NUL a kept string holds U+0000.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 */
ambc_status_t ambc_batch_parse(ambc_page_parser_t *p, const char *json, size_t len,
                               ambc_batch_t *out);

/**
 * @brief The API's name of a processing status.
 * @param status the status.
 * @return "in_progress", "canceling", "ended" or "unknown"; a static string.
 */
const char *ambc_batch_status_name(ambc_batch_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_BATCH_H */
