#define _POSIX_C_SOURCE 200809L
#include "gen_page.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BASE_US INT64_C(1724179044100435) /* 2024-08-20T18:37:24.100435Z, the API's example */

typedef struct {
    char *p;
    size_t cap, len;
    bool overflow;
} sb_t;

static void sb_add(sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void sb_add(sb_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->overflow) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        b->overflow = true;
        return;
    }
    b->len += (size_t)n;
}

/* Format us as RFC 3339 with libc (independent of ambc's formatter). variant: 0 = 6 digits Z,
 * 1 = 3 digits Z (us must be whole ms), 2 = 6 digits +02:00, 3 = lowercase z, 9 digits. */
static void fmt_time(char *out, size_t cap, int64_t us, int variant)
{
    int64_t shift = variant == 2 ? 7200 : 0;
    time_t secs = (time_t)(us / 1000000) + (time_t)shift;
    long frac = (long)(us % 1000000);
    struct tm tm;
    char base[32];
    gmtime_r(&secs, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    switch (variant) {
    case 1:
        snprintf(out, cap, "%s.%03ldZ", base, frac / 1000);
        break;
    case 2:
        snprintf(out, cap, "%s.%06ld+02:00", base, frac);
        break;
    case 3:
        snprintf(out, cap, "%s.%06ld999z", base, frac);
        break;
    default:
        snprintf(out, cap, "%s.%06ldZ", base, frac);
        break;
    }
}

static const char *const ws_tokens[] = {"", " ", "\n", "\r\n\t ", "  \n    "};

/* One key/value member; ws() spacing varies with i so whitespace lands everywhere. */
static void member(sb_t *b, unsigned i, int *nth, const char *key, const char *value)
{
    const char *w = (i % 7 == 0) ? ws_tokens[(i + (unsigned)*nth) % 5] : "";
    sb_add(b, "%s%s%s\"%s\"%s:%s%s", *nth ? "," : "", w, w, key, w, w, value);
    (*nth)++;
}

static void gen_expected(unsigned i, ambc_batch_t *e, char *raw_id, size_t raw_cap)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->id, sizeof(e->id), "msgbatch_%08uQxZ%013u", i * 2654435761u % 100000000u,
             i);
    snprintf(raw_id, raw_cap, "%s", e->id);
    if (i % 17 == 0) { /* the same id written with escapes */
        snprintf(raw_id, raw_cap, "msgb\\u0061tch_%.8s\\u0051xZ%s", e->id + 9, e->id + 20);
    }
    e->processing_status = (ambc_batch_status_t)(1 + i % 3);
    if (i % 50 == 49) {
        e->processing_status = AMBC_BATCH_STATUS_UNKNOWN; /* a status added later */
    }
    e->request_counts.processing = i % 3 == 0 ? i * 7u : 0;
    e->request_counts.succeeded = i * 13u % 100001u;
    e->request_counts.errored = i % 5;
    e->request_counts.canceled = i % 4 == 1 ? 3u : 0u;
    e->request_counts.expired = i % 9 == 0 ? 4000000000u : 0u;
    e->created_at = BASE_US - (int64_t)i * INT64_C(86400123457) / 10;
    if (i % 19 == 0) {
        e->created_at -= e->created_at % 1000; /* written with 3 fraction digits */
    }
    e->expires_at = e->created_at + INT64_C(86400000000);
    e->ended_at = e->cancel_initiated_at = e->archived_at = AMBC_TIME_NULL;
    e->present = AMBC_BATCH_F_ALL;
}

size_t gen_batch(char *out, size_t cap, unsigned i, ambc_batch_t *expected)
{
    ambc_batch_t e;
    sb_t b = {out, cap, 0, false};
    char raw_id[128], v[256], t[64];
    const char *status_text = "";
    int nth = 0, k;
    gen_expected(i, &e, raw_id, sizeof(raw_id));
    switch (e.processing_status) {
    case AMBC_BATCH_IN_PROGRESS:
        status_text = "in_progress";
        break;
    case AMBC_BATCH_CANCELING:
        status_text = "canceling";
        break;
    case AMBC_BATCH_ENDED:
        status_text = "ended";
        break;
    default:
        status_text = "archiving";
        break;
    }
    snprintf(e.status_text, sizeof(e.status_text), "%s", status_text);
    sb_add(&b, "{");
    for (k = 0; k < 12; k++) { /* key order rotates with i */
        int key = (k + (int)(i % 12)) % 12;
        switch (key) {
        case 0:
            snprintf(v, sizeof(v), "\"%s\"", raw_id);
            member(&b, i, &nth, "id", v);
            break;
        case 1:
            member(&b, i, &nth, "type", "\"message_batch\"");
            break;
        case 2:
            snprintf(v, sizeof(v), "\"%s\"", status_text);
            member(&b, i, &nth, "processing_status", v);
            break;
        case 3:
            snprintf(v, sizeof(v),
                     "{\"processing\":%u,\"succeeded\":%u, \"errored\":%u,\"canceled\":%u,"
                     "\"expired\":%u}",
                     e.request_counts.processing, e.request_counts.succeeded,
                     e.request_counts.errored, e.request_counts.canceled,
                     e.request_counts.expired);
            member(&b, i, &nth, "request_counts", v);
            break;
        case 4:
            fmt_time(t, sizeof(t), e.created_at, i % 19 == 0 ? 1 : i % 23 == 0 ? 2 : 0);
            snprintf(v, sizeof(v), "\"%s\"", t);
            member(&b, i, &nth, "created_at", v);
            break;
        case 5:
            fmt_time(t, sizeof(t), e.expires_at, i % 29 == 0 ? 3 : 0);
            snprintf(v, sizeof(v), "\"%s\"", t);
            member(&b, i, &nth, "expires_at", v);
            break;
        case 6:
        case 7:
        case 8: {
            static const char *const names[] = {"ended_at", "cancel_initiated_at", "archived_at"};
            static const uint32_t bits[] = {AMBC_BATCH_F_ENDED_AT,
                                            AMBC_BATCH_F_CANCEL_INITIATED_AT,
                                            AMBC_BATCH_F_ARCHIVED_AT};
            int64_t *fields[] = {&e.ended_at, &e.cancel_initiated_at, &e.archived_at};
            bool set = key == 6   ? e.processing_status == AMBC_BATCH_ENDED
                       : key == 7 ? i % 4 == 1
                                  : (i % 5 == 0 && e.processing_status == AMBC_BATCH_ENDED);
            if (set) {
                *fields[key - 6] = e.created_at + (int64_t)(key - 5) * 3600000000 + 123;
                fmt_time(t, sizeof(t), *fields[key - 6], 0);
                snprintf(v, sizeof(v), "\"%s\"", t);
            } else {
                e.null |= bits[key - 6];
                snprintf(v, sizeof(v), "null");
            }
            member(&b, i, &nth, names[key - 6], v);
            break;
        }
        case 9:
            if (e.processing_status == AMBC_BATCH_ENDED) {
                snprintf(e.results_url, sizeof(e.results_url),
                         "https://api.anthropic.com/v1/messages/batches/%s/results", e.id);
                /* written with escaped slashes, as JSON allows */
                snprintf(v, sizeof(v),
                         "\"https:\\/\\/api.anthropic.com\\/v1\\/messages\\/batches\\/%s\\/results\"",
                         raw_id);
            } else {
                e.null |= AMBC_BATCH_F_RESULTS_URL;
                snprintf(v, sizeof(v), "null");
            }
            member(&b, i, &nth, "results_url", v);
            break;
        case 10:
            if (i % 11 == 0) {
                member(&b, i, &nth, "x_future",
                       "{\"a\":[1,{\"b\":null,\"c\":[true,false]}],\"d\":\"\\u00e9\\ud83d\\ude00}]\"}");
            }
            break;
        default:
            if (i % 13 == 0) {
                member(&b, i, &nth, "x_list", "[[],[{}],\"]}\\\"\",-1.5e3,0,{\"id\":\"not-me\"}]");
            }
            break;
        }
    }
    sb_add(&b, "%s}", i % 7 == 0 ? "\n" : "");
    if (expected != NULL) {
        *expected = e;
    }
    return b.overflow ? 0 : b.len;
}

size_t gen_page(char *out, size_t cap, unsigned first, unsigned n, bool has_more,
                ambc_batch_t *expected)
{
    sb_t b = {out, cap, 0, false};
    char first_id[CONFIG_AMBC_ID_MAX] = "", last_id[CONFIG_AMBC_ID_MAX] = "";
    unsigned k;
    sb_add(&b, "{\"x_meta\":{\"note\":[1,2,{\"data\":[]}]},\"data\":[");
    for (k = 0; k < n && !b.overflow; k++) {
        ambc_batch_t e;
        size_t len;
        if (k) {
            sb_add(&b, ",%s", k % 5 == 0 ? "\n  " : "");
        }
        len = gen_batch(b.p + b.len, b.cap - b.len, first + k, &e);
        if (len == 0) {
            b.overflow = true;
            break;
        }
        b.len += len;
        if (expected) {
            expected[k] = e;
        }
        if (k == 0) {
            strcpy(first_id, e.id);
        }
        strcpy(last_id, e.id);
    }
    if (n == 0) {
        sb_add(&b, "],\"has_more\":%s,\"first_id\":null,\"last_id\":null}",
               has_more ? "true" : "false");
    } else {
        sb_add(&b, "],\"has_more\":%s,\"first_id\":\"%s\",\n\"last_id\":\"%s\"}",
               has_more ? "true" : "false", first_id, last_id);
    }
    return b.overflow ? 0 : b.len;
}

bool batch_equal(const ambc_batch_t *a, const ambc_batch_t *b)
{
#define DIFF(cond, what)                                                                        \
    if (cond) {                                                                                 \
        fprintf(stderr, "record %s differs in %s\n", b->id, what);                              \
        return false;                                                                           \
    }
    DIFF(strcmp(a->id, b->id) != 0, "id");
    DIFF(a->processing_status != b->processing_status, "processing_status");
    DIFF(strcmp(a->status_text, b->status_text) != 0, "status_text");
    DIFF(memcmp(&a->request_counts, &b->request_counts, sizeof(a->request_counts)) != 0,
         "request_counts");
    DIFF(a->created_at != b->created_at, "created_at");
    DIFF(a->expires_at != b->expires_at, "expires_at");
    DIFF(a->ended_at != b->ended_at, "ended_at");
    DIFF(a->cancel_initiated_at != b->cancel_initiated_at, "cancel_initiated_at");
    DIFF(a->archived_at != b->archived_at, "archived_at");
    DIFF(strcmp(a->results_url, b->results_url) != 0, "results_url");
    DIFF(a->present != b->present, "present");
    DIFF(a->null != b->null, "null");
#undef DIFF
    return true;
}
