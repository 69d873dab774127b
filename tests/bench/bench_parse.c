/*
 * Parse benchmark: a list page of N batches from memory, three ways, in one process,
 * interleaved, median of R rounds:
 *   ambc      the streaming path (page parser fed in 512-byte slices, as from the rx buffer)
 *   jsmn-all  jsmn over the whole page in one buffer (tokens for the whole page), then the
 *             same fields mapped from those tokens by the same descriptor-table mapper
 *   jsmn-strict  the same after ambc's scanner has validated the whole page: the strictness
 *             ambc has (jsmn alone takes trailing commas, missing commas, bad literals), so
 *             ambc against this one shows what streaming itself costs
 *   cjson     cJSON parses the page into a tree; the same fields are extracted from it
 *             (the way most embedded clients do it)
 * Memory: what each needs for this page: ambc its parser state (fixed); jsmn the page buffer
 * plus the tokens it used; cJSON the page buffer plus its peak heap (counting allocator).
 *
 * usage: bench_parse [--compact] [N=1000] [rounds=15] [only=ambc|jsmn|strict|cjson|none]
 *   --compact strips the whitespace between tokens (the page as the API sends it; the default
 *   page is the test generator's, with irregular whitespace everywhere JSON allows it).
 *   "only" runs one approach (for valgrind --tool=callgrind instruction counts).
 *   bench_parse --memory N...  prints "N ambc jsmn-all cjson" peak bytes per page size (for the
 *   memory plot; jsmn-strict needs what jsmn-all needs plus the scanner's 152 B).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h> /* as core/batch_map.c builds it, so the tokens agree */

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

/* Index of the token after the whole value at token i (a value's tokens are contiguous). */
static int skip_tokens(const jsmntok_t *t, int r, int i)
{
    int end = t[i].end, j = i + 1;
    while (j < r && t[j].start < end) {
        j++;
    }
    return j;
}

/* The whole page tokenized at once; each element of data mapped from those tokens by the
 * same descriptor-table mapper (so both sides do the same field work, jsmn runs once). */
static int run_jsmn(const char *body, size_t len, jsmntok_t *t, unsigned ntok, int *used)
{
    jsmn_parser p;
    const char *field;
    int r, i, k, n = 0, data = -1;
    jsmn_init(&p);
    r = jsmn_parse(&p, body, len, t, ntok);
    *used = r;
    if (r < 1) {
        return -1;
    }
    for (i = 1, k = 0; k < t[0].size && i < r; k++) { /* "data" among the root's members */
        if (t[i].type == JSMN_STRING && t[i].end - t[i].start == 4 &&
            memcmp(body + t[i].start, "data", 4) == 0) {
            data = i + 1;
            break;
        }
        i = skip_tokens(t, r, i + 1);
    }
    if (data < 0) {
        return -1;
    }
    for (i = data + 1, k = 0; k < t[data].size; k++, i = skip_tokens(t, r, i)) {
        if (ambc_batch_map_tokens(body, t, r, i, &record, &field) != AMBC_OK ||
            record.present != AMBC_BATCH_F_ALL) {
            return -1;
        }
        count(NULL, &record);
        n++;
    }
    return n;
}

/* Whole-page validation by the scanner (events off), then the jsmn-all path. */
static int run_strict(const char *body, size_t len, jsmntok_t *t, unsigned ntok, int *used)
{
    ambc_json_scan_t scan;
    ambc_json_scan_init(&scan, NULL, NULL);
    if (ambc_json_scan_feed(&scan, body, len) != AMBC_OK ||
        ambc_json_scan_finish(&scan) != AMBC_OK) {
        return -1;
    }
    return run_jsmn(body, len, t, ntok, used);
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

enum { A_AMBC, A_JSMN, A_STRICT, A_CJSON, A_COUNT };
static const char *const names[A_COUNT] = {"ambc", "jsmn", "strict", "cjson"};

struct page {
    char *body;
    size_t len;
    jsmntok_t *tok;
    unsigned ntok;
    int used;
};

static int run(int a, struct page *pg)
{
    switch (a) {
    case A_AMBC:
        return run_ambc(pg->body, pg->len);
    case A_JSMN:
        return run_jsmn(pg->body, pg->len, pg->tok, pg->ntok, &pg->used);
    case A_STRICT:
        return run_strict(pg->body, pg->len, pg->tok, pg->ntok, &pg->used);
    default:
        return run_cjson(pg->body, pg->len);
    }
}

/* --compact: the same page without the whitespace between tokens, as the API sends it. */
static bool compact;

static size_t minify(char *s, size_t n)
{
    size_t i, o = 0;
    bool in = false, esc = false;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!in && (c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
            continue;
        }
        s[o++] = c;
        if (esc) {
            esc = false;
        } else if (in && c == '\\') {
            esc = true;
        } else if (c == '"') {
            in = !in;
        }
    }
    return o;
}

static int page_make(struct page *pg, unsigned n)
{
    size_t cap = n * 1200 + 512;
    pg->body = malloc(cap);
    pg->ntok = n * 80 + 64;
    pg->tok = malloc(pg->ntok * sizeof(*pg->tok));
    pg->used = 0;
    if (pg->body == NULL || pg->tok == NULL) {
        return -1;
    }
    pg->len = gen_page(pg->body, cap, 0, n, true, NULL);
    if (compact) {
        pg->len = minify(pg->body, pg->len);
    }
    return 0;
}

static void page_free(struct page *pg)
{
    free(pg->body);
    free(pg->tok);
}

/* Peak bytes each approach needs for pages of each size: the memory plot's data. */
static int memory_table(int argc, char **argv)
{
    int k;
    printf("# batches  ambc  jsmn-all  cjson   (peak bytes for one page)\n");
    for (k = 2; k < argc; k++) {
        struct page pg;
        unsigned n = (unsigned)atoi(argv[k]);
        if (page_make(&pg, n) != 0 || run(A_AMBC, &pg) != (int)n || run(A_JSMN, &pg) != (int)n) {
            return 1;
        }
        heap_now = heap_peak = 0;
        if (run(A_CJSON, &pg) != (int)n) {
            return 1;
        }
        printf("%u %zu %zu %zu\n", n, sizeof(parser) + sizeof(record),
               pg.len + (size_t)pg.used * sizeof(jsmntok_t), pg.len + heap_peak);
        page_free(&pg);
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned n;
    int rounds, r, a;
    const char *only;
    struct page pg;
    double *t[A_COUNT], med[A_COUNT];
    cJSON_Hooks hooks = {count_malloc, count_free};
    cJSON_InitHooks(&hooks);
    if (argc > 1 && strcmp(argv[1], "--compact") == 0) {
        compact = true;
        argc--;
        argv++;
    }
    if (argc > 1 && strcmp(argv[1], "--memory") == 0) {
        return memory_table(argc, argv);
    }
    n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    rounds = argc > 2 ? atoi(argv[2]) : 15;
    only = argc > 3 ? argv[3] : "";
    if (page_make(&pg, n) != 0) {
        return 1;
    }
    for (a = 0; a < A_COUNT; a++) {
        t[a] = calloc((size_t)rounds, sizeof(double));
    }
    for (r = 0; r < rounds; r++) {
        for (a = 0; a < A_COUNT; a++) { /* interleaved: each round runs every approach */
            double t0 = now_s();
            if ((!*only || !strcmp(only, names[a])) && run(a, &pg) != (int)n) {
                fprintf(stderr, "bench: %s failed to parse the page\n", names[a]);
                return 1;
            }
            t[a][r] = now_s() - t0;
        }
    }
    if (*only) {
        return sink == 0 && strcmp(only, "none") != 0;
    }
    for (a = 0; a < A_COUNT; a++) {
        med[a] = median(t[a], rounds);
    }
    printf("page: %u batches, %zu bytes%s; median of %d interleaved rounds\n", n, pg.len,
           compact ? " (compact)" : "", rounds);
    printf("%-11s %12s %9s %12s  %s\n", "approach", "records/s", "MB/s", "memory (B)",
           "what the memory is");
    printf("%-11s %12.0f %9.1f %12zu  parser + record, fixed for any page size\n", "ambc",
           n / med[A_AMBC], (double)pg.len / med[A_AMBC] / 1e6, sizeof(parser) + sizeof(record));
    printf("%-11s %12.0f %9.1f %12zu  page %zu + %d tokens x %zu\n", "jsmn-all", n / med[A_JSMN],
           (double)pg.len / med[A_JSMN] / 1e6, pg.len + (size_t)pg.used * sizeof(jsmntok_t), pg.len,
           pg.used, sizeof(jsmntok_t));
    printf("%-11s %12.0f %9.1f %12zu  jsmn-all + scanner state\n", "jsmn-strict", n / med[A_STRICT],
           (double)pg.len / med[A_STRICT] / 1e6,
           pg.len + (size_t)pg.used * sizeof(jsmntok_t) + sizeof(ambc_json_scan_t));
    printf("%-11s %12.0f %9.1f %12zu  page %zu + peak heap %zu\n", "cjson", n / med[A_CJSON],
           (double)pg.len / med[A_CJSON] / 1e6, pg.len + heap_peak, pg.len, heap_peak);
    printf("speed ratios: ambc/jsmn-all %.2f, ambc/jsmn-strict %.2f, ambc/cjson %.2f\n",
           med[A_JSMN] / med[A_AMBC], med[A_STRICT] / med[A_AMBC], med[A_CJSON] / med[A_AMBC]);
    page_free(&pg);
    for (a = 0; a < A_COUNT; a++) {
        free(t[a]);
    }
    return sink == 0;
}
