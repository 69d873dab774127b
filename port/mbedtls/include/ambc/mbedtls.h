/**
 * @file ambc/mbedtls.h
 * @brief TLS as an ambc stream over any other ambc stream, with mbedTLS.
 *
 * ambc_tls_t wraps a lower stream (port/posix TCP, an lwIP port, anything implementing
 * ambc/port.h) and is itself a stream, so the client never knows TLS is there. It follows
 * mbedTLS's init / free lifecycle on a caller-owned struct.
 *
 * Security is not optional: the server certificate is always verified against the
 * configured CAs (MBEDTLS_SSL_VERIFY_REQUIRED), the host name is always checked (and sent
 * as SNI), and TLS 1.2 is the minimum. There is deliberately no switch to turn any of
 * this off.
 *
 * Works with mbedTLS 2.28 and 3.x (built and tested against Debian's 2.28).
 * Memory: mbedTLS allocates through its platform hooks (the C heap with a stock Linux
 * build; a static arena when MBEDTLS_MEMORY_BUFFER_ALLOC_C is set up on a device). The
 * record buffers (MBEDTLS_SSL_IN/OUT_CONTENT_LEN each, plus overhead) are taken once by
 * ambc_tls_init and kept until ambc_tls_free, so connecting again allocates little.
 *
 * @code
 * ambc_posix_tcp_t tcp;
 * ambc_tls_t tls;
 * ambc_tls_config_t cfg = {0};
 * ambc_posix_tcp_init(&tcp);
 * ambc_stream_t lower = ambc_posix_tcp_stream(&tcp);
 * cfg.clock = ambc_posix_clock();               // CAs: the system bundle
 * if (ambc_tls_init(&tls, &lower, &cfg) == AMBC_OK) {
 *     ambc_stream_t s = ambc_tls_stream(&tls);
 *     ambc_status_t st = s.ops->connect(s.ctx, "api.anthropic.com", 443, 10000);
 *     ...
 *     s.ops->close(s.ctx);
 * }
 * ambc_tls_free(&tls);
 * @endcode
 */
#ifndef AMBC_MBEDTLS_H
#define AMBC_MBEDTLS_H

#include "ambc/port.h"

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The CA bundle used when a configuration names no CA at all (Debian's path). */
#ifndef AMBC_TLS_SYSTEM_CA_FILE
#define AMBC_TLS_SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/** How long close() waits to hand the close_notify alert to the lower stream, ms. */
#ifndef AMBC_TLS_CLOSE_NOTIFY_MS
#define AMBC_TLS_CLOSE_NOTIFY_MS 200u
#endif

/**
 * A certificate in DER form in memory, typically a `const` array in flash made at build time by
 * scripts/ca_roots.py. Parsed in place: the bytes are never copied.
 */
typedef struct {
    const unsigned char *der; /**< the certificate */
    size_t len;               /**< its length in bytes */
} ambc_tls_der_t;

/**
 * Bytes of a session buffer (ambc_tls_config_t.session) that are not the saved session itself:
 * a header and a SHA-256 of the host, the name verified and the port it belongs to.
 */
#define AMBC_TLS_SESSION_OVERHEAD 40u

/**
 * A hook that adjusts the mbedTLS configuration of a TLS stream, e.g. to attach a
 * platform's certificate bundle: on ESP-IDF, a hook that returns AMBC_OK when
 * esp_crt_bundle_attach(conf) returns ESP_OK.
 *
 * Called once per ambc_tls_init (not per connect), after ambc has configured conf
 * (client, VERIFY_REQUIRED, its CAs if any, its random generator, TLS 1.2 minimum) and
 * before conf is bound to the connection (mbedtls_ssl_setup). Whatever it sets holds for
 * every later connection of that ambc_tls_t.
 *
 * Ownership: conf belongs to the ambc_tls_t. The hook may call any mbedtls_ssl_conf_*
 * function on it; it must not free it, call mbedtls_ssl_setup, or keep the pointer past
 * ambc_tls_free. Anything it attaches (a CA chain, a CRL, a verify callback and its
 * context, ctx itself) stays the caller's, is not freed by ambc_tls_free, and must outlive
 * the ambc_tls_t. A CA chain it sets replaces the CAs ambc loaded.
 *
 * Security is not the hook's to lower: after it returns, ambc sets VERIFY_REQUIRED and the
 * TLS 1.2 minimum again. A verify callback it installs (as esp_crt_bundle_attach does) is
 * trusted to judge the chain; one that clears every flag disables verification, so
 * install only callbacks you trust. With no CA chain and no such callback, every
 * handshake fails verification (AMBC_ERR_TLS_VERIFY or AMBC_ERR_TLS_HANDSHAKE).
 *
 * @param ctx  conf_hook_ctx, as given.
 * @param conf the configuration, fully set up by ambc; never NULL.
 * @return AMBC_OK to go on; any other status stops ambc_tls_init, which frees what it
 *         set up and returns that status (AMBC_ERR_TLS_CA for trust that could not be
 *         attached, AMBC_ERR_TLS_SETUP for anything else, by convention).
 */
typedef ambc_status_t (*ambc_tls_conf_hook_fn)(void *ctx, mbedtls_ssl_config *conf);

/**
 * How to set up a TLS stream. Zero it, then fill in what you need.
 *
 * Trust: every CA source given is loaded (they add up). If none is given, the system
 * bundle AMBC_TLS_SYSTEM_CA_FILE is loaded, unless conf_hook is set: then the hook supplies
 * the trust (e.g. a platform's CA bundle) and ambc loads no CA of its own. ca_file, ca_dir
 * and the system bundle need MBEDTLS_FS_IO; without it only ca_pem, ca_der and the hook work.
 * A device compiles its roots into flash and gives them as ca_der: no PEM parsing, no copy
 * (docs/tls.md). When mbedTLS has MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK, ca_der roots are
 * checked at init but parsed only during a verification, and only the one whose subject is the
 * issuer sought (compared byte for byte, as CAs issue them): the heap holds no root between
 * handshakes, and at most the one in use during one, however long the list.
 *
 * Resumption: with a session buffer, the stream keeps the last session of each successful
 * handshake (a session ticket, or the server's session id, with its master secret) and offers
 * it when it connects again to the same host, port and server_name: an abbreviated handshake,
 * with no certificate and no public-key operation, when the server accepts it, and a full
 * handshake, silently, when it does not. A session the buffer cannot hold is not kept.
 * Size: AMBC_TLS_SESSION_OVERHEAD + about 110 bytes + the server's ticket (100 to 250 bytes
 * from common servers), plus the server's certificate when mbedTLS keeps it
 * (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, on in Debian's build: 0.5 to 2 KB).
 * CONFIG_AMBC_TLS_SESSION_SIZE is the project's suggestion.
 *
 * Dates: mbedTLS checks validity dates against mbedtls_time() when it has
 * MBEDTLS_HAVE_TIME_DATE. A board with no synchronised clock yet can give it a floor (its
 * build time) and say so through time_is_floor: a date check against a floor can prove that a
 * certificate has expired (it expired before the floor), never that one is not valid yet (the
 * real time may be well past the floor), so while time_is_floor says so, "not valid yet" is
 * ignored and "expired" is still refused.
 */
typedef struct {
    const char *ca_file;             /**< a PEM (or DER) file of CA certificates, or NULL */
    const char *ca_dir;              /**< a directory of CA certificate files, or NULL */
    const unsigned char *ca_pem;     /**< CA certificates in memory, or NULL */
    size_t ca_pem_len;               /**< length of ca_pem; for PEM it includes the final NUL */
    const ambc_tls_der_t *ca_der;    /**< CA certificates in DER, or NULL: ca_der_count entries,
                                          parsed in place; the array and the bytes they point to
                                          must outlive the ambc_tls_t (const data in flash does) */
    size_t ca_der_count;             /**< entries in ca_der */
    const char *server_name;         /**< name to verify and send as SNI; NULL: the host given to
                                          connect. For ports that connect to numeric addresses
                                          (lwIP without DNS). Kept by pointer: must outlive the
                                          ambc_tls_t. */
    const ambc_clock_t *clock;       /**< required: bounds every call by its timeout. Kept by
                                          pointer: must outlive the ambc_tls_t. */
    uint8_t *session;                /**< memory for the saved session, or NULL: no resumption.
                                          The caller's; used by the ambc_tls_t from ambc_tls_init
                                          to ambc_tls_free, which wipes it. It holds a master
                                          secret: keep it out of dumps and logs. */
    size_t session_size;             /**< bytes at session; at least AMBC_TLS_SESSION_OVERHEAD +
                                          128 to be of use (see above) */
    int (*time_is_floor)(void *ctx); /**< NULL: mbedtls_time() is the real time. Else asked
                                          at each handshake: nonzero while that time is only
                                          a lower bound of the real time (see above) */
    void *time_ctx;                  /**< passed to time_is_floor */
    ambc_tls_conf_hook_fn conf_hook; /**< optional: called once by ambc_tls_init (see
                                          ambc_tls_conf_hook_fn), or NULL */
    void *conf_hook_ctx;             /**< passed to conf_hook */
} ambc_tls_config_t;

/** What a TLS stream's handshakes did (ambc_tls_stats). */
typedef struct {
    uint32_t handshakes;    /**< handshakes completed since ambc_tls_init */
    uint32_t resumed;       /**< of those, abbreviated: a saved session the server accepted */
    uint32_t offered;       /**< handshakes (completed or not) that offered a saved session */
    uint32_t not_saved;     /**< sessions not kept: too large for the session buffer */
    uint32_t session_bytes; /**< bytes of the session buffer the saved session takes now (0:
                                 none); size the buffer from it */
} ambc_tls_stats_t;

/**
 * One TLS connection and its mbedTLS state. Owned by the application; treat the fields as
 * private. Do not copy or move it after ambc_tls_init: mbedTLS holds pointers into it.
 */
typedef struct {
    /** @privatesection */
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_entropy_context entropy;
    mbedtls_x509_crt ca;
    const ambc_tls_der_t *ca_der; /**< cfg->ca_der (parsed at each verification when mbedTLS
                                       has MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK) */
    size_t ca_der_count;
    ambc_stream_t lower; /**< the stream the records travel on */
    const ambc_clock_t *clock;
    const char *server_name; /**< cfg->server_name, or NULL */
    uint8_t *session;        /**< cfg->session: the saved session (tls.c lays it out) */
    size_t session_size;     /**< cfg->session_size */
    int (*time_is_floor)(void *ctx);
    void *time_ctx;
    uint8_t peer_key[32]; /**< SHA-256 of host, name and port of this connection */
    ambc_tls_stats_t stats;
    uint64_t deadline;          /**< when the current call must return, clock ms */
    ambc_status_t lower_status; /**< the lower stream's last error, reported through */
    uint32_t verify_flags;      /**< mbedTLS verify flags of the last handshake */
    uint32_t rec_pos;           /**< bytes of the record being read that mbedTLS holds */
    uint32_t rec_len;           /**< its body length, once its header is in */
    unsigned flags;             /**< connection state bits (tls.c) */
} ambc_tls_t;

/**
 * @brief Set up t to run TLS over lower: seed the random generator, load the CAs, build the
 *        mbedTLS configuration. Done once; connect/close can then repeat any number of times.
 *
 * @param t     the object to set up; must not be NULL. Fresh memory or an object already
 *              passed to ambc_tls_free: initialising one that is set up would leak it.
 * @param lower the stream to run over; copied (ops and ctx), and its ctx must outlive t.
 *              t connects and closes it: do not use it directly while t is open.
 * @param cfg   the configuration; read during the call, except server_name, clock, ca_der
 *              (and the bytes it points to), session and time_ctx, which are kept by pointer.
 *              Other CA data (ca_pem, files) is parsed into t and need not be kept.
 *              cfg->conf_hook, if set, is called once, last (ambc_tls_conf_hook_fn).
 * @retval AMBC_OK t is set up; connect through ambc_tls_stream().
 * @retval AMBC_ERR_INVALID_ARG NULL t, lower, lower->ops, cfg or cfg->clock; ca_pem with
 *         ca_pem_len 0; ca_der with ca_der_count 0; session with session_size 0.
 * @retval AMBC_ERR_TLS_CA a CA source could not be read or parsed, a path was given to an
 *         mbedTLS built without MBEDTLS_FS_IO, or no certificate at all was loaded and there is
 *         no conf_hook (a bundle in which only some certificates fail to parse is accepted, but
 *         every ca_der entry must parse: a root this mbedTLS build cannot use is an error).
 * @retval AMBC_ERR_TLS_SETUP PSA crypto, the random generator or the SSL context could not be
 *         set up, e.g. out of memory.
 * @return Also whatever status other than AMBC_OK cfg->conf_hook returned.
 * After any return, ambc_tls_free(t) is safe; after a failure t holds no memory.
 */
ambc_status_t ambc_tls_init(ambc_tls_t *t, const ambc_stream_t *lower,
                            const ambc_tls_config_t *cfg);

/**
 * @brief The stream (ops + ctx = t) that drives t.
 *
 * The operations behave as ambc/port.h says, with these specifics:
 *
 * connect(host, port, timeout_ms): connects the lower stream, then performs the handshake.
 *   Both share the one timeout. The certificate must chain to a configured CA, be within
 *   its validity dates (when mbedTLS has MBEDTLS_HAVE_TIME_DATE) and name server_name, or
 *   host when server_name is NULL. Note that mbedTLS 2.28 matches DNS names only: to verify
 *   a server reached by IP address, set server_name. Closes any connection t already had.
 *   Returns AMBC_OK; any status of the lower connect (AMBC_ERR_NET_RESOLVE, _CONNECT,
 *   _TIMEOUT, ...); AMBC_ERR_NET_TIMEOUT (the handshake did not finish in time);
 *   AMBC_ERR_TLS_HOSTNAME (a trusted certificate for another name, whatever its dates);
 *   AMBC_ERR_TLS_EXPIRED (a trusted certificate for this name, or one of its chain, past its
 *   notAfter); AMBC_ERR_TLS_NOT_YET_VALID (the same before its notBefore, and the clock is
 *   not a mere floor: see ambc_tls_config_t);
 *   AMBC_ERR_TLS_VERIFY (any other verification failure, such as an unknown CA: a name or
 *   date problem on a certificate that is not trusted anyway is reported as this);
 *   AMBC_ERR_TLS_HANDSHAKE (the peer closed, reset or sent an alert, no common cipher, ...);
 *   AMBC_ERR_INVALID_ARG (NULL or empty host, a name mbedTLS refuses: over 255 bytes);
 *   AMBC_ERR_TLS_SETUP (the session could not be reset); AMBC_ERR_STATE (t not set up).
 *   On failure the lower stream is closed. ambc_tls_verify_flags() then says more.
 *   With a session buffer (ambc_tls_config_t.session): offers the saved session when it
 *   belongs to the same host, port and server name; after a failed handshake that offered
 *   one, the session is forgotten, so the next attempt is a full handshake.
 *   CPU time of the handshake's public-key operations counts against the timeout but
 *   cannot be interrupted by it.
 *
 * send(data, len, sent, timeout_ms): encrypts and writes up to one record (16 KB) of data.
 *   AMBC_OK with *sent >= 1; AMBC_ERR_NET_TIMEOUT (the record could not be written in
 *   time: mbedTLS has already taken the bytes into a record, so the stream cannot send
 *   again: later sends return AMBC_ERR_TLS_IO; recv still works; close it when done);
 *   the lower stream's error when it failed (AMBC_ERR_NET_CLOSED when the peer has gone,
 *   AMBC_ERR_NET_IO, ...); AMBC_ERR_NET_CLOSED after the peer ended the stream;
 *   AMBC_ERR_TLS_IO (any other TLS failure, or the stream is unusable after one);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, len 0); AMBC_ERR_STATE (not connected).
 *
 * recv(buf, cap, received, timeout_ms): decrypted application data.
 *   AMBC_OK with *received >= 1 (bytes);
 *   AMBC_OK with *received == 0: end of stream, either the peer's close_notify or the lower
 *     stream's orderly close without one. The latter is accepted too because many servers
 *     skip close_notify; the HTTP framing above still detects a cut in a Content-Length or
 *     chunked body (AMBC_ERR_HTTP_TRUNCATED). Only a close-delimited body (neither) could
 *     then be cut short undetected, by someone able to inject a TCP FIN. Later calls keep
 *     returning AMBC_OK with 0.
 *   AMBC_ERR_NET_TIMEOUT (no complete record within timeout_ms; a partial record is kept
 *     and the stream stays usable). With timeout_ms 0 only when nothing at all is pending:
 *     no decrypted byte, no record or part of one, no close, no error (port.h);
 *   AMBC_ERR_TLS_IO with timeout_ms 0 when part of a record has arrived but not all of it:
 *     the stream is not idle, and there is no byte to return. The stream itself is left
 *     as it was (a later recv with time could finish the record), but the caller that asked
 *     "is anything waiting?" before reusing the connection should close it;
 *   the lower stream's error when it failed (AMBC_ERR_NET_CLOSED for a reset,
 *     AMBC_ERR_NET_IO, ...); AMBC_ERR_TLS_IO (a bad record, a fatal alert, or the stream
 *     is unusable after an earlier failure);
 *   AMBC_ERR_INVALID_ARG (NULL pointer, cap 0); AMBC_ERR_STATE (not connected).
 *
 * close(): sends close_notify (best effort, waiting at most AMBC_TLS_CLOSE_NOTIFY_MS, and
 *   only on a healthy connection), then closes the lower stream. Safe when closed and twice.
 *
 * @param t the object (ctx of the stream), set up by ambc_tls_init; must outlive the stream.
 * @return the stream; a value, copy it freely.
 */
ambc_stream_t ambc_tls_stream(ambc_tls_t *t);

/**
 * @brief The mbedTLS verification flags of the last handshake (MBEDTLS_X509_BADCERT_*), for
 *        diagnostics, e.g. with mbedtls_x509_crt_verify_info().
 * @param t the object.
 * @return 0 when the last handshake verified the certificate (or failed before receiving
 *         it); 0xFFFFFFFF before any handshake, and for a NULL t.
 */
uint32_t ambc_tls_verify_flags(const ambc_tls_t *t);

/**
 * @brief What the handshakes of t did: how many completed, resumed a session, offered one.
 * @param t the object.
 * @return the counters, by value; all 0 for a NULL t.
 */
ambc_tls_stats_t ambc_tls_stats(const ambc_tls_t *t);

/**
 * @brief Whether the last completed handshake was abbreviated: a saved session was offered and
 *        the server accepted it (no certificate was sent, the original verification stands).
 * @param t the object.
 * @return 1 resumed, 0 full handshake, none yet, or a NULL t.
 */
int ambc_tls_resumed(const ambc_tls_t *t);

/**
 * @brief Wipe the saved session: the next connect makes a full handshake. Do it when what the
 *        session vouches for changes: new CAs, a server you no longer trust. ambc_tls_free
 *        does it too.
 * @param t the object; NULL does nothing.
 */
void ambc_tls_forget_session(ambc_tls_t *t);

/**
 * @brief Close any connection (as close() does), wipe the saved session and release
 *        everything t holds.
 * @param t an object passed to ambc_tls_init before (whatever it returned), or NULL.
 *          Calling it twice is safe. t may be set up again with ambc_tls_init.
 */
void ambc_tls_free(ambc_tls_t *t);

#ifdef __cplusplus
}
#endif

#endif /* AMBC_MBEDTLS_H */
