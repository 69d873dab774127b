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
#include "ambc/http.h"
#include "ambc/log.h"
#include "ambc/port.h"
#include "ambc/retry.h"
#include "ambc/status.h"
#include "ambc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMBC_VERSION         "0.1.0"
#define AMBC_USER_AGENT      "ambc/" AMBC_VERSION
#define AMBC_DEFAULT_HOST    "api.anthropic.com"
#define AMBC_DEFAULT_VERSION "2023-06-01"
#define AMBC_BATCHES_BETA    "message-batches-2024-09-24"
#define AMBC_LIST_LIMIT_MAX  1000u
/** ambc_client_options_t.max_retries value that turns retries off (0 means the default). */
#define AMBC_RETRIES_NONE 0xFFu

/** How the API key is sent. */
typedef enum {
    AMBC_KEY_X_API_KEY = 0, /**< `x-api-key: KEY` (default) */
    AMBC_KEY_BEARER,        /**< `authorization: Bearer KEY` */
} ambc_key_header_t;

/**
 * Client options. Every string is the caller's, NUL-terminated, and must stay valid and
 * unchanged for the client's lifetime (the client keeps the pointers, not copies).
 * Zero / NULL fields take the default given.
 */
typedef struct {
    const char *host;              /**< API host name; NULL: "api.anthropic.com" */
    uint16_t port;                 /**< 0: 443 */
    const char *api_key;           /**< required; never logged, wiped from the request buffer */
    const char *anthropic_version; /**< NULL: "2023-06-01" */
    ambc_key_header_t key_header;  /**< AMBC_KEY_X_API_KEY by default */
    bool beta;                     /**< beta flavour: `?beta=true` and the batches beta header */
    const char *extra_betas;       /**< more `anthropic-beta` values, comma-separated; or NULL */
    const char *workspace_id;      /**< `anthropic-workspace-id`, or NULL */
    uint32_t connect_timeout_ms;   /**< 0: CONFIG_AMBC_CONNECT_TIMEOUT_MS (includes TLS) */
    uint32_t io_timeout_ms;        /**< 0: CONFIG_AMBC_IO_TIMEOUT_MS (idle, per read/write) */
    uint32_t total_timeout_ms;     /**< 0: CONFIG_AMBC_TOTAL_TIMEOUT_MS: one request, all its
                                        attempts and waits (each page of a walk has its own) */
    uint8_t max_retries;           /**< 0: CONFIG_AMBC_MAX_RETRIES (2); AMBC_RETRIES_NONE: none */
    uint32_t retry_initial_ms;     /**< 0: CONFIG_AMBC_RETRY_INITIAL_MS (500) */
    uint32_t retry_max_ms;         /**< 0: CONFIG_AMBC_RETRY_MAX_MS (8000) */
    uint32_t retry_after_cap_ms;   /**< 0: CONFIG_AMBC_RETRY_AFTER_CAP_MS (60000) */
    ambc_log_fn log;               /**< NULL: no logging (see log.h) */
    void *log_ctx;                 /**< passed to log */
} ambc_client_options_t;

/** Counters, for tests and diagnostics. */
typedef struct {
    uint32_t connects;     /**< connections opened (each one a TLS handshake over TLS) */
    uint32_t requests;     /**< requests sent */
    uint32_t reconnects;   /**< requests re-sent because a kept-alive connection was closed */
    uint32_t retries;      /**< attempts made after a retryable failure (policy in retry.h) */
    uint32_t resumed;      /**< records skipped, by id, on a retried page: delivered before */
    uint32_t idle_dropped; /**< kept-alive connections dropped before reuse because something
                                was already waiting on them (stray bytes, a close, an error) */
} ambc_client_stats_t;

/** The client. Caller-allocated; every field is private. */
typedef struct {
    ambc_client_options_t opt;
    ambc_stream_t stream;
    const ambc_clock_t *clock;
    ambc_client_stats_t stats;
    bool connected;
    bool busy;        /* a public call is running (ambc_batches_* from its callback: BUSY) */
    bool got_headers; /* this attempt's response headers arrived */
    uint8_t mode;     /* ambc_page_mode_t of the current request */
    ambc_status_t body_status;
    ambc_page_t *page; /* the current request's page metadata (caller's) */
    ambc_batch_fn on_batch;
    void *on_batch_ctx;
    uint64_t deadline;      /* now_ms value the current request must finish by */
    uint64_t walk_deadline; /* now_ms value the current walk must finish by, 0: no walk */
    const char *err_field;  /* the key the last protocol error was about, or NULL */
    char last_delivered[CONFIG_AMBC_ID_MAX]; /* id of the last record handed over this page */
    char skip_until[CONFIG_AMBC_ID_MAX];     /* on a retried page: skip up to this id */
    ambc_api_error_t error;
    ambc_http_response_t resp;
    union {
        ambc_page_parser_t page;
        ambc_api_error_parser_t error;
    } body;
    ambc_batch_t record;
    char request[CONFIG_AMBC_REQUEST_BUF_SIZE];
    uint8_t rx[CONFIG_AMBC_RX_BUF_SIZE];
} ambc_client_t;

/**
 * @brief Set up a client. Does not connect: the first request does.
 * @param c      caller-owned; about sizeof(ambc_client_t) bytes (see the README).
 * @param opt    copied; its strings are kept by pointer (see ambc_client_options_t).
 * @param stream the transport (TLS for the real API); the application owns its context.
 * @param clock  the port's clock; kept by pointer.
 * @return AMBC_OK; AMBC_ERR_INVALID_ARG (NULL, no API key, a value with CR/LF).
 */
ambc_status_t ambc_client_init(ambc_client_t *c, const ambc_client_options_t *opt,
                               ambc_stream_t stream, const ambc_clock_t *clock);

/**
 * @brief Close the connection if one is open. The client may be used again afterwards.
 * @return AMBC_OK; AMBC_ERR_INVALID_ARG (c NULL); AMBC_ERR_BUSY when called from a callback
 *         of a call still running on this client (the connection is left to that call).
 */
ambc_status_t ambc_client_close(ambc_client_t *c);

/** @brief The API error of the last call that returned AMBC_ERR_API. */
const ambc_api_error_t *ambc_client_last_error(const ambc_client_t *c);

/**
 * @brief The key the last call's protocol error was about, when it was about one key:
 *        "created_at", "request_counts.errored", "last_id", "has_more"... For
 *        AMBC_ERR_JSON_MISSING it is the missing key; for AMBC_ERR_STRING_TOO_LONG,
 *        AMBC_ERR_TIME_INVALID, AMBC_ERR_JSON_TYPE, AMBC_ERR_JSON_NUL and the like, the key whose
 *        value was refused. NULL otherwise.
 * @return A static string, valid for the program's lifetime; or NULL.
 */
const char *ambc_client_error_field(const ambc_client_t *c);

/** @brief Counters since init. */
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
 * @return AMBC_OK; AMBC_ERR_INVALID_ARG (NULL c, fn or page, limit over 1000, both cursors,
 *         an empty or too long id); AMBC_ERR_BUSY (called from a callback of this client);
 *         AMBC_ERR_API (see ambc_client_last_error); network, TLS, HTTP and JSON errors as
 *         listed in status.h (ambc_client_error_field names the key of a JSON one);
 *         AMBC_ERR_RESUME_LOST; AMBC_ERR_DEADLINE; or what fn returned. After any error but
 *         AMBC_ERR_API the connection is closed.
 */
ambc_status_t ambc_batches_list_page(ambc_client_t *c, const ambc_list_params_t *params,
                                     ambc_batch_fn fn, void *ctx, ambc_page_t *page);

/**
 * @brief List one page into a caller array.
 * @param c      the client.
 * @param params NULL for the defaults.
 * @param out    cap records; out[0..*count) are filled.
 * @param cap    records out can hold.
 * @param count  receives how many records were stored.
 * @param page   receives the page metadata.
 * @return as ambc_batches_list_page; AMBC_ERR_INVALID_ARG also for NULL out or count;
 *         AMBC_ERR_BUFFER_TOO_SMALL when the page holds more than cap records (pass
 *         cap >= limit to avoid it).
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
 * @return as ambc_batches_list_page; AMBC_ERR_API_LOOP; AMBC_ERR_WALK_LIMIT.
 */
ambc_status_t ambc_batches_list_each(ambc_client_t *c, const ambc_list_params_t *params,
                                     bool all_pages, ambc_batch_fn fn, void *ctx);

/**
 * @brief Retrieve one batch by id (with `?beta=true` in the beta flavour).
 * @param c   the client.
 * @param id  the batch id: 1 to CONFIG_AMBC_ID_MAX - 1 bytes, percent-encoded into the path
 *            here (no byte of it can change the path or the query).
 * @param out filled on AMBC_OK.
 * @return as ambc_batches_list_page.
 */
ambc_status_t ambc_batches_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_AMBC_H */
