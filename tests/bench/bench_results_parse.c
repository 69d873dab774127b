/* The results line mapper alone, from memory: MB/s and records/s on this machine, with every
 * callback set (text, thinking and tool input chunks, blocks, summaries) and a handler that
 * only counts. The file is generated once: LINES lines like the API's (a thinking block, a
 * text block of TEXT_BYTES bytes of mixed-script UTF-8 with escapes, a tool_use block, usage,
 * unknown members), then parsed ROUNDS times in 64 KiB slices.
 *
 * usage: bench_results_parse LINES TEXT_BYTES ROUNDS [none]
 *   e.g. 100000 10000 3 (1 GB of 10 kB lines), 1 67108864 3 (one 64 MiB line)
 *   none: generate only (to subtract under callgrind, as scripts/bench.sh does)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ambc/results.h"

typedef struct {
    unsigned long long chunk_bytes, results, blocks;
} count_t;

static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    ((count_t *)ctx)->chunk_bytes += ch->len;
    return AMBC_OK;
}

static ambc_status_t on_block(void *ctx, const ambc_result_block_t *b)
{
    (void)b;
    ((count_t *)ctx)->blocks++;
    return AMBC_OK;
}

static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
{
    (void)r;
    ((count_t *)ctx)->results++;
    return AMBC_OK;
}

/* n decoded bytes of text, as JSON string contents, at out; returns the bytes written. */
static size_t text(char *out, size_t n, unsigned seed)
{
    static const char *const words[] = {"the ",
                                        "batch ",
                                        "caf\xc3\xa9 ",
                                        "\xe6\x97\xa5\xe6\x9c\xac ",
                                        "\xf0\x9f\x98\x80 ",
                                        "line\\n",
                                        "\\\"q\\\" ",
                                        "\\u00e9t\xc3\xa9 "};
    static const size_t decoded[] = {4, 6, 6, 7, 5, 5, 4, 6};
    size_t got = 0, w = 0;
    while (got < n) {
        unsigned k = (seed = seed * 1103515245u + 12345u) >> 16 & 7u;
        if (got + decoded[k] > n) {
            out[w++] = 'a';
            got++;
            continue;
        }
        memcpy(out + w, words[k], strlen(words[k]));
        w += strlen(words[k]);
        got += decoded[k];
    }
    return w;
}

static char *generate(size_t lines, size_t text_bytes, size_t *len)
{
    size_t cap = lines * (text_bytes * 2 + 1024) + 1, n = 0, i;
    char *buf = malloc(cap);
    if (buf == NULL) {
        exit(1);
    }
    for (i = 0; i < lines; i++) {
        n += (size_t)sprintf(buf + n,
                             "{\"custom_id\":\"req-%06zu\",\"result\":{\"type\":\"succeeded\","
                             "\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":"
                             "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                             "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Let me see.\","
                             "\"signature\":\"c2lnbmF0dXJl\"},{\"type\":\"text\",\"text\":\"",
                             i);
        n += text(buf + n, text_bytes, (unsigned)i);
        n += (size_t)sprintf(buf + n,
                             "\",\"x_meta\":{\"k\":[1,2,3]}},{\"type\":\"tool_use\",\"id\":"
                             "\"toolu_01\",\"name\":\"get_weather\",\"input\":{\"city\":"
                             "\"Z\\u00fcrich\",\"days\":3}}],\"stop_reason\":\"end_turn\","
                             "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,"
                             "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                             "\"output_tokens\":%zu}}}}\n",
                             text_bytes / 4);
    }
    *len = n;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static ambc_results_parser_t p;
    size_t lines, text_bytes, rounds, len, r, off;
    count_t c = {0, 0, 0};
    ambc_results_handler_t h = {on_result, on_chunk, on_block, &c};
    double t0, best = 1e30;
    char *body;
    if (argc < 4) {
        fprintf(stderr, "usage: bench_results_parse LINES TEXT_BYTES ROUNDS [none]\n");
        return 2;
    }
    lines = strtoul(argv[1], NULL, 10);
    text_bytes = strtoul(argv[2], NULL, 10);
    rounds = strtoul(argv[3], NULL, 10);
    body = generate(lines, text_bytes, &len);
    if (argc > 4 && strcmp(argv[4], "none") == 0) {
        free(body);
        return 0;
    }
    for (r = 0; r < rounds; r++) {
        ambc_status_t st = AMBC_OK;
        t0 = now();
        ambc_results_parser_init(&p, &h);
        for (off = 0; off < len && st == AMBC_OK; off += 65536) {
            st = ambc_results_parser_feed(&p, (const uint8_t *)body + off,
                                          len - off < 65536 ? len - off : 65536);
        }
        if (st == AMBC_OK) {
            st = ambc_results_parser_finish(&p);
        }
        if (st != AMBC_OK) {
            fprintf(stderr, "parse failed: %s (line %u)\n", ambc_strerror(st),
                    ambc_results_parser_error_line(&p));
            return 1;
        }
        best = now() - t0 < best ? now() - t0 : best;
    }
    /* per line: "Let me see." (11), the text, and the tool input's 31 bytes of JSON text */
    if (c.results != lines * rounds || c.blocks != 3 * lines * rounds ||
        c.chunk_bytes != (11 + text_bytes + 31) * lines * rounds) {
        fprintf(stderr, "wrong counts: %llu results, %llu blocks, %llu chunk bytes\n", c.results,
                c.blocks, c.chunk_bytes);
        return 1;
    }
    printf("%zu lines, %.1f MB, parser state %zu B: best of %zu rounds %.3f s, %.0f MB/s, "
           "%.0f records/s\n",
           lines, (double)len / 1e6, sizeof(p), rounds, best, (double)len / 1e6 / best,
           (double)lines / best);
    free(body);
    return 0;
}
