/* Oracle, part 3: run ambc's list-page parser over a body in some slicing, and compare what it
 * did with the reference by the rules of the differential tests (see oracle_check). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static ambc_page_parser_t parser; /* ~3 KB: static, as on a device */
static ambc_batch_t record;

void oracle_run_init(oracle_run_t *r, size_t max_keep)
{
    memset(r, 0, sizeof(*r));
    r->max_keep = max_keep;
}

void oracle_run_free(oracle_run_t *r)
{
    free(r->rec);
    memset(r, 0, sizeof(*r));
}

static ambc_status_t collect(void *ctx, const ambc_batch_t *b)
{
    oracle_run_t *r = ctx;
    if (r->n < r->max_keep) {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->rec = realloc(r->rec, r->cap * sizeof(*r->rec));
            if (r->rec == NULL) {
                abort();
            }
        }
        r->rec[r->n] = *b;
    }
    r->n++;
    return AMBC_OK;
}

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t next_slice(oracle_slicing_t how, uint64_t *s, size_t left)
{
    uint64_t x;
    switch (how) {
    case ORACLE_SLICE_BYTES:
        return 1;
    case ORACLE_SLICE_RANDOM:
        x = mix(s);
        switch (x % 8) {
        case 0:
        case 1:
        case 2:
            return 1 + (size_t)((x >> 8) % 7);
        case 3:
        case 4:
            return 8 + (size_t)((x >> 8) % 57);
        case 5:
        case 6:
            return 65 + (size_t)((x >> 8) % 4032);
        default:
            return 4097 + (size_t)((x >> 8) % (left + 1));
        }
    default:
        return left;
    }
}

ambc_status_t oracle_run_ambc(const uint8_t *buf, size_t len, oracle_slicing_t how, uint64_t seed,
                              oracle_run_t *r)
{
    size_t off = 0;
    ambc_status_t st = AMBC_OK;
    uint64_t s = seed;
    r->n = 0;
    memset(&r->page, 0xA5, sizeof(r->page));
    ambc_page_parser_init(&parser, AMBC_PAGE_LIST, &r->page, &record, collect, r);
    if (how == ORACLE_SLICE_SPLIT2) {
        size_t a = (size_t)(seed % (len + 1));
        st = ambc_page_parser_feed(&parser, buf, a);
        if (st == AMBC_OK) {
            st = ambc_page_parser_feed(&parser, buf + a, len - a);
        }
        off = len;
    }
    while (off < len && st == AMBC_OK) {
        size_t n = next_slice(how, &s, len - off);
        if (n > len - off) {
            n = len - off;
        }
        st = ambc_page_parser_feed(&parser, buf + off, n);
        off += n;
    }
    if (st == AMBC_OK) {
        st = ambc_page_parser_finish(&parser);
    }
    r->st = st;
    r->field = st == AMBC_OK ? NULL : ambc_page_parser_error_field(&parser);
    return st;
}

bool oracle_status_documented(ambc_status_t st)
{
    switch (st) {
    case AMBC_ERR_JSON_INVALID:
    case AMBC_ERR_JSON_UNEXPECTED_END:
    case AMBC_ERR_JSON_DEPTH:
    case AMBC_ERR_JSON_SHAPE:
    case AMBC_ERR_JSON_TYPE:
    case AMBC_ERR_JSON_MISSING:
    case AMBC_ERR_STRING_TOO_LONG:
    case AMBC_ERR_JSON_NUL:
    case AMBC_ERR_TIME_INVALID:
    case AMBC_ERR_NUMBER_RANGE:
        return true;
    default:
        return false;
    }
}

/* A C string field must be NUL-terminated inside its array and equal. */
static bool str_same(const char *what, const char *want, const char *got, size_t size, char *msg,
                     size_t cap)
{
    if (memchr(got, 0, size) == NULL) {
        snprintf(msg, cap, "%s: no NUL inside its %zu bytes", what, size);
        return false;
    }
    if (strcmp(want, got) != 0) {
        snprintf(msg, cap, "%s: want \"%.80s\" got \"%.80s\"", what, want, got);
        return false;
    }
    return true;
}

#define SAME_INT(what, a, b)                                                                       \
    do {                                                                                           \
        if ((a) != (b)) {                                                                          \
            snprintf(msg, cap, "%s: want %" PRId64 " got %" PRId64, what, (int64_t)(a),            \
                     (int64_t)(b));                                                                \
            return false;                                                                          \
        }                                                                                          \
    } while (0)

bool oracle_batch_same(const ambc_batch_t *w, const ambc_batch_t *g, char *msg, size_t cap)
{
    if (!str_same("id", w->id, g->id, sizeof(g->id), msg, cap) ||
        !str_same("status_text", w->status_text, g->status_text, sizeof(g->status_text), msg,
                  cap) ||
        !str_same("results_url", w->results_url, g->results_url, sizeof(g->results_url), msg,
                  cap)) {
        return false;
    }
    SAME_INT("processing_status", w->processing_status, g->processing_status);
    SAME_INT("request_counts.processing", w->request_counts.processing,
             g->request_counts.processing);
    SAME_INT("request_counts.succeeded", w->request_counts.succeeded, g->request_counts.succeeded);
    SAME_INT("request_counts.errored", w->request_counts.errored, g->request_counts.errored);
    SAME_INT("request_counts.canceled", w->request_counts.canceled, g->request_counts.canceled);
    SAME_INT("request_counts.expired", w->request_counts.expired, g->request_counts.expired);
    SAME_INT("created_at", w->created_at, g->created_at);
    SAME_INT("expires_at", w->expires_at, g->expires_at);
    SAME_INT("ended_at", w->ended_at, g->ended_at);
    SAME_INT("cancel_initiated_at", w->cancel_initiated_at, g->cancel_initiated_at);
    SAME_INT("archived_at", w->archived_at, g->archived_at);
    SAME_INT("present", w->present, g->present);
    SAME_INT("null", w->null, g->null);
    return true;
}

bool oracle_page_same(const ambc_page_t *w, const ambc_page_t *g, char *msg, size_t cap)
{
    if (!str_same("page.first_id", w->first_id, g->first_id, sizeof(g->first_id), msg, cap) ||
        !str_same("page.last_id", w->last_id, g->last_id, sizeof(g->last_id), msg, cap)) {
        return false;
    }
    SAME_INT("page.has_more", w->has_more, g->has_more);
    SAME_INT("page.count", w->count, g->count);
    SAME_INT("page.present", w->present, g->present);
    SAME_INT("page.null", w->null, g->null);
    return true;
}

static bool records_same(const ambc_batch_t *want, size_t n_want, const oracle_run_t *r, char *msg,
                         size_t cap)
{
    size_t i, kept = r->n < r->max_keep ? r->n : r->max_keep;
    char sub[200];
    if (r->n != n_want) {
        snprintf(msg, cap, "%zu records delivered, the reference has %zu before the end/failure",
                 r->n, n_want);
        return false;
    }
    for (i = 0; i < kept; i++) {
        if (!oracle_batch_same(&want[i], &r->rec[i], sub, sizeof(sub))) {
            snprintf(msg, cap, "record %zu: %s", i, sub);
            return false;
        }
    }
    return true;
}

static const char *fname(const char *f)
{
    return f ? f : "(none)";
}

bool oracle_check(const oracle_ref_t *ref, const oracle_run_t *r, char *msg, size_t cap)
{
    size_t k;
    char sub[200];
    if (ref->verdict == ORACLE_OK) {
        if (r->st != AMBC_OK) {
            snprintf(msg, cap, "valid page, ambc says %s (field %s)", ambc_strerror(r->st),
                     fname(r->field));
            return false;
        }
        if (!records_same(ref->rec, ref->n_rec, r, msg, cap)) {
            return false;
        }
        if (!oracle_page_same(&ref->page, &r->page, sub, sizeof(sub))) {
            snprintf(msg, cap, "%s", sub);
            return false;
        }
        return true;
    }
    if (r->st == AMBC_OK) {
        snprintf(msg, cap, "ambc says OK, the reference says %s", ref->why);
        return false;
    }
    if (!oracle_status_documented(r->st)) {
        snprintf(msg, cap, "undocumented status %s (reference: %s)", ambc_strerror(r->st),
                 ref->why);
        return false;
    }
    if (!records_same(ref->rec, ref->n_rec, r, sub, sizeof(sub))) {
        snprintf(msg, cap, "%s; ambc stopped with %s (field %s), reference: %s", sub,
                 ambc_strerror(r->st), fname(r->field), ref->why);
        return false;
    }
    if (ref->verdict == ORACLE_INVALID) {
        return true;
    }
    /* valid but for a limit: the status must be one of the limits met, naming its field */
    for (k = 0; k < ref->n_lim; k++) {
        if (ref->lim[k].st != r->st) {
            continue;
        }
        if (r->st == AMBC_ERR_JSON_DEPTH ||
            (r->field != NULL && strcmp(r->field, ref->lim[k].field) == 0)) {
            return true;
        }
    }
    snprintf(msg, cap, "a page valid but for a limit (%s): ambc says %s naming %s", ref->why,
             ambc_strerror(r->st), fname(r->field));
    return false;
}

bool oracle_same_run(const oracle_run_t *a, const oracle_run_t *b, char *msg, size_t cap)
{
    size_t i, kept;
    char sub[200];
    if (a->st != b->st) {
        snprintf(msg, cap, "status %s vs %s", ambc_strerror(a->st), ambc_strerror(b->st));
        return false;
    }
    if ((a->field == NULL) != (b->field == NULL) ||
        (a->field != NULL && strcmp(a->field, b->field) != 0)) {
        snprintf(msg, cap, "error field %s vs %s", fname(a->field), fname(b->field));
        return false;
    }
    if (a->n != b->n) {
        snprintf(msg, cap, "%zu records vs %zu", a->n, b->n);
        return false;
    }
    kept = a->n < a->max_keep ? a->n : a->max_keep;
    kept = kept < b->max_keep ? kept : b->max_keep;
    for (i = 0; i < kept; i++) {
        if (!oracle_batch_same(&a->rec[i], &b->rec[i], sub, sizeof(sub))) {
            snprintf(msg, cap, "record %zu: %s", i, sub);
            return false;
        }
    }
    if (a->st == AMBC_OK && !oracle_page_same(&a->page, &b->page, sub, sizeof(sub))) {
        snprintf(msg, cap, "%s", sub);
        return false;
    }
    return true;
}
