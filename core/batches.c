/*
 * The batches calls that read or change one batch or a page of them: list (one page, into an
 * array, or a walk), retrieve, cancel, delete (see include/ambc/ambc.h). Each builds its
 * request and hands it to client_request(). Each is compiled only when its Kconfig feature
 * switch (CONFIG_AMBC_OP_*) is on; calling one that is off is a link error.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <string.h>

#include "client_internal.h"
#include "http_encode.h"

#if defined(CONFIG_AMBC_OP_LIST)

#define MAX_QUERY 4

/* A GET of path with query: every list page. */
static ambc_status_t get(ambc_client_t *c, const char *path, const ambc_http_field_t *query,
                         size_t nquery)
{
    client_call_t call = {.method = "GET", .content_length = -1};
    call.path = path;
    call.query = query;
    call.nquery = nquery;
    return client_request(c, &call);
}

static bool list_params_ok(const ambc_list_params_t *p)
{
    return p->limit <= AMBC_LIST_LIMIT_MAX && (p->after_id == NULL || p->before_id == NULL) &&
           (p->after_id == NULL || client_valid_id(p->after_id)) &&
           (p->before_id == NULL || client_valid_id(p->before_id));
}

static ambc_status_t list_page(ambc_client_t *c, const ambc_list_params_t *p, ambc_batch_fn fn,
                               void *ctx, ambc_page_t *page)
{
    ambc_http_field_t q[MAX_QUERY];
    char limit[U32_TEXT_BUF];
    size_t n = client_beta_query(c, q);
    if (p->limit > 0) {
        client_format_u32(p->limit, limit);
        q[n++] = (ambc_http_field_t){"limit", limit};
    }
    q[n++] = (ambc_http_field_t){"after_id", p->after_id};
    q[n++] = (ambc_http_field_t){"before_id", p->before_id};
    c->mode = AMBC_PAGE_LIST;
    c->page = page;
    c->on_batch = fn;
    c->on_batch_ctx = ctx;
    return get(c, AMBC_BATCHES_PATH, q, n);
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
    if ((st = client_enter(c)) != AMBC_OK) {
        return st;
    }
    return client_leave(c, list_page(c, p, fn, ctx, page));
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
    if ((out == NULL) || (cap == 0u) || (count == NULL)) {
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
            LOG(c, AMBC_LOG_ERROR, "loop", next, pages, AMBC_ERR_API_LOOP);
            return AMBC_ERR_API_LOOP; /* the cursors repeat: the walk would never end */
        }
        if (pages >= max_pages) {
            LOG(c, AMBC_LOG_ERROR, "walk limit", next, pages, AMBC_ERR_WALK_LIMIT);
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
    if ((st = client_enter(c)) != AMBC_OK) {
        return st;
    }
    timeout = p.walk_timeout_ms != 0 ? p.walk_timeout_ms : CONFIG_AMBC_WALK_TIMEOUT_MS;
    c->call_deadline = all_pages ? c->clock->now_ms(c->clock->ctx) + timeout : 0;
    st = walk(c, &p, all_pages, fn, ctx);
    c->call_deadline = 0;
    return client_leave(c, st);
}

#endif /* CONFIG_AMBC_OP_LIST */

#if defined(CONFIG_AMBC_OP_RETRIEVE) || defined(CONFIG_AMBC_OP_CANCEL) ||                          \
    defined(CONFIG_AMBC_OP_DELETE)

#if defined(CONFIG_AMBC_OP_RETRIEVE) || defined(CONFIG_AMBC_OP_CANCEL)
static ambc_status_t to_one(void *ctx, const ambc_batch_t *b)
{
    if (ctx != b) { /* the client's own record is where the parser built it already */
        *(ambc_batch_t *)ctx = *b;
    }
    return AMBC_OK;
}
#endif

#if defined(CONFIG_AMBC_OP_DELETE)
/* DELETE's record: only the id is kept (no whole ambc_batch_t on the caller's stack). */
static ambc_status_t to_deleted(void *ctx, const ambc_batch_t *b)
{
    ambc_batch_deleted_t *d = (ambc_batch_deleted_t *)ctx;
    memcpy(d->id, b->id, sizeof(d->id));
    return AMBC_OK;
}
#endif

/* "/v1/messages/batches/<id, percent-encoded><suffix>" into path (cap bytes). */
static bool id_path(const char *id, const char *suffix, char *path, size_t cap)
{
    size_t n, m = strlen(suffix);
    memcpy(path, AMBC_BATCHES_PATH "/", sizeof(AMBC_BATCHES_PATH));
    n = ambc_http_percent_encode(id, path + sizeof(AMBC_BATCHES_PATH),
                                 cap - sizeof(AMBC_BATCHES_PATH) - m);
    if (n == 0) {
        return false;
    }
    memcpy(path + sizeof(AMBC_BATCHES_PATH) + n, suffix, m + 1);
    return true;
}

/* One batch by id, in the page mode `mode`, by `method` on the batch's path (+ suffix). The id
 * is checked and encoded before any byte is sent: no byte of it can change the path. */
static ambc_status_t request_by_id(ambc_client_t *c, const char *method, const char *id,
                                   const char *suffix, ambc_page_mode_t mode, ambc_batch_fn fn,
                                   void *out)
{
    char path[sizeof(AMBC_BATCHES_PATH) + 1 + 3 * CONFIG_AMBC_ID_MAX + sizeof("/cancel")];
    ambc_http_field_t q[1];
    client_call_t call = {.content_length = -1};
    if (!client_valid_id(id) || !id_path(id, suffix, path, sizeof(path))) {
        return AMBC_ERR_INVALID_ARG;
    }
    c->mode = (uint8_t)mode;
    c->page = NULL;
    c->on_batch = fn;
    c->on_batch_ctx = out;
    call.method = method;
    call.path = path;
    call.query = q;
    call.nquery = client_beta_query(c, q);
    call.content_length = method[0] == 'P' ? 0 : -1; /* a POST without a body says so */
    return client_request(c, &call);
}

static ambc_status_t by_id(ambc_client_t *c, const char *method, const char *id, const char *suffix,
                           ambc_page_mode_t mode, ambc_batch_fn fn, void *out)
{
    ambc_status_t st;
    if (c == NULL || out == NULL || !client_valid_id(id)) {
        return AMBC_ERR_INVALID_ARG;
    }
    if ((st = client_enter(c)) != AMBC_OK) {
        return st;
    }
    return client_leave(c, request_by_id(c, method, id, suffix, mode, fn, out));
}

#if defined(CONFIG_AMBC_OP_RETRIEVE)
ambc_status_t client_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out)
{
    return request_by_id(c, "GET", id, "", AMBC_PAGE_SINGLE, to_one, out);
}

ambc_status_t ambc_batches_retrieve(ambc_client_t *c, const char *id, ambc_batch_t *out)
{
    return by_id(c, "GET", id, "", AMBC_PAGE_SINGLE, to_one, out);
}

#endif

#if defined(CONFIG_AMBC_OP_CANCEL)
ambc_status_t ambc_batches_cancel(ambc_client_t *c, const char *id, ambc_batch_t *out)
{
    return by_id(c, "POST", id, "/cancel", AMBC_PAGE_SINGLE, to_one, out);
}

#endif

#if defined(CONFIG_AMBC_OP_DELETE)
ambc_status_t ambc_batches_delete(ambc_client_t *c, const char *id, ambc_batch_deleted_t *out)
{
    return by_id(c, "DELETE", id, "", AMBC_PAGE_DELETED, to_deleted, out);
}
#endif

#endif /* CONFIG_AMBC_OP_RETRIEVE || CONFIG_AMBC_OP_CANCEL || CONFIG_AMBC_OP_DELETE */
