/* Internal: what the calls (batches.c, create.c, wait.c) share with the client (client.c). */
#ifndef AMBC_CORE_CLIENT_INTERNAL_H
#define AMBC_CORE_CLIENT_INTERNAL_H

#include "ambc/ambc.h"

#define AMBC_BATCHES_PATH "/v1/messages/batches"

/* Levels above CONFIG_AMBC_LOG_LEVEL vanish at compile time; the rest share one call. */
#define LOG(c, level, event, text, num, status)                                                    \
    do {                                                                                           \
        if ((level) <= CONFIG_AMBC_LOG_LEVEL) {                                                    \
            client_log_event((c), (level), (event), (text), (int64_t)(num), (status));             \
        }                                                                                          \
    } while (0)

void client_log_event(const ambc_client_t *c, ambc_log_level_t level, const char *event,
                      const char *text, int64_t num, ambc_status_t status);

/* A call's own consumer of a 2xx response body (the results download), instead of the page
 * parser. The context is the call's ctx. */
typedef struct {
    void (*begin)(ambc_client_t *c, void *ctx); /* the headers are in; the body follows */
    ambc_status_t (*feed)(ambc_client_t *c, void *ctx, const uint8_t *data, size_t len);
    ambc_status_t (*finish)(ambc_client_t *c, void *ctx);          /* the body is complete */
    const char *(*error_field)(const ambc_client_t *c, void *ctx); /* what a failure was about */
} client_body_t;

/* What only a results download sets in its call: its own consumer of the 2xx body (else the
 * page parser), accept header and deadline. A core without results has no branch for them. */
#if defined(CONFIG_AMBC_OP_RESULTS)
#define CALL_BODY(c)      ((c)->call->body)
#define CALL_ACCEPT(call) ((call)->accept != NULL ? (call)->accept : "application/json")
#define CALL_TOTAL_MS(c, call)                                                                     \
    ((call)->total_ms != 0u ? (call)->total_ms : (c)->opt.total_timeout_ms)
#else
#define CALL_BODY(c)           ((const client_body_t *)NULL)
#define CALL_ACCEPT(call)      "application/json"
#define CALL_TOTAL_MS(c, call) ((c)->opt.total_timeout_ms)
#endif

/* One call's request: what to send, and how to judge a failure. */
struct client_call {
    const char *method;
    const char *path; /* percent-encoded already */
    const ambc_http_field_t *query;
    size_t nquery;
    int64_t content_length; /* -1: no body and no Content-Length (GET); 0: "Content-Length: 0" */
    /* Sends the body after the head (c->request is free for staging then); sets c->body_sent
     * once the last byte has left. NULL: no body. */
    ambc_status_t (*send_body)(ambc_client_t *c, void *ctx);
    /* Whether a failed attempt may be tried again; may also change *st to what the failure
     * means for this call. NULL: the SDKs' rules (ambc_retry_allowed). */
    bool (*may_retry)(ambc_client_t *c, void *ctx, ambc_status_t *st,
                      const ambc_http_response_t *resp);
    void *ctx;                 /* the call's own state, for its callbacks */
    const char *accept;        /* the accept header; NULL: application/json */
    uint32_t total_ms;         /* deadline of the request with its retries; 0: total_timeout_ms */
    const client_body_t *body; /* NULL: the page parser in c->mode */
};
typedef struct client_call client_call_t;

/* One request with its retries, within the client's total deadline and c->call_deadline.
 * The response body goes to the page parser in c->mode (c->page, c->on_batch, ...). */
ambc_status_t client_request(ambc_client_t *c, const client_call_t *call);

/* AMBC_ERR_BUSY when a call is running already, else marks one as running. */
ambc_status_t client_enter(ambc_client_t *c);
/* Marks the call as ended; returns st. */
ambc_status_t client_leave(ambc_client_t *c, ambc_status_t st);

void client_disconnect(ambc_client_t *c);
/* Milliseconds left before the request's deadline, at most limit (0: passed). */
uint32_t client_time_left(const ambc_client_t *c, uint32_t limit);
/* All of data on the connection, within the I/O timeout and the deadline. */
ambc_status_t client_send(ambc_client_t *c, const uint8_t *data, size_t len);

bool client_valid_id(const char *id);
/* ambc_batches_retrieve inside a call already running (the wait's polls). */
ambc_status_t client_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out);
/* The beta flavour's `?beta=true` into q[0]: 1 pair, or 0 in the GA flavour. */
size_t client_beta_query(const ambc_client_t *c, ambc_http_field_t *q);
/* Bytes of a uint32_t in decimal with its NUL ("4294967295"). */
#define U32_TEXT_BUF 11u
/* v in decimal into out (at least U32_TEXT_BUF bytes), NUL-terminated; returns the length. */
size_t client_format_u32(uint32_t v, char *out);

#endif
