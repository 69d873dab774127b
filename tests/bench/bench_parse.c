/*
 * Parse benchmark: a list page of N batches from memory, three ways, in one process,
 * interleaved, median of R rounds:
 *   ambc      the streaming path (page parser fed in 512-byte slices, as from the rx buffer)
 *   jsmn-all  jsmn over the whole page in one buffer (tokens for the whole page), then the
 *             same fields extracted from the tokens (the usual embedded approach)
 * usage: bench_parse [N=1000] [rounds=15]
 * Prints records/s, MB/s and the RAM each approach needs for this page.
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
    sink += b->request_counts.succeeded + (unsigned long)b->id[9];
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

/* The whole page tokenized at once; then each element of data mapped from those tokens by
 * the same descriptor-table mapper (so both sides do the same field work, jsmn runs once). */
static int run_jsmn(const char *body, size_t len, jsmntok_t *t, unsigned ntok)
{
    jsmn_parser p;
    int r, i, n = 0, data = -1;
    jsmn_init(&p);
    r = jsmn_parse(&p, body, len, t, ntok);
    if (r < 1) {
        return -1;
    }
    for (i = 1; i < r; i++) { /* find "data" at the top level */
        if (t[i].parent == 0 && t[i].type == JSMN_STRING && t[i].end - t[i].start == 4 &&
            memcmp(body + t[i].start, "data", 4) == 0) {
            data = i + 1;
            break;
        }
    }
    for (i = data + 1; i < r && t[i].start < t[data].end; i++) {
        if (t[i].parent == data) { /* map straight from the whole-page tokens */
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

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    int rounds = argc > 2 ? atoi(argv[2]) : 15, r;
    size_t cap = n * 1200 + 512, len;
    char *body = malloc(cap);
    unsigned ntok = n * 80 + 64;
    jsmntok_t *tok = malloc(ntok * sizeof(*tok));
    double *ta = malloc(sizeof(double) * (size_t)rounds);
    double *tj = malloc(sizeof(double) * (size_t)rounds);
    len = gen_page(body, cap, 0, n, true, NULL);
    for (r = 0; r < rounds; r++) {
        double t0 = now_s();
        int ka = run_ambc(body, len);
        double t1 = now_s();
        int kj = run_jsmn(body, len, tok, ntok);
        double t2 = now_s();
        if (ka != (int)n || kj != (int)n) {
            fprintf(stderr, "bench: parse failed (%d, %d)\n", ka, kj);
            return 1;
        }
        ta[r] = t1 - t0;
        tj[r] = t2 - t1;
    }
    qsort(ta, (size_t)rounds, sizeof(double), cmp);
    qsort(tj, (size_t)rounds, sizeof(double), cmp);
    {
        double a = ta[rounds / 2], j = tj[rounds / 2];
        jsmn_parser jp;
        int used;
        jsmn_init(&jp);
        used = jsmn_parse(&jp, body, len, tok, ntok);
        printf("page: %u batches, %zu bytes; median of %d interleaved rounds\n", n, len, rounds);
        printf("%-9s %12s %9s %14s\n", "approach", "records/s", "MB/s", "RAM for page");
        printf("%-9s %12.0f %9.1f %8zu bytes (parser+record, any page size)\n", "ambc", n / a,
               (double)len / a / 1e6, sizeof(parser) + sizeof(record));
        printf("%-9s %12.0f %9.1f %8zu bytes (page %zu + %d tokens x %zu)\n", "jsmn-all", n / j,
               (double)len / j / 1e6, len + (size_t)used * sizeof(jsmntok_t), len, used,
               sizeof(jsmntok_t));
        printf("ratio ambc/jsmn-all speed: %.2f\n", j / a);
    }
    free(body);
    free(tok);
    free(ta);
    free(tj);
    return sink == 0;
}
