/*
 * Creating a batch from a request source (see ambc_batches_create in include/ambc/ambc.h):
 * a first pass that counts and checks, a second that sends, a running hash that ties them,
 * and the retry rule of a call that is not idempotent.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "client_internal.h"
#include "request_writer.h"

#if defined(CONFIG_AMBC_OP_CREATE) /* Kconfig feature switch: off, none of this exists */

static const char body_head[] = "{\"requests\":[";
static const char body_tail[] = "]}";
#define TAIL_LEN (sizeof(body_tail) - 1u)

typedef struct {
    ambc_client_t *c;
    const ambc_create_params_t *p;
    uint64_t total; /* first pass: body bytes before the tail */
    uint64_t hash;  /* first pass: their hash */
    uint32_t count; /* first pass: requests */
    size_t staged;  /* second pass: bytes in c->request not sent yet */
    bool sending;   /* which pass */
} create_t;

/* First pass: nothing leaves; the size is checked as it grows. */
static ambc_status_t count_sink(void *ctx, const char *data, size_t len)
{
    create_t *cr = (create_t *)ctx;
    (void)data;
    cr->total += len;
    return cr->total + TAIL_LEN > AMBC_CREATE_MAX_BYTES ? AMBC_ERR_CREATE_TOO_LARGE : AMBC_OK;
}

static ambc_status_t flush(create_t *cr)
{
    ambc_status_t st = client_send(cr->c, (const uint8_t *)cr->c->request, cr->staged);
    cr->staged = 0;
    return st;
}

/* Second pass: staged in the request buffer (the head has left it) and sent when it is full.
 * Never more than the first pass counted: a source that writes more has changed. */
static ambc_status_t send_sink(void *ctx, const char *data, size_t len)
{
    create_t *cr = (create_t *)ctx;
    ambc_client_t *c = cr->c;
    if (c->body.writer.bytes > cr->total) {
        return AMBC_ERR_SOURCE_CHANGED; /* counted before this call: it includes these bytes */
    }
    while (len > 0) {
        size_t n = sizeof(c->request) - cr->staged;
        ambc_status_t st;
        n = n < len ? n : len;
        memcpy(c->request + cr->staged, data, n);
        cr->staged += n;
        data += n;
        len -= n;
        if (cr->staged == sizeof(c->request) && (st = flush(cr)) != AMBC_OK) {
            return st;
        }
    }
    return AMBC_OK;
}

/* Ask the source for request i and write it; *end when it has none. */
static ambc_status_t one_request(create_t *cr, ambc_request_writer_t *w, uint32_t i, bool *end)
{
    ambc_status_t st = ambc_request_begin(w, i);
    if (st == AMBC_OK) {
        st = cr->p->source(cr->p->source_ctx, i, w);
        if (st != AMBC_OK && w->err != AMBC_OK) {
            st = w->err; /* the cause (a send that failed, say), not the source's reaction */
        }
    }
    if (st == AMBC_END) {
        *end = true;
        return request_writer_touched(w) ? AMBC_ERR_PARAMS : AMBC_OK; /* a half request */
    }
    if (st == AMBC_OK && i >= AMBC_CREATE_MAX_REQUESTS) {
        return AMBC_ERR_CREATE_COUNT;
    }
    return st == AMBC_OK ? ambc_request_end(w) : st;
}

/* One pass over the source: the body up to its tail. */
static ambc_status_t run_source(create_t *cr, ambc_request_writer_t *w)
{
    ambc_status_t st = request_writer_put(w, body_head, sizeof(body_head) - 1u);
    uint32_t i;
    bool end = false;
    for (i = 0; st == AMBC_OK && !end; i++) {
        st = one_request(cr, w, i, &end);
        if (st == AMBC_OK && !end && cr->sending && cr->p->progress != NULL) {
            st = cr->p->progress(cr->p->progress_ctx, i + 1, w->bytes, cr->total + TAIL_LEN);
        }
        if (st != AMBC_OK) {
            cr->c->err_index = i;
        }
    }
    if (st == AMBC_OK) {
        cr->count = i - 1;
    }
    if (st == AMBC_OK && cr->count == 0) {
        cr->c->err_index = 0;
        st = AMBC_ERR_CREATE_COUNT;
    }
    return st;
}

/* The body, after the head: the second pass, and the tail only when it wrote what the first
 * did. On any failure the tail is not sent, so the server never has a whole body. */
static ambc_status_t send_body(ambc_client_t *c, void *ctx)
{
    create_t *cr = (create_t *)ctx;
    ambc_request_writer_t *w = &c->body.writer;
    ambc_status_t st;
    ambc_request_writer_init(w, send_sink, cr);
    cr->staged = 0;
    cr->sending = true;
    st = run_source(cr, w);
    if (st == AMBC_OK && cr->staged > 0) {
        st = flush(cr);
    }
    if (st == AMBC_OK && (w->bytes != cr->total || w->hash != cr->hash)) {
        LOG(c, AMBC_LOG_ERROR, "source changed", "", w->bytes, AMBC_ERR_SOURCE_CHANGED);
        st = AMBC_ERR_SOURCE_CHANGED;
    }
    if (st == AMBC_OK) {
        st = client_send(c, (const uint8_t *)body_tail, TAIL_LEN);
        c->body_sent = st == AMBC_OK;
    }
    return st;
}

/* A whole answer that says the request was not acted on. */
static bool says_no(const ambc_http_response_t *resp)
{
    if (resp->should_retry == 0) {
        return false;
    }
    return resp->status == 408 || resp->status == 429 || resp->status == 503 || resp->status == 529;
}

/* Retried only when the server cannot have created the batch (or as the SDKs, if asked). A
 * failure after the last body byte left, without a whole answer, is an unknown outcome. */
static bool may_retry(ambc_client_t *c, void *ctx, ambc_status_t *st,
                      const ambc_http_response_t *resp)
{
    (void)ctx;
    if (*st == AMBC_ERR_SOURCE_CHANGED) {
        return false;
    }
    if (c->last_delivered[0] != '\0') {
        /* The answer's batch object arrived whole before the failure (a cut in the framing
         * after it, bytes after it): the batch exists and the caller has it. A retry would make
         * a second one, whatever the policy. */
        LOG(c, AMBC_LOG_WARN, "created", c->last_delivered, 0, *st);
        *st = AMBC_OK;
        return false;
    }
    if (c->opt.create_retry == AMBC_CREATE_RETRY_LIKE_SDKS) {
        return ambc_retry_allowed(*st, resp);
    }
    if (*st == AMBC_ERR_API && resp != NULL) {
        return says_no(resp);
    }
    if (!c->body_sent) {
        return ambc_retry_allowed(*st, resp); /* the server never had the whole body */
    }
    LOG(c, AMBC_LOG_ERROR, "outcome unknown", "", 0, *st);
    *st = AMBC_ERR_OUTCOME_UNKNOWN;
    return false;
}

static ambc_status_t to_record(void *ctx, const ambc_batch_t *b)
{
    *(ambc_batch_t *)ctx = *b;
    return AMBC_OK;
}

static ambc_status_t create(ambc_client_t *c, create_t *cr, ambc_batch_t *out)
{
    ambc_http_field_t q[1];
    client_call_t call = {
        "POST", AMBC_BATCHES_PATH, NULL, 0, 0, send_body, may_retry, NULL, NULL, 0, NULL};
    ambc_request_writer_t *w = &c->body.writer;
    ambc_status_t st;
    ambc_request_writer_init(w, count_sink, cr);
    st = run_source(cr, w); /* the first pass: counts and checks, sends nothing */
    if (st != AMBC_OK) {
        return st;
    }
    cr->hash = w->hash;
    LOG(c, AMBC_LOG_INFO, "create", "", cr->count, AMBC_OK);
    c->mode = AMBC_PAGE_SINGLE;
    c->page = NULL;
    c->on_batch = to_record;
    c->on_batch_ctx = out;
    call.query = q;
    call.nquery = client_beta_query(c, q);
    call.content_length = (int64_t)(cr->total + TAIL_LEN);
    call.ctx = cr;
    return client_request(c, &call);
}

ambc_status_t ambc_batches_create(ambc_client_t *c, const ambc_create_params_t *p,
                                  ambc_batch_t *out)
{
    create_t cr;
    ambc_status_t st;
    if (c == NULL || p == NULL || p->source == NULL || out == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = client_enter(c)) != AMBC_OK) {
        return st;
    }
    memset(&cr, 0, sizeof(cr));
    cr.c = c;
    cr.p = p;
    c->err_index = UINT32_MAX;
    return client_leave(c, create(c, &cr, out));
}

#endif /* CONFIG_AMBC_OP_CREATE */
