/**
 * @file config.h
 * @brief Compile-time sizes and limits, with defaults.
 *
 * The build normally generates these from the root Kconfig (CMake runs kconfiglib's
 * genconfig; ESP-IDF and Zephyr generate their own sdkconfig.h / autoconf.h). Point
 * AMBC_KCONFIG_HEADER at that header (-DAMBC_KCONFIG_HEADER=\"ambc_kconfig.h\") and
 * its values win. Every number missing there falls back to the default below, so a
 * build with no Kconfig tooling at all also works. Feature switches (bools) are different:
 * Kconfig emits no line for a bool that is off, so they are back-filled only when no Kconfig
 * tool made the configuration (CONFIG_AMBC_KCONFIG, which every Kconfig tool emits as 1, is
 * absent): then every feature is on.
 *
 * These defaults must equal the Kconfig defaults: tests/scripts/check_config_defaults.py
 * fails the suite when they drift.
 */
#ifndef AMBC_CONFIG_H
#define AMBC_CONFIG_H

#ifdef AMBC_KCONFIG_HEADER
#include AMBC_KCONFIG_HEADER
#elif defined(AMBC_KCONFIG_INSTALLED)
/* An installed ambc (cmake --install): the Kconfig header the libraries were built with sits
 * beside this file, and the package (CMake targets, pkg-config Cflags) defines the switch. */
#include "ambc_kconfig.h"
#endif

/* Feature switches (Kconfig menu "Features"): what a build without Kconfig gets. */
#ifndef CONFIG_AMBC_KCONFIG
#define CONFIG_AMBC_OP_LIST               1 /**< ambc_batches_list*, _list_page, _list_each */
#define CONFIG_AMBC_OP_RETRIEVE           1 /**< ambc_batches_retrieve */
#define CONFIG_AMBC_OP_CREATE             1 /**< ambc_batches_create, the request writer */
#define CONFIG_AMBC_OP_CANCEL             1 /**< ambc_batches_cancel */
#define CONFIG_AMBC_OP_DELETE             1 /**< ambc_batches_delete */
#define CONFIG_AMBC_OP_WAIT               1 /**< ambc_batches_wait (needs RETRIEVE) */
#define CONFIG_AMBC_OP_RESULTS            1 /**< ambc_batches_results, the results parser */
#define CONFIG_AMBC_STRERROR_FULL         1 /**< "NAME: meaning" (or _NAMES, _NONE) */
#define CONFIG_AMBC_API_ERROR_BODY        1 /**< API errors read their body (type, message) */
#define CONFIG_AMBC_RETRY_AFTER_HTTP_DATE 1 /**< retry-after as an HTTP date understood */
#define CONFIG_AMBC_RFC3339_FORMAT        1 /**< ambc_rfc3339_format */
#endif
#if defined(CONFIG_AMBC_OP_WAIT) && !defined(CONFIG_AMBC_OP_RETRIEVE)
#error "CONFIG_AMBC_OP_WAIT needs CONFIG_AMBC_OP_RETRIEVE (a wait polls with retrieve)"
#endif
#if defined(CONFIG_AMBC_OP_RESULTS) && !defined(CONFIG_AMBC_OP_RETRIEVE)
#error "CONFIG_AMBC_OP_RESULTS needs CONFIG_AMBC_OP_RETRIEVE (it retrieves the results_url)"
#endif
#if defined(CONFIG_AMBC_STRERROR_FULL) + defined(CONFIG_AMBC_STRERROR_NAMES) +                     \
        defined(CONFIG_AMBC_STRERROR_NONE) !=                                                      \
    1
#error "exactly one of CONFIG_AMBC_STRERROR_FULL, _NAMES, _NONE must be set"
#endif

/**
 * Largest batch id, bytes including the NUL.
 * Size of ambc_batch_t.id, ambc_page_t.first_id and last_id. Today's ids are 32 characters
 * ("msgbatch_" + 23); the API says the format may change, so the default leaves room. A longer
 * id is an error (AMBC_ERR_STRING_TOO_LONG), never truncated. Range 16..256, default 64.
 */
#ifndef CONFIG_AMBC_ID_MAX
#define CONFIG_AMBC_ID_MAX 64
#endif
#if CONFIG_AMBC_ID_MAX < 16 || CONFIG_AMBC_ID_MAX > 256
#error "CONFIG_AMBC_ID_MAX must be in 16..256"
#endif

/**
 * Largest results_url, bytes including the NUL.
 * Size of ambc_batch_t.results_url. A longer URL is an error (AMBC_ERR_STRING_TOO_LONG). Range
 * 32..2048, default 192.
 */
#ifndef CONFIG_AMBC_URL_MAX
#define CONFIG_AMBC_URL_MAX 192
#endif
#if CONFIG_AMBC_URL_MAX < 32 || CONFIG_AMBC_URL_MAX > 2048
#error "CONFIG_AMBC_URL_MAX must be in 32..2048"
#endif

/**
 * processing_status text kept, bytes including the NUL.
 * Size of ambc_batch_t.status_text: the processing_status as the API sent it, so a status this
 * version does not know is still shown as what it is. A longer one is AMBC_ERR_STRING_TOO_LONG.
 * Range 16..128, default 32.
 */
#ifndef CONFIG_AMBC_STATUS_TEXT_MAX
#define CONFIG_AMBC_STATUS_TEXT_MAX 32
#endif
#if CONFIG_AMBC_STATUS_TEXT_MAX < 16 || CONFIG_AMBC_STATUS_TEXT_MAX > 128
#error "CONFIG_AMBC_STATUS_TEXT_MAX must be in 16..128"
#endif

/**
 * Deepest JSON nesting accepted.
 * The streaming scanner keeps one bit per level. Deeper input is AMBC_ERR_JSON_DEPTH, also
 * inside members ambc does not know (the record buffer and token budget no longer depend on
 * those: they follow from the sizes above). Range 4..64, default 32.
 */
#ifndef CONFIG_AMBC_JSON_MAX_DEPTH
#define CONFIG_AMBC_JSON_MAX_DEPTH 32
#endif
#if CONFIG_AMBC_JSON_MAX_DEPTH < 4 || CONFIG_AMBC_JSON_MAX_DEPTH > 64
#error "CONFIG_AMBC_JSON_MAX_DEPTH must be in 4..64"
#endif

/**
 * Scanner scalar buffer, bytes.
 * The streaming scanner decodes keys, numbers and strings into this buffer; a string longer
 * than it is delivered in parts (that is how megabyte strings stream through), a key longer
 * than it is reported as an unknown key. Range 32..1024, default 96.
 */
#ifndef CONFIG_AMBC_JSON_SCALAR_MAX
#define CONFIG_AMBC_JSON_SCALAR_MAX 96
#endif
#if CONFIG_AMBC_JSON_SCALAR_MAX < 32 || CONFIG_AMBC_JSON_SCALAR_MAX > 1024
#error "CONFIG_AMBC_JSON_SCALAR_MAX must be in 32..1024"
#endif

/**
 * Longest status, header, chunk-size or trailer line, bytes.
 * Lines are never buffered whole (only the values ambc needs are), so this is a limit, not
 * RAM. A longer line is AMBC_ERR_HTTP_LINE_TOO_LONG. Range 64..65535, default 8192.
 */
#ifndef CONFIG_AMBC_HTTP_LINE_MAX
#define CONFIG_AMBC_HTTP_LINE_MAX 8192
#endif
#if CONFIG_AMBC_HTTP_LINE_MAX < 64 || CONFIG_AMBC_HTTP_LINE_MAX > 65535
#error "CONFIG_AMBC_HTTP_LINE_MAX must be in 64..65535"
#endif

/**
 * Largest header section, bytes.
 * Total bytes of the status line and headers (and of trailers). More is
 * AMBC_ERR_HTTP_HEADERS_TOO_LARGE. Not RAM. Range 4096..1048576, default 32768.
 */
#ifndef CONFIG_AMBC_HTTP_HEADERS_MAX
#define CONFIG_AMBC_HTTP_HEADERS_MAX 32768
#endif
#if CONFIG_AMBC_HTTP_HEADERS_MAX < 4096 || CONFIG_AMBC_HTTP_HEADERS_MAX > 1048576
#error "CONFIG_AMBC_HTTP_HEADERS_MAX must be in 4096..1048576"
#endif

/**
 * Largest header value ambc keeps, bytes including the NUL.
 * Header values ambc interprets (content-length, transfer-encoding, connection, retry-after,
 * retry-after-ms, x-should-retry, content-encoding) are held in a buffer of this size while
 * their line is parsed. A longer value of such a header is AMBC_ERR_HTTP_HEADER_VALUE. Range
 * 16..256, default 48.
 */
#ifndef CONFIG_AMBC_HTTP_VALUE_MAX
#define CONFIG_AMBC_HTTP_VALUE_MAX 48
#endif
#if CONFIG_AMBC_HTTP_VALUE_MAX < 16 || CONFIG_AMBC_HTTP_VALUE_MAX > 256
#error "CONFIG_AMBC_HTTP_VALUE_MAX must be in 16..256"
#endif

/**
 * Content-Type kept, bytes including the NUL.
 * Informational only: a longer Content-Type is kept truncated and flagged. Range 8..256,
 * default 48.
 */
#ifndef CONFIG_AMBC_CONTENT_TYPE_MAX
#define CONFIG_AMBC_CONTENT_TYPE_MAX 48
#endif
#if CONFIG_AMBC_CONTENT_TYPE_MAX < 8 || CONFIG_AMBC_CONTENT_TYPE_MAX > 256
#error "CONFIG_AMBC_CONTENT_TYPE_MAX must be in 8..256"
#endif

/**
 * request-id kept, bytes including the NUL.
 * The API's request-id header (users quote it to support). A longer value is kept truncated
 * and flagged. Range 16..256, default 64.
 */
#ifndef CONFIG_AMBC_REQUEST_ID_MAX
#define CONFIG_AMBC_REQUEST_ID_MAX 64
#endif
#if CONFIG_AMBC_REQUEST_ID_MAX < 16 || CONFIG_AMBC_REQUEST_ID_MAX > 256
#error "CONFIG_AMBC_REQUEST_ID_MAX must be in 16..256"
#endif

/**
 * Error type text kept, bytes including the NUL.
 * The raw error.type string beside its enum. A longer type is kept truncated and flagged.
 * Range 16..128, default 32.
 */
#ifndef CONFIG_AMBC_ERROR_TYPE_MAX
#define CONFIG_AMBC_ERROR_TYPE_MAX 32
#endif
#if CONFIG_AMBC_ERROR_TYPE_MAX < 16 || CONFIG_AMBC_ERROR_TYPE_MAX > 128
#error "CONFIG_AMBC_ERROR_TYPE_MAX must be in 16..128"
#endif

/**
 * Error message kept, bytes including the NUL.
 * error.message is kept up to this size; longer messages are kept truncated (on a UTF-8
 * boundary) and flagged. Range 16..4096, default 256.
 */
#ifndef CONFIG_AMBC_ERROR_MESSAGE_MAX
#define CONFIG_AMBC_ERROR_MESSAGE_MAX 256
#endif
#if CONFIG_AMBC_ERROR_MESSAGE_MAX < 16 || CONFIG_AMBC_ERROR_MESSAGE_MAX > 4096
#error "CONFIG_AMBC_ERROR_MESSAGE_MAX must be in 16..4096"
#endif

/**
 * Request buffer, bytes.
 * One HTTP request head is written here whole before it is sent (request line, query, headers
 * including the API key). A request that does not fit is AMBC_ERR_BUFFER_TOO_SMALL before
 * anything is sent. The buffer is wiped after each send. Range 256..8192, default 1024.
 */
#ifndef CONFIG_AMBC_REQUEST_BUF_SIZE
#define CONFIG_AMBC_REQUEST_BUF_SIZE 1024
#endif
#if CONFIG_AMBC_REQUEST_BUF_SIZE < 256 || CONFIG_AMBC_REQUEST_BUF_SIZE > 8192
#error "CONFIG_AMBC_REQUEST_BUF_SIZE must be in 256..8192"
#endif

/**
 * Receive buffer, bytes.
 * Bytes are read from the stream into this buffer and parsed in place; any size works, larger
 * means fewer stream calls. TLS keeps its own record buffer below it. Range 64..16384, default 512.
 */
#ifndef CONFIG_AMBC_RX_BUF_SIZE
#define CONFIG_AMBC_RX_BUF_SIZE 512
#endif
#if CONFIG_AMBC_RX_BUF_SIZE < 64 || CONFIG_AMBC_RX_BUF_SIZE > 16384
#error "CONFIG_AMBC_RX_BUF_SIZE must be in 64..16384"
#endif

/**
 * Connect timeout (including the TLS handshake), ms.
 * Default for ambc_client_options_t.connect_timeout_ms. Range 100..600000, default 10000.
 */
#ifndef CONFIG_AMBC_CONNECT_TIMEOUT_MS
#define CONFIG_AMBC_CONNECT_TIMEOUT_MS 10000
#endif
#if CONFIG_AMBC_CONNECT_TIMEOUT_MS < 100 || CONFIG_AMBC_CONNECT_TIMEOUT_MS > 600000
#error "CONFIG_AMBC_CONNECT_TIMEOUT_MS must be in 100..600000"
#endif

/**
 * Idle timeout per send or receive, ms.
 * The longest wait for any progress on a connection (a stalled server ends the call with
 * AMBC_ERR_NET_TIMEOUT). Default for ambc_client_options_t.io_timeout_ms. Range 100..600000,
 * default 30000.
 */
#ifndef CONFIG_AMBC_IO_TIMEOUT_MS
#define CONFIG_AMBC_IO_TIMEOUT_MS 30000
#endif
#if CONFIG_AMBC_IO_TIMEOUT_MS < 100 || CONFIG_AMBC_IO_TIMEOUT_MS > 600000
#error "CONFIG_AMBC_IO_TIMEOUT_MS must be in 100..600000"
#endif

/**
 * Longest API key, bytes including the NUL.
 * Bounds the stack copy made to compose "Bearer KEY" (wiped right after the request is
 * written). Today's keys are about 110 bytes. A longer key is AMBC_ERR_INVALID_ARG. Range
 * 32..1024, default 256.
 */
#ifndef CONFIG_AMBC_API_KEY_MAX
#define CONFIG_AMBC_API_KEY_MAX 256
#endif
#if CONFIG_AMBC_API_KEY_MAX < 32 || CONFIG_AMBC_API_KEY_MAX > 1024
#error "CONFIG_AMBC_API_KEY_MAX must be in 32..1024"
#endif

/**
 * Longest Host value, bytes including the NUL.
 * Bounds the stack copy of the Host header value: the host name, and ":port" unless the port
 * is 443. ambc_client_init() refuses a longer one with AMBC_ERR_INVALID_ARG (AMBC_HOST_LEN_MAX
 * in ambc.h). Range 16..256, default 96.
 */
#ifndef CONFIG_AMBC_HOST_MAX
#define CONFIG_AMBC_HOST_MAX 96
#endif
#if CONFIG_AMBC_HOST_MAX < 16 || CONFIG_AMBC_HOST_MAX > 256
#error "CONFIG_AMBC_HOST_MAX must be in 16..256"
#endif

/**
 * Longest anthropic-beta value, bytes including the NUL.
 * Bounds the stack copy of the anthropic-beta header value: the batches beta (when
 * ambc_client_options_t.beta is set), a comma, and extra_betas. ambc_client_init() refuses a
 * longer one with AMBC_ERR_INVALID_ARG (AMBC_BETA_LEN_MAX in ambc.h). Range 32..512, default
 * 96.
 */
#ifndef CONFIG_AMBC_BETA_MAX
#define CONFIG_AMBC_BETA_MAX 96
#endif
#if CONFIG_AMBC_BETA_MAX < 32 || CONFIG_AMBC_BETA_MAX > 512
#error "CONFIG_AMBC_BETA_MAX must be in 32..512"
#endif

/**
 * Retries after a failed attempt.
 * As the official SDKs: 2 retries (3 attempts). x-should-retry decides alone when present;
 * otherwise 408, 409, 429, 5xx and connection failures are retried. Default for
 * ambc_client_options_t.max_retries. Range 0..10, default 2.
 */
#ifndef CONFIG_AMBC_MAX_RETRIES
#define CONFIG_AMBC_MAX_RETRIES 2
#endif
#if CONFIG_AMBC_MAX_RETRIES > 10
#error "CONFIG_AMBC_MAX_RETRIES must be in 0..10"
#endif

/**
 * First backoff, ms.
 * Backoff is min(initial * 2^n, max) * (1 - U[0, 0.25)). Range 1..60000, default 500.
 */
#ifndef CONFIG_AMBC_RETRY_INITIAL_MS
#define CONFIG_AMBC_RETRY_INITIAL_MS 500
#endif
#if CONFIG_AMBC_RETRY_INITIAL_MS < 1 || CONFIG_AMBC_RETRY_INITIAL_MS > 60000
#error "CONFIG_AMBC_RETRY_INITIAL_MS must be in 1..60000"
#endif

/**
 * Backoff ceiling, ms.
 * Range 1..600000, default 8000.
 */
#ifndef CONFIG_AMBC_RETRY_MAX_MS
#define CONFIG_AMBC_RETRY_MAX_MS 8000
#endif
#if CONFIG_AMBC_RETRY_MAX_MS < 1 || CONFIG_AMBC_RETRY_MAX_MS > 600000
#error "CONFIG_AMBC_RETRY_MAX_MS must be in 1..600000"
#endif

/**
 * Longest server-given wait obeyed, ms.
 * retry-after-ms / retry-after above this fall back to backoff (the Python SDK uses 60 s).
 * Range 0..3600000, default 60000.
 */
#ifndef CONFIG_AMBC_RETRY_AFTER_CAP_MS
#define CONFIG_AMBC_RETRY_AFTER_CAP_MS 60000
#endif
#if CONFIG_AMBC_RETRY_AFTER_CAP_MS > 3600000
#error "CONFIG_AMBC_RETRY_AFTER_CAP_MS must be in 0..3600000"
#endif

/**
 * Most pages one walk requests.
 * ambc_batches_list_each with all_pages stops with AMBC_ERR_WALK_LIMIT when it has asked for
 * this many pages and the last one still said has_more: a server whose pages never end cannot
 * keep a device walking forever. Default for ambc_list_params_t.max_pages. Range 1..10000000,
 * default 100000.
 */
#ifndef CONFIG_AMBC_WALK_MAX_PAGES
#define CONFIG_AMBC_WALK_MAX_PAGES 100000
#endif
#if CONFIG_AMBC_WALK_MAX_PAGES < 1 || CONFIG_AMBC_WALK_MAX_PAGES > 10000000
#error "CONFIG_AMBC_WALK_MAX_PAGES must be in 1..10000000"
#endif

/**
 * Deadline of one whole walk, ms.
 * No page of a walk is asked for, waited for or retried past this (AMBC_ERR_DEADLINE); each
 * page also keeps its own total deadline. Default for ambc_list_params_t.walk_timeout_ms. Range
 * 1000..86400000, default 3600000 (one hour).
 */
#ifndef CONFIG_AMBC_WALK_TIMEOUT_MS
#define CONFIG_AMBC_WALK_TIMEOUT_MS 3600000
#endif
#if CONFIG_AMBC_WALK_TIMEOUT_MS < 1000 || CONFIG_AMBC_WALK_TIMEOUT_MS > 86400000
#error "CONFIG_AMBC_WALK_TIMEOUT_MS must be in 1000..86400000"
#endif

/**
 * First sleep between the polls of a wait, ms.
 * ambc_batches_wait sleeps this long after its first poll, then half as long again after each
 * poll, up to AMBC_WAIT_MAX_MS. Default for ambc_wait_params_t.initial_ms. Range 100..3600000,
 * default 2000.
 */
#ifndef CONFIG_AMBC_WAIT_INITIAL_MS
#define CONFIG_AMBC_WAIT_INITIAL_MS 2000
#endif
#if CONFIG_AMBC_WAIT_INITIAL_MS < 100 || CONFIG_AMBC_WAIT_INITIAL_MS > 3600000
#error "CONFIG_AMBC_WAIT_INITIAL_MS must be in 100..3600000"
#endif

/**
 * Longest sleep between the polls of a wait, ms.
 * Default for ambc_wait_params_t.max_ms. Range 100..3600000, default 60000.
 */
#ifndef CONFIG_AMBC_WAIT_MAX_MS
#define CONFIG_AMBC_WAIT_MAX_MS 60000
#endif
#if CONFIG_AMBC_WAIT_MAX_MS < 100 || CONFIG_AMBC_WAIT_MAX_MS > 3600000
#error "CONFIG_AMBC_WAIT_MAX_MS must be in 100..3600000"
#endif

/**
 * Deadline of one wait, ms.
 * A batch ends within 24 hours of its creation (expired requests then), so the default of 25
 * hours always sees the end. Default for ambc_wait_params_t.timeout_ms. Range 1000..172800000,
 * default 90000000.
 */
#ifndef CONFIG_AMBC_WAIT_TIMEOUT_MS
#define CONFIG_AMBC_WAIT_TIMEOUT_MS 90000000
#endif
#if CONFIG_AMBC_WAIT_TIMEOUT_MS < 1000 || CONFIG_AMBC_WAIT_TIMEOUT_MS > 172800000
#error "CONFIG_AMBC_WAIT_TIMEOUT_MS must be in 1000..172800000"
#endif

/**
 * How long a wait takes a 404 as not visible yet, ms.
 * A retrieve seconds after a create can answer 404 while the new batch propagates (reported
 * against the SDKs); a wait treats a 404 within this time of its start as "not yet" and polls
 * again. Default for ambc_wait_params_t.not_found_ms. Range 0..600000, default 30000.
 */
#ifndef CONFIG_AMBC_WAIT_NOT_FOUND_MS
#define CONFIG_AMBC_WAIT_NOT_FOUND_MS 30000
#endif
#if CONFIG_AMBC_WAIT_NOT_FOUND_MS > 600000
#error "CONFIG_AMBC_WAIT_NOT_FOUND_MS must be in 0..600000"
#endif

/**
 * Total deadline of one request with its retries, ms.
 * No attempt, wait or read outlives it; a page walk applies it to each page. Default for
 * ambc_client_options_t.total_timeout_ms. Range 1000..3600000, default 600000 (the SDKs
 * default to 10 minutes).
 */
#ifndef CONFIG_AMBC_TOTAL_TIMEOUT_MS
#define CONFIG_AMBC_TOTAL_TIMEOUT_MS 600000
#endif
#if CONFIG_AMBC_TOTAL_TIMEOUT_MS < 1000 || CONFIG_AMBC_TOTAL_TIMEOUT_MS > 3600000
#error "CONFIG_AMBC_TOTAL_TIMEOUT_MS must be in 1000..3600000"
#endif

/**
 * Most verbose log level compiled in.
 * 0 none, 1 error, 2 warn, 3 info, 4 debug. Calls above it are compiled out (less flash); at
 * run time nothing is logged unless the application sets ambc_client_options_t.log. A log event
 * carries its status as a number, never as text, so logging links no ambc_strerror() text. The
 * key is never logged at any level. Range 0..4, default 1.
 */
#ifndef CONFIG_AMBC_LOG_LEVEL
#define CONFIG_AMBC_LOG_LEVEL 1
#endif
#if CONFIG_AMBC_LOG_LEVEL > 4
#error "CONFIG_AMBC_LOG_LEVEL must be in 0..4"
#endif

/**
 * Longest custom_id of a results line, bytes including the NUL.
 * Size of ambc_result_t.custom_id. The API allows 1..64 characters (^[a-zA-Z0-9_-]{1,64}$), so 65
 * holds every one. A longer custom_id is AMBC_ERR_STRING_TOO_LONG, never cut: it is how a result
 * is matched to its request. Range 16..256, default 65.
 */
#ifndef CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX
#define CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX 65
#endif
#if CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX < 16 || CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX > 256
#error "CONFIG_AMBC_RESULTS_CUSTOM_ID_MAX must be in 16..256"
#endif

/**
 * Model and tool name kept, bytes including the NUL.
 * Size of ambc_result_t.model and ambc_result_block_t.tool_name. Longer values are kept cut on a
 * UTF-8 boundary and flagged. Range 16..256, default 64.
 */
#ifndef CONFIG_AMBC_RESULTS_NAME_MAX
#define CONFIG_AMBC_RESULTS_NAME_MAX 64
#endif
#if CONFIG_AMBC_RESULTS_NAME_MAX < 16 || CONFIG_AMBC_RESULTS_NAME_MAX > 256
#error "CONFIG_AMBC_RESULTS_NAME_MAX must be in 16..256"
#endif

/**
 * Result type, stop reason, block and error type kept, bytes including the NUL.
 * Size of the short texts of a results line kept beside their enums: result.type, stop_reason, a
 * content block's type and the error's type. Longer values are kept cut and flagged. Range
 * 16..128, default 32.
 */
#ifndef CONFIG_AMBC_RESULTS_TEXT_MAX
#define CONFIG_AMBC_RESULTS_TEXT_MAX 32
#endif
#if CONFIG_AMBC_RESULTS_TEXT_MAX < 16 || CONFIG_AMBC_RESULTS_TEXT_MAX > 128
#error "CONFIG_AMBC_RESULTS_TEXT_MAX must be in 16..128"
#endif

/**
 * stop_sequence kept, bytes including the NUL.
 * Size of ambc_result_t.stop_sequence (the caller's own stop sequence, when one ended the
 * message). A longer one is kept cut on a UTF-8 boundary and flagged. Range 16..1024, default 64.
 */
#ifndef CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX
#define CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX 64
#endif
#if CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX < 16 || CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX > 1024
#error "CONFIG_AMBC_RESULTS_STOP_SEQUENCE_MAX must be in 16..1024"
#endif

/**
 * Error message of an errored result kept, bytes including the NUL.
 * Size of ambc_result_t.error_message. A longer message is kept cut on a UTF-8 boundary and
 * flagged. Range 16..4096, default 128.
 */
#ifndef CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX
#define CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX 128
#endif
#if CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX < 16 || CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX > 4096
#error "CONFIG_AMBC_RESULTS_ERROR_MESSAGE_MAX must be in 16..4096"
#endif

/**
 * Deadline of one results download, ms.
 * A results download, with all its attempts and waits, ends by this time (AMBC_ERR_DEADLINE). It
 * replaces AMBC_TOTAL_TIMEOUT_MS for the download, because a 1 GB file over a slow link takes
 * hours; the I/O timeout still bounds every read. Default for ambc_results_params_t.timeout_ms.
 * Range 1000..172800000, default 86400000 (one day).
 */
#ifndef CONFIG_AMBC_RESULTS_TIMEOUT_MS
#define CONFIG_AMBC_RESULTS_TIMEOUT_MS 86400000
#endif
#if CONFIG_AMBC_RESULTS_TIMEOUT_MS < 1000 || CONFIG_AMBC_RESULTS_TIMEOUT_MS > 172800000
#error "CONFIG_AMBC_RESULTS_TIMEOUT_MS must be in 1000..172800000"
#endif

/**
 * lwIP raw port receive ring, bytes.
 * Size of the receive ring an application gives ambc_lwip_raw_init (static uint8_t
 * ring[CONFIG_AMBC_LWIP_RING_SIZE]). The TCP receive window is kept within the ring's free
 * space, so received data takes no more RAM than this while it waits (lwIP holds none of it).
 * A larger ring means fewer round trips; 2 * TCP_MSS (2920 bytes) lets the server keep full
 * segments in flight. Used only with the lwIP raw port. Range 256..65536, default 2048.
 */
#ifndef CONFIG_AMBC_LWIP_RING_SIZE
#define CONFIG_AMBC_LWIP_RING_SIZE 2048
#endif
#if CONFIG_AMBC_LWIP_RING_SIZE < 256 || CONFIG_AMBC_LWIP_RING_SIZE > 65536
#error "CONFIG_AMBC_LWIP_RING_SIZE must be in 256..65536"
#endif

/* ---- TLS (mbedTLS port) ---------------------------------------------------------------------- */

/**
 * TLS receive record buffer, bytes.
 * MBEDTLS_SSL_IN_CONTENT_LEN for builds that compile mbedTLS with ambc's configuration; a
 * prebuilt mbedTLS keeps its own. Servers send records of up to 16 KB unless a smaller maximum
 * fragment length is negotiated (the API's servers do not). Range 512..16384, default 16384.
 */
#ifndef CONFIG_AMBC_TLS_IN_CONTENT_LEN
#define CONFIG_AMBC_TLS_IN_CONTENT_LEN 16384
#endif
#if CONFIG_AMBC_TLS_IN_CONTENT_LEN < 512 || CONFIG_AMBC_TLS_IN_CONTENT_LEN > 16384
#error "CONFIG_AMBC_TLS_IN_CONTENT_LEN must be in 512..16384"
#endif

/**
 * TLS send record buffer, bytes.
 * MBEDTLS_SSL_OUT_CONTENT_LEN: ambc's requests go out in pieces, so a small buffer only means
 * more records. Range 512..16384, default 2048.
 */
#ifndef CONFIG_AMBC_TLS_OUT_CONTENT_LEN
#define CONFIG_AMBC_TLS_OUT_CONTENT_LEN 2048
#endif
#if CONFIG_AMBC_TLS_OUT_CONTENT_LEN < 512 || CONFIG_AMBC_TLS_OUT_CONTENT_LEN > 16384
#error "CONFIG_AMBC_TLS_OUT_CONTENT_LEN must be in 512..16384"
#endif

/**
 * TLS session buffer, bytes.
 * The caller's memory for the mbedTLS port's saved session (ambc_tls_config_t.session), to
 * resume it on reconnect; 0: no resumption. About 150 bytes plus the server's ticket, plus its
 * certificate when mbedTLS keeps it (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, as in Debian's build).
 * Range 0..8192, default 2048.
 */
#ifndef CONFIG_AMBC_TLS_SESSION_SIZE
#define CONFIG_AMBC_TLS_SESSION_SIZE 2048
#endif
#if CONFIG_AMBC_TLS_SESSION_SIZE > 8192
#error "CONFIG_AMBC_TLS_SESSION_SIZE must be in 0..8192"
#endif

/**
 * CA roots compiled into flash by firmware builds.
 * Names from Debian's ca-certificates or PEM paths, space-separated, that scripts/ca_roots.py
 * turns into const DER arrays. A string for the build scripts; C code uses the table they
 * generate. Default: GTS Root R1 and R4, GlobalSign Root CA, ISRG Root X1 and X2 (docs/tls.md).
 * The definition stays on one line, as Kconfig writes it (check_config_defaults.py reads it).
 */
/* clang-format off */
#ifndef CONFIG_AMBC_TLS_CA_ROOTS
#define CONFIG_AMBC_TLS_CA_ROOTS "GTS_Root_R1 GTS_Root_R4 GlobalSign_Root_CA ISRG_Root_X1 ISRG_Root_X2"
#endif
/* clang-format on */

/**
 * @brief Bytes of the longest request head besides the key, Host and anthropic-beta values and
 *        the batch id: request line, header names, the default anthropic-version, user-agent,
 *        Content-Length (test_client.c writes that head and checks this bound).
 *
 * Cross-option check (as lwIP's opt.h does): the request buffer must hold the longest request
 * head the limits allow, the key, Host and anthropic-beta values and a percent-encoded batch id
 * at their longest, plus these bytes.
 */
#define AMBC_REQUEST_HEAD_FIXED 256
#if CONFIG_AMBC_REQUEST_BUF_SIZE < CONFIG_AMBC_API_KEY_MAX + CONFIG_AMBC_HOST_MAX +                \
                                       CONFIG_AMBC_BETA_MAX + 3 * CONFIG_AMBC_ID_MAX +             \
                                       AMBC_REQUEST_HEAD_FIXED
#error                                                                                             \
    "CONFIG_AMBC_REQUEST_BUF_SIZE cannot hold the longest request head: raise it, or lower AMBC_API_KEY_MAX, AMBC_HOST_MAX, AMBC_BETA_MAX or AMBC_ID_MAX"
#endif

/**
 * @def AMBC_STATIC_ASSERT
 * @brief A compile-time check in C99 (no _Static_assert): a file-scope typedef of an array
 *        whose size is negative when cond is false, so the build stops naming `name`.
 */
#define AMBC_STATIC_ASSERT(cond, name) typedef char ambc_static_assert_##name[(cond) ? 1 : -1]

/**
 * @def AMBC_ASSERT
 * @brief Checks an internal invariant (never a caller's argument: those are checked at every
 *        public call and answered with AMBC_ERR_INVALID_ARG or a neutral value).
 *
 * Compiled away by default, as coreJSON_ASSERT and LWIP_ASSERT are in release builds. Define
 * AMBC_ASSERT(x) before this header is read (on the compiler's command line, or in the header
 * named by AMBC_KCONFIG_HEADER) to map it to the platform's own (configASSERT, __ASSERT_NO_MSG,
 * assert), or define AMBC_ASSERT_TRAP to 1 to stop at the first broken invariant; the test
 * builds with sanitizers do that. The expression has no side effects, so removing it changes
 * nothing else.
 */
#ifndef AMBC_ASSERT
#if defined(AMBC_ASSERT_TRAP) && AMBC_ASSERT_TRAP
#define AMBC_ASSERT(x) ((x) ? (void)0 : __builtin_trap())
#else
#define AMBC_ASSERT(x) ((void)0)
#endif
#endif

#endif /* AMBC_CONFIG_H */
