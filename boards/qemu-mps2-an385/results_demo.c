/* Streaming a batch's results on the board (see results_demo.h). */
#include "results_demo.h"

#include <string.h>

#include "board.h"
#include "mbedtls/sha256.h"

typedef struct {
    mbedtls_sha256_context sha; /* the text of line `line`, so far */
    uint32_t line;              /* the line whose text is being hashed, 0: none yet */
    uint32_t lines;
    uint32_t bytes;
    uint32_t line_bytes; /* bytes of the line being received */
    uint32_t max_line;   /* the longest line, bytes (its ending included) */
} demo_t;

static demo_t demo;

static void start_text(demo_t *d, uint32_t line)
{
    mbedtls_sha256_init(&d->sha);
    mbedtls_sha256_starts_ret(&d->sha, 0);
    d->line = line;
}

static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    demo_t *d = ctx;
    if (ch->kind != AMBC_CHUNK_TEXT) {
        return AMBC_OK;
    }
    if (d->line != ch->line) {
        start_text(d, ch->line);
    }
    mbedtls_sha256_update_ret(&d->sha, (const unsigned char *)ch->data, ch->len);
    return AMBC_OK;
}

/* Server text in a JSON string: printed when it is plain printable ASCII, else "?". */
static void put_plain(const char *key, const char *s)
{
    const char *p;
    for (p = s; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7E || *p == '"' || *p == '\\') {
            s = "?";
            break;
        }
    }
    board_puts(",\"");
    board_puts(key);
    board_puts("\":\"");
    board_puts(s);
    board_puts("\"");
}

static void put_count(const char *key, uint32_t v)
{
    board_puts(",\"");
    board_puts(key);
    board_puts("\":");
    board_put_u32(v);
}

static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
{
    static const char hex[] = "0123456789abcdef";
    demo_t *d = ctx;
    unsigned char sum[32];
    char text[65];
    size_t i;
    if (d->line != r->line) {
        start_text(d, r->line); /* no text in this line: the hash of nothing */
    }
    mbedtls_sha256_finish_ret(&d->sha, sum);
    mbedtls_sha256_free(&d->sha);
    d->line = 0;
    for (i = 0; i < 32; i++) {
        text[2 * i] = hex[sum[i] >> 4];
        text[2 * i + 1] = hex[sum[i] & 15u];
    }
    text[64] = '\0';
    board_puts("result: {\"line\":");
    board_put_u32(r->line);
    put_plain("custom_id", r->custom_id);
    put_plain("type", r->type_text);
    put_plain("stop_reason", r->stop_reason);
    put_count("blocks", r->blocks);
    put_count("output_tokens", (uint32_t)r->usage.output_tokens);
    put_count("text_bytes", (uint32_t)r->text_bytes);
    put_plain("text_sha256", text);
    board_puts("}\n");
    d->lines++;
    return AMBC_OK;
}

/* Every body byte once: counted, and the lines measured. */
static ambc_status_t on_bytes(void *ctx, const uint8_t *data, size_t len)
{
    demo_t *d = ctx;
    const uint8_t *end = data + len;
    d->bytes += (uint32_t)len;
    while (data < end) {
        const uint8_t *nl = memchr(data, '\n', (size_t)(end - data));
        d->line_bytes += (uint32_t)((nl != NULL ? nl + 1 : end) - data);
        if (nl == NULL) {
            break;
        }
        d->max_line = d->line_bytes > d->max_line ? d->line_bytes : d->max_line;
        d->line_bytes = 0;
        data = nl + 1;
    }
    return AMBC_OK;
}

static void measure(const char *key, uint32_t value)
{
    board_puts(" ");
    board_puts(key);
    board_puts("=");
    board_put_u32(value);
}

/* ---- the line mapper alone, from RAM ---------------------------------------------------- */

/* A line like the mock's, about 32 KB, fed PARSE_ROUNDS times in TCP-sized slices (about
 * 1 MB): its head, the same slice of text PARSE_MIDS times, its tail. Only the middle slice is
 * in RAM (PARSE_SLICE bytes), not the line: the measurement must not cost the board 32 KB. */
#define PARSE_SLICE  1460u /* what one TCP segment brings */
#define PARSE_MIDS   22u   /* middle slices per line */
#define PARSE_ROUNDS 32u

static char parse_mid[PARSE_SLICE];
static ambc_results_parser_t parse_parser;

static const char parse_head[] =
    "{\"custom_id\":\"bench\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_1\","
    "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":"
    "[{\"type\":\"text\",\"text\":\"";
static const char parse_tail[] =
    "\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":"
    "{\"city\":\"Z\\u00fcrich\"}}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
    "\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}}}\n";

typedef struct {
    uint32_t chunk_bytes, blocks, results;
} parse_count_t;

static ambc_status_t count_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    ((parse_count_t *)ctx)->chunk_bytes += (uint32_t)ch->len;
    return AMBC_OK;
}

static ambc_status_t count_block(void *ctx, const ambc_result_block_t *b)
{
    (void)b;
    ((parse_count_t *)ctx)->blocks++;
    return AMBC_OK;
}

static ambc_status_t count_result(void *ctx, const ambc_result_t *r)
{
    (void)r;
    ((parse_count_t *)ctx)->results++;
    return AMBC_OK;
}

/* The middle slice: whole words of mixed-script text with escapes, as JSON is written.
 * Returns its length; *text: the decoded bytes of its text. */
static size_t build_mid(uint32_t *text)
{
    static const char *const words[] = {
        "The ",          "batch ",     "caf\\u00e9 ",  "\\u65e5\\u672c ",
        "line\\nbreak ", "\\\"q\\\" ", "na\\u00efve ", "result "};
    static const uint32_t decoded[] = {4, 6, 6, 7, 11, 4, 7, 7};
    size_t n = 0;
    uint32_t k = 0;
    *text = 0;
    for (;;) {
        size_t w = strlen(words[k % 8u]);
        if (n + w > sizeof(parse_mid)) {
            return n;
        }
        memcpy(parse_mid + n, words[k % 8u], w);
        n += w;
        *text += decoded[k % 8u];
        k++;
    }
}

static ambc_status_t feed(const char *data, size_t len)
{
    return ambc_results_parser_feed(&parse_parser, (const uint8_t *)data, len);
}

/* Emulated ms to parse PARSE_ROUNDS copies of the line, every callback set (they only count);
 * the counts must come out exact or the time means nothing. */
static void parse_from_ram(void)
{
    static const ambc_results_handler_t h0 = {count_result, count_chunk, count_block, NULL};
    ambc_results_handler_t h = h0;
    parse_count_t n = {0, 0, 0};
    uint32_t text, r, m, t0, ms;
    const size_t mid = build_mid(&text);
    const size_t len = sizeof(parse_head) - 1u + PARSE_MIDS * mid + sizeof(parse_tail) - 1u;
    ambc_status_t st = AMBC_OK;
    h.ctx = &n;
    ambc_results_parser_init(&parse_parser, &h);
    t0 = board_ms();
    for (r = 0; r < PARSE_ROUNDS && st == AMBC_OK; r++) {
        st = feed(parse_head, sizeof(parse_head) - 1u);
        for (m = 0; m < PARSE_MIDS && st == AMBC_OK; m++) {
            st = feed(parse_mid, mid);
        }
        if (st == AMBC_OK) {
            st = feed(parse_tail, sizeof(parse_tail) - 1u);
        }
    }
    if (st == AMBC_OK) {
        st = ambc_results_parser_finish(&parse_parser);
    }
    ms = board_ms() - t0;
    board_puts("ambc-fw: parse");
    measure("parse_status", (uint32_t)-st);
    measure("parse_bytes", (uint32_t)(len * PARSE_ROUNDS));
    measure("parse_ms", ms);
    measure("parse_results", n.results);
    measure("parse_blocks", n.blocks);
    measure("parse_chunk_bytes", n.chunk_bytes);
    measure("parse_text_bytes", text * PARSE_MIDS * PARSE_ROUNDS);
    board_puts("\n");
}

ambc_status_t results_demo_run(ambc_client_t *c, const ambc_batch_t *b)
{
    ambc_results_params_t p;
    ambc_status_t st;
    uint32_t t0;
    memset(&demo, 0, sizeof(demo));
    memset(&p, 0, sizeof(p));
    p.handler.on_result = on_result;
    p.handler.on_chunk = on_chunk;
    p.handler.ctx = &demo;
    p.on_bytes = on_bytes;
    p.bytes_ctx = &demo;
    p.batch = b;
    t0 = board_ms();
    st = ambc_batches_results(c, NULL, &p);
    if (demo.line_bytes > demo.max_line) { /* a last line without its ending */
        demo.max_line = demo.line_bytes;
    }
    board_puts("ambc-fw: results");
    measure("results_status", (uint32_t)-st);
    measure("results_lines", demo.lines);
    measure("results_bytes", demo.bytes);
    measure("results_max_line", demo.max_line);
    measure("results_ms", board_ms() - t0);
    measure("results_parser_bytes", (uint32_t)sizeof(ambc_results_parser_t));
    board_puts("\n");
    parse_from_ram();
    return st;
}
