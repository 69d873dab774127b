/* TLS over any ambc stream, with mbedTLS 2.28 or 3.x (ambc/mbedtls.h). */
#include "ambc/mbedtls.h"

#include <limits.h>
#include <string.h>

/* version.h pulls in the right configuration for each major version (config.h on 2.x,
 * build_info.h on 3.x), so MBEDTLS_VERSION_NUMBER and the feature macros are both known. */
#include "mbedtls/version.h"
#include "mbedtls/asn1.h"
#include "mbedtls/md.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform_util.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define TLS_MBEDTLS_3 1
#else
#define TLS_MBEDTLS_3 0
#endif
#if TLS_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#endif

/* Connection state bits in ambc_tls_t.flags. */
enum {
    F_READY = 1u << 0,   /* ambc_tls_init succeeded */
    F_LOWER = 1u << 1,   /* the lower stream is connected and ours to close */
    F_OPEN = 1u << 2,    /* handshake done and no fatal error: I/O allowed */
    F_EOF = 1u << 3,     /* the peer ended the stream (close_notify or orderly close) */
    F_WBROKEN = 1u << 4, /* a record is half written: no more sends, no close_notify */
    F_OFFERED = 1u << 5, /* this handshake offers a saved session */
    F_CERT = 1u << 6,    /* this handshake verified a certificate chain: not abbreviated */
    F_RESUMED = 1u << 7, /* the last completed handshake resumed a session (kept by close) */
};

static uint32_t ms_left(const ambc_tls_t *t)
{
    uint64_t now = t->clock->now_ms(t->clock->ctx);
    /* deadline is now + a uint32_t timeout, so the difference always fits. */
    return now >= t->deadline ? 0u : (uint32_t)(t->deadline - now);
}

static void set_deadline(ambc_tls_t *t, uint32_t timeout_ms)
{
    t->deadline = t->clock->now_ms(t->clock->ctx) + timeout_ms;
}

/* A TLS record header: type (1), version (2), length of the body (2). */
#define RECORD_HEADER 5u

/* How many post-handshake messages (TLS 1.3 session tickets) one call skips over without
 * looking at the clock: they need no waiting, but a peer must not keep a call going by
 * sending nothing else. */
#define MAX_TICKETS_PER_CALL 8

/* Follows the record framing of the bytes the bio hands to mbedTLS, so the port knows
 * whether mbedTLS holds part of a record (t->rec_pos > 0) without reading its private
 * fields (3.x hides them). Exact because on a stream transport mbedTLS asks the bio for
 * no more than the rest of the header or record it is reading. */
static void track_records(ambc_tls_t *t, const unsigned char *p, size_t n)
{
    while (n > 0u) {
        if (t->rec_pos < RECORD_HEADER) {
            if (t->rec_pos == 3u) {
                t->rec_len = (uint32_t)p[0] << 8;
            } else if (t->rec_pos == 4u) {
                t->rec_len |= p[0];
            }
            t->rec_pos++;
            p++;
            n--;
        } else {
            size_t step = RECORD_HEADER + t->rec_len - t->rec_pos;
            step = step < n ? step : n;
            t->rec_pos += (uint32_t)step;
            p += step;
            n -= step;
        }
        if (t->rec_pos >= RECORD_HEADER && t->rec_pos == RECORD_HEADER + t->rec_len) {
            t->rec_pos = 0u; /* a whole record: mbedTLS can process it without more input */
        }
    }
}

/* mbedTLS codes after which the same call may simply be repeated. */
static int is_retry(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
           ret == MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS ||
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
           /* 3.6.0 reports TLS 1.3 session tickets to the caller (read_record keeps them). */
           ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET ||
#endif
           ret == MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS;
}

/* The bio: mbedTLS reaches the lower stream only through these two callbacks. Each call
 * gets the time left until the current deadline, so a handshake or read never outlives its
 * timeout. A lower timeout becomes WANT_READ/WANT_WRITE rather than MBEDTLS_ERR_SSL_TIMEOUT:
 * mbedTLS documents only the WANT_ codes as leaving the context usable, and a recv timeout
 * must leave the stream usable; the caller's loop sees the deadline has passed. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    ambc_tls_t *t = ctx;
    size_t sent = 0;
    ambc_status_t st;
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX; /* the count must fit mbedTLS's int */
    }
    st = t->lower.ops->send(t->lower.ctx, buf, len, &sent, ms_left(t));
    if (st == AMBC_OK && sent >= 1 && sent <= len) {
        return (int)sent;
    }
    if (st == AMBC_ERR_NET_TIMEOUT) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    t->lower_status = st == AMBC_OK ? AMBC_ERR_NET_IO : st; /* OK with 0 bytes: broken port */
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/* mbedTLS's own timeout argument (conf read_timeout, one value for the whole config) is
 * ignored: each ambc call has its own deadline, which it tracks in t. */
static int bio_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_unused)
{
    ambc_tls_t *t = ctx;
    size_t got = 0;
    ambc_status_t st;
    (void)timeout_unused;
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX;
    }
    st = t->lower.ops->recv(t->lower.ctx, buf, len, &got, ms_left(t));
    if (st == AMBC_OK && got <= len) {
        track_records(t, buf, got);
        return (int)got; /* 0 = orderly close; mbedTLS makes it MBEDTLS_ERR_SSL_CONN_EOF */
    }
    if (st == AMBC_ERR_NET_TIMEOUT) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    t->lower_status = st == AMBC_OK ? AMBC_ERR_NET_IO : st;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* A failed handshake whose certificate did not verify: say which check failed. Name and
 * date problems are singled out only on an otherwise trusted certificate; on an untrusted
 * one they are noise and "not trusted" is the real answer. */
static ambc_status_t verify_status(uint32_t f)
{
    const uint32_t name = MBEDTLS_X509_BADCERT_CN_MISMATCH;
    const uint32_t dates = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
    ambc_status_t st = AMBC_ERR_TLS_VERIFY;
    if ((f == 0u) || (f == UINT32_MAX) || ((f & ~(name | dates)) != 0u)) {
        st = AMBC_ERR_TLS_VERIFY;
    } else if ((f & name) != 0u) {
        st = AMBC_ERR_TLS_HOSTNAME;
    } else if ((f & MBEDTLS_X509_BADCERT_EXPIRED) != 0u) {
        st = AMBC_ERR_TLS_EXPIRED;
    } else {
        st = AMBC_ERR_TLS_NOT_YET_VALID;
    }
    return st;
}

static ambc_status_t handshake_status(const ambc_tls_t *t, int ret)
{
    uint32_t f = t->verify_flags;
    if (is_retry(ret)) {
        return AMBC_ERR_NET_TIMEOUT; /* only our bio asks to retry, and only at the deadline */
    }
    /* Some verification failures (key usage, unsupported key) come back as a handshake
     * error with the flags set, so the flags count as much as the code. */
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (f != 0u && f != UINT32_MAX)) {
        return verify_status(f);
    }
    return AMBC_ERR_TLS_HANDSHAKE;
}

/* ---- session resumption ----------------------------------------------------------------
 * The caller's session buffer: a header, then mbedtls_ssl_session_save()'s bytes.
 *   [0] SESSION_MAGIC, [1] SESSION_FORMAT, [2..3] length of the saved session (big endian),
 *   [4..35] peer key: SHA-256 of host, NUL, server name, NUL, port (2 bytes, big endian),
 *   [36..39] zero.
 * A session is offered only to the peer it was made with: resuming skips the certificate, so
 * offering it elsewhere would let a server that shares the ticket key stand in for another
 * name without proving it. */
#define SESSION_MAGIC  0xA5u
#define SESSION_FORMAT 1u
#define SESSION_KEY_AT 4u

static void make_peer_key(ambc_tls_t *t, const char *host, uint16_t port)
{
    static const unsigned char nul = 0;
    const char *name = (t->server_name != NULL) ? t->server_name : "";
    const unsigned char port_be[2] = {(unsigned char)(port >> 8), (unsigned char)port};
    mbedtls_md_context_t md;
    int ret;
    (void)memset(t->peer_key, 0, sizeof(t->peer_key));
    if (t->session != NULL) { /* no resumption: no key needed */
        mbedtls_md_init(&md);
        ret = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0);
        ret = (ret != 0) ? ret : mbedtls_md_starts(&md);
        ret = (ret != 0) ? ret : mbedtls_md_update(&md, (const unsigned char *)host, strlen(host));
        ret = (ret != 0) ? ret : mbedtls_md_update(&md, &nul, 1u);
        ret = (ret != 0) ? ret : mbedtls_md_update(&md, (const unsigned char *)name, strlen(name));
        ret = (ret != 0) ? ret : mbedtls_md_update(&md, &nul, 1u);
        ret = (ret != 0) ? ret : mbedtls_md_update(&md, port_be, sizeof(port_be));
        ret = (ret != 0) ? ret : mbedtls_md_finish(&md, t->peer_key);
        mbedtls_md_free(&md);
        if (ret != 0) {
            /* No key, no resumption: an all-zero key is never written with a session. */
            (void)memset(t->peer_key, 0, sizeof(t->peer_key));
        }
    }
}

static int key_is_zero(const uint8_t *k)
{
    uint8_t any = 0;
    size_t i;
    for (i = 0; i < 32u; i++) {
        any |= k[i];
    }
    return any == 0u;
}

void ambc_tls_forget_session(ambc_tls_t *t)
{
    if ((t != NULL) && (t->session != NULL)) {
        mbedtls_platform_zeroize(t->session, t->session_size);
    }
}

/* The saved session's length when one is held for this connection's peer, else 0. */
static size_t saved_for_peer(const ambc_tls_t *t)
{
    const uint8_t *b = t->session;
    size_t len = 0u;
    if ((b != NULL) && (t->session_size >= AMBC_TLS_SESSION_OVERHEAD) && (b[0] == SESSION_MAGIC) &&
        (b[1] == SESSION_FORMAT) && (key_is_zero(t->peer_key) == 0) &&
        (memcmp(&b[SESSION_KEY_AT], t->peer_key, sizeof(t->peer_key)) == 0)) {
        len = ((size_t)b[2] << 8) | b[3];
        if (len > (t->session_size - AMBC_TLS_SESSION_OVERHEAD)) {
            len = 0u;
        }
    }
    return len;
}

/* Offer the saved session to this handshake. Anything that stops it (no session for this
 * peer, one this mbedTLS cannot load, no memory) leaves a full handshake, which is always
 * correct; a session that cannot be loaded is dropped so it is not tried again. */
static void offer_session(ambc_tls_t *t)
{
    mbedtls_ssl_session s;
    size_t len = saved_for_peer(t);
    int ret;
    if (len != 0u) {
        mbedtls_ssl_session_init(&s);
        ret = mbedtls_ssl_session_load(&s, &t->session[AMBC_TLS_SESSION_OVERHEAD], len);
        if (ret == 0) {
            ret = mbedtls_ssl_set_session(&t->ssl, &s);
        }
        mbedtls_ssl_session_free(&s);
        if (ret != 0) {
            ambc_tls_forget_session(t);
        } else {
            t->flags |= F_OFFERED;
            t->stats.offered++;
        }
    }
}

/* mbedtls_ssl_session_save of the connection's current session. 2.x serialises it in place;
 * 3.x dropped mbedtls_ssl_get_session_pointer, so it takes a copy first. */
static int save_current(const mbedtls_ssl_context *ssl, unsigned char *buf, size_t cap, size_t *len)
{
#if !TLS_MBEDTLS_3
    const mbedtls_ssl_session *cur = mbedtls_ssl_get_session_pointer(ssl);
    return (cur != NULL) ? mbedtls_ssl_session_save(cur, buf, cap, len)
                         : MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
#else
    mbedtls_ssl_session s;
    int ret;
    mbedtls_ssl_session_init(&s);
    ret = mbedtls_ssl_get_session(ssl, &s);
    if (ret == 0) {
        ret = mbedtls_ssl_session_save(&s, buf, cap, len);
    }
    mbedtls_ssl_session_free(&s);
    return ret;
#endif
}

/* Keep the session of the handshake that just completed (or of a TLS 1.3 ticket that just
 * arrived), replacing the one before. One that does not fit is not kept. */
static void save_session(ambc_tls_t *t)
{
    uint8_t *b = t->session;
    size_t len = 0;
    int ret = -1;
    if ((b == NULL) || (key_is_zero(t->peer_key) != 0)) {
        /* no buffer, or no peer key to keep a session under */
    } else {
        ambc_tls_forget_session(t);
        if (t->session_size > AMBC_TLS_SESSION_OVERHEAD) {
            ret = save_current(&t->ssl, &b[AMBC_TLS_SESSION_OVERHEAD],
                               t->session_size - AMBC_TLS_SESSION_OVERHEAD, &len);
        }
        if ((ret != 0) || (len == 0u) || (len > 0xFFFFu)) {
            ambc_tls_forget_session(t);
            t->stats.not_saved++;
        } else {
            b[0] = SESSION_MAGIC;
            b[1] = SESSION_FORMAT;
            b[2] = (uint8_t)(len >> 8);
            b[3] = (uint8_t)len;
            (void)memcpy(&b[SESSION_KEY_AT], t->peer_key, sizeof(t->peer_key));
        }
    }
}

/* Called by mbedTLS for each certificate of the chain it verifies, so only in a full
 * handshake: that is how the port tells a resumed handshake from a full one with public
 * API only. Also applies the time floor (ambc_tls_config_t): against a floor, "not valid
 * yet" proves nothing. */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    ambc_tls_t *t = ctx;
    (void)crt;
    (void)depth;
    t->flags |= F_CERT;
    if ((t->time_is_floor != NULL) && (t->time_is_floor(t->time_ctx) != 0)) {
        *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_FUTURE;
    }
    return 0;
}

/* After a handshake: count it, keep its session, or forget an offered one that failed. */
static void handshake_done(ambc_tls_t *t, ambc_status_t st)
{
    if (st != AMBC_OK) {
        if ((t->flags & F_OFFERED) != 0u) {
            ambc_tls_forget_session(t); /* whatever went wrong, the next try is a full one */
        }
    } else {
        t->stats.handshakes++;
        if ((t->flags & (F_OFFERED | F_CERT)) == F_OFFERED) {
            t->flags |= F_RESUMED;
            t->stats.resumed++;
        }
        save_session(t);
    }
}

/* Reset the session and name the server; the configuration and buffers are kept. */
static ambc_status_t start_session(ambc_tls_t *t, const char *host)
{
    int ret;
    if (mbedtls_ssl_session_reset(&t->ssl) != 0) {
        return AMBC_ERR_TLS_SETUP;
    }
    t->rec_pos = 0u;
    t->rec_len = 0u;
    /* Always set: it is both SNI and the name verified. Without it 2.28.10+ and 3.6.3+
     * refuse to verify, and older versions would verify no name at all. */
    ret = mbedtls_ssl_set_hostname(&t->ssl, t->server_name != NULL ? t->server_name : host);
    if (ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA) {
        return AMBC_ERR_INVALID_ARG;
    }
    return ret == 0 ? AMBC_OK : AMBC_ERR_TLS_SETUP;
}

static ambc_status_t handshake(ambc_tls_t *t)
{
    int ret;
    t->lower_status = AMBC_OK;
    do {
        ret = mbedtls_ssl_handshake(&t->ssl);
    } while (is_retry(ret) && ms_left(t) > 0u);
    t->verify_flags = mbedtls_ssl_get_verify_result(&t->ssl);
    return ret == 0 ? AMBC_OK : handshake_status(t, ret);
}

/* After a fatal mbedTLS error the context must not be used again until the next connect.
 * Report the lower stream's own error when the failure came from it (a reset stays
 * AMBC_ERR_NET_CLOSED), else a TLS error. */
static ambc_status_t fail_io(ambc_tls_t *t, int ret)
{
    t->flags &= ~(unsigned)F_OPEN;
    if ((ret == MBEDTLS_ERR_NET_RECV_FAILED || ret == MBEDTLS_ERR_NET_SEND_FAILED) &&
        t->lower_status != AMBC_OK) {
        return t->lower_status;
    }
    return AMBC_ERR_TLS_IO;
}

/* The status for I/O on a stream that is not open: never connected, or broken earlier. */
static ambc_status_t not_open_status(const ambc_tls_t *t)
{
    return (t->flags & F_LOWER) != 0u ? AMBC_ERR_TLS_IO : AMBC_ERR_STATE;
}

static void tls_close(void *ctx)
{
    ambc_tls_t *t = ctx;
    if (t == NULL) {
        return;
    }
    if ((t->flags & (F_OPEN | F_EOF | F_WBROKEN)) == F_OPEN) {
        int ret;
        set_deadline(t, AMBC_TLS_CLOSE_NOTIFY_MS);
        do {
            ret = mbedtls_ssl_close_notify(&t->ssl);
        } while (is_retry(ret) && ms_left(t) > 0u);
    }
    if ((t->flags & F_LOWER) != 0u) {
        t->lower.ops->close(t->lower.ctx);
    }
    t->flags &= (unsigned)F_READY | (unsigned)F_RESUMED;
}

static ambc_status_t tls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ambc_tls_t *t = ctx;
    ambc_status_t st;
    if (t == NULL || host == NULL || host[0] == '\0') {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((t->flags & F_READY) == 0u) {
        return AMBC_ERR_STATE;
    }
    tls_close(t);
    set_deadline(t, timeout_ms);
    st = t->lower.ops->connect(t->lower.ctx, host, port, timeout_ms);
    if (st != AMBC_OK) {
        return st; /* the contract leaves the lower stream closed */
    }
    t->flags |= F_LOWER;
    t->flags &= ~((unsigned)F_OFFERED | (unsigned)F_CERT | (unsigned)F_RESUMED);
    st = start_session(t, host);
    if (st == AMBC_OK) {
        make_peer_key(t, host, port);
        offer_session(t);
        st = handshake(t);
        handshake_done(t, st);
    }
    if (st != AMBC_OK) {
        tls_close(t); /* F_OPEN is not set yet: no close_notify, just the lower close */
        return st;
    }
    t->flags |= F_OPEN;
    return AMBC_OK;
}

static ambc_status_t tls_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                              uint32_t timeout_ms)
{
    ambc_tls_t *t = ctx;
    int ret;
    if (t == NULL || data == NULL || sent == NULL || len == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *sent = 0;
    if ((t->flags & F_EOF) != 0u) {
        return AMBC_ERR_NET_CLOSED;
    }
    if ((t->flags & (F_OPEN | F_WBROKEN)) != F_OPEN) {
        return not_open_status(t);
    }
    set_deadline(t, timeout_ms);
    t->lower_status = AMBC_OK;
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX;
    }
    /* mbedTLS wants a write it could not finish repeated with the same arguments, which is
     * what this loop does while time is left. */
    do {
        ret = mbedtls_ssl_write(&t->ssl, data, len);
    } while (is_retry(ret) && ms_left(t) > 0u);
    if (ret > 0) {
        *sent = (size_t)ret;
        return AMBC_OK;
    }
    if (is_retry(ret)) {
        t->flags |= F_WBROKEN; /* the record holds these bytes; a later call could not
                                  resume it with other arguments, so sending stops here */
        return AMBC_ERR_NET_TIMEOUT;
    }
    return fail_io(t, ret);
}

/* mbedtls_ssl_read until data, an outcome, or the deadline. A session ticket (3.x) needs
 * no waiting, so it does not end the loop even when no time is left: a zero-timeout read
 * must look past it at what follows. */
static int read_record(ambc_tls_t *t, uint8_t *buf, size_t cap)
{
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
    int tickets = 0;
#endif
    int ret;
    for (;;) {
        ret = mbedtls_ssl_read(&t->ssl, buf, cap);
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET &&
            ++tickets <= MAX_TICKETS_PER_CALL) {
            save_session(t); /* TLS 1.3 sends its tickets after the handshake */
            continue;
        }
#endif
        if (!is_retry(ret) || ms_left(t) == 0u) {
            return ret;
        }
    }
}

static ambc_status_t tls_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                              uint32_t timeout_ms)
{
    ambc_tls_t *t = ctx;
    int ret;
    if (t == NULL || buf == NULL || received == NULL || cap == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    *received = 0;
    if ((t->flags & F_EOF) != 0u) {
        return AMBC_OK;
    }
    if ((t->flags & F_OPEN) == 0u) {
        return not_open_status(t);
    }
    set_deadline(t, timeout_ms);
    t->lower_status = AMBC_OK;
    if (cap > (size_t)INT_MAX) {
        cap = (size_t)INT_MAX;
    }
    ret = read_record(t, buf, cap);
    if (ret > 0) {
        *received = (size_t)ret;
        return AMBC_OK;
    }
    /* 0 is the lower stream's orderly close without close_notify (see the header for why
     * that is accepted as end of stream). */
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        t->flags |= F_EOF;
        return AMBC_OK;
    }
    if (is_retry(ret)) {
        /* With time to wait, a partial record stays buffered in mbedTLS and the next call
         * goes on with it. Asked "is anything waiting?" (timeout 0), a begun record is
         * something: not idle, and nothing to return (port.h). */
        if (timeout_ms == 0u && (t->rec_pos > 0u || mbedtls_ssl_check_pending(&t->ssl))) {
            return AMBC_ERR_TLS_IO;
        }
        return AMBC_ERR_NET_TIMEOUT;
    }
    return fail_io(t, ret);
}

static const ambc_stream_ops_t tls_ops = {tls_connect, tls_send, tls_recv, tls_close};

/* PSA first on 3.x (TLS 1.3 and USE_PSA_CRYPTO need it; repeated calls are harmless), then
 * the DRBG, seeded once from the platform's entropy sources. */
static ambc_status_t seed_rng(ambc_tls_t *t)
{
    static const unsigned char personal[] = "ambc tls client";
#if TLS_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
    if (psa_crypto_init() != PSA_SUCCESS) {
        return AMBC_ERR_TLS_SETUP;
    }
#endif
    if (mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, personal,
                              sizeof(personal) - 1u) != 0) {
        return AMBC_ERR_TLS_SETUP;
    }
    return AMBC_OK;
}

#if defined(MBEDTLS_FS_IO)
static ambc_status_t load_ca_paths(ambc_tls_t *t, const ambc_tls_config_t *cfg, int any)
{
    if (cfg->ca_file != NULL && mbedtls_x509_crt_parse_file(&t->ca, cfg->ca_file) < 0) {
        return AMBC_ERR_TLS_CA;
    }
    if (cfg->ca_dir != NULL && mbedtls_x509_crt_parse_path(&t->ca, cfg->ca_dir) < 0) {
        return AMBC_ERR_TLS_CA;
    }
    if (!any && mbedtls_x509_crt_parse_file(&t->ca, AMBC_TLS_SYSTEM_CA_FILE) < 0) {
        return AMBC_ERR_TLS_CA;
    }
    return AMBC_OK;
}
#else
static ambc_status_t load_ca_paths(ambc_tls_t *t, const ambc_tls_config_t *cfg, int any)
{
    (void)t;
    /* No file system in this mbedTLS build: only in-memory CAs can work. */
    return (cfg->ca_file != NULL || cfg->ca_dir != NULL || !any) ? AMBC_ERR_TLS_CA : AMBC_OK;
}
#endif

#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
/* The subject of a DER certificate, tag and length included (as mbedTLS's issuer_raw is), found
 * by walking TBSCertificate: [0] version, serial, signature, issuer, validity, subject. */
static int der_subject(const unsigned char *p, size_t len, const unsigned char **subj,
                       size_t *subj_len)
{
    const unsigned char *end = p + len;
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    const int skip[4] = {MBEDTLS_ASN1_INTEGER, seq, seq, seq}; /* serial .. validity */
    size_t n;
    int i;
    if (mbedtls_asn1_get_tag((unsigned char **)&p, end, &n, seq) != 0 ||
        mbedtls_asn1_get_tag((unsigned char **)&p, end, &n, seq) != 0) {
        return -1;
    }
    end = p + n;
    if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED)) {
        if (mbedtls_asn1_get_tag((unsigned char **)&p, end, &n, *p) != 0) {
            return -1;
        }
        p += n;
    }
    for (i = 0; i < 4; i++) {
        if (mbedtls_asn1_get_tag((unsigned char **)&p, end, &n, skip[i]) != 0) {
            return -1;
        }
        p += n;
    }
    *subj = p;
    if (mbedtls_asn1_get_tag((unsigned char **)&p, end, &n, seq) != 0) {
        return -1;
    }
    *subj_len = (size_t)(p - *subj) + n;
    return 0;
}

/* Add cert (DER) to *list when its subject is, byte for byte, the issuer mbedTLS looks for. */
static int add_if_issuer(mbedtls_x509_crt **list, const mbedtls_x509_buf *issuer,
                         const unsigned char *der, size_t len)
{
    const unsigned char *subj = NULL;
    size_t subj_len = 0;
    if (der_subject(der, len, &subj, &subj_len) != 0 || subj_len != issuer->len ||
        memcmp(subj, issuer->p, subj_len) != 0) {
        return 0;
    }
    if (*list == NULL) {
        *list = mbedtls_calloc(1, sizeof(**list));
        if (*list == NULL) {
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        }
        mbedtls_x509_crt_init(*list);
    }
    (void)mbedtls_x509_crt_parse_der_nocopy(*list, der, len); /* parsed once at init */
    return 0;
}

/* mbedTLS's trusted-CA callback: the candidate roots for one certificate of the chain, parsed
 * now and freed by mbedTLS after the verification. So only the root that signs the chain is
 * ever parsed into the heap, and only while it is needed: the arena cost of a root list no
 * longer grows with the list. */
static int ca_candidates(void *ctx, mbedtls_x509_crt const *child, mbedtls_x509_crt **out)
{
    const ambc_tls_t *t = ctx;
    const mbedtls_x509_crt *c;
    size_t i;
    int ret = 0;
    *out = NULL;
    for (i = 0; ret == 0 && i < t->ca_der_count; i++) {
        ret = add_if_issuer(out, &child->issuer_raw, t->ca_der[i].der, t->ca_der[i].len);
    }
    for (c = &t->ca; ret == 0 && c != NULL && c->raw.p != NULL; c = c->next) {
        ret = add_if_issuer(out, &child->issuer_raw, c->raw.p, c->raw.len);
    }
    if (*out != NULL && (ret != 0 || (*out)->raw.p == NULL)) {
        mbedtls_x509_crt_free(*out);
        mbedtls_free(*out);
        *out = NULL;
    }
    return ret;
}
#endif

/* Roots compiled into flash: parsed where they are (no copy). Unlike a bundle, every entry
 * must parse: a root the build cannot use (an RSA root without MBEDTLS_RSA_C) is a
 * configuration error to find at start-up, not a server that can never be reached later.
 * With MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK they are only checked here, and parsed again
 * at each verification, one at a time (ca_candidates). */
static ambc_status_t load_ca_der(ambc_tls_t *t, const ambc_tls_config_t *cfg)
{
    size_t n = (cfg->ca_der != NULL) ? cfg->ca_der_count : 0u;
    size_t i;
    int ret = 0;
    for (i = 0; (ret == 0) && (i < n); i++) {
        const ambc_tls_der_t *d = &cfg->ca_der[i];
        mbedtls_x509_crt one;
        ret = -1;
        if ((d->der != NULL) && (d->len != 0u)) {
#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
            mbedtls_x509_crt_init(&one);
            ret = mbedtls_x509_crt_parse_der_nocopy(&one, d->der, d->len);
            mbedtls_x509_crt_free(&one);
#else
            (void)one;
            ret = mbedtls_x509_crt_parse_der_nocopy(&t->ca, d->der, d->len);
#endif
        }
    }
    t->ca_der = cfg->ca_der;
    t->ca_der_count = n;
    return (ret == 0) ? AMBC_OK : AMBC_ERR_TLS_CA;
}

/* A positive parse result counts certificates that were skipped (a bundle with a few
 * unsupported entries); that is fine as long as at least one certificate was loaded. */
static ambc_status_t load_cas(ambc_tls_t *t, const ambc_tls_config_t *cfg)
{
    /* A hook supplies trust of its own: then no CA source is needed, nor the system bundle. */
    int any = (cfg->ca_file != NULL) || (cfg->ca_dir != NULL) || (cfg->ca_pem != NULL) ||
              (cfg->ca_der != NULL) || (cfg->conf_hook != NULL);
    ambc_status_t st = AMBC_OK;
    if ((cfg->ca_pem != NULL) &&
        (mbedtls_x509_crt_parse(&t->ca, cfg->ca_pem, cfg->ca_pem_len) < 0)) {
        st = AMBC_ERR_TLS_CA;
    }
    if (st == AMBC_OK) {
        st = load_ca_der(t, cfg);
    }
    if (st == AMBC_OK) {
        st = load_ca_paths(t, cfg, any);
    }
    if ((st == AMBC_OK) && (t->ca.raw.p == NULL) && (t->ca_der_count == 0u) &&
        (cfg->conf_hook == NULL)) {
        st = AMBC_ERR_TLS_CA;
    }
    return st;
}

static void require_tls12(mbedtls_ssl_config *conf)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/* The application's hook (ambc_tls_conf_hook_fn), once, on the finished configuration; then
 * what no hook may lower is set again. */
static ambc_status_t run_conf_hook(ambc_tls_t *t, const ambc_tls_config_t *cfg)
{
    ambc_status_t st;
    if (cfg->conf_hook == NULL) {
        return AMBC_OK;
    }
    st = cfg->conf_hook(cfg->conf_hook_ctx, &t->conf);
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    require_tls12(&t->conf);
    return st;
}

static ambc_status_t setup_ssl(ambc_tls_t *t, const ambc_tls_config_t *cfg)
{
    ambc_status_t st;
    if (mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        return AMBC_ERR_TLS_SETUP;
    }
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    /* No CA chain when a hook alone supplies the trust; a chain the hook sets replaces both. */
#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
    if (t->ca_der_count > 0u) {
        mbedtls_ssl_conf_ca_cb(&t->conf, ca_candidates, t); /* every CA source, one at a time */
    } else if (t->ca.raw.p != NULL) {
        mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    }
#else
    if (t->ca.raw.p != NULL) {
        mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    }
#endif
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
    require_tls12(&t->conf);
    st = run_conf_hook(t, cfg);
    if (st != AMBC_OK) {
        return st;
    }
    if (mbedtls_ssl_setup(&t->ssl, &t->conf) != 0) {
        return AMBC_ERR_TLS_SETUP;
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, NULL, bio_recv);
    /* On the context, not the configuration: it tells full handshakes from resumed ones. */
    mbedtls_ssl_set_verify(&t->ssl, verify_cb, t);
    return AMBC_OK;
}

ambc_status_t ambc_tls_init(ambc_tls_t *t, const ambc_stream_t *lower, const ambc_tls_config_t *cfg)
{
    ambc_status_t st;
    if (t == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    /* Every context initialised first, so ambc_tls_free is safe whatever happens next. */
    memset(t, 0, sizeof(*t));
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_ctr_drbg_init(&t->drbg);
    mbedtls_entropy_init(&t->entropy);
    mbedtls_x509_crt_init(&t->ca);
    t->verify_flags = UINT32_MAX;
    if (lower == NULL || lower->ops == NULL || cfg == NULL || cfg->clock == NULL ||
        ((cfg->ca_pem != NULL) && (cfg->ca_pem_len == 0u)) ||
        ((cfg->ca_der != NULL) && (cfg->ca_der_count == 0u)) ||
        ((cfg->session != NULL) && (cfg->session_size == 0u))) {
        ambc_tls_free(t);
        return AMBC_ERR_INVALID_ARG;
    }
    t->lower = *lower;
    t->clock = cfg->clock;
    t->server_name = cfg->server_name;
    t->session = cfg->session;
    t->session_size = cfg->session_size;
    t->time_is_floor = cfg->time_is_floor;
    t->time_ctx = cfg->time_ctx;
    ambc_tls_forget_session(t); /* whatever the memory held: no session yet */
    st = seed_rng(t);
    if (st == AMBC_OK) {
        st = load_cas(t, cfg);
    }
    if (st == AMBC_OK) {
        st = setup_ssl(t, cfg);
    }
    if (st != AMBC_OK) {
        ambc_tls_free(t);
        return st;
    }
    t->flags = F_READY;
    return AMBC_OK;
}

ambc_stream_t ambc_tls_stream(ambc_tls_t *t)
{
    ambc_stream_t s;
    s.ops = &tls_ops;
    s.ctx = t;
    return s;
}

uint32_t ambc_tls_verify_flags(const ambc_tls_t *t)
{
    return (t != NULL) ? t->verify_flags : UINT32_MAX;
}

ambc_tls_stats_t ambc_tls_stats(const ambc_tls_t *t)
{
    static const ambc_tls_stats_t none = {0};
    ambc_tls_stats_t st = (t != NULL) ? t->stats : none;
    const uint8_t *b = (t != NULL) ? t->session : NULL;
    st.session_bytes = 0u;
    if ((b != NULL) && (t->session_size >= AMBC_TLS_SESSION_OVERHEAD) && (b[0] == SESSION_MAGIC)) {
        st.session_bytes = AMBC_TLS_SESSION_OVERHEAD + (((uint32_t)b[2] << 8) | b[3]);
    }
    return st;
}

int ambc_tls_resumed(const ambc_tls_t *t)
{
    return (t != NULL) && ((t->flags & F_RESUMED) != 0u);
}

void ambc_tls_free(ambc_tls_t *t)
{
    if (t == NULL) {
        return;
    }
    tls_close(t);
    ambc_tls_forget_session(t);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_ctr_drbg_free(&t->drbg);
    mbedtls_entropy_free(&t->entropy);
    mbedtls_x509_crt_free(&t->ca);
    t->flags = 0;
}
