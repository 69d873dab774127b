/**
 * @file ambc.h
 * @brief The ambc client: Message Batches over any byte stream, in caller-owned memory.
 *
 * One ambc_client_t holds everything a call needs: the request buffer, the receive buffer,
 * the HTTP parser, the page parser (with its record buffer and jsmn tokens) and one record.
 * Its size is a compile-time figure (see the README); nothing is allocated.
 *
 * The client keeps one connection open across requests and pages (HTTP keep-alive) and
 * reconnects transparently when the server has closed it between requests. A request is
 * re-sent on a new connection only when no byte of its response had arrived, so no record
 * is ever delivered twice.
 *
 * Failures are retried as the official SDKs do (see retry.h): up to max_retries more
 * attempts, waiting what the server asks or an exponential backoff with jitter, never past
 * the request's total deadline. A page that fails midway is asked for again with the same
 * cursor, and the records already handed over are skipped by id, so a walk delivers every
 * record exactly once, in order.
 *
 * Threads: a client is used by one thread at a time.
 *
 * Arguments, in every public call of ambc (this header and the others in include/ambc/): a
 * NULL where an object is required, or a value outside its documented range, is answered
 * before anything else is touched. A call that returns ambc_status_t returns
 * AMBC_ERR_INVALID_ARG and changes nothing (no request, no sticky error); a getter returns a
 * neutral value (NULL, 0, false, UINT32_MAX, a fixed text); a void call does nothing.
 * tests/unit/test_public_args.c holds every call to this rule. Internal invariants use
 * AMBC_ASSERT (config.h), compiled away unless the build maps it.
 *
 * Example: list every batch, newest first
 * @code
 * static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
 * {
 *     printf("%s %s\n", b->id, ambc_batch_status_name(b->processing_status));
 *     return AMBC_OK;
 * }
 *
 * static ambc_posix_tcp_t tcp;
 * static ambc_tls_t tls;
 * static ambc_client_t client;      // static: a few KB, see the README for the figure
 *
 * ambc_posix_tcp_init(&tcp);
 * ambc_stream_t raw = ambc_posix_tcp_stream(&tcp);
 * ambc_tls_config_t tcfg = {.clock = ambc_posix_clock()};
 * ambc_tls_init(&tls, &raw, &tcfg);
 * ambc_client_options_t opt = {.api_key = getenv("ANTHROPIC_API_KEY")};
 * ambc_client_init(&client, &opt, ambc_tls_stream(&tls), ambc_posix_clock());
 * ambc_list_params_t params = {.limit = 100};
 * ambc_status_t st = ambc_batches_list_each(&client, &params, true, print_batch, NULL);
 * if (st == AMBC_ERR_API) {
 *     const ambc_api_error_t *e = ambc_client_last_error(&client);
 *     fprintf(stderr, "%u %s: %s (%s)\n", e->http_status, e->type_text, e->message,
 *             e->request_id);
 * }
 * ambc_client_close(&client);
 * @endcode
 */
#ifndef AMBC_AMBC_H
#define AMBC_AMBC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/api_error.h"
#include "ambc/batch.h"
#include "ambc/config.h"
#include "ambc/create.h"
#include "ambc/http.h"
#include "ambc/log.h"
#include "ambc/port.h"
#include "ambc/results.h"
#include "ambc/retry.h"
#include "ambc/status.h"
#include "ambc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** This version of ambc. */
#define AMBC_VERSION "0.1.0"
/** The `user-agent` every request sends. */
#define AMBC_USER_AGENT "ambc/" AMBC_VERSION
/** The API host when ambc_client_options_t.host is NULL. */
#define AMBC_DEFAULT_HOST "api.anthropic.com"
/** The `anthropic-version` when ambc_client_options_t.anthropic_version is NULL. */
#define AMBC_DEFAULT_VERSION "2023-06-01"
/** The `anthropic-beta` value of the beta flavour (ambc_client_options_t.beta). */
#define AMBC_BATCHES_BETA "message-batches-2024-09-24"
/** Largest ambc_list_params_t.limit the API takes. */
#define AMBC_LIST_LIMIT_MAX 1000u
/** ambc_client_options_t.max_retries value that turns retries off (0 means the default). */
#define AMBC_RETRIES_NONE 0xFFu

/** How a create is retried (ambc_client_options_t.create_retry). */
typedef enum {
    /** Only when the server cannot have created the batch: the failure came before the whole
     *  body was sent, or the server answered 408, 429, 503 or 529. A connection lost after the
     *  last byte and before a whole response is AMBC_ERR_OUTCOME_UNKNOWN. (Default.) */
    AMBC_CREATE_RETRY_SAFE = 0,
    /** As the SDKs retry any call (ambc_retry_allowed), which can make a second batch when the
     *  first answer was lost. */
    AMBC_CREATE_RETRY_LIKE_SDKS,
} ambc_create_retry_t;

/** How the API key is sent. */
typedef enum {
    AMBC_KEY_X_API_KEY = 0, /**< `x-api-key: KEY` (default) */
    AMBC_KEY_BEARER,        /**< `authorization: Bearer KEY` */
} ambc_key_header_t;

/** Longest api_key, bytes (Kconfig AMBC_API_KEY_MAX less its NUL); checked by
 *  ambc_client_init() (AMBC_ERR_INVALID_ARG). */
#define AMBC_API_KEY_LEN_MAX (CONFIG_AMBC_API_KEY_MAX - 1u)
/** Longest Host value, bytes: host, and ":port" unless the port is 443 (Kconfig AMBC_HOST_MAX
 *  less its NUL); checked by ambc_client_init() (AMBC_ERR_INVALID_ARG). */
#define AMBC_HOST_LEN_MAX (CONFIG_AMBC_HOST_MAX - 1u)
/** Longest anthropic-beta value, bytes: AMBC_BATCHES_BETA and a comma when beta is set, then
 *  extra_betas (Kconfig AMBC_BETA_MAX less its NUL); checked by ambc_client_init()
 *  (AMBC_ERR_INVALID_ARG). With beta set, extra_betas may have AMBC_BETA_LEN_MAX - 27 bytes. */
#define AMBC_BETA_LEN_MAX (CONFIG_AMBC_BETA_MAX - 1u)

/**
 * Client options. Every string is the caller's, NUL-terminated, and must stay valid and
 * unchanged for the client's lifetime (the client keeps the pointers, not copies).
 * Zero / NULL fields take the default given.
 */
typedef struct {
    const char *host;              /**< API host name; NULL: "api.anthropic.com". With ":port"
                                        at most AMBC_HOST_LEN_MAX bytes */
    uint16_t port;                 /**< 0: 443 */
    const char *api_key;           /**< required, at most AMBC_API_KEY_LEN_MAX bytes; never
                                        logged, wiped from the request buffer */
    const char *anthropic_version; /**< NULL: "2023-06-01" */
    ambc_key_header_t key_header;  /**< AMBC_KEY_X_API_KEY by default */
    bool beta;                     /**< beta flavour: `?beta=true` and the batches beta header */
    const char *extra_betas;       /**< more `anthropic-beta` values, comma-separated; or NULL.
                                        The whole value: at most AMBC_BETA_LEN_MAX bytes */
    const char *workspace_id;      /**< `anthropic-workspace-id`, or NULL. It and a
                                        non-default anthropic_version are bounded only by the
                                        request buffer (AMBC_ERR_BUFFER_TOO_SMALL per request) */
    uint32_t connect_timeout_ms;   /**< 0: CONFIG_AMBC_CONNECT_TIMEOUT_MS (includes TLS) */
    uint32_t io_timeout_ms;        /**< 0: CONFIG_AMBC_IO_TIMEOUT_MS (idle, per read/write) */
    uint32_t total_timeout_ms;     /**< 0: CONFIG_AMBC_TOTAL_TIMEOUT_MS: one request, all its
                                        attempts and waits (each page of a walk has its own) */
    uint8_t max_retries;           /**< 0: CONFIG_AMBC_MAX_RETRIES (2); AMBC_RETRIES_NONE: none */
    uint32_t retry_initial_ms;     /**< 0: CONFIG_AMBC_RETRY_INITIAL_MS (500) */
    uint32_t retry_max_ms;         /**< 0: CONFIG_AMBC_RETRY_MAX_MS (8000) */
    uint32_t retry_after_cap_ms;   /**< 0: CONFIG_AMBC_RETRY_AFTER_CAP_MS (60000) */
    ambc_create_retry_t create_retry; /**< AMBC_CREATE_RETRY_SAFE by default */
    ambc_log_fn log;                  /**< NULL: no logging (see log.h) */
    void *log_ctx;                    /**< passed to log */
} ambc_client_options_t;

/** Counters, for tests and diagnostics. */
typedef struct {
    uint32_t connects;     /**< connections opened (each one a TLS handshake over TLS) */
    uint32_t requests;     /**< requests sent */
    uint32_t reconnects;   /**< requests re-sent because a kept-alive connection was closed */
    uint32_t retries;      /**< attempts made after a retryable failure (policy in retry.h) */
    uint32_t resumed;      /**< records skipped, by id, on a retried page, and results lines
                                skipped on a resumed download: delivered before */
    uint32_t idle_dropped; /**< kept-alive connections dropped before reuse because something
                                was already waiting on them (stray bytes, a close, an error) */
} ambc_client_stats_t;

struct client_call;

/** The client. Caller-allocated; every field is private. */
typedef struct ambc_client {
    /** @privatesection */
    ambc_client_options_t opt;
    ambc_stream_t stream;
    const ambc_clock_t *clock;
    ambc_client_stats_t stats;
    bool connected;
    bool busy;         /* a public call is running (ambc_batches_* from its callback: BUSY) */
    bool got_headers;  /* this attempt's response headers arrived */
    bool body_sent;    /* this attempt's request body has left whole (its last byte sent) */
    uint8_t mode;      /* ambc_page_mode_t of the current request */
    ambc_page_t *page; /* the current request's page metadata (caller's) */
    const struct client_call *call; /* the request being made (during client_request only) */
    ambc_batch_fn on_batch;
    void *on_batch_ctx;
    uint64_t deadline;      /* now_ms value the current request must finish by */
    uint64_t call_deadline; /* now_ms value a walk or a wait must finish by, 0: none */
    const char *err_field;  /* the key the last protocol error was about, or NULL */
    uint32_t err_index;     /* the request a create error is about, or UINT32_MAX */
    char last_delivered[CONFIG_AMBC_ID_MAX]; /* id of the last record handed over this page */
    char skip_until[CONFIG_AMBC_ID_MAX];     /* on a retried page: skip up to this id */
    ambc_api_error_t error;
    ambc_http_response_t resp;
    union {
        ambc_page_parser_t page;
        ambc_api_error_parser_t error;
        ambc_request_writer_t writer;  /* while a create body is being sent */
        ambc_results_parser_t results; /* a results download */
    } body;
    ambc_batch_t record;
    char request[CONFIG_AMBC_REQUEST_BUF_SIZE];
    uint8_t rx[CONFIG_AMBC_RX_BUF_SIZE];
} ambc_client_t;

/**
 * @defgroup ambc_request_statuses Statuses of every request
 * @brief What every call that sends a request can return, besides its own statuses.
 *
 * The calls that send a request to the API (ambc_batches_list_page(), ambc_batches_list(),
 * ambc_batches_list_each(), ambc_batches_retrieve(), ambc_batches_cancel(),
 * ambc_batches_delete(), ambc_batches_create(), ambc_batches_wait(), ambc_batches_results())
 * share these. After any of them but AMBC_ERR_API the connection is closed. A failure the SDKs
 * retry (retry.h) is returned only when the retries are spent or the next one would pass the
 * deadline.
 *
 * @retval AMBC_ERR_INVALID_ARG the request cannot be written from the client's options: a host
 *         or header value the request writer refuses (a control byte); or the stream refused
 *         its arguments (an empty host). The lengths were checked by ambc_client_init().
 * @retval AMBC_ERR_BUFFER_TOO_SMALL the request head does not fit CONFIG_AMBC_REQUEST_BUF_SIZE
 *         (a check in config.h keeps the longest key, host, beta value and id within it; a long
 *         workspace_id or anthropic_version can still overflow it).
 * @retval AMBC_ERR_STATE the stream was not set up (e.g. an ambc_tls_t without ambc_tls_init()).
 * @retval AMBC_ERR_DEADLINE the request's total_timeout_ms (or the walk's or the wait's
 *         deadline) passed before it finished.
 * @retval AMBC_ERR_NET_RESOLVE the stream could not resolve the host.
 * @retval AMBC_ERR_NET_CONNECT the connection was refused or failed.
 * @retval AMBC_ERR_NET_TIMEOUT a connect, send or recv ran out of its own timeout
 *         (connect_timeout_ms, io_timeout_ms) before the deadline.
 * @retval AMBC_ERR_NET_CLOSED the server closed or reset the connection before a whole
 *         response arrived (a kept-alive connection closed before any byte is retried at once).
 * @retval AMBC_ERR_NET_IO any other failure of the stream, or a port that broke the contract
 *         (a send that took no byte).
 * @retval AMBC_ERR_TLS_SETUP the TLS stream could not set up the session.
 * @retval AMBC_ERR_TLS_CA a TLS stream that loads its CAs when it connects could not (the
 *         mbedTLS port loads them in ambc_tls_init()).
 * @retval AMBC_ERR_TLS_HANDSHAKE the TLS handshake failed (an alert, no common cipher, ...).
 * @retval AMBC_ERR_TLS_VERIFY the server's certificate is not trusted.
 * @retval AMBC_ERR_TLS_HOSTNAME the certificate does not name the host.
 * @retval AMBC_ERR_TLS_EXPIRED the certificate (or one of its chain) is past its notAfter.
 * @retval AMBC_ERR_TLS_NOT_YET_VALID the certificate (or one of its chain) is before its
 *         notBefore, against a clock that is the real time (not only a floor).
 * @retval AMBC_ERR_TLS_IO a TLS record error after the handshake.
 * @retval AMBC_ERR_HTTP_STATUS_LINE the response's status line is malformed, or a 101.
 * @retval AMBC_ERR_HTTP_HEADER a malformed header or trailer line.
 * @retval AMBC_ERR_HTTP_LINE_TOO_LONG a response line over CONFIG_AMBC_HTTP_LINE_MAX.
 * @retval AMBC_ERR_HTTP_HEADERS_TOO_LARGE the header or trailer section over
 *         CONFIG_AMBC_HTTP_HEADERS_MAX.
 * @retval AMBC_ERR_HTTP_HEADER_VALUE a header ambc interprets has a value too long to hold.
 * @retval AMBC_ERR_HTTP_CONTENT_LENGTH a Content-Length that is not a number, or overflows.
 * @retval AMBC_ERR_HTTP_CONFLICTING_LENGTH two Content-Lengths, or one with chunked.
 * @retval AMBC_ERR_HTTP_UNSUPPORTED_CODING a transfer- or content-coding ambc cannot undo.
 * @retval AMBC_ERR_HTTP_CHUNK_SIZE a malformed chunk-size line.
 * @retval AMBC_ERR_HTTP_CHUNK_OVERFLOW a chunk size over 64 bits.
 * @retval AMBC_ERR_HTTP_CHUNK_FRAMING chunk data not followed by CRLF.
 * @retval AMBC_ERR_HTTP_EXTRA_DATA bytes after the end of the response.
 * @retval AMBC_ERR_HTTP_TRUNCATED the connection ended inside the response.
 * @retval AMBC_ERR_JSON_INVALID the body is not JSON.
 * @retval AMBC_ERR_JSON_UNEXPECTED_END the body ended inside its JSON value.
 * @retval AMBC_ERR_JSON_DEPTH the body nests deeper than CONFIG_AMBC_JSON_MAX_DEPTH.
 * @retval AMBC_ERR_JSON_SHAPE valid JSON, but not the object the API promises (a key twice,
 *         `type` not the one expected, `data` not an array of objects).
 * @retval AMBC_ERR_JSON_TYPE a known key holds a value of the wrong type.
 * @retval AMBC_ERR_JSON_MISSING an object lacks a key the API always sends.
 * @retval AMBC_ERR_STRING_TOO_LONG an id (or a status text or URL) longer than its field.
 * @retval AMBC_ERR_JSON_NUL a kept string holds U+0000.
 * @retval AMBC_ERR_API the API answered with an HTTP error status: ambc_client_last_error()
 *         has it. The connection is kept when the server allows.
 * @retval AMBC_ERR_RESUME_LOST a retried response no longer held the last record delivered
 *         before the failure (the records changed between the attempts).
 */

/**
 * @brief Set up a client. Does not connect: the first request does.
 * @param c      caller-owned; about sizeof(ambc_client_t) bytes (see the README).
 * @param opt    copied; its strings are kept by pointer (see ambc_client_options_t).
 * @param stream the transport (TLS for the real API); the application owns its context.
 * @param clock  the port's clock; kept by pointer.
 * @retval AMBC_OK the client is ready; nothing was sent.
 * @retval AMBC_ERR_INVALID_ARG c, opt, stream.ops or clock NULL; no or an empty API key; a CR
 *         or LF in the key, host, anthropic_version, extra_betas or workspace_id; a key, Host
 *         value or anthropic-beta value over AMBC_API_KEY_LEN_MAX, AMBC_HOST_LEN_MAX or
 *         AMBC_BETA_LEN_MAX bytes.
 */
ambc_status_t ambc_client_init(ambc_client_t *c, const ambc_client_options_t *opt,
                               ambc_stream_t stream, const ambc_clock_t *clock);

/**
 * @brief Close the connection if one is open. The client may be used again afterwards.
 * @param c the client.
 * @retval AMBC_OK closed, or there was no connection.
 * @retval AMBC_ERR_INVALID_ARG c NULL.
 * @retval AMBC_ERR_BUSY called from a callback of a call still running on this client (the
 *         connection is left to that call).
 */
ambc_status_t ambc_client_close(ambc_client_t *c);

/**
 * @brief The API error of the last call that returned AMBC_ERR_API.
 * @param c the client.
 * @return The client's error record, valid until the next call on c; NULL when c is NULL.
 */
const ambc_api_error_t *ambc_client_last_error(const ambc_client_t *c);

/**
 * @brief The key the last call's protocol error was about, when it was about one key:
 *        "created_at", "request_counts.errored", "last_id", "has_more"... For
 *        AMBC_ERR_JSON_MISSING it is the missing key; for AMBC_ERR_STRING_TOO_LONG,
 *        AMBC_ERR_TIME_INVALID, AMBC_ERR_JSON_TYPE, AMBC_ERR_JSON_NUL and the like, the key whose
 *        value was refused. NULL otherwise.
 * @param c the client.
 * @return A static string, valid for the program's lifetime; or NULL (also when c is NULL).
 */
const char *ambc_client_error_field(const ambc_client_t *c);

/**
 * @brief Counters since init.
 * @param c the client.
 * @return A copy of the counters; all 0 when c is NULL.
 */
ambc_client_stats_t ambc_client_stats(const ambc_client_t *c);

/** List parameters. Zero them, then set what you need. */
typedef struct {
    uint16_t limit;        /**< 1..1000; 0: the API's default (20) */
    const char *after_id;  /**< page after this id (older batches), or NULL */
    const char *before_id; /**< page before this id (newer batches), or NULL; not with after_id */
    /** A walk (ambc_batches_list_each with all_pages) asks for at most this many pages;
     *  0: CONFIG_AMBC_WALK_MAX_PAGES. */
    uint32_t max_pages;
    /** A walk ends by this many ms after it started; 0: CONFIG_AMBC_WALK_TIMEOUT_MS. */
    uint32_t walk_timeout_ms;
} ambc_list_params_t;

/**
 * @brief List one page, streaming: each record goes to fn as soon as it is parsed.
 * @param c      the client.
 * @param params NULL for the defaults (max_pages and walk_timeout_ms are not used here).
 * @param fn     called once per batch, newest first; the record is reused for the next one.
 *               It must not call this client (AMBC_ERR_BUSY).
 * @param ctx    passed to fn.
 * @param page   receives has_more / first_id / last_id / count; valid when AMBC_OK.
 * @retval AMBC_OK the page was read whole; every record went to fn.
 * @retval AMBC_ERR_INVALID_ARG c, fn or page NULL; limit over 1000; both cursors; an empty
 *         cursor or one of CONFIG_AMBC_ID_MAX bytes or more. Also as in
 *         @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses (ambc_client_error_field() names
 *         the key of a JSON one), and any other status fn returned (the page is abandoned).
 */
ambc_status_t ambc_batches_list_page(ambc_client_t *c, const ambc_list_params_t *params,
                                     ambc_batch_fn fn, void *ctx, ambc_page_t *page);

/**
 * @brief List one page into a caller array.
 * @param c      the client.
 * @param params NULL for the defaults.
 * @param out    cap records; out[0..*count) are filled.
 * @param cap    records out can hold (at least 1).
 * @param count  receives how many records were stored.
 * @param page   receives the page metadata.
 * @retval AMBC_OK the page was read whole into out[0 .. *count).
 * @retval AMBC_ERR_INVALID_ARG out or count NULL, cap 0, or as for ambc_batches_list_page().
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_BUFFER_TOO_SMALL the page holds more than cap records (pass cap >= limit
 *         to avoid it); out holds the first cap. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses.
 */
ambc_status_t ambc_batches_list(ambc_client_t *c, const ambc_list_params_t *params,
                                ambc_batch_t *out, size_t cap, size_t *count, ambc_page_t *page);

/**
 * @brief Walk batches one record at a time, across pages when all_pages is true.
 *
 * Forward (newest to oldest) with after_id = last_id; when params->before_id is given the
 * walk goes backward (towards newer batches) with before_id = first_id. It stops when a page
 * says has_more is false, is empty, or has a null cursor: never on the cursor alone.
 *
 * Every walk is bounded, whatever the server does: it asks for at most max_pages pages
 * (AMBC_ERR_WALK_LIMIT when the last one still says has_more), ends by walk_timeout_ms
 * (AMBC_ERR_DEADLINE; each page also keeps the client's total_timeout_ms), and stops with
 * AMBC_ERR_API_LOOP when the cursors repeat in a cycle of any length (Brent's algorithm:
 * one saved cursor and two counters; a cycle of length L that starts at page m is found by
 * page m + 2L or so: 3 pages for A,B,A,B..., 14 for a cycle of 7 from the first page).
 * RAM does not depend on the number of pages or records.
 * @param c         the client.
 * @param params    NULL for the defaults.
 * @param all_pages false: the first page only.
 * @param fn        called once per batch, in order; must not call this client.
 * @param ctx       passed to fn.
 * @retval AMBC_OK the walk ended: a page said has_more false, was empty or had no cursor.
 * @retval AMBC_ERR_INVALID_ARG c or fn NULL, or params as for ambc_batches_list_page().
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_DEADLINE walk_timeout_ms passed (or a page's total_timeout_ms).
 * @retval AMBC_ERR_API_LOOP the cursors repeat in a cycle: the pages would never end.
 * @retval AMBC_ERR_WALK_LIMIT max_pages pages were read and the last still says has_more.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses, and any other status fn returned.
 */
ambc_status_t ambc_batches_list_each(ambc_client_t *c, const ambc_list_params_t *params,
                                     bool all_pages, ambc_batch_fn fn, void *ctx);

/**
 * @brief Retrieve one batch by id (with `?beta=true` in the beta flavour).
 * @param c   the client.
 * @param id  the batch id: 1 to CONFIG_AMBC_ID_MAX - 1 bytes, percent-encoded into the path
 *            here (no byte of it can change the path or the query).
 * @param out filled on AMBC_OK.
 * @retval AMBC_OK out holds the batch.
 * @retval AMBC_ERR_INVALID_ARG c, id or out NULL; id empty or of CONFIG_AMBC_ID_MAX bytes or
 *         more. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses (an unknown id is AMBC_ERR_API with
 *         404).
 */
ambc_status_t ambc_batches_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out);

/**
 * @brief Cancel a batch: `POST /v1/messages/batches/{id}/cancel` (no body; `?beta=true` in the
 *        beta flavour). The API answers with the batch, usually `canceling`.
 * @param c   the client.
 * @param id  as ambc_batches_retrieve(): checked and encoded before any byte is sent.
 * @param out the batch as the API answered; filled on AMBC_OK.
 * @retval AMBC_OK out holds the batch.
 * @retval AMBC_ERR_INVALID_ARG c, id or out NULL; id empty or of CONFIG_AMBC_ID_MAX bytes or
 *         more. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses; a batch that has ended already is
 *         AMBC_ERR_API (400 invalid_request_error), an unknown one AMBC_ERR_API with 404.
 */
ambc_status_t ambc_batches_cancel(ambc_client_t *c, const char *id, ambc_batch_t *out);

/**
 * @brief Delete a batch whose processing has ended: `DELETE /v1/messages/batches/{id}`.
 * @param c   the client.
 * @param id  as ambc_batches_retrieve().
 * @param out receives the id of the batch deleted (the API's `message_batch_deleted`).
 * @retval AMBC_OK out holds the id deleted.
 * @retval AMBC_ERR_INVALID_ARG c, id or out NULL; id empty or of CONFIG_AMBC_ID_MAX bytes or
 *         more. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @return Also every status of @ref ambc_request_statuses; AMBC_ERR_API with the API's error
 *         (typed, with its request-id) for a batch still processing or unknown.
 */
ambc_status_t ambc_batches_delete(ambc_client_t *c, const char *id, ambc_batch_deleted_t *out);

/**
 * Called by a create while it uploads, after each request the second pass sent: requests
 * and bytes sent so far, and the body's total bytes. For a progress display; returning
 * anything but AMBC_OK breaks the upload off before its last byte (nothing is created).
 */
typedef ambc_status_t (*ambc_create_progress_fn)(void *ctx, uint32_t requests, uint64_t sent,
                                                 uint64_t total);

/** A create's requests. */
typedef struct {
    /** Asked for request 0, 1, 2, ... (and again from 0 in the second pass); writes it through
     *  the writer and returns AMBC_OK, returns AMBC_END when there is no request of that index,
     *  or any other status to stop the create (returned as it is). See create.h. */
    ambc_status_t (*source)(void *ctx, uint32_t index, ambc_request_writer_t *w);
    void *source_ctx;                 /**< passed to source */
    ambc_create_progress_fn progress; /**< optional */
    void *progress_ctx;               /**< passed to progress */
} ambc_create_params_t;

/**
 * @brief Create a batch from the requests a source writes, in constant RAM.
 *
 * Two passes over the source. The first counts and checks everything before a byte is sent:
 * every custom_id (^[a-zA-Z0-9_-]{1,64}$), every params (one JSON object; UTF-8 texts), 1 to
 * 100,000 requests, at most 256 MB of body; on a failure ambc_client_error_index() says which
 * request. Its byte count is the Content-Length. The second pass sends the body as the source
 * writes it, through the client's request buffer; a running hash of each pass must agree, and
 * the last bytes are held back until it does, so a source that writes something else the second
 * time (AMBC_ERR_SOURCE_CHANGED) has the connection broken off before the server could have
 * the whole body. Uniqueness of custom_id is not checked here (it needs memory that grows with
 * the count; the API checks it, and the CLI checks it before uploading).
 *
 * Retries (ambc_client_options_t.create_retry): by default only when the server cannot have
 * created the batch (see ambc_create_retry_t); each retry runs the second pass again. A
 * connection lost after the last byte was sent and before a whole response arrived is
 * AMBC_ERR_OUTCOME_UNKNOWN: the batch may exist. To find out, list the newest batches
 * (ambc_batches_list_page with a small limit) and look for one created since the call began
 * with the number of requests sent; create again only if there is none.
 *
 * @param c   the client.
 * @param p   the source (and an optional progress callback).
 * @param out the new batch (`in_progress`), filled on AMBC_OK.
 * @retval AMBC_OK the batch was created; out holds it.
 * @retval AMBC_ERR_INVALID_ARG c, p, p->source or out NULL. Also as in
 *         @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_CUSTOM_ID a request's custom_id is missing, twice or not
 *         ^[a-zA-Z0-9_-]{1,64}$ (first pass: nothing sent; ambc_client_error_index() names it).
 * @retval AMBC_ERR_PARAMS a request's params are missing, twice, not one JSON object, or the
 *         params writer was used out of order; or the source returned AMBC_END after writing
 *         part of a request.
 * @retval AMBC_ERR_TEXT_UTF8 text given to the params writer is not UTF-8.
 * @retval AMBC_ERR_CREATE_COUNT no request, or more than AMBC_CREATE_MAX_REQUESTS.
 * @retval AMBC_ERR_CREATE_TOO_LARGE the body would be over AMBC_CREATE_MAX_BYTES.
 * @retval AMBC_ERR_SOURCE_CHANGED the source wrote other bytes in the second pass: the upload
 *         was broken off before its last byte (never retried).
 * @retval AMBC_ERR_OUTCOME_UNKNOWN the connection failed after the whole body was sent and
 *         before a whole answer (AMBC_CREATE_RETRY_SAFE): the batch may exist.
 * @retval AMBC_ERR_TIME_INVALID a timestamp of the new batch that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses (AMBC_ERR_API: a 400 naming the
 *         request, a 413, ...), and any other status the source or the progress callback
 *         returned. An answer cut after its whole batch object is AMBC_OK with out filled,
 *         under either policy: the batch exists, and a retry would make a second one.
 */
ambc_status_t ambc_batches_create(ambc_client_t *c, const ambc_create_params_t *p,
                                  ambc_batch_t *out);

/**
 * @brief The request (0-based) the last create's failure was about (a custom_id, params,
 *        the count or the size), or UINT32_MAX.
 * @param c the client.
 * @return The request's index, or UINT32_MAX (also when c is NULL).
 */
uint32_t ambc_client_error_index(const ambc_client_t *c);

/**
 * Called after each poll of a wait with the batch as retrieved, how many polls so far, and
 * how long the wait will sleep before the next one. Return AMBC_OK to go on; anything else
 * ends the wait and is returned (the record then holds the last poll's batch).
 */
typedef ambc_status_t (*ambc_wait_fn)(void *ctx, const ambc_batch_t *batch, uint32_t polls,
                                      uint32_t next_ms);

/** ambc_wait_params_t.not_found_ms: no grace for a 404. */
#define AMBC_WAIT_NOT_FOUND_NONE UINT32_MAX

/** How a wait polls. Zero it, then set what you need. */
typedef struct {
    uint32_t initial_ms;   /**< first sleep between polls; 0: CONFIG_AMBC_WAIT_INITIAL_MS */
    uint32_t max_ms;       /**< the sleep grows by half each poll up to this; 0:
                                CONFIG_AMBC_WAIT_MAX_MS */
    uint32_t timeout_ms;   /**< the wait ends by then; 0: CONFIG_AMBC_WAIT_TIMEOUT_MS */
    uint32_t not_found_ms; /**< a 404 this soon after the wait began is taken as "not visible
                                yet" (a new batch propagates), and polled again at the latest
                                when this time is up; 0: CONFIG_AMBC_WAIT_NOT_FOUND_MS;
                                AMBC_WAIT_NOT_FOUND_NONE: a 404 is final at once (a batch
                                known to exist, not one just created) */
    ambc_wait_fn on_poll;  /**< optional */
    void *ctx;             /**< passed to on_poll */
} ambc_wait_params_t;

/**
 * @brief Poll a batch until its processing has ended.
 *
 * Retrieves the batch, and while it is not `ended` sleeps (through the port's clock, so a raw
 * lwIP application keeps driving its stack) and retrieves it again; the sleep starts at
 * initial_ms and grows by half each time up to max_ms. No SDK has this; their examples loop on
 * retrieve with a fixed sleep.
 * @param c   the client.
 * @param id  as ambc_batches_retrieve().
 * @param p   NULL for the defaults.
 * @param out the batch at the last poll; `ended` on AMBC_OK.
 * @retval AMBC_OK the batch has ended; out holds it.
 * @retval AMBC_ERR_INVALID_ARG c, id or out NULL; id empty or of CONFIG_AMBC_ID_MAX bytes or
 *         more. Also as in @ref ambc_request_statuses.
 * @retval AMBC_ERR_BUSY called from a callback of a call running on this client.
 * @retval AMBC_ERR_DEADLINE timeout_ms passed first, or the next poll would come after it.
 * @retval AMBC_ERR_TIME_INVALID a timestamp that is not RFC 3339.
 * @retval AMBC_ERR_NUMBER_RANGE a request count that is not a uint32_t.
 * @return Also every status of @ref ambc_request_statuses (a 404 after not_found_ms is
 *         AMBC_ERR_API), and any other status on_poll returned.
 */
ambc_status_t ambc_batches_wait(ambc_client_t *c, const char *id, const ambc_wait_params_t *p,
                                ambc_batch_t *out);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_AMBC_H */
