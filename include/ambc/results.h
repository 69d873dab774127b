/**
 * @file results.h
 * @brief A batch's results (JSONL) in constant RAM: the line mapper and the download.
 *
 * A results file has one JSON object per line, and a line holds a whole Message: megabytes of
 * text, thinking or tool input are normal. ambc never holds a line. The body goes through the
 * streaming scanner, and a small state machine over the path of each value
 * (`custom_id`, `result.type`, `result.message.*`, `result.error.*`) maps the events straight
 * onto three kinds of callback:
 *
 * - **chunks** (ambc_result_chunk_t): the value of every `text` and `thinking` member of a
 *   content block, decoded (escapes resolved), in parts that never split a UTF-8 character;
 *   and the `input` of a tool_use block as its exact JSON text, as the server wrote it.
 *   Each carries its line number and block index, and `last` on the value's last part;
 * - **blocks** (ambc_result_block_t): at the end of each content block, its type, and for a
 *   tool_use block its `id` and `name`;
 * - **one summary per line** (ambc_result_t), at the end of the line: `custom_id`, the result
 *   type, the message's id, model, stop reason and sequence, usage, block count, and for an
 *   errored result the nested error's type, message and request id.
 *
 * **Key order is not assumed.** The API may send `custom_id` after a megabyte of content, so a
 * chunk cannot say which request it belongs to by custom_id: chunks and blocks carry the line
 * number, and the line's summary, with its custom_id, comes after all of that line's chunks
 * and blocks. A caller that needs the custom_id with the text keeps what it needs per line
 * (a file, a hash, a count) and labels it when the summary arrives.
 *
 * Which member a chunk belongs to decides its kind, not the block's `type` (which may come
 * after it): a block's `text` member is AMBC_CHUNK_TEXT, `thinking` AMBC_CHUNK_THINKING,
 * `input` AMBC_CHUNK_TOOL_INPUT. Members ambc does not map (a thinking block's signature,
 * citations, whatever the API adds), of any size and nesting, pass by in the stream: validated,
 * never copied. A caller that wants only the summaries leaves on_chunk and on_block NULL.
 *
 * Lines end with `\n`; a `\r` before it is whitespace to the scanner, so it is stripped wherever
 * a read ends (between the two bytes included); the last line may lack its `\n`; blank lines
 * are skipped (they still count in line numbers). Anything after the value on its line is
 * AMBC_ERR_RESULTS_TRAILING; ambc_results_parser_error_line() (ambc_client_error_index() after a
 * download) names the line of any error.
 *
 * RAM: sizeof(ambc_results_parser_t) (the summary and block records live inside it), the same
 * for a 100-byte line and a 64 MB one. A download adds no buffer: the parser sits in the
 * client's body union, beside the page parser.
 *
 * Example: every line's summary and its text, from a batch that has ended
 * @code
 * static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
 * {
 *     if (ch->kind == AMBC_CHUNK_TEXT) {
 *         fwrite(ch->data, 1, ch->len, line_file(ctx, ch->line));   // by line number
 *     }
 *     return AMBC_OK;
 * }
 * static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
 * {
 *     printf("%s %s %s\n", r->custom_id, ambc_result_type_name(r->type), r->stop_reason);
 *     label_line_file(ctx, r->line, r->custom_id);                  // now it has a name
 *     return AMBC_OK;
 * }
 *
 * ambc_results_params_t p = {0};
 * p.handler.on_result = on_result;
 * p.handler.on_chunk = on_chunk;
 * p.handler.ctx = &files;
 * ambc_status_t st = ambc_batches_results(&client, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF", &p);
 * if (st != AMBC_OK && ambc_client_error_index(&client) != UINT32_MAX) {
 *     printf("line %u: %s\n", ambc_client_error_index(&client), ambc_strerror(st));
 * }
 * @endcode
 */
#ifndef AMBC_RESULTS_H
#define AMBC_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/api_error.h"
#include "ambc/batch.h"
#include "ambc/config.h"
#include "ambc/json.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** `result.type`. A type this version does not know is UNKNOWN, its text in type_text. */
typedef enum {
    AMBC_RESULT_UNKNOWN = 0,
    AMBC_RESULT_SUCCEEDED,
    AMBC_RESULT_ERRORED,
    AMBC_RESULT_CANCELED,
    AMBC_RESULT_EXPIRED,
} ambc_result_type_t;

/** A content block's `type`. Others (and a block without one) are OTHER, with their text. */
typedef enum {
    AMBC_BLOCK_OTHER = 0,
    AMBC_BLOCK_TEXT,
    AMBC_BLOCK_THINKING,
    AMBC_BLOCK_TOOL_USE,
} ambc_block_type_t;

/** What a chunk is part of: the member of its content block. */
typedef enum {
    AMBC_CHUNK_TEXT,       /**< `text`: decoded UTF-8 */
    AMBC_CHUNK_THINKING,   /**< `thinking`: decoded UTF-8 */
    AMBC_CHUNK_TOOL_INPUT, /**< `input`: its JSON text exactly as sent (escapes, spaces) */
} ambc_chunk_kind_t;

/** `result.message.usage`. A member absent or null is 0 (see ambc_result_t.present / null). */
typedef struct {
    uint64_t input_tokens;                /**< `input_tokens` */
    uint64_t output_tokens;               /**< `output_tokens` */
    uint64_t cache_creation_input_tokens; /**< `cache_creation_input_tokens` */
    uint64_t cache_read_input_tokens;     /**< `cache_read_input_tokens` */
} ambc_usage_t;

/** Bits of ambc_result_t.present, .null and .truncated: which members the line had. */
enum {
    AMBC_RESULT_F_CUSTOM_ID = 1u << 0,
    AMBC_RESULT_F_RESULT = 1u << 1,
    AMBC_RESULT_F_TYPE = 1u << 2,          /**< result.type */
    AMBC_RESULT_F_MESSAGE = 1u << 3,       /**< result.message */
    AMBC_RESULT_F_MESSAGE_ID = 1u << 4,    /**< result.message.id */
    AMBC_RESULT_F_MODEL = 1u << 5,         /**< result.message.model */
    AMBC_RESULT_F_STOP_REASON = 1u << 6,   /**< result.message.stop_reason (may be null) */
    AMBC_RESULT_F_STOP_SEQUENCE = 1u << 7, /**< result.message.stop_sequence (may be null) */
    AMBC_RESULT_F_USAGE = 1u << 8,         /**< result.message.usage */
    AMBC_RESULT_F_INPUT_TOKENS = 1u << 9,  /**< usage members: each may be null */
    AMBC_RESULT_F_OUTPUT_TOKENS = 1u << 10,
    AMBC_RESULT_F_CACHE_CREATION = 1u << 11,
    AMBC_RESULT_F_CACHE_READ = 1u << 12,
    AMBC_RESULT_F_CONTENT = 1u << 13,       /**< result.message.content */
    AMBC_RESULT_F_ERROR = 1u << 14,         /**< result.error */
    AMBC_RESULT_F_REQUEST_ID = 1u << 15,    /**< result.error.request_id (may be null) */
    AMBC_RESULT_F_ERROR_OBJECT = 1u << 16,  /**< result.error.error */
    AMBC_RESULT_F_ERROR_TYPE = 1u << 17,    /**< result.error.error.type */
    AMBC_RESULT_F_ERROR_MESSAGE = 1u << 18, /**< result.error.error.message */
};

/**
 * The summary of one results line, delivered when the line has ended. Strings are decoded,
 * NUL-terminated, "" when absent or null. custom_id and the ids (message_id, request_id) are
 * never cut: a longer one is AMBC_ERR_STRING_TOO_LONG naming it. The other texts are kept up
 * to their buffer, cut on a UTF-8 character boundary, with their bit set in `truncated`. A
 * string holding U+0000 is AMBC_ERR_JSON_NUL, never cut at it.
 */
typedef struct {
    uint32_t line; /**< physical line number in the file, 1-based (blank lines count) */
    char custom_id[CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX];         /**< `custom_id` */
    ambc_result_type_t type;                                   /**< result.type */
    char type_text[CONFIG_AMBC_RESULTS_TEXT_MAX];              /**< result.type as sent */
    char message_id[CONFIG_AMBC_ID_MAX];                       /**< result.message.id */
    char model[CONFIG_AMBC_RESULTS_NAME_MAX];                  /**< result.message.model */
    char stop_reason[CONFIG_AMBC_RESULTS_TEXT_MAX];            /**< result.message.stop_reason */
    char stop_sequence[CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX]; /**< ...message.stop_sequence */
    ambc_usage_t usage;                                        /**< result.message.usage */
    uint32_t blocks;                  /**< elements of result.message.content */
    uint64_t text_bytes;              /**< decoded bytes of the line's `text` members */
    uint64_t thinking_bytes;          /**< decoded bytes of its `thinking` members */
    uint64_t input_bytes;             /**< JSON bytes of its tool inputs */
    ambc_api_error_type_t error_type; /**< result.error.error.type (NONE when absent) */
    char error_type_text[CONFIG_AMBC_RESULTS_TEXT_MAX];        /**< ...error.error.type as sent */
    char error_message[CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX]; /**< result.error.error.message */
    char request_id[CONFIG_AMBC_REQUEST_ID_MAX];               /**< result.error.request_id */
    uint32_t present;   /**< AMBC_RESULT_F_* of the members met (null ones too) */
    uint32_t null;      /**< AMBC_RESULT_F_* of those that were null */
    uint32_t truncated; /**< AMBC_RESULT_F_* of the texts kept cut */
} ambc_result_t;

/** Bits of ambc_result_block_t.truncated. */
enum {
    AMBC_BLOCK_F_TYPE = 1u << 0,
    AMBC_BLOCK_F_TOOL_NAME = 1u << 1,
};

/**
 * One content block, delivered at its end (after its chunks). Strings are decoded and
 * NUL-terminated, "" when absent; tool_id is never cut (AMBC_ERR_STRING_TOO_LONG), type_text and
 * tool_name are cut on a UTF-8 boundary and flagged.
 */
typedef struct {
    uint32_t line;                                /**< as ambc_result_t.line */
    uint32_t index;                               /**< 0-based position in result.message.content */
    ambc_block_type_t type;                       /**< `type` */
    char type_text[CONFIG_AMBC_RESULTS_TEXT_MAX]; /**< `type` as sent */
    char tool_id[CONFIG_AMBC_ID_MAX];             /**< `id` (a tool_use block's) */
    char tool_name[CONFIG_AMBC_RESULTS_NAME_MAX]; /**< `name` (a tool_use block's) */
    uint64_t bytes;    /**< chunk bytes of this block (decoded text, or input JSON text) */
    uint8_t truncated; /**< AMBC_BLOCK_F_* */
} ambc_result_block_t;

/**
 * One part of a text, thinking or tool input value. TEXT and THINKING parts hold whole UTF-8
 * characters only (the value is checked to be UTF-8: AMBC_ERR_RESULTS_UTF8 if not); they may
 * hold U+0000 and any other character (len counts them). TOOL_INPUT parts are the bytes of the
 * input's JSON text exactly as the server sent them, split anywhere; joined, they are one JSON
 * value. A value has at least one part; its last one has `last` set (an empty text is one part
 * of length 0).
 */
typedef struct {
    uint32_t line;          /**< as ambc_result_t.line */
    uint32_t block;         /**< 0-based index of the content block */
    ambc_chunk_kind_t kind; /**< the member it is part of */
    const char *data;       /**< len bytes, valid during the callback only */
    size_t len;             /**< bytes at data (0 only for the one part of an empty value) */
    bool last;              /**< the value's last part */
} ambc_result_chunk_t;

/** The end of a line: its summary, valid during the callback only. */
typedef ambc_status_t (*ambc_result_fn)(void *ctx, const ambc_result_t *r);
/** A part of a value, valid during the callback only. */
typedef ambc_status_t (*ambc_result_chunk_fn)(void *ctx, const ambc_result_chunk_t *ch);
/** The end of a content block, valid during the callback only. */
typedef ambc_status_t (*ambc_result_block_fn)(void *ctx, const ambc_result_block_t *b);

/**
 * Where a results body goes. Every callback may be NULL. Returning anything but AMBC_OK stops
 * the parse (and a download): that status is returned. Callbacks must not call the client
 * that is downloading (AMBC_ERR_BUSY).
 */
typedef struct {
    ambc_result_fn on_result;      /**< once per line, after its chunks and blocks */
    ambc_result_chunk_fn on_chunk; /**< text, thinking and tool input parts */
    ambc_result_block_fn on_block; /**< the end of each content block */
    void *ctx;                     /**< passed to all three */
} ambc_results_handler_t;

/** Results parser state. Caller-allocated (static, or inside ambc_client_t); fields private. */
typedef struct {
    /** @privatesection */
    ambc_json_scan_t scan;
    ambc_results_handler_t h;
    ambc_result_t result;      /* the line being parsed; delivered at its end */
    ambc_result_block_t block; /* the content block being parsed */
    uint64_t offset;           /* body bytes consumed so far */
    uint64_t line_start;       /* offset of the current line's first byte */
    const char *slice;         /* the bytes the scanner is being fed (tool input is cut out) */
    const char *err_field;     /* the member the sticky error is about, or NULL */
    size_t cap_from;           /* tool input: where its next chunk starts in slice */
    ambc_status_t err;
    uint32_t line;     /* current line number, 1-based */
    uint32_t err_line; /* line of the sticky error, 0: none */
    uint32_t seen;     /* AMBC_RESULT_F_* met in this line */
    uint32_t str_len;  /* bytes kept of the string value being read */
    uint8_t obj[6];    /* what the container open at each depth is */
    uint8_t block_seen;
    uint8_t field;   /* the member whose value is next or being read, 0: none */
    uint8_t capture; /* depth of the tool input being cut out, 0: none */
    uint8_t u8_need; /* UTF-8 check: continuation bytes still due */
    uint8_t u8_lo;   /* the range of the next one */
    uint8_t u8_hi;
    uint8_t state; /* where in the line: before its value, in it, after it */
    bool str_cut;  /* the string being kept was cut: its next parts are dropped */
    bool quiet;    /* no callback (a resumed download reading again what it delivered) */
} ambc_results_parser_t;

/**
 * @brief Prepare to parse one results body (a whole file, from its first byte).
 * @param p caller-owned; sizeof(ambc_results_parser_t) bytes, whatever the lines' sizes. NULL:
 *          nothing is done.
 * @param h callbacks, copied; its ctx is kept by pointer. NULL: validate only.
 */
void ambc_results_parser_init(ambc_results_parser_t *p, const ambc_results_handler_t *h);

/**
 * @brief Parse the next slice of the body (any size, split anywhere). Errors are sticky;
 *        ambc_results_parser_error_line() and ambc_results_parser_error_field() say where.
 * @param p    the parser, set up by ambc_results_parser_init().
 * @param data len bytes of the body, read during the call only (chunks of tool input point
 *             into it).
 * @param len  any length, 0 included.
 * @retval AMBC_OK the bytes were taken.
 * @retval AMBC_ERR_INVALID_ARG p NULL, or data NULL with len > 0 (the parser is unchanged).
 * @retval AMBC_ERR_JSON_INVALID a line that is not JSON.
 * @retval AMBC_ERR_JSON_DEPTH nested deeper than CONFIG_AMBC_JSON_MAX_DEPTH, unknown members
 *         included.
 * @retval AMBC_ERR_JSON_UNEXPECTED_END a line that ends inside its value.
 * @retval AMBC_ERR_RESULTS_TRAILING bytes after the value on its line.
 * @retval AMBC_ERR_JSON_SHAPE a line that is not an object, a member twice in one object.
 * @retval AMBC_ERR_JSON_TYPE a known member of the wrong type, or null where the API never
 *         sends null.
 * @retval AMBC_ERR_JSON_MISSING no custom_id, result or result.type; a succeeded result
 *         without message, an errored one without error.
 * @retval AMBC_ERR_STRING_TOO_LONG custom_id, message id, tool id or request id longer than
 *         its buffer.
 * @retval AMBC_ERR_JSON_NUL a kept string holds U+0000.
 * @retval AMBC_ERR_NUMBER_RANGE a token count that is not an integer of 64 bits.
 * @retval AMBC_ERR_RESULTS_UTF8 text or thinking that is not UTF-8.
 * @return Also any other status a callback returned.
 */
ambc_status_t ambc_results_parser_feed(ambc_results_parser_t *p, const uint8_t *data, size_t len);

/**
 * @brief End of body: completes a last line that has no `\n`.
 * @param p the parser.
 * @retval AMBC_OK every line was whole.
 * @retval AMBC_ERR_INVALID_ARG p NULL.
 * @retval AMBC_ERR_JSON_UNEXPECTED_END the body stopped inside a line's value.
 * @retval AMBC_ERR_JSON_MISSING the last line lacks a member the API always sends.
 * @return Also the sticky error of ambc_results_parser_feed(), or what a callback returned for
 *         the last line.
 */
ambc_status_t ambc_results_parser_finish(ambc_results_parser_t *p);

/**
 * @brief The line (1-based) the parser's error is on.
 * @param p the parser; NULL gives 0.
 * @return The line, or 0 when there is no error.
 */
uint32_t ambc_results_parser_error_line(const ambc_results_parser_t *p);

/**
 * @brief The member the parser's error is about ("custom_id", "result.message.usage.
 *        input_tokens", ...).
 * @param p the parser; NULL gives NULL.
 * @return A static string, or NULL when there is no error or it is about no member.
 */
const char *ambc_results_parser_error_field(const ambc_results_parser_t *p);

/**
 * @brief The API's name of a result type.
 * @param type any value.
 * @return "succeeded", "errored", "canceled", "expired", or "unknown" for anything else.
 */
const char *ambc_result_type_name(ambc_result_type_t type);

/* ---- the download ------------------------------------------------------------------------ */

/** Raw body bytes, as the server sent them (CRLF and all), after the parser accepted them. */
typedef ambc_status_t (*ambc_results_bytes_fn)(void *ctx, const uint8_t *data, size_t len);

/** A download's parameters. Zero them, then set what you need. */
typedef struct {
    ambc_results_handler_t handler; /**< where the parsed lines go */
    /** Optional: every body byte once, in order, after the parser accepted it (a failed
     *  download has passed on a prefix of the file; a resumed one does not repeat it). */
    ambc_results_bytes_fn on_bytes;
    void *bytes_ctx; /**< passed to on_bytes */
    /** The batch, if the caller has it already (from a wait, a list, a retrieve): its
     *  results_url is used and nothing is retrieved. It must stay valid during the call.
     *  NULL: the batch `id` is retrieved first. */
    const ambc_batch_t *batch;
    /** The download, all its attempts and waits, ends by this many ms (AMBC_ERR_DEADLINE);
     *  0: CONFIG_AMBC_RESULTS_TIMEOUT_MS. It replaces the client's total_timeout_ms, which
     *  would cut off a large file on a slow link; the I/O timeout still bounds every read. */
    uint32_t timeout_ms;
} ambc_results_params_t;

struct ambc_client;

/**
 * @brief Download and parse a batch's results, in constant RAM, resuming after a cut.
 *
 * The batch is retrieved first unless p->batch is given. A batch that has no `results_url`
 * (it has not ended) is AMBC_ERR_RESULTS_NOT_READY, and no results request is made.
 * results_url is used as the API gives it (its path may change), but the request, which
 * carries the API key, goes only to the client's own origin: a URL that is not
 * `https://` + the configured host and port is refused before a byte is sent
 * (AMBC_ERR_RESULTS_ORIGIN), as is one ambc cannot send as it is (AMBC_ERR_RESULTS_URL: a
 * query, a fragment, user info, a path that is not visible ASCII). The beta flavour keeps its
 * `anthropic-beta` header but adds no `?beta=true` (as the SDKs do); `accept:
 * application/binary` as the SDKs send it.
 *
 * **Resumable.** A download cut midway (a drop, a reset, a stall) is retried under the
 * client's retry policy on a new connection, downloaded again from the start, and the bytes
 * already handed over are read again without a callback: every line, chunk, block and raw
 * byte is delivered exactly once. Before anything new is delivered, a running hash (64 bits,
 * constant RAM) of the bytes read again must equal the one of the bytes delivered the first
 * time, else AMBC_ERR_RESULTS_CHANGED: a file that changed is an error, never a guess.
 * Complete lines before the cut are only hashed, not parsed again. ambc_client_stats()
 * .resumed counts the lines so skipped.
 *
 * @param c  the client.
 * @param id the batch id (checked and encoded as for ambc_batches_retrieve()); may be NULL when
 *           p->batch is given.
 * @param p  the callbacks and options; required.
 * @retval AMBC_OK every line was delivered, exactly once.
 * @retval AMBC_ERR_INVALID_ARG c or p NULL; no p->batch and an id NULL, empty or of
 *         CONFIG_AMBC_ID_MAX bytes or more. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_RESULTS_NOT_READY the batch has no results_url (it has not ended); no
 *         results request was sent.
 * @retval AMBC_ERR_RESULTS_ORIGIN results_url is not on the client's scheme, host and port;
 *         nothing was sent.
 * @retval AMBC_ERR_RESULTS_URL results_url cannot be requested as it is; nothing was sent.
 * @retval AMBC_ERR_RESULTS_CHANGED a resumed download differs from the bytes delivered.
 * @retval AMBC_ERR_DEADLINE timeout_ms (or CONFIG_AMBC_RESULTS_TIMEOUT_MS) passed first.
 * @retval AMBC_ERR_RESULTS_TRAILING bytes after the value on a line
 *         (ambc_client_error_index() gives the line).
 * @retval AMBC_ERR_RESULTS_UTF8 text or thinking that is not UTF-8.
 * @retval AMBC_ERR_STRING_TOO_LONG a kept string of a line (or of the retrieved batch) longer
 *         than its field.
 * @retval AMBC_ERR_JSON_NUL a kept string holds U+0000.
 * @retval AMBC_ERR_NUMBER_RANGE a token count (or the batch's request count) out of range.
 * @retval AMBC_ERR_TIME_INVALID a timestamp of the retrieved batch that is not RFC 3339.
 * @return Also every status of @ref ambc_request_statuses (the retrieve and the download; a
 *         line's JSON errors are those of ambc_results_parser_feed(), with
 *         ambc_client_error_index() giving the line and ambc_client_error_field() the member),
 *         and any other status a callback returned.
 */
ambc_status_t ambc_batches_results(struct ambc_client *c, const char *id,
                                   const ambc_results_params_t *p);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_RESULTS_H */
