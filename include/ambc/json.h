/**
 * @file json.h
 * @brief Streaming JSON scanner: validates and tokenizes a JSON text fed in slices of any size.
 *
 * The scanner is the one piece that sees every body byte. It keeps no more than one nesting
 * bit per level and one small scalar buffer, so it handles a 1 GB body in the same RAM as a
 * 10 byte one. It reports what it sees as events to a callback; the page parser, the record
 * cutter and the error parser are consumers of those events.
 *
 * It accepts exactly RFC 8259 JSON: no trailing commas, no doubled colons, no missing
 * commas, no leading zeros, no bare control characters in strings, no lone UTF-16
 * surrogates in \\u escapes. It does not check that raw bytes are valid UTF-8.
 *
 * Strings are decoded (escapes resolved, \\uXXXX and surrogate pairs turned into UTF-8)
 * into the scalar buffer. A string value longer than the buffer is delivered in several
 * AMBC_JSON_STRING events, all but the last with `partial` set: that is how the very large
 * text values of a results line can pass through without being held whole. A part boundary
 * never splits an escape, nor (with CONFIG_AMBC_OP_RESULTS, whose text chunks need it) a UTF-8
 * character: a part that would end inside one ends before it, and its first bytes begin the
 * next part (so a part of valid UTF-8 is valid on its own). Where parts end depends only on
 * the text, never on how it was sliced.
 *
 * Depth: the root value has depth 0; the members of a root object or elements of a root
 * array have depth 1, and so on. BEGIN and END events carry the depth of the container value.
 */
#ifndef AMBC_JSON_H
#define AMBC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/config.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if CONFIG_AMBC_JSON_MAX_DEPTH > 64
#error "the scanner keeps one bit per level in a uint64_t"
#endif

/** What an event reports. */
typedef enum {
    AMBC_JSON_OBJ_BEGIN, /**< `{`; `offset` is its position in the current slice */
    AMBC_JSON_OBJ_END,   /**< `}`; `offset` is its position in the current slice */
    AMBC_JSON_ARR_BEGIN, /**< `[` */
    AMBC_JSON_ARR_END,   /**< `]` */
    AMBC_JSON_KEY,       /**< an object key, decoded; `truncated` if longer than the buffer */
    AMBC_JSON_STRING,    /**< (part of) a string value, decoded; `partial` if more parts follow */
    AMBC_JSON_NUMBER,    /**< a number as written; `truncated` if longer than the buffer */
    AMBC_JSON_TRUE,      /**< `true` */
    AMBC_JSON_FALSE,     /**< `false` */
    AMBC_JSON_NULL,      /**< `null` */
} ambc_json_event_type_t;

/** One scanner event. Everything it points to is valid only during the callback. */
typedef struct {
    ambc_json_event_type_t type; /**< what was seen */
    uint8_t depth;               /**< depth of the value (see the file comment) */
    bool partial;                /**< STRING: more parts of the same string follow */
    bool truncated;   /**< KEY, NUMBER: longer than CONFIG_AMBC_JSON_SCALAR_MAX; text is a prefix */
    bool escaped;     /**< KEY, STRING: some of these bytes came from escape sequences. Without
                           one, text holds no quote, backslash or control character (raw ones
                           are not JSON), so a consumer may copy it without looking. */
    const char *text; /**< KEY, STRING, NUMBER: the bytes (not NUL-terminated); else NULL */
    size_t len;       /**< bytes at text */
    size_t offset;    /**< position in the slice passed to the current feed call of the byte
                           that produced the event (`{`, `}`, `[`, `]`, closing quote, ...) */
} ambc_json_event_t;

/**
 * Event callback. Return AMBC_OK to go on; any other status stops the scan, and the feed
 * call returns that status (and keeps returning it).
 */
typedef ambc_status_t (*ambc_json_event_fn)(void *ctx, const ambc_json_event_t *ev);

/** Scanner state. Caller-allocated; all fields are private. */
typedef struct {
    /** @privatesection */
    ambc_json_event_fn fn;
    void *ctx;
    uint64_t objects; /* bit d set: the container open at level d is an object */
    ambc_status_t err;
    uint32_t ucode; /* \u escape accumulator */
    uint16_t high;  /* a pending high surrogate */
    uint16_t len;   /* bytes in buf */
    uint8_t depth;  /* open containers */
    uint8_t state;
    uint8_t sub; /* number sub-state, literal position, hex digit count */
    uint8_t flags;
    uint8_t skip; /* depth of a value passing by unseen (ambc_json_scan_skip_value), 0: none */
    char buf[CONFIG_AMBC_JSON_SCALAR_MAX];
} ambc_json_scan_t;

/**
 * @brief Prepare a scanner for one JSON text.
 * @param s   caller-owned state; the scanner keeps no pointer to anything else but fn/ctx.
 * @param fn  event callback; NULL to only validate (nothing is then decoded: the fast path).
 * @param ctx passed to fn.
 */
void ambc_json_scan_init(ambc_json_scan_t *s, ambc_json_event_fn fn, void *ctx);

/**
 * @brief Scan the next slice of the text.
 *
 * @param s    the scanner, set up by ambc_json_scan_init().
 * @param data the slice; read only during the call (events point into it or into the
 *             scanner's own buffer).
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG s NULL, or data NULL with len > 0 (the scanner is unchanged).
 * @retval AMBC_OK the slice was valid so far.
 * @retval AMBC_ERR_JSON_INVALID any grammar violation, including a second value after the root.
 * @retval AMBC_ERR_JSON_DEPTH nesting deeper than CONFIG_AMBC_JSON_MAX_DEPTH.
 * @return Also any other status the callback returned. Errors are sticky.
 */
ambc_status_t ambc_json_scan_feed(ambc_json_scan_t *s, const char *data, size_t len);

/**
 * @brief End of input.
 * @param s the scanner.
 * @retval AMBC_ERR_INVALID_ARG s NULL.
 * @retval AMBC_OK exactly one complete value was seen (a number at the root is completed
 *         here, and reported).
 * @retval AMBC_ERR_JSON_UNEXPECTED_END the text stopped inside a value or was empty.
 * @return Also the sticky error of an earlier feed, or the status the callback returned for
 *         the root number.
 */
ambc_status_t ambc_json_scan_finish(ambc_json_scan_t *s);

/**
 * @brief Let the value of the key just reported pass by unseen.
 *
 * Call it from the callback of an AMBC_JSON_KEY event: the value that follows (a scalar, or a
 * container of any size and nesting) is still validated, but produces no event at all — not
 * its containers, keys or scalars — and nothing in it is decoded or copied. Reporting resumes
 * with whatever follows the value. This is how the members a consumer does not know (what
 * the API adds later) pass through in constant RAM and at the cost of validation alone.
 * Called at any other time it does nothing.
 * @param s the scanner whose callback is running.
 */
void ambc_json_scan_skip_value(ambc_json_scan_t *s);

/**
 * @brief Decode one JSON string's contents (the bytes between its quotes) into UTF-8.
 *
 * For strings already known to be valid (cut out by the scanner); it re-checks anyway.
 * @param in       escaped contents, not NUL-terminated, length in_len.
 * @param in_len   bytes at in.
 * @param out      receives the decoded bytes and a NUL.
 * @param out_size size of out, NUL included.
 * @param out_len  decoded length without the NUL (may be NULL).
 * @retval AMBC_OK out holds the decoded text.
 * @retval AMBC_ERR_INVALID_ARG in NULL with in_len > 0, out NULL or out_size 0.
 * @retval AMBC_ERR_STRING_TOO_LONG out cannot hold it all.
 * @retval AMBC_ERR_JSON_INVALID a bad escape, an unpaired surrogate, a raw control character
 *         or an unescaped quote. Text that is both too long and invalid gets either error. On
 *         any error out[0] is NUL (when out_size > 0).
 */
ambc_status_t ambc_json_unescape(const char *in, size_t in_len, char *out, size_t out_size,
                                 size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_JSON_H */
