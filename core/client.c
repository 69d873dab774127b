/*
 * The client: its lifecycle, one request with its retries, and one exchange over the port's
 * stream (connect or reuse, send the head and any body, route the response body to the page
 * parser or the error parser). The calls themselves are in batches.c, create.c and wait.c.
 */
#include <stddef.h>
#include <string.h>

#include "client_internal.h"
#include "http_encode.h"

#define MAX_HEADERS 9

void client_log_event(const ambc_client_t *c, ambc_log_level_t level, const char *event,
                      const char *text, int64_t num, ambc_status_t status)
{
    if (c->opt.log != NULL) {
        ambc_log_event_t ev;
        ev.level = level;
        ev.event = event;
        ev.text = text;
        ev.num = num;
        ev.status = status;
        c->opt.log(c->opt.log_ctx, &ev);
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

/* Bytes of the Host value: the host, and ":port" unless the port is 443 (0 means 443). */
static size_t host_value_len(const ambc_client_options_t *o)
{
    char port[U32_TEXT_BUF];
    size_t n = strlen((o->host != NULL) ? o->host : AMBC_DEFAULT_HOST);
    if ((o->port != 0u) && (o->port != 443u)) {
        n += 1u + client_format_u32(o->port, port);
    }
    return n;
}

/* The options' strings: no CR or LF in a header value, and the composed values within the
 * limits of ambc.h (AMBC_API_KEY_LEN_MAX, AMBC_HOST_LEN_MAX, AMBC_BETA_LEN_MAX). */
static bool options_ok(const ambc_client_options_t *o)
{
    size_t beta_len = (o->extra_betas != NULL) ? strlen(o->extra_betas) : 0u;
    if (o->beta) {
        beta_len += sizeof(AMBC_BATCHES_BETA) - 1u + ((o->extra_betas != NULL) ? 1u : 0u);
    }
    if ((o->api_key == NULL) || (o->api_key[0] == '\0') ||
        (strlen(o->api_key) > AMBC_API_KEY_LEN_MAX) || (host_value_len(o) > AMBC_HOST_LEN_MAX) ||
        (beta_len > AMBC_BETA_LEN_MAX)) {
        return false;
    }
    return !has_crlf(o->api_key) && !has_crlf(o->anthropic_version) && !has_crlf(o->extra_betas) &&
           !has_crlf(o->workspace_id) && !has_crlf(o->host);
}

/* ambc_client_init() clears the client up to body in one memset: body, record, request and rx
 * need no clearing, so they must stay the last members, in that order (padding aside). A
 * member added among or after them would be left as it was; the compiler refuses it. */
#define MEMBER_END(m) (offsetof(ambc_client_t, m) + sizeof(((ambc_client_t *)0)->m))
AMBC_STATIC_ASSERT(offsetof(ambc_client_t, record) - MEMBER_END(body) < sizeof(uint64_t),
                   client_record_follows_body);
AMBC_STATIC_ASSERT(offsetof(ambc_client_t, request) - MEMBER_END(record) < sizeof(uint64_t),
                   client_request_follows_record);
AMBC_STATIC_ASSERT(offsetof(ambc_client_t, rx) - MEMBER_END(request) < sizeof(uint64_t),
                   client_rx_follows_request);
AMBC_STATIC_ASSERT(sizeof(ambc_client_t) - MEMBER_END(rx) < sizeof(uint64_t), client_rx_is_last);

/* Zero / NULL options take the defaults ambc.h gives. */
static void apply_defaults(ambc_client_options_t *o)
{
    if (o->host == NULL) {
        o->host = AMBC_DEFAULT_HOST;
    }
    if (o->port == 0u) {
        o->port = 443u;
    }
    if (o->anthropic_version == NULL) {
        o->anthropic_version = AMBC_DEFAULT_VERSION;
    }
    if (o->max_retries == 0u) {
        o->max_retries = CONFIG_AMBC_MAX_RETRIES;
    } else if (o->max_retries == AMBC_RETRIES_NONE) {
        o->max_retries = 0u;
    }
    if (o->connect_timeout_ms == 0u) {
        o->connect_timeout_ms = CONFIG_AMBC_CONNECT_TIMEOUT_MS;
    }
    if (o->io_timeout_ms == 0u) {
        o->io_timeout_ms = CONFIG_AMBC_IO_TIMEOUT_MS;
    }
    if (o->total_timeout_ms == 0u) {
        o->total_timeout_ms = CONFIG_AMBC_TOTAL_TIMEOUT_MS;
    }
    if (o->retry_initial_ms == 0u) {
        o->retry_initial_ms = CONFIG_AMBC_RETRY_INITIAL_MS;
    }
    if (o->retry_max_ms == 0u) {
        o->retry_max_ms = CONFIG_AMBC_RETRY_MAX_MS;
    }
    if (o->retry_after_cap_ms == 0u) {
        o->retry_after_cap_ms = CONFIG_AMBC_RETRY_AFTER_CAP_MS;
    }
}

ambc_status_t ambc_client_init(ambc_client_t *c, const ambc_client_options_t *opt,
                               ambc_stream_t stream, const ambc_clock_t *clock)
{
    if ((c == NULL) || (opt == NULL) || (stream.ops == NULL) || (clock == NULL) ||
        !options_ok(opt)) {
        return AMBC_ERR_INVALID_ARG;
    }
    memset(c, 0, offsetof(ambc_client_t, body));
    c->opt = *opt;
    apply_defaults(&c->opt);
    c->stream = stream;
    c->clock = clock;
    c->err_index = UINT32_MAX;
    return AMBC_OK;
}

void client_disconnect(ambc_client_t *c)
{
    if (c->connected) {
        LOG(c, AMBC_LOG_DEBUG, "close", "", 0, AMBC_OK);
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
    client_disconnect(c);
    return AMBC_OK;
}

const ambc_api_error_t *ambc_client_last_error(const ambc_client_t *c)
{
    return (c != NULL) ? &c->error : NULL;
}

const char *ambc_client_error_field(const ambc_client_t *c)
{
    return (c != NULL) ? c->err_field : NULL;
}

uint32_t ambc_client_error_index(const ambc_client_t *c)
{
    return (c != NULL) ? c->err_index : UINT32_MAX;
}

ambc_client_stats_t ambc_client_stats(const ambc_client_t *c)
{
    static const ambc_client_stats_t none = {0};
    return (c != NULL) ? c->stats : none;
}

/* ---- one exchange ------------------------------------------------------------------- */

/* Milliseconds left before the request's deadline, capped at limit (0: passed). */
uint32_t client_time_left(const ambc_client_t *c, uint32_t limit)
{
    uint64_t now = c->clock->now_ms(c->clock->ctx);
    uint64_t left = now < c->deadline ? c->deadline - now : 0;
    return left < limit ? (uint32_t)left : limit;
}

/* A port call that ran out of time because the deadline capped its wait: the deadline is the
 * cause, and no retry can help (the SDKs' total timeout says the same). */
static ambc_status_t past_deadline(const ambc_client_t *c, ambc_status_t st)
{
    return st == AMBC_ERR_NET_TIMEOUT && client_time_left(c, 1) == 0 ? AMBC_ERR_DEADLINE : st;
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
            LOG(c, AMBC_LOG_INFO, "resume", c->skip_until, c->stats.resumed, AMBC_OK);
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
    LOG(c, AMBC_LOG_INFO, "response", resp->request_id, resp->status, AMBC_OK);
    c->got_headers = true;
    if (body_is_error(resp)) {
        ambc_api_error_parser_init(&c->body.error, &c->error, resp->status, resp->request_id,
                                   resp->request_id_truncated);
    } else if (CALL_BODY(c) != NULL) {
        CALL_BODY(c)->begin(c, c->call->ctx);
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
    if (CALL_BODY(c) != NULL) {
        return CALL_BODY(c)->feed(c, c->call->ctx, data, len);
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
    if (CALL_BODY(c) != NULL) {
        return CALL_BODY(c)->finish(c, c->call->ctx);
    }
    return ambc_page_parser_finish(&c->body.page);
}

/* Read and parse until the response is complete. AMBC_ERR_NET_CLOSED with no response
 * byte received means the server dropped the connection before answering. */
static ambc_status_t read_response(ambc_client_t *c)
{
    while (!ambc_http_response_done(&c->resp)) {
        size_t n = 0;
        uint32_t wait = client_time_left(c, c->opt.io_timeout_ms);
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
            client_disconnect(c);
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
    uint32_t wait = client_time_left(c, c->opt.connect_timeout_ms);
    ambc_status_t st = AMBC_ERR_DEADLINE;
    LOG(c, AMBC_LOG_INFO, "connect", c->opt.host, c->opt.port, AMBC_OK);
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
    LOG(c, AMBC_LOG_INFO, "stale", st == AMBC_OK && n > 0 ? "bytes waiting" : "", n, st);
    c->stats.idle_dropped++;
    client_disconnect(c);
    return false;
}

/* The failure of an attempt on a connection kept alive from an earlier request, before any
 * byte of its response arrived and before a body was wholly sent: the server (or a NAT, a load
 * balancer) had closed it. Nothing can have been acted on. */
static bool stale_failure(const ambc_client_t *c, ambc_status_t st)
{
    return !ambc_http_response_started(&c->resp) && !c->body_sent &&
           (st == AMBC_ERR_NET_CLOSED || st == AMBC_ERR_NET_IO || st == AMBC_ERR_TLS_IO);
}

ambc_status_t client_send(ambc_client_t *c, const uint8_t *data, size_t len)
{
    return past_deadline(c, ambc_stream_send_all(&c->stream, c->clock, data, len,
                                                 client_time_left(c, c->opt.io_timeout_ms)));
}

/* The head, then the body if the call has one. A server may answer before it has read all it
 * was sent (a 413 from an edge) and close: when a send fails so, the answer is read if it is
 * there, and is the attempt's outcome rather than the broken send. */
static ambc_status_t send_request(ambc_client_t *c, const client_call_t *call, size_t len)
{
    ambc_status_t st = client_send(c, (const uint8_t *)c->request, len);
    if (st == AMBC_OK && call->send_body != NULL) {
        st = call->send_body(c, call->ctx);
    }
    if ((st == AMBC_ERR_NET_CLOSED || st == AMBC_ERR_NET_IO) && c->connected) {
        ambc_status_t answer = read_response(c);
        if (answer == AMBC_ERR_API) {
            return answer;
        }
    }
    return st == AMBC_OK ? read_response(c) : st;
}

/* Send the request and read the answer. A connection kept alive from an earlier request is
 * checked first, and if it fails before any response byte arrived (the send included) the
 * request goes once more on a new connection: neither costs a retry. */
static ambc_status_t exchange(ambc_client_t *c, const client_call_t *call, size_t len)
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
        c->body_sent = false;
        c->stats.requests++;
        st = send_request(c, call, len);
        if (st == AMBC_OK || st == AMBC_ERR_API || !reused || !stale_failure(c, st)) {
            break;
        }
        client_disconnect(c); /* stale keep-alive connection: once more on a new one */
        c->stats.reconnects++;
    }
    wipe(c->request, sizeof(c->request)); /* the head (and the key in it), any staged body */
    if ((st != AMBC_OK && st != AMBC_ERR_API) || !c->resp.keep_alive) {
        client_disconnect(c); /* after any other error the stream is in an unknown state */
    }
    return st;
}

/* ---- requests ----------------------------------------------------------------------- */

/* Header values that must be composed. Lives on the stack of one request; `auth` holds the
 * key for a bearer header and is wiped as soon as the request is written. */
typedef struct {
    ambc_http_field_t headers[MAX_HEADERS];
    char host[CONFIG_AMBC_HOST_MAX];
    char beta[CONFIG_AMBC_BETA_MAX];
    char auth[sizeof("Bearer ") - 1u + CONFIG_AMBC_API_KEY_MAX];
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
    /* h->auth holds "Bearer " and a key of up to AMBC_API_KEY_LEN_MAX bytes (options_ok) */
    if (!join(h->auth, sizeof(h->auth), parts, 2)) {
        AMBC_ASSERT(false);
        return AMBC_ERR_INVALID_ARG;
    }
    *value = h->auth;
    return AMBC_OK;
}

static ambc_status_t build_headers(const ambc_client_t *c, head_t *h, const client_call_t *call,
                                   size_t *n)
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
    h->headers[k++] = (ambc_http_field_t){"accept", CALL_ACCEPT(call)};
    if (call->content_length > 0) {
        h->headers[k++] = (ambc_http_field_t){"content-type", "application/json"};
    }
    h->headers[k++] = (ambc_http_field_t){"user-agent", AMBC_USER_AGENT};
    if (o->beta || o->extra_betas != NULL) {
        /* "message-batches-2024-09-24[,extra]" or "extra": one header, as the SDKs join them */
        const char *parts[3] = {o->beta ? AMBC_BATCHES_BETA : "",
                                o->beta && o->extra_betas != NULL ? "," : "",
                                o->extra_betas != NULL ? o->extra_betas : ""};
        if (!join(h->beta, sizeof(h->beta), parts, 3)) {
            AMBC_ASSERT(false); /* options_ok() measured it */
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

size_t client_format_u32(uint32_t v, char *out)
{
    char rev[U32_TEXT_BUF - 1u];
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
    char port[1u + U32_TEXT_BUF]; /* ":" and the number */
    const char *parts[2] = {c->opt.host, port};
    port[0] = '\0';
    if (c->opt.port != 443) {
        port[0] = ':';
        client_format_u32(c->opt.port, port + 1);
    }
    if (!join(h->host, sizeof(h->host), parts, 2)) {
        AMBC_ASSERT(false); /* options_ok() measured it */
        return AMBC_ERR_INVALID_ARG;
    }
    return AMBC_OK;
}

/* Write the request head into c->request (again for every attempt: it is wiped after
 * each send because it holds the API key). */
static ambc_status_t write_request(ambc_client_t *c, const client_call_t *call, size_t *len)
{
    head_t h;
    ambc_http_request_t req;
    ambc_status_t st = host_header(c, &h);
    if (st == AMBC_OK) {
        st = build_headers(c, &h, call, &req.header_count);
    }
    if (st == AMBC_OK) {
        req.method = call->method;
        req.host = h.host;
        req.path = call->path;
        req.query = call->query;
        req.query_count = call->nquery;
        req.headers = h.headers;
        req.content_length = call->content_length;
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
    if (CALL_BODY(c) != NULL) {
        return CALL_BODY(c)->error_field(c, c->call->ctx);
    }
    return ambc_page_parser_error_field(&c->body.page);
}

/* Whether a failed attempt is tried again: the call's own rule (create's), else the SDKs'.
 * The rule may also say what the failure means (*st). */
static bool may_retry(ambc_client_t *c, const client_call_t *call, ambc_status_t *st,
                      const ambc_http_response_t *resp)
{
    return call->may_retry != NULL ? call->may_retry(c, call->ctx, st, resp)
                                   : ambc_retry_allowed(*st, resp);
}

/* Backoff before the next attempt, unless it would outlive the deadline. */
static bool wait_to_retry(ambc_client_t *c, const ambc_http_response_t *resp, uint32_t retries,
                          ambc_status_t st)
{
    ambc_retry_policy_t policy;
    uint32_t wait;
    policy.initial_ms = c->opt.retry_initial_ms;
    policy.max_backoff_ms = c->opt.retry_max_ms;
    policy.retry_after_cap_ms = c->opt.retry_after_cap_ms;
    wait = ambc_retry_wait_ms(&policy, resp, retries, c->clock->random(c->clock->ctx));
    if (client_time_left(c, UINT32_MAX) <= wait) {
        LOG(c, AMBC_LOG_ERROR, "deadline", "", wait, st);
        return false; /* a retry would outlive the deadline: report the real failure */
    }
    LOG(c, AMBC_LOG_WARN, "retry", "", wait, st);
    c->clock->sleep_ms(c->clock->ctx, wait);
    c->stats.retries++;
    return true;
}

ambc_status_t client_request(ambc_client_t *c, const client_call_t *call)
{
    uint32_t retries;
    uint64_t now = c->clock->now_ms(c->clock->ctx);
    c->call = call;
    c->deadline = now + CALL_TOTAL_MS(c, call);
    if (c->call_deadline != 0 && c->call_deadline < c->deadline) {
        c->deadline = c->call_deadline;
    }
    c->last_delivered[0] = '\0';
    c->skip_until[0] = '\0';
    c->err_field = NULL;
    if (now >= c->deadline) {
        return AMBC_ERR_DEADLINE; /* the walk's or the wait's time is up before this request */
    }
    for (retries = 0;; retries++) {
        size_t len = 0;
        const ambc_http_response_t *resp;
        bool again;
        ambc_status_t st = write_request(c, call, &len);
        /* headers are this attempt's only: a connect failure must not see the last ones */
        c->got_headers = false;
        c->body_sent = false;
        if (st == AMBC_OK) {
            LOG(c, AMBC_LOG_DEBUG, "request", call->path, retries + 1, AMBC_OK);
            st = exchange(c, call, len);
        }
        if (st == AMBC_OK && c->skip_until[0] != '\0') {
            return AMBC_ERR_RESUME_LOST; /* the page changed under us: never guess */
        }
        if (st == AMBC_OK) {
            return st;
        }
        resp = c->got_headers ? &c->resp : NULL;
        again = may_retry(c, call, &st, resp);
        if (!again && st == AMBC_OK) {
            return st; /* the call's rule found the failure harmless (create: its batch came) */
        }
        if (!again || retries >= c->opt.max_retries || !wait_to_retry(c, resp, retries, st)) {
            LOG(c, AMBC_LOG_ERROR, "error", "", retries + 1, st);
            c->err_field = parser_error_field(c);
            return st;
        }
        memcpy(c->skip_until, c->last_delivered, sizeof(c->skip_until));
    }
}

/* Every public call runs alone: a call from inside a callback of the same client would
 * overwrite the response, parser and buffers still in use by the call in flight. */
ambc_status_t client_enter(ambc_client_t *c)
{
    if (c->busy) {
        return AMBC_ERR_BUSY;
    }
    c->busy = true;
    return AMBC_OK;
}

ambc_status_t client_leave(ambc_client_t *c, ambc_status_t st)
{
    c->busy = false;
    return st;
}

bool client_valid_id(const char *id)
{
    return id != NULL && id[0] != '\0' && strlen(id) < CONFIG_AMBC_ID_MAX;
}

/* The beta flavour's `?beta=true`, on every call of that flavour (as the SDKs send it). */
size_t client_beta_query(const ambc_client_t *c, ambc_http_field_t *q)
{
    if (!c->opt.beta) {
        return 0;
    }
    q[0] = (ambc_http_field_t){"beta", "true"};
    return 1;
}
