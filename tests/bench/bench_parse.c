/*
 * Parse benchmark: a list page of N batches from memory, three ways, in one process,
 * interleaved, median of R rounds:
 *   ambc      the streaming path (page parser fed in 512-byte slices, as from the rx buffer)
 *   jsmn-all  jsmn over the whole page in one buffer (tokens for the whole page), then the
 *             same fields mapped from those tokens by the same descriptor-table mapper
 *   cjson     cJSON parses the page into a tree; the same fields are extracted from it
 *             (the way most embedded clients do it)
 * Memory: what each needs for this page: ambc its parser state (fixed); jsmn the page buffer
 * plus the tokens it used; cJSON the page buffer plus its peak heap (counting allocator).
 *
 * usage: bench_parse [N=1000] [rounds=15] [only=ambc|jsmn|cjson]
 *   "only" runs one approach (for valgrind --tool=callgrind instruction counts).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <cjson/cJSON.h>

#include "ambc/batch.h"
#include "batch_map.h"
#include "gen_page.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long sink;

static ambc_status_t count(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    sink += b->request_counts.succeeded + (unsigned long)b->id[9] + (unsigned long)b->created_at;
    return AMBC_OK;
}

static ambc_page_parser_t parser;
static ambc_batch_t record;

static int run_ambc(const char *body, size_t len)
{
    ambc_page_t page;
    size_t off = 0;
    ambc_page_parser_init(&parser, AMBC_PAGE_LIST, &page, &record, count, NULL);
    while (off < len) {
        size_t n = len - off < 512 ? len - off : 512;
        if (ambc_page_parser_feed(&parser, (const uint8_t *)body + off, n) != AMBC_OK) {
            return -1;
        }
        off += n;
    }
    return ambc_page_parser_finish(&parser) == AMBC_OK ? (int)page.count : -1;
}

/* The whole page tokenized at once; each element of data mapped from those tokens by the
 * same descriptor-table mapper (so both sides do the same field work, jsmn runs once). */
static int run_jsmn(const char *body, size_t len, jsmntok_t *t, unsigned ntok, int *used)
{
    jsmn_parser p;
    int r, i, n = 0, data = -1;
    jsmn_init(&p);
    r = jsmn_parse(&p, body, len, t, ntok);
    *used = r;
    if (r < 1) {
        return -1;
    }
    for (i = 1; i < r; i++) { /* "data" at the top level */
        if (t[i].parent == 0 && t[i].type == JSMN_STRING && t[i].end - t[i].start == 4 &&
            memcmp(body + t[i].start, "data", 4) == 0) {
            data = i + 1;
            break;
        }
    }
    for (i = data + 1; i < r && t[i].start < t[data].end; i++) {
        if (t[i].parent == data) {
            if (ambc_batch_map_tokens(body, (const ambc_json_tok_t *)(const void *)t, r, i,
                                      &record) != AMBC_OK) {
                return -1;
            }
            count(NULL, &record);
            n++;
        }
    }
    return n;
}

/* cJSON with a counting allocator: current and peak bytes. */
static size_t heap_now, heap_peak;

static void *count_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(size_t));
    if (p == NULL) {
        return NULL;
    }
    *p = n;
    heap_now += n;
    if (heap_now > heap_peak) {
        heap_peak = heap_now;
    }
    return p + 1;
}

static void count_free(void *q)
{
    size_t *p = q;
    if (p != NULL) {
        heap_now -= p[-1];
        free(p - 1);
    }
}

static int64_t cj_time(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    int64_t us = AMBC_TIME_NULL;
    if (cJSON_IsString(v)) {
        ambc_rfc3339_parse(v->valuestring, strlen(v->valuestring), &us);
    }
    return us;
}

static uint32_t cj_u32(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (uint32_t)v->valuedouble : 0;
}

/* The same fields into the same record, the way a cJSON-based client does it. */
static void cj_map(const cJSON *o, ambc_batch_t *b)
{
    static const char *const st[] = {"", "in_progress", "canceling", "ended"};
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(o, "processing_status");
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(o, "request_counts");
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(o, "results_url");
    unsigned k;
    memset(b, 0, sizeof(*b));
    if (cJSON_IsString(id)) {
        snprintf(b->id, sizeof(b->id), "%s", id->valuestring);
    }
    for (k = 1; k < 4; k++) {
        if (cJSON_IsString(ps) && strcmp(ps->valuestring, st[k]) == 0) {
            b->processing_status = (ambc_batch_status_t)k;
        }
    }
    b->request_counts.processing = cj_u32(rc, "processing");
    b->request_counts.succeeded = cj_u32(rc, "succeeded");
    b->request_counts.errored = cj_u32(rc, "errored");
    b->request_counts.canceled = cj_u32(rc, "canceled");
    b->request_counts.expired = cj_u32(rc, "expired");
    b->created_at = cj_time(o, "created_at");
    b->expires_at = cj_time(o, "expires_at");
    b->ended_at = cj_time(o, "ended_at");
    b->cancel_initiated_at = cj_time(o, "cancel_initiated_at");
    b->archived_at = cj_time(o, "archived_at");
    if (cJSON_IsString(url)) {
        snprintf(b->results_url, sizeof(b->results_url), "%s", url->valuestring);
    }
}

static int run_cjson(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *data, *el;
    int n = 0;
    if (root == NULL) {
        return -1;
    }
    data = cJSON_GetObjectItemCaseSensitive(root, "data");
    cJSON_ArrayForEach(el, data)
    {
        cj_map(el, &record);
        count(NULL, &record);
        n++;
    }
    cJSON_Delete(root);
    return n;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    int rounds = argc > 2 ? atoi(argv[2]) : 15, r, used = 0;
    const char *only = argc > 3 ? argv[3] : "";
    size_t cap = n * 1200 + 512, len;
    char *body = malloc(cap);
    unsigned ntok = n * 80 + 64;
    jsmntok_t *tok = malloc(ntok * sizeof(*tok));
    double *t[3];
    cJSON_Hooks hooks = {count_malloc, count_free};
    cJSON_InitHooks(&hooks);
    for (r = 0; r < 3; r++) {
        t[r] = calloc((size_t)rounds, sizeof(double));
    }
    len = gen_page(body, cap, 0, n, true, NULL);
    for (r = 0; r < rounds; r++) {
        double t0 = now_s(), t1, t2, t3;
        int ka = (!*only || !strcmp(only, "ambc")) ? run_ambc(body, len) : (int)n;
        t1 = now_s();
        int kj = (!*only || !strcmp(only, "jsmn")) ? run_jsmn(body, len, tok, ntok, &used) : (int)n;
        t2 = now_s();
        int kc = (!*only || !strcmp(only, "cjson")) ? run_cjson(body, len) : (int)n;
        t3 = now_s();
        if (ka != (int)n || kj != (int)n || kc != (int)n) {
            fprintf(stderr, "bench: parse failed (%d, %d, %d)\n", ka, kj, kc);
            return 1;
        }
        t[0][r] = t1 - t0;
        t[1][r] = t2 - t1;
        t[2][r] = t3 - t2;
    }
    if (*only) {
        return sink == 0;
    }
    {
        double a = median(t[0], rounds), j = median(t[1], rounds), c = median(t[2], rounds);
        printf("page: %u batches, %zu bytes; median of %d interleaved rounds\n", n, len, rounds);
        printf("%-9s %12s %9s %12s  %s\n", "approach", "records/s", "MB/s", "memory (B)",
               "what the memory is");
        printf("%-9s %12.0f %9.1f %12zu  parser + record, fixed for any page size\n", "ambc",
               n / a, (double)len / a / 1e6, sizeof(parser) + sizeof(record));
        printf("%-9s %12.0f %9.1f %12zu  page %zu + %d tokens x %zu\n", "jsmn-all", n / j,
               (double)len / j / 1e6, len + (size_t)used * sizeof(jsmntok_t), len, used,
               sizeof(jsmntok_t));
        printf("%-9s %12.0f %9.1f %12zu  page %zu + peak heap %zu\n", "cjson", n / c,
               (double)len / c / 1e6, len + heap_peak, len, heap_peak);
        printf("speed ratios: ambc/jsmn-all %.2f, ambc/cjson %.2f\n", j / a, c / a);
    }
    free(body);
    free(tok);
    for (r = 0; r < 3; r++) {
        free(t[r]);
    }
    return sink == 0;
}
