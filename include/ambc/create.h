/**
 * @file create.h
 * @brief Writing the requests of a create, in constant RAM: the request writer ambc hands to a
 *        request source, and a params writer for the common case (no JSON library needed).
 *
 * A create body is `{"requests":[{"custom_id":"...","params":{...}}, ...]}`. ambc never holds
 * it, nor even one request: it asks the caller's request source for request 0, 1, 2, ... and
 * the source writes each one through an ambc_request_writer_t, which passes the bytes on as they
 * come (counted and checked in a first pass, sent in a second; see ambc_batches_create()).
 *
 * A request is its `custom_id` (once) and its `params` (once), in either order. The params are
 * either raw JSON text, given in parts of any size (ambc_request_params_json(); checked by the
 * streaming scanner to be exactly one JSON object), or written with the params writer:
 *
 * @code
 * static ambc_status_t source(void *ctx, uint32_t i, ambc_request_writer_t *w)
 * {
 *     const struct reading *r = next_reading(ctx, i);   // the application's data
 *     if (r == NULL) {
 *         return AMBC_END;                              // no request i: that was all
 *     }
 *     ambc_request_custom_id(w, r->id);                 // ^[a-zA-Z0-9_-]{1,64}$
 *     ambc_params_begin(w, "claude-sonnet-4-5", 1024);
 *     ambc_params_system(w, "Summarize sensor logs.", 22);
 *     ambc_params_message(w, AMBC_ROLE_USER, "Log:\n", 5);
 *     while (more_log(r)) {                             // text in parts, never whole in RAM
 *         ambc_params_text(w, log_part(r), log_part_len(r));
 *     }
 *     return ambc_params_end(w);
 * }
 * @endcode
 *
 * Every writer call returns AMBC_OK or the writer's first error, which is sticky: once a call
 * failed, every later call returns the same status and writes nothing, so a source may check
 * only the last one (as above). A writer error is also the error of the create, whatever the
 * source returns after it: a write that failed on the network (the second pass sends while the
 * source writes) is reported, and retried, as the network error it is, even by a source that
 * answers every failure with a status of its own. The source must write the same bytes each
 * time it is asked for the same request (ambc checks it). It must not call the client it
 * writes for.
 */
#ifndef AMBC_CREATE_H
#define AMBC_CREATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/json.h"
#include "ambc/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most requests in one batch (the API's limit). */
#define AMBC_CREATE_MAX_REQUESTS 100000u
/** Largest create body, bytes (the API's limit, 256 MB). */
#define AMBC_CREATE_MAX_BYTES 268435456u
/** Longest custom_id, bytes. */
#define AMBC_CUSTOM_ID_MAX 64u

/** The role of a message written with ambc_params_message(). */
typedef enum {
    AMBC_ROLE_USER,      /**< "user" */
    AMBC_ROLE_ASSISTANT, /**< "assistant" */
} ambc_role_t;

typedef struct ambc_request_writer ambc_request_writer_t;

/**
 * Where a writer's bytes go. ambc sets it (a counter in the first pass, the connection in the
 * second); applications and tests may use one of their own with ambc_request_writer_init().
 * Returns AMBC_OK or a status that stops the writer.
 */
typedef ambc_status_t (*ambc_body_sink_fn)(void *ctx, const char *data, size_t len);

/**
 * The writer. ambc owns the one it hands to a source; every field is private. Its RAM is
 * sizeof(ambc_request_writer_t), whatever the number and size of the requests.
 */
struct ambc_request_writer {
    /** @privatesection */
    ambc_json_scan_t scan; /* raw params: exactly one JSON object */
    ambc_body_sink_fn sink;
    void *sink_ctx;
    uint64_t bytes; /* written to the sink so far */
    uint64_t hash;  /* FNV-1a, 64 bits, of those bytes */
    ambc_status_t err;
    uint32_t index; /* the request being written */
    uint8_t parts;  /* what the current request has: custom_id, params begun, params done */
    uint8_t params; /* where the params writer is */
    uint8_t text;   /* a string is open: its quote written */
    uint8_t utf8;   /* continuation bytes a text still owes, and the first one's range */
    uint8_t lo, hi; /* the range of the next continuation byte */
};

/**
 * @brief Set up a writer over a sink (ambc does this for its own; for tests and for callers
 *        that want a request's JSON elsewhere). Nothing is written.
 * @param w    caller-owned writer.
 * @param sink receives the bytes, in order, in slices of any size.
 * @param ctx  passed to sink.
 */
void ambc_request_writer_init(ambc_request_writer_t *w, ambc_body_sink_fn sink, void *ctx);

/**
 * @brief Begin request `index` (ambc calls it before it asks the source).
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param index the request's index, 0-based.
 * @retval AMBC_ERR_INVALID_ARG w NULL, or set up without a sink.
 * @retval AMBC_OK begun.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_request_begin(ambc_request_writer_t *w, uint32_t index);

/**
 * @brief End the request begun (ambc calls it after the source returned AMBC_OK): it must have a
 *        custom_id and complete params.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @retval AMBC_ERR_INVALID_ARG w NULL, or set up without a sink.
 * @retval AMBC_OK the request is complete and written.
 * @retval AMBC_ERR_CUSTOM_ID no custom_id was given.
 * @retval AMBC_ERR_PARAMS no params, or not complete: raw JSON that is not one whole object, a
 *         params writer not ended.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_request_end(ambc_request_writer_t *w);

/**
 * @brief Write the request's custom_id.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param custom_id NUL-terminated, read during the call only; must match ^[a-zA-Z0-9_-]{1,64}$.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, or custom_id NULL (the writer is
 *         unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_CUSTOM_ID NULL, empty, too long, a character outside the set, or the second
 *         one for this request.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_request_custom_id(ambc_request_writer_t *w, const char *custom_id);

/**
 * @brief Write (the next part of) the request's params as raw JSON text.
 *
 * Call it as many times as needed; the parts together must be exactly one JSON object (checked
 * by the streaming scanner as they pass, whitespace around it allowed). Not with the params
 * writer for the same request.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param json len bytes, read during the call only; may be NULL when len is 0.
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, or json NULL with len > 0 (the writer
 *         is unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_TEXT_UTF8 bytes that are not UTF-8 (JSON text is UTF-8 and the API refuses
 *         anything else).
 * @retval AMBC_ERR_PARAMS not JSON, not an object, a second value, nested deeper than
 *         CONFIG_AMBC_JSON_MAX_DEPTH, params written otherwise or already ended.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_request_params_json(ambc_request_writer_t *w, const char *json, size_t len);

/**
 * @brief Begin the params with the params writer: `{"model":...,"max_tokens":...`.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param model     NUL-terminated UTF-8 (escaped here as JSON needs), read during the call.
 * @param max_tokens at least 1.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, or model NULL (the writer is
 *         unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_PARAMS params begun already, model NULL or empty, max_tokens 0.
 * @retval AMBC_ERR_TEXT_UTF8 model is not valid UTF-8.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_params_begin(ambc_request_writer_t *w, const char *model, uint32_t max_tokens);

/**
 * @brief Begin the system prompt with its first part (more with ambc_params_text()). After
 *        ambc_params_begin(), before any message, at most once.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param text len bytes of UTF-8, read during the call only; may be NULL when len is 0.
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, or text NULL with len > 0 (the writer
 *         is unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_PARAMS out of order.
 * @retval AMBC_ERR_TEXT_UTF8 bytes that are not UTF-8.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_params_system(ambc_request_writer_t *w, const char *text, size_t len);

/**
 * @brief Begin a message of `role` with the first part of its text content (more with
 *        ambc_params_text()). Ends the text before it.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param role AMBC_ROLE_USER or AMBC_ROLE_ASSISTANT.
 * @param text len bytes of UTF-8, read during the call only; may be NULL when len is 0.
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, role not a ambc_role_t, or text NULL
 *         with len > 0 (the writer is unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_PARAMS before ambc_params_begin() or after ambc_params_end(), a role that is
 *         neither.
 * @retval AMBC_ERR_TEXT_UTF8 bytes that are not UTF-8, or the text before it ended inside a
 *         character.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_params_message(ambc_request_writer_t *w, ambc_role_t role, const char *text,
                                  size_t len);

/**
 * @brief Append the next part of the open text (system prompt or message). Parts may split a
 *        UTF-8 character anywhere; the text is checked as one. Quotes, backslashes and control
 *        characters are escaped here.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @param text len bytes of UTF-8, read during the call only; may be NULL when len is 0.
 * @param len  any length, 0 included.
 * @retval AMBC_ERR_INVALID_ARG w NULL or without a sink, or text NULL with len > 0 (the writer
 *         is unchanged).
 * @retval AMBC_OK written.
 * @retval AMBC_ERR_PARAMS no text open.
 * @retval AMBC_ERR_TEXT_UTF8 bytes that are not UTF-8: an invalid byte, an overlong form, a
 *         surrogate, beyond U+10FFFF.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_params_text(ambc_request_writer_t *w, const char *text, size_t len);

/**
 * @brief End the params: there must be at least one message, and the last text must end on a
 *        whole character.
 * @param w the writer ambc handed to the source (or one set up by ambc_request_writer_init()).
 * @retval AMBC_ERR_INVALID_ARG w NULL, or set up without a sink.
 * @retval AMBC_OK the params are complete.
 * @retval AMBC_ERR_PARAMS not begun, no message.
 * @retval AMBC_ERR_TEXT_UTF8 a character cut at the end of the text.
 * @return Also the writer's sticky error: the first error of an earlier call, or the sink's
 *         (in the second pass of a create, a network status; in the first,
 *         AMBC_ERR_CREATE_TOO_LARGE).
 */
ambc_status_t ambc_params_end(ambc_request_writer_t *w);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_CREATE_H */
