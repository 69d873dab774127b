/*
 * Downloading a batch's results (see ambc_batches_results in include/ambc/results.h): the
 * batch's results_url checked against the client's own origin, one GET with the SDKs' accept
 * header and retry policy, the body into the line mapper, and the resume: a download cut midway
 * is read again from its first byte, the bytes delivered before are hashed (not handed over
 * again) and must hash as they did, and the line the cut was in is parsed again quietly.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "client_internal.h"
#include "results_internal.h"

#if defined(CONFIG_AMBC_OP_RESULTS) /* Kconfig feature switch: off, none of this exists */

/* A running hash of the body, 8 bytes at a time whatever the slicing (a multiply-rotate chain:
 * each step is a bijection of the state, so one changed word always changes the result). */
typedef struct {
    uint64_t h;
    uint64_t acc; /* bytes not yet mixed, the first in the low bits */
    uint8_t n;    /* how many */
} rhash_t;

#define HASH_SEED 0x243F6A8885A308D3u
#define HASH_MUL  0x9E3779B97F4A7C15u

static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH_MUL;
    return (h << 31) | (h >> 33);
}

static void rhash_update(rhash_t *r, const uint8_t *d, size_t n)
{
    while (n > 0 && (r->n != 0 || n < 8)) {
        r->acc |= (uint64_t)*d++ << (8u * r->n);
        n--;
        if (++r->n == 8) {
            r->h = mix(r->h, r->acc);
            r->acc = 0;
            r->n = 0;
        }
    }
    for (; n >= 8; d += 8, n -= 8) {
        uint64_t w = (uint64_t)d[0] | (uint64_t)d[1] << 8 | (uint64_t)d[2] << 16 |
                     (uint64_t)d[3] << 24 | (uint64_t)d[4] << 32 | (uint64_t)d[5] << 40 |
                     (uint64_t)d[6] << 48 | (uint64_t)d[7] << 56;
        r->h = mix(r->h, w);
    }
    while (n > 0) {
        r->acc |= (uint64_t)*d++ << (8u * r->n);
        r->n++;
        n--;
    }
}

static bool rhash_equal(const rhash_t *a, const rhash_t *b)
{
    return a->h == b->h && a->acc == b->acc && a->n == b->n;
}

/* The download's state, on the stack of the call: what was delivered survives the attempts. */
typedef struct {
    const ambc_results_params_t *p;
    uint64_t off;        /* this attempt: body bytes read */
    rhash_t hash;        /* this attempt: their hash */
    bool checked;        /* this attempt: its first `done` bytes hash as delivered */
    uint64_t done;       /* bytes delivered, over all attempts */
    rhash_t done_hash;   /* their hash */
    uint64_t line_start; /* where the line in progress at `done` began */
    uint32_t line;       /* its number */
    uint32_t err_line;   /* the line of the parser's failure, 0: none */
} fetch_t;

static ambc_results_parser_t *parser(ambc_client_t *c)
{
    return &c->body.results;
}

static void body_begin(ambc_client_t *c, void *ctx)
{
    fetch_t *f = (fetch_t *)ctx;
    ambc_results_parser_init(parser(c), &f->p->handler);
    f->off = 0;
    f->hash.h = HASH_SEED;
    f->hash.acc = 0;
    f->hash.n = 0;
    f->checked = f->done == 0;
    f->err_line = 0;
    if (f->done > 0) {
        LOG(c, AMBC_LOG_INFO, "results resume", "", f->done, AMBC_OK);
    }
}

static ambc_status_t parser_failed(fetch_t *f, ambc_client_t *c, ambc_status_t st)
{
    f->err_line = ambc_results_parser_error_line(parser(c));
    return st;
}

/* Before anything new is delivered: the bytes read again are the ones delivered before. */
static ambc_status_t check_prefix(fetch_t *f, ambc_client_t *c)
{
    if (f->checked) {
        return AMBC_OK;
    }
    if (f->off < f->done || !rhash_equal(&f->hash, &f->done_hash)) {
        LOG(c, AMBC_LOG_ERROR, "results changed", "", f->off, AMBC_ERR_RESULTS_CHANGED);
        return AMBC_ERR_RESULTS_CHANGED;
    }
    f->checked = true;
    return AMBC_OK;
}

/* Bytes delivered before: whole lines only hashed, the cut line parsed again without a
 * callback (a parse error there means the bytes changed: they parsed the first time). */
static size_t replay(fetch_t *f, ambc_client_t *c, const uint8_t *data, size_t len,
                     ambc_status_t *st)
{
    ambc_results_parser_t *p = parser(c);
    uint64_t until = f->off < f->line_start ? f->line_start : f->done;
    size_t n = until - f->off < len ? (size_t)(until - f->off) : len;
    rhash_update(&f->hash, data, n);
    if (f->off < f->line_start) {
        f->off += n;
        if (f->off == f->line_start) {
            results_parser_restart(p, f->off, f->line);
            c->stats.resumed += f->line - 1u;
        }
        return n;
    }
    p->quiet = true;
    *st = ambc_results_parser_feed(p, data, n);
    p->quiet = false;
    f->off += n;
    if (*st != AMBC_OK) {
        LOG(c, AMBC_LOG_ERROR, "results changed", "", f->off, *st);
        *st = AMBC_ERR_RESULTS_CHANGED;
    }
    return n;
}

static ambc_status_t body_feed(ambc_client_t *c, void *ctx, const uint8_t *data, size_t len)
{
    fetch_t *f = (fetch_t *)ctx;
    ambc_results_parser_t *p = parser(c);
    ambc_status_t st = AMBC_OK;
    while (st == AMBC_OK && len > 0 && f->off < f->done) {
        size_t n = replay(f, c, data, len, &st);
        data += n;
        len -= n;
    }
    if (st != AMBC_OK || len == 0 || (st = check_prefix(f, c)) != AMBC_OK) {
        return st;
    }
    rhash_update(&f->hash, data, len);
    st = ambc_results_parser_feed(p, data, len);
    if (st != AMBC_OK) {
        return parser_failed(f, c, st);
    }
    if (f->p->on_bytes != NULL && (st = f->p->on_bytes(f->p->bytes_ctx, data, len)) != AMBC_OK) {
        return st;
    }
    f->off += len;
    f->done = f->off;
    f->done_hash = f->hash;
    f->line_start = p->line_start;
    f->line = p->line;
    return AMBC_OK;
}

static ambc_status_t body_finish(ambc_client_t *c, void *ctx)
{
    fetch_t *f = (fetch_t *)ctx;
    ambc_status_t st = check_prefix(f, c); /* a file shorter than what was delivered, too */
    if (st == AMBC_OK && (st = ambc_results_parser_finish(parser(c))) != AMBC_OK) {
        return parser_failed(f, c, st);
    }
    return st;
}

static const char *body_error_field(const ambc_client_t *c, void *ctx)
{
    (void)ctx;
    return ambc_results_parser_error_field(&c->body.results);
}

static const client_body_t results_body = {body_begin, body_feed, body_finish, body_error_field};

/* ---- results_url -------------------------------------------------------------------------- */

static bool same_nocase(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') {
            x = (unsigned char)(x + 32);
        }
        if (y >= 'A' && y <= 'Z') {
            y = (unsigned char)(y + 32);
        }
        if (x != y || y == '\0') {
            return false;
        }
    }
    return true;
}

/* ":port" (digits, or none: 443) equal to the client's. */
static bool same_port(const char *s, size_t n, uint16_t port)
{
    uint32_t v = 0;
    size_t i;
    if (n == 0) {
        return port == 443;
    }
    if (s[0] != ':' || n > 6) {
        return false;
    }
    for (i = 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10u + (uint32_t)(s[i] - '0');
    }
    return (n == 1 ? 443u : v) == port;
}

/* The authority (alen bytes) names the client's host and port; an IPv6 literal configured bare
 * matches its bracketed form. Names are compared, not addresses: `localhost` is not
 * `127.0.0.1` here, which only ever refuses. */
static bool same_origin(const ambc_client_t *c, const char *authority, size_t alen)
{
    const char *host = c->opt.host;
    size_t host_len = strlen(host);
    size_t b = (authority[0] == '[' && host[0] != '[') ? (size_t)1 : (size_t)0; /* a '[' first */
    if (alen < host_len + 2u * b || !same_nocase(authority + b, host, host_len) ||
        (b != 0u && authority[host_len + 1u] != ']')) {
        return false;
    }
    return same_port(authority + host_len + 2u * b, alen - host_len - 2u * b, c->opt.port);
}

/* A path ambc can send as it is: visible ASCII, no query or fragment. */
static bool plain_path(const char *p)
{
    for (; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x21u || (unsigned char)*p > 0x7Eu || *p == '?' || *p == '#') {
            return false;
        }
    }
    return true;
}

/* The path of url when it is the https scheme, the client's host and port, and a plain path;
 * else why not. */
static ambc_status_t results_path(const ambc_client_t *c, const char *url, const char **path)
{
    const char *authority;
    size_t alen;
    /* "https:/" "/": the two slashes apart, or a MISRA checker reads a comment (rule 3.1) */
    if (!same_nocase(url,
                     "https:/"
                     "/",
                     8)) {
        return strstr(url, ":/"
                           "/") != NULL
                   ? AMBC_ERR_RESULTS_ORIGIN
                   : AMBC_ERR_RESULTS_URL;
    }
    authority = url + 8;
    alen = strcspn(authority, "/?#");
    *path = authority + alen;
    if (memchr(authority, '@', alen) != NULL || **path != '/') {
        return AMBC_ERR_RESULTS_URL; /* user info (never sent anywhere), or no path */
    }
    if (!same_origin(c, authority, alen)) {
        return AMBC_ERR_RESULTS_ORIGIN;
    }
    return plain_path(*path) ? AMBC_OK : AMBC_ERR_RESULTS_URL;
}

/* ---- the call ------------------------------------------------------------------------------ */

static ambc_status_t download(ambc_client_t *c, const ambc_batch_t *b, fetch_t *f)
{
    client_call_t call = {.method = "GET",
                          .content_length = -1,
                          .accept = "application/binary",
                          .body = &results_body};
    ambc_status_t st;
    if (b->results_url[0] == '\0') {
        LOG(c, AMBC_LOG_ERROR, "results not ready", b->status_text, 0, AMBC_ERR_RESULTS_NOT_READY);
        return AMBC_ERR_RESULTS_NOT_READY; /* no results_url: nothing to ask for */
    }
    st = results_path(c, b->results_url, &call.path);
    if (st != AMBC_OK) {
        LOG(c, AMBC_LOG_ERROR, "results_url refused", "", 0, st);
        return st;
    }
    LOG(c, AMBC_LOG_INFO, "results", call.path, 0, AMBC_OK);
    call.ctx = f;
    call.total_ms = f->p->timeout_ms != 0 ? f->p->timeout_ms : CONFIG_AMBC_RESULTS_TIMEOUT_MS;
    c->err_field = NULL;
    st = client_request(c, &call);
    c->err_index = f->err_line != 0 ? f->err_line : UINT32_MAX;
    return st;
}

static ambc_status_t results(ambc_client_t *c, const char *id, const ambc_results_params_t *p)
{
    fetch_t f;
    ambc_status_t st;
    memset(&f, 0, sizeof(f));
    f.p = p;
    f.line = 1;
    c->err_index = UINT32_MAX;
    if (p->batch != NULL) {
        return download(c, p->batch, &f);
    }
    /* into the client's own record, which nothing else writes while the results come */
    st = client_retrieve(c, id, &c->record);
    return st == AMBC_OK ? download(c, &c->record, &f) : st;
}

ambc_status_t ambc_batches_results(ambc_client_t *c, const char *id, const ambc_results_params_t *p)
{
    ambc_status_t st;
    if (c == NULL || p == NULL || (p->batch == NULL && !client_valid_id(id))) {
        return AMBC_ERR_INVALID_ARG;
    }
    st = client_enter(c);
    if (st != AMBC_OK) {
        return st;
    }
    c->call_deadline = 0;
    return client_leave(c, results(c, id, p));
}

#endif /* CONFIG_AMBC_OP_RESULTS */
