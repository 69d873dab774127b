/*
 * The client: builds requests, runs one exchange over the port's stream, routes the body to
 * the page parser or the error parser, and walks pages (see include/ambc/ambc.h).
 */
#include <string.h>

#include "ambc/ambc.h"
#include "http_encode.h"

#define BATCHES_PATH "/v1/messages/batches"
#define MAX_HEADERS  9
#define MAX_QUERY    4

/* Levels above CONFIG_AMBC_LOG_LEVEL vanish at compile time; the rest share one call. */
#define LOG(c, level, event, text, num)                                                            \
    do {                                                                                           \
        if ((level) <= CONFIG_AMBC_LOG_LEVEL) {                                                    \
            log_event((c), (level), (event), (text), (int64_t)(num));                              \
        }                                                                                          \
    } while (0)

static void log_event(const ambc_client_t *c, ambc_log_level_t level, const char *event,
                      const char *text, int64_t num)
{
    if (c->opt.log != NULL) {
        c->opt.log(c->opt.log_ctx, level, event, text, num);
    }
}

/* Wipe memory that held the API key in a way the compiler may not drop. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) {
        *v++ = 0;
    }
}

static bool has_crlf(const char *s)
{
    return s != NULL && strpbrk(s, "\r\n") != NULL;
}

ambc_status_t ambc_client_init(ambc_client_t *c, const ambc_client_options_t *opt,
                               ambc_stream_t stream, const ambc_clock_t *clock)
{
    if (c == NULL || opt == NULL || stream.ops == NULL || clock == NULL || opt->api_key == NULL ||
        opt->api_key[0] == '\0' || has_crlf(opt->api_key) || has_crlf(opt->anthropic_version) ||
        has_crlf(opt->extra_betas) || has_crlf(opt->workspace_id) || has_crlf(opt->host)) {
        return AMBC_ERR_INVALID_ARG;
    }
    memset(c, 0, offsetof(ambc_client_t, body));
    c->opt = *opt;
    if (c->opt.host == NULL) {
        c->opt.host = AMBC_DEFAULT_HOST;
    }
    if (c->opt.port == 0) {
        c->opt.port = 443;
    }
    if (c->opt.anthropic_version == NULL) {
        c->opt.anthropic_version = AMBC_DEFAULT_VERSION;
    }
    if (c->opt.connect_timeout_ms == 0) {
        c->opt.connect_timeout_ms = CONFIG_AMBC_CONNECT_TIMEOUT_MS;
    }
    if (c->opt.io_timeout_ms == 0) {
        c->opt.io_timeout_ms = CONFIG_AMBC_IO_TIMEOUT_MS;
    }
    if (c->opt.total_timeout_ms == 0) {
        c->opt.total_timeout_ms = CONFIG_AMBC_TOTAL_TIMEOUT_MS;
    }
    if (c->opt.max_retries == 0) {
        c->opt.max_retries = CONFIG_AMBC_MAX_RETRIES;
    } else if (c->opt.max_retries == AMBC_RETRIES_NONE) {
        c->opt.max_retries = 0;
    }
    if (c->opt.retry_initial_ms == 0) {
        c->opt.retry_initial_ms = CONFIG_AMBC_RETRY_INITIAL_MS;
    }
    if (c->opt.retry_max_ms == 0) {
        c->opt.retry_max_ms = CONFIG_AMBC_RETRY_MAX_MS;
    }
    if (c->opt.retry_after_cap_ms == 0) {
        c->opt.retry_after_cap_ms = CONFIG_AMBC_RETRY_AFTER_CAP_MS;
    }
    c->stream = stream;
    c->clock = clock;
    return AMBC_OK;
}

static void disconnect(ambc_client_t *c)
{
    if (c->connected) {
        LOG(c, AMBC_LOG_DEBUG, "close", "", 0);
        c->stream.ops->close(c->stream.ctx);
        c->connected = false;
    }
}

ambc_status_t ambc_client_close(ambc_client_t *c)
{
    if (c == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (c->busy) {
        return AMBC_ERR_BUSY; /* from a callback: the response in flight still needs it */
    }
    disconnect(c);
    return AMBC_OK;
}

const ambc_api_error_t *ambc_client_last_error(const ambc_client_t *c)
{
    return &c->error;
}

const char *ambc_client_error_field(const ambc_client_t *c)
{
    return c->err_field;
}

ambc_client_stats_t ambc_client_stats(const ambc_client_t *c)
{
    return c->stats;
}

/* ---- one exchange ------------------------------------------------------------------- */

/* Milliseconds left before the request's deadline, capped at limit (0: passed). */
static uint32_t time_left(const ambc_client_t *c, uint32_t limit)
{
    uint64_t now = c->clock->now_ms(c->clock->ctx);
    uint64_t left = now < c->deadline ? c->deadline - now : 0;
    return left < limit ? (uint32_t)left : limit;
}

/* A port call that ran out of time because the deadline capped its wait: the deadline is the
 * cause, and no retry can help (the SDKs' total timeout says the same). */
static ambc_status_t past_deadline(const ambc_client_t *c, ambc_status_t st)
{
    return st == AMBC_ERR_NET_TIMEOUT && time_left(c, 1) == 0 ? AMBC_ERR_DEADLINE : st;
}

/* Between the page parser and the caller: skips, by id, records a failed attempt of the
 * same page already handed over, and remembers the last one handed over. */
static ambc_status_t deliver(void *ctx, const ambc_batch_t *b)
{
    ambc_client_t *c = (ambc_client_t *)ctx;
    ambc_status_t st;
    if (c->skip_until[0] != '\0') {
        c->stats.resumed++;
        if (strcmp(b->id, c->skip_until) == 0) {
            LOG(c, AMBC_LOG_INFO, "resume", c->skip_until, c->stats.resumed);
            c->skip_until[0] = '\0'; /* caught up: the next record is new */
        }
        return AMBC_OK;
    }
    st = c->on_batch(c->on_batch_ctx, b);
    if (st == AMBC_OK) {
        memcpy(c->last_delivered, b->id, strlen(b->id) + 1);
    }
    return st;
}

/* Any status but 2xx: the body goes to the error parser. */
static bool body_is_error(const ambc_http_response_t *resp)
{
    return resp->status < 200 || resp->status > 299;
}

static ambc_status_t on_headers(void *ctx, const ambc_http_response_t *resp)
{
    ambc_client_t *c = (ambc_client_t *)ctx;
    LOG(c, AMBC_LOG_INFO, "response", resp->request_id, resp->status);
    c->got_headers = true;
    if (body_is_error(resp)) {
        ambc_api_error_parser_init(&c->body.error, &c->error, resp->status, resp->request_id,
                                   resp->request_id_truncated);
    } else {
        ambc_page_parser_init(&c->body.page, (ambc_page_mode_t)c->mode, c->page, &c->record,
                              deliver, c);
    }
    return AMBC_OK;
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    ambc_client_t *c = (ambc_client_t *)ctx;
    if (body_is_error(&c->resp)) {
        ambc_api_error_parser_feed(&c->body.error, data, len);
        return AMBC_OK;
    }
    return ambc_page_parser_feed(&c->body.page, data, len);
}

static const ambc_http_callbacks_t callbacks = {on_headers, on_body};

/* The body is complete: the page's own verdict, or the API error. */
static ambc_status_t finish_body(ambc_client_t *c)
{
    if (body_is_error(&c->resp)) {
        ambc_api_error_parser_finish(&c->body.error);
        return AMBC_ERR_API;
    }
    return ambc_page_parser_finish(&c->body.page);
}

/* Read and parse until the response is complete. AMBC_ERR_NET_CLOSED with no response
 * byte received means the server dropped the connection before answering. */
static ambc_status_t read_response(ambc_client_t *c)
{
    while (!ambc_http_response_done(&c->resp)) {
        size_t n = 0;
        uint32_t wait = time_left(c, c->opt.io_timeout_ms);
        ambc_status_t st;
        if (wait == 0) {
            return AMBC_ERR_DEADLINE;
        }
        st = past_deadline(c, c->stream.ops->recv(c->stream.ctx, c->rx, sizeof(c->rx), &n, wait));
        if (st == AMBC_OK && n == 0) { /* orderly close: ends a close-framed body */
            st = ambc_http_response_finish(&c->resp);
            if (st != AMBC_OK && !ambc_http_response_started(&c->resp)) {
                st = AMBC_ERR_NET_CLOSED;
            }
            disconnect(c);
            return st == AMBC_OK ? finish_body(c) : st;
        }
        if (st == AMBC_OK) {
            st = ambc_http_response_feed(&c->resp, c->rx, n);
        }
        if (st != AMBC_OK) {
            return st;
        }
    }
    return finish_body(c);
}

static ambc_status_t connect_stream(ambc_client_t *c)
{
    uint32_t wait = time_left(c, c->opt.connect_timeout_ms);
    ambc_status_t st = AMBC_ERR_DEADLINE;
    LOG(c, AMBC_LOG_INFO, "connect", c->opt.host, c->opt.port);
    if (wait != 0) {
        st =
            past_deadline(c, c->stream.ops->connect(c->stream.ctx, c->opt.host, c->opt.port, wait));
    }
    if (st == AMBC_OK) {
        c->connected = true;
        c->stats.connects++;
    }
    return st;
}

/* Before a kept-alive connection carries another request: anything already waiting on it
 * (bytes after the last response, the server's close, an error) belongs to no request, and
 * would be read as this request's response. A zero-timeout recv tells (port.h). */
static bool still_idle(ambc_client_t *c)
{
    size_t n = 0;
    ambc_status_t st = c->stream.ops->recv(c->stream.ctx, c->rx, sizeof(c->rx), &n, 0);
    if (st == AMBC_ERR_NET_TIMEOUT) {
        return true;
    }
    LOG(c, AMBC_LOG_INFO, "stale", st == AMBC_OK && n > 0 ? "bytes waiting" : ambc_strerror(st), n);
    c->stats.idle_dropped++;
    disconnect(c);
    return false;
}

/* The failure of an attempt on a connection kept alive from an earlier request, before any
 * byte of its response arrived: the server (or a NAT, a load balancer) had closed it. */
static bool stale_failure(const ambc_client_t *c, ambc_status_t st)
{
    return !ambc_http_response_started(&c->resp) &&
           (st == AMBC_ERR_NET_CLOSED || st == AMBC_ERR_NET_IO || st == AMBC_ERR_TLS_IO);
}

/* Send the request in c->request and read the answer. A connection kept alive from an
 * earlier request is checked first, and if it fails before any response byte arrived (the
 * send included) the request goes once more on a new connection: neither costs a retry. */
static ambc_status_t exchange(ambc_client_t *c, size_t len)
{
    ambc_status_t st = AMBC_OK;
    int attempt;
    for (attempt = 0; attempt < 2; attempt++) {
        bool reused = c->connected && still_idle(c);
        if (!c->connected && (st = connect_stream(c)) != AMBC_OK) {
            break;
        }
        /* this attempt's state only: a failed send must not see the last response */
        ambc_http_response_init(&c->resp, &callbacks, c);
        c->got_headers = false;
        c->stats.requests++;
        st =
            past_deadline(c, ambc_stream_send_all(&c->stream, c->clock, (const uint8_t *)c->request,
                                                  len, time_left(c, c->opt.io_timeout_ms)));
        if (st == AMBC_OK) {
            st = read_response(c);
        }
        if (st == AMBC_OK || st == AMBC_ERR_API || !reused || !stale_failure(c, st)) {
            break;
        }
        disconnect(c); /* stale keep-alive connection: once more on a new one */
        c->stats.reconnects++;
    }
    wipe(c->request, len);
    if ((st != AMBC_OK && st != AMBC_ERR_API) || !c->resp.keep_alive) {
        disconnect(c); /* after any other error the stream is in an unknown state */
    }
    return st;
}

/* ---- requests ----------------------------------------------------------------------- */

/* Header values that must be composed. Lives on the stack of one request; `auth` holds the
 * key for a bearer header and is wiped as soon as the request is written. */
typedef struct {
    ambc_http_field_t headers[MAX_HEADERS];
    char host[96];
    char beta[96];
    char auth[7 + CONFIG_AMBC_API_KEY_MAX];
} head_t;

/* Concatenates n strings into dst (cap bytes), NUL-terminated; false when they do not fit.
 * One copy loop for the bearer value, the Host value and the beta list. */
static bool join(char *dst, size_t cap, const char *const *parts, size_t n)
{
    size_t used = 0, i;
    for (i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        if (len >= cap - used) {
            return false;
        }
        memcpy(dst + used, parts[i], len + 1);
        used += len;
    }
    return true;
}

/* "Bearer KEY" for the authorization header, or the key itself for x-api-key. */
static ambc_status_t key_value(const ambc_client_t *c, head_t *h, const char **value)
{
    const char *parts[2] = {"Bearer ", c->opt.api_key};
    if (c->opt.key_header != AMBC_KEY_BEARER) {
        *value = c->opt.api_key;
        return AMBC_OK;
    }
    /* h->auth holds "Bearer " and a key of up to CONFIG_AMBC_API_KEY_MAX - 1 bytes */
    if (!join(h->auth, sizeof(h->auth), parts, 2)) {
        return AMBC_ERR_INVALID_ARG;
    }
    *value = h->auth;
    return AMBC_OK;
}

static ambc_status_t build_headers(const ambc_client_t *c, head_t *h, size_t *n)
{
    const ambc_client_options_t *o = &c->opt;
    size_t k = 0;
    const char *key;
    ambc_status_t st = key_value(c, h, &key);
    if (st != AMBC_OK) {
        return st;
    }
    h->headers[k++] =
        (ambc_http_field_t){o->key_header == AMBC_KEY_BEARER ? "authorization" : "x-api-key", key};
    h->headers[k++] = (ambc_http_field_t){"anthropic-version", o->anthropic_version};
    h->headers[k++] = (ambc_http_field_t){"accept", "application/json"};
    h->headers[k++] = (ambc_http_field_t){"user-agent", AMBC_USER_AGENT};
    if (o->beta || o->extra_betas != NULL) {
        /* "message-batches-2024-09-24[,extra]" or "extra": one header, as the SDKs join them */
        const char *parts[3] = {o->beta ? AMBC_BATCHES_BETA : "",
                                o->beta && o->extra_betas != NULL ? "," : "",
                                o->extra_betas != NULL ? o->extra_betas : ""};
        if (!join(h->beta, sizeof(h->beta), parts, 3)) {
            return AMBC_ERR_BUFFER_TOO_SMALL;
        }
        h->headers[k++] = (ambc_http_field_t){"anthropic-beta", h->beta};
    }
    if (o->workspace_id != NULL) {
        h->headers[k++] = (ambc_http_field_t){"anthropic-workspace-id", o->workspace_id};
    }
    *n = k;
    return AMBC_OK;
}

/* v in decimal into out (at least 11 bytes), NUL-terminated; returns the length. */
static size_t format_u32(uint32_t v, char *out)
{
    char rev[10];
    size_t d = 0, i;
    do {
        rev[d++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v > 0);
    for (i = 0; i < d; i++) {
        out[i] = rev[d - 1 - i];
    }
    out[d] = '\0';
    return d;
}

/* Host header: the name, with the port unless it is 443. */
static ambc_status_t host_header(const ambc_client_t *c, head_t *h)
{
    char port[12];
    const char *parts[2] = {c->opt.host, port};
    port[0] = '\0';
    if (c->opt.port != 443) {
        port[0] = ':';
        format_u32(c->opt.port, port + 1);
    }
    return join(h->host, sizeof(h->host), parts, 2) ? AMBC_OK : AMBC_ERR_INVALID_ARG;
}

/* Write the request head into c->request (again for every attempt: it is wiped after
 * each send because it holds the API key). */
static ambc_status_t write_request(ambc_client_t *c, const char *method, const char *path,
                                   ambc_http_field_t *query, size_t nquery, size_t *len)
{
    head_t h;
    ambc_http_request_t req;
    ambc_status_t st = host_header(c, &h);
    if (st == AMBC_OK) {
        st = build_headers(c, &h, &req.header_count);
    }
    if (st == AMBC_OK) {
        req.method = method;
        req.host = h.host;
        req.path = path;
        req.query = query;
        req.query_count = nquery;
        req.headers = h.headers;
        req.content_length = -1;
        st = ambc_http_request_write(&req, c->request, sizeof(c->request), len);
    }
    wipe(h.auth, sizeof(h.auth));
    return st;
}

/* The failed call's protocol error about one key, if the page parser had one. */
static const char *parser_error_field(const ambc_client_t *c)
{
    if (!c->got_headers || body_is_error(&c->resp)) {
        return NULL;
    }
    return ambc_page_parser_error_field(&c->body.page);
}

/* One request with the SDKs' retries, all within the total deadline (and the walk's). A page
 * that failed midway is asked for again and the records already handed over are skipped by
 * id. */
static ambc_status_t request(ambc_client_t *c, const char *method, const char *path,
                             ambc_http_field_t *query, size_t nquery)
{
    ambc_retry_policy_t policy;
    uint32_t retries;
    uint64_t now = c->clock->now_ms(c->clock->ctx);
    policy.initial_ms = c->opt.retry_initial_ms;
    policy.max_backoff_ms = c->opt.retry_max_ms;
    policy.retry_after_cap_ms = c->opt.retry_after_cap_ms;
    c->deadline = now + c->opt.total_timeout_ms;
    if (c->walk_deadline != 0 && c->walk_deadline < c->deadline) {
        c->deadline = c->walk_deadline;
    }
    c->last_delivered[0] = '\0';
    c->skip_until[0] = '\0';
    c->err_field = NULL;
    if (now >= c->deadline) {
        return AMBC_ERR_DEADLINE; /* the walk's time is up before this page */
    }
    for (retries = 0;; retries++) {
        size_t len = 0;
        uint32_t wait;
        const ambc_http_response_t *resp;
        ambc_status_t st = write_request(c, method, path, query, nquery, &len);
        /* headers are this attempt's only: a connect failure must not see the last ones */
        c->got_headers = false;
        if (st == AMBC_OK) {
            LOG(c, AMBC_LOG_DEBUG, "request", path, retries + 1);
            st = exchange(c, len);
        }
        if (st == AMBC_OK && c->skip_until[0] != '\0') {
            return AMBC_ERR_RESUME_LOST; /* the page changed under us: never guess */
        }
        if (st == AMBC_OK) {
            return st;
        }
        resp = c->got_headers ? &c->resp : NULL;
        if (retries >= c->opt.max_retries || !ambc_retry_allowed(st, resp)) {
            LOG(c, AMBC_LOG_ERROR, "error", ambc_strerror(st), st);
            c->err_field = parser_error_field(c);
            return st;
        }
        wait = ambc_retry_wait_ms(&policy, resp, retries, c->clock->random(c->clock->ctx));
        if (time_left(c, UINT32_MAX) <= wait) {
            LOG(c, AMBC_LOG_ERROR, "error", ambc_strerror(AMBC_ERR_DEADLINE), st);
            return st; /* a retry would outlive the deadline: report the real failure */
        }
        LOG(c, AMBC_LOG_WARN, "retry", ambc_strerror(st), wait);
        c->clock->sleep_ms(c->clock->ctx, wait);
        c->stats.retries++;
        memcpy(c->skip_until, c->last_delivered, sizeof(c->skip_until));
    }
}

/* Every public call runs alone: a call from inside a callback of the same client would
 * overwrite the response, parser and buffers still in use by the call in flight. */
static ambc_status_t enter(ambc_client_t *c)
{
    if (c->busy) {
        return AMBC_ERR_BUSY;
    }
    c->busy = true;
    return AMBC_OK;
}

static ambc_status_t leave(ambc_client_t *c, ambc_status_t st)
{
    c->busy = false;
    return st;
}

static bool valid_id(const char *id)
{
    return id != NULL && id[0] != '\0' && strlen(id) < CONFIG_AMBC_ID_MAX;
}

/* The beta flavour's `?beta=true`, on every call of that flavour (as the SDKs send it). */
static size_t beta_query(const ambc_client_t *c, ambc_http_field_t *q)
{
    if (!c->opt.beta) {
        return 0;
    }
    q[0] = (ambc_http_field_t){"beta", "true"};
    return 1;
}

static bool list_params_ok(const ambc_list_params_t *p)
{
    return p->limit <= AMBC_LIST_LIMIT_MAX && (p->after_id == NULL || p->before_id == NULL) &&
           (p->after_id == NULL || valid_id(p->after_id)) &&
           (p->before_id == NULL || valid_id(p->before_id));
}

static ambc_status_t list_page(ambc_client_t *c, const ambc_list_params_t *p, ambc_batch_fn fn,
                               void *ctx, ambc_page_t *page)
{
    ambc_http_field_t q[MAX_QUERY];
    char limit[12];
    size_t n = beta_query(c, q);
    if (p->limit > 0) {
        format_u32(p->limit, limit);
        q[n++] = (ambc_http_field_t){"limit", limit};
    }
    q[n++] = (ambc_http_field_t){"after_id", p->after_id};
    q[n++] = (ambc_http_field_t){"before_id", p->before_id};
    c->mode = AMBC_PAGE_LIST;
    c->page = page;
    c->on_batch = fn;
    c->on_batch_ctx = ctx;
    return request(c, "GET", BATCHES_PATH, q, n);
}

ambc_status_t ambc_batches_list_page(ambc_client_t *c, const ambc_list_params_t *params,
                                     ambc_batch_fn fn, void *ctx, ambc_page_t *page)
{
    static const ambc_list_params_t defaults = {0};
    const ambc_list_params_t *p = params != NULL ? params : &defaults;
    ambc_status_t st;
    if (c == NULL || fn == NULL || page == NULL || !list_params_ok(p)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = enter(c)) != AMBC_OK) {
        return st;
    }
    return leave(c, list_page(c, p, fn, ctx, page));
}

typedef struct {
    ambc_batch_t *out;
    size_t cap;
    size_t n;
} array_sink_t;

static ambc_status_t to_array(void *ctx, const ambc_batch_t *b)
{
    array_sink_t *a = (array_sink_t *)ctx;
    if (a->n >= a->cap) {
        return AMBC_ERR_BUFFER_TOO_SMALL;
    }
    a->out[a->n++] = *b;
    return AMBC_OK;
}

ambc_status_t ambc_batches_list(ambc_client_t *c, const ambc_list_params_t *params,
                                ambc_batch_t *out, size_t cap, size_t *count, ambc_page_t *page)
{
    array_sink_t a = {out, cap, 0};
    ambc_status_t st;
    if (out == NULL || count == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    st = ambc_batches_list_page(c, params, to_array, &a, page);
    *count = a.n;
    return st;
}

/* Cursor-cycle detection in constant RAM (Brent): one saved cursor and two counters. The
 * saved cursor jumps to the latest one whenever `steps` reaches `power`, which doubles; a
 * cycle of any length is met again within about two of its lengths past its start. */
typedef struct {
    char saved[CONFIG_AMBC_ID_MAX];
    uint32_t power;
    uint32_t steps;
} cycle_t;

static bool cycle_seen(cycle_t *cy, const char *cursor)
{
    size_t n = strlen(cursor) + 1u;
    if (memcmp(cy->saved, cursor, n) == 0) {
        return true;
    }
    if (cy->steps == cy->power) {
        memcpy(cy->saved, cursor, n);
        cy->power = cy->power <= UINT32_MAX / 2u ? cy->power * 2u : cy->power;
        cy->steps = 0;
    }
    cy->steps++;
    return false;
}

/* The next page's cursor, or NULL when the walk is over (no more pages or no cursor to ask
 * with: has_more decides, never the cursor alone). */
static const char *next_cursor(const ambc_page_t *page, bool backward)
{
    uint8_t bit = backward ? AMBC_PAGE_F_FIRST_ID : AMBC_PAGE_F_LAST_ID;
    const char *next = backward ? page->first_id : page->last_id;
    if (!page->has_more || page->count == 0 || (page->null & bit) || !(page->present & bit) ||
        next[0] == '\0') {
        return NULL;
    }
    return next;
}

static ambc_status_t walk(ambc_client_t *c, const ambc_list_params_t *params, bool all_pages,
                          ambc_batch_fn fn, void *ctx)
{
    bool backward = params->before_id != NULL;
    const char *start = backward ? params->before_id : params->after_id;
    uint32_t max_pages = params->max_pages != 0 ? params->max_pages : CONFIG_AMBC_WALK_MAX_PAGES;
    ambc_list_params_t q = *params; /* its cursor then moves to this call's own buffer */
    char cursor[CONFIG_AMBC_ID_MAX];
    cycle_t cy = {{0}, 1u, 1u};
    uint32_t pages;
    ambc_page_t page;
    if (start != NULL) {
        memcpy(cy.saved, start, strlen(start) + 1u); /* the first cursor is the walk's start */
    }
    for (pages = 1;; pages++) {
        const char *next;
        ambc_status_t st = list_page(c, &q, fn, ctx, &page);
        if (st != AMBC_OK || !all_pages || (next = next_cursor(&page, backward)) == NULL) {
            return st;
        }
        if (cycle_seen(&cy, next)) {
            LOG(c, AMBC_LOG_ERROR, "loop", next, pages);
            return AMBC_ERR_API_LOOP; /* the cursors repeat: the walk would never end */
        }
        if (pages >= max_pages) {
            LOG(c, AMBC_LOG_ERROR, "walk limit", next, pages);
            return AMBC_ERR_WALK_LIMIT;
        }
        memcpy(cursor, next, strlen(next) + 1u);
        q.after_id = backward ? NULL : cursor;
        q.before_id = backward ? cursor : NULL;
    }
}

ambc_status_t ambc_batches_list_each(ambc_client_t *c, const ambc_list_params_t *params,
                                     bool all_pages, ambc_batch_fn fn, void *ctx)
{
    ambc_list_params_t p = {0};
    uint32_t timeout;
    ambc_status_t st;
    if (params != NULL) {
        p = *params;
    }
    if (c == NULL || fn == NULL || !list_params_ok(&p)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = enter(c)) != AMBC_OK) {
        return st;
    }
    timeout = p.walk_timeout_ms != 0 ? p.walk_timeout_ms : CONFIG_AMBC_WALK_TIMEOUT_MS;
    c->walk_deadline = all_pages ? c->clock->now_ms(c->clock->ctx) + timeout : 0;
    st = walk(c, &p, all_pages, fn, ctx);
    c->walk_deadline = 0;
    return leave(c, st);
}

static ambc_status_t to_one(void *ctx, const ambc_batch_t *b)
{
    *(ambc_batch_t *)ctx = *b;
    return AMBC_OK;
}

ambc_status_t ambc_batches_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out)
{
    char path[sizeof(BATCHES_PATH) + 1 + 3 * CONFIG_AMBC_ID_MAX];
    ambc_http_field_t q[1];
    size_t n;
    ambc_status_t st;
    if (c == NULL || out == NULL || !valid_id(id)) {
        return AMBC_ERR_INVALID_ARG;
    }
    memcpy(path, BATCHES_PATH "/", sizeof(BATCHES_PATH));
    n = ambc_http_percent_encode(id, path + sizeof(BATCHES_PATH),
                                 sizeof(path) - sizeof(BATCHES_PATH));
    if (n == 0) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = enter(c)) != AMBC_OK) {
        return st;
    }
    c->mode = AMBC_PAGE_SINGLE;
    c->page = NULL;
    c->on_batch = to_one;
    c->on_batch_ctx = out;
    n = beta_query(c, q);
    return leave(c, request(c, "GET", path, q, n));
}
