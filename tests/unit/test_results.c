/* Unit tests for core/results.c (the line mapper) and core/results_fetch.c (the download, over
 * the scripted server: origin checks, requests, resume after a cut at every offset). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/ambc.h"
#include "fake_server.h"

/* ---- what a handler saw, as text --------------------------------------------------------- */

/* Every callback rendered into one growing log, so two runs compare with one memcmp. A value's
 * chunks are joined (its bytes kept in `value`, their hash logged at its last part), because
 * where a tool input's parts end depends on the reads; every chunk is also checked alone. */
typedef struct {
    char *log;
    size_t len, cap;
    char *value; /* the value whose chunks are coming, joined */
    size_t vlen, vcap;
    char *last_value; /* the last whole value */
    size_t last_len;
    uint64_t raw_hash; /* on_bytes: all the raw bytes, hashed, and how many */
    size_t raw_len;
    int chunks, lone_bad_utf8, open_block; /* chunk checks */
    uint32_t chunk_line;                   /* line of the value in progress */
    uint32_t abort_line;                   /* on_result returns AMBC_ERR_ABORTED at this line */
    ambc_client_t *call_back;              /* on_result calls this client (BUSY expected) */
    ambc_status_t call_back_st;
    ambc_result_t last;             /* the last summary */
    ambc_result_block_t last_block; /* the last block */
} sink_t;

static void grow(char **buf, size_t *cap, size_t need)
{
    if (need > *cap) {
        *cap = need * 2 + 256;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
}

static void logf_(sink_t *s, const char *fmt, ...)
{
    va_list ap;
    int n;
    grow(&s->log, &s->cap, s->len + 1024);
    va_start(ap, fmt);
    n = vsnprintf(s->log + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < s->cap - s->len);
    s->len += (size_t)n;
}

static uint64_t fnv(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    while (n--) {
        h = (h ^ *p++) * 0x100000001b3ull;
    }
    return h;
}

static void sink_free(sink_t *s)
{
    free(s->log);
    free(s->value);
    free(s->last_value);
    memset(s, 0, sizeof(*s));
}

/* Valid UTF-8 on its own (the parts of a text never split a character). */
static bool utf8_alone(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + k > n) {
            return false;
        }
        while (--k > 0) {
            if ((p[++i] & 0xC0) != 0x80) {
                return false;
            }
        }
        i++;
    }
    return true;
}

static ambc_status_t on_chunk(void *ctx, const ambc_result_chunk_t *ch)
{
    static const char *const kinds[] = {"text", "thinking", "input"};
    sink_t *s = ctx;
    s->chunks++;
    if (s->vlen == 0) {
        s->chunk_line = ch->line;
    }
    assert_int_equal(ch->line, s->chunk_line);
    if (ch->kind != AMBC_CHUNK_TOOL_INPUT &&
        !utf8_alone((const unsigned char *)ch->data, ch->len)) {
        s->lone_bad_utf8++;
    }
    grow(&s->value, &s->vcap, s->vlen + ch->len + 1);
    memcpy(s->value + s->vlen, ch->data, ch->len);
    s->vlen += ch->len;
    if (ch->last) {
        logf_(s, "C %u %u %s %zu %016llx\n", ch->line, ch->block, kinds[ch->kind], s->vlen,
              (unsigned long long)fnv(s->value, s->vlen, 1469598103934665603ull));
        free(s->last_value);
        s->last_value = s->value;
        s->last_len = s->vlen;
        s->value = NULL;
        s->vlen = s->vcap = 0;
    }
    return AMBC_OK;
}

static ambc_status_t on_block(void *ctx, const ambc_result_block_t *b)
{
    sink_t *s = ctx;
    s->last_block = *b;
    logf_(s, "B %u %u %d [%s] [%s] [%s] %llu %u\n", b->line, b->index, (int)b->type, b->type_text,
          b->tool_id, b->tool_name, (unsigned long long)b->bytes, b->truncated);
    return AMBC_OK;
}

static ambc_status_t on_result(void *ctx, const ambc_result_t *r)
{
    sink_t *s = ctx;
    const ambc_usage_t *u = &r->usage;
    logf_(s,
          "R %u [%s] %s [%s] [%s] [%s] [%s] [%s] %llu %llu %llu %llu blocks=%u %llu %llu %llu "
          "%d [%s] [%s] [%s] %x %x %x\n",
          r->line, r->custom_id, ambc_result_type_name(r->type), r->type_text, r->message_id,
          r->model, r->stop_reason, r->stop_sequence, (unsigned long long)u->input_tokens,
          (unsigned long long)u->output_tokens, (unsigned long long)u->cache_creation_input_tokens,
          (unsigned long long)u->cache_read_input_tokens, r->blocks,
          (unsigned long long)r->text_bytes, (unsigned long long)r->thinking_bytes,
          (unsigned long long)r->input_bytes, (int)r->error_type, r->error_type_text,
          r->error_message, r->request_id, r->present, r->null, r->truncated);
    s->last = *r;
    if (s->call_back != NULL) {
        static ambc_batch_t b;
        s->call_back_st = ambc_batches_retrieve(s->call_back, "msgbatch_1", &b);
    }
    return r->line == s->abort_line ? AMBC_ERR_ABORTED : AMBC_OK;
}

static ambc_status_t on_bytes(void *ctx, const uint8_t *data, size_t len)
{
    sink_t *s = ctx;
    s->raw_hash = fnv(data, len, s->raw_hash);
    s->raw_len += len;
    return AMBC_OK;
}

static ambc_results_handler_t handler_for(sink_t *s)
{
    ambc_results_handler_t h = {on_result, on_chunk, on_block, s};
    return h;
}

/* Parse body in slices: whole (step 0), or `step` bytes at a time, or split once at `split`
 * (step SIZE_MAX). */
static ambc_status_t parse(const char *body, size_t len, size_t step, size_t split, sink_t *s,
                           ambc_results_parser_t *p)
{
    ambc_results_handler_t h = handler_for(s);
    ambc_status_t st = AMBC_OK;
    size_t i;
    ambc_results_parser_init(p, &h);
    if (step == SIZE_MAX) {
        st = ambc_results_parser_feed(p, (const uint8_t *)body, split);
        if (st == AMBC_OK) {
            st = ambc_results_parser_feed(p, (const uint8_t *)body + split, len - split);
        }
    } else {
        for (i = 0; i < len && st == AMBC_OK; i += step ? step : len) {
            size_t n = step && len - i > step ? step : len - i;
            st = ambc_results_parser_feed(p, (const uint8_t *)body + i, n);
        }
    }
    return st == AMBC_OK ? ambc_results_parser_finish(p) : st;
}

static ambc_results_parser_t parser;

/* ---- fixtures ------------------------------------------------------------------------------ */

/* custom_id last, after a megabyte-class content in real life; unknown members everywhere (a
 * decoy custom_id inside the message among them); escapes, raw UTF-8, a tool input with its id
 * and name after it. */
#define LINE_OK                                                                                    \
    "{\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","     \
    "\"role\":\"assistant\",\"custom_id\":\"decoy\",\"model\":\"claude-sonnet-4-5\",\"content\":[" \
    "{\"type\":\"thinking\",\"thinking\":\"Let me think \\u2192 step\",\"signature\":\"c2ln\"},"   \
    "{\"type\":\"text\",\"text\":\"Hello, \\\"world\\\"\\n\\u00e9\\ud83d\\ude00 caf\xc3\xa9 "      \
    "\xf0\x9f\x98\x80\",\"x_meta\":{\"a\":[1,2,{\"b\":null}]}},"                                   \
    "{\"input\":{\"query\":\"S\\u00e3o \\\"Paulo\\\"\",\"nested\":[{\"k\":\"v\\n\"},[],{}], "      \
    "\"n\" : -1.5e3 },\"name\":\"get_weather\",\"id\":\"toolu_01\",\"type\":\"tool_use\"}],"       \
    "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,"          \
    "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":null,\"output_tokens\":20,"     \
    "\"server_tool_use\":{\"web_search_requests\":0}}},\"x_extra\":\"ignored\"},"                  \
    "\"custom_id\":\"req-1\"}"
#define TOOL_INPUT                                                                                 \
    "{\"query\":\"S\\u00e3o \\\"Paulo\\\"\",\"nested\":[{\"k\":\"v\\n\"},[],{}], \"n\" : -1.5e3 }"
#define LINE_ERRORED                                                                               \
    "{\"custom_id\":\"req-2\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\","     \
    "\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: \\\"too "             \
    "large\\\"\"},"                                                                                \
    "\"request_id\":\"req_011\"}}}"
#define LINE_CANCELED "{ \"custom_id\" :\t\"req-3\" , \"result\" : { \"type\" : \"canceled\" } }"
#define LINE_EXPIRED  "{\"custom_id\":\"req-4\",\"result\":{\"type\":\"expired\"}}"

static const char body_mixed[] = LINE_OK "\n" LINE_ERRORED "\r\n"
                                         "\n"
                                         " \t\r\n" LINE_CANCELED "\r\n" LINE_EXPIRED;

/* ---- the line mapper ------------------------------------------------------------------------ */

static void test_every_result_type(void **state)
{
    sink_t s = {0};
    (void)state;
    assert_int_equal(parse(body_mixed, sizeof(body_mixed) - 1, 0, 0, &s, &parser), AMBC_OK);
    /* the chunks and blocks of line 1 come first, its summary last (its custom_id is last);
     * lengths and FNV-1a hashes of the values computed apart, from the decoded strings */
    assert_string_equal(
        s.log,
        "C 1 0 thinking 21 734ac52ca22a7946\n"
        "B 1 0 2 [thinking] [] [] 21 0\n"
        "C 1 1 text 32 de5066b3c8b42cd9\n"
        "B 1 1 1 [text] [] [] 32 0\n"
        "C 1 2 input 74 77e9170144e05cd8\n"
        "B 1 2 3 [tool_use] [toolu_01] [get_weather] 74 0\n"
        "R 1 [req-1] succeeded [succeeded] [msg_01] [claude-sonnet-4-5] [tool_use] [] 10 20 0 0 "
        "blocks=3 32 21 74 0 [] [] [] 3fff 1080 0\n"
        "R 2 [req-2] errored [errored] [] [] [] [] 0 0 0 0 blocks=0 0 0 0 1 "
        "[invalid_request_error] [max_tokens: \"too large\"] [req_011] 7c007 0 0\n"
        "R 5 [req-3] canceled [canceled] [] [] [] [] 0 0 0 0 blocks=0 0 0 0 0 [] [] [] 7 0 0\n"
        "R 6 [req-4] expired [expired] [] [] [] [] 0 0 0 0 blocks=0 0 0 0 0 [] [] [] 7 0 0\n");
    assert_int_equal(s.lone_bad_utf8, 0);
    sink_free(&s);
}

static void test_text_and_tool_input_exact(void **state)
{
    sink_t s = {0};
    static const char text[] = "Hello, \"world\"\n\xc3\xa9\xf0\x9f\x98\x80 caf\xc3\xa9 "
                               "\xf0\x9f\x98\x80";
    static const char line[] = LINE_OK;
    ambc_results_handler_t h = handler_for(&s);
    size_t i;
    (void)state;
    /* the text decoded; the input its exact JSON text (spaces and escapes as sent) */
    for (i = 1; i < sizeof(line) - 1; i++) { /* the last value kept is the input: split it */
        sink_free(&s);
        ambc_results_parser_init(&parser, &h);
        assert_int_equal(ambc_results_parser_feed(&parser, (const uint8_t *)line, i), AMBC_OK);
        assert_int_equal(
            ambc_results_parser_feed(&parser, (const uint8_t *)line + i, sizeof(line) - 1 - i),
            AMBC_OK);
        assert_int_equal(ambc_results_parser_finish(&parser), AMBC_OK);
        assert_int_equal(s.last_len, sizeof(TOOL_INPUT) - 1);
        assert_memory_equal(s.last_value, TOOL_INPUT, sizeof(TOOL_INPUT) - 1);
    }
    sink_free(&s);
    /* the text: the second value of the line */
    ambc_results_parser_init(&parser, &h);
    assert_int_equal(ambc_results_parser_feed(&parser, (const uint8_t *)line,
                                              (size_t)(strstr(line, "x_meta") - line)),
                     AMBC_OK);
    assert_int_equal(s.last_len, sizeof(text) - 1);
    assert_memory_equal(s.last_value, text, sizeof(text) - 1);
    sink_free(&s);
}

/* The same log whatever the slicing: whole, every split into two, byte by byte, odd steps. */
static void test_whole_vs_every_slicing(void **state)
{
    sink_t whole = {0}, s = {0};
    size_t len = sizeof(body_mixed) - 1, i;
    (void)state;
    assert_int_equal(parse(body_mixed, len, 0, 0, &whole, &parser), AMBC_OK);
    for (i = 0; i <= len; i++) {
        assert_int_equal(parse(body_mixed, len, SIZE_MAX, i, &s, &parser), AMBC_OK);
        assert_int_equal(s.len, whole.len);
        assert_memory_equal(s.log, whole.log, whole.len);
        assert_int_equal(s.lone_bad_utf8, 0);
        sink_free(&s);
    }
    for (i = 1; i < 40; i += 3) {
        assert_int_equal(parse(body_mixed, len, i, 0, &s, &parser), AMBC_OK);
        assert_int_equal(s.len, whole.len);
        assert_memory_equal(s.log, whole.log, whole.len);
        sink_free(&s);
    }
    sink_free(&whole);
}

/* CRLF endings split between two reads at every position, also between the \r and the \n. */
static void test_crlf_split_at_every_position(void **state)
{
    static const char lf[] = LINE_EXPIRED "\n" LINE_CANCELED "\n" LINE_ERRORED "\n";
    static const char crlf[] = LINE_EXPIRED "\r\n" LINE_CANCELED "\r\n" LINE_ERRORED "\r\n";
    sink_t want = {0}, s = {0};
    size_t i;
    (void)state;
    assert_int_equal(parse(lf, sizeof(lf) - 1, 0, 0, &want, &parser), AMBC_OK);
    assert_non_null(strstr(want.log, "R 3 [req-2] errored"));
    for (i = 0; i <= sizeof(crlf) - 1; i++) {
        assert_int_equal(parse(crlf, sizeof(crlf) - 1, SIZE_MAX, i, &s, &parser), AMBC_OK);
        assert_string_equal(s.log, want.log);
        sink_free(&s);
    }
    assert_int_equal(parse(crlf, sizeof(crlf) - 1, 1, 0, &s, &parser), AMBC_OK);
    assert_string_equal(s.log, want.log);
    sink_free(&s);
    sink_free(&want);
}

static void test_blank_lines_and_last_line(void **state)
{
    static const char body[] = "\n\r\n  \n" LINE_EXPIRED "\n\n" LINE_CANCELED;
    sink_t s = {0};
    (void)state;
    assert_int_equal(parse(body, sizeof(body) - 1, 0, 0, &s, &parser), AMBC_OK);
    /* blank lines skipped but counted; the last line has no \n */
    assert_string_equal(s.log, "R 4 [req-4] expired [expired] [] [] [] [] 0 0 0 0 blocks=0 0 0 0 0 "
                               "[] [] [] 7 0 0\n"
                               "R 6 [req-3] canceled [canceled] [] [] [] [] 0 0 0 0 blocks=0 0 0 0 "
                               "0 [] [] [] 7 0 0\n");
    sink_free(&s);
    assert_int_equal(parse("", 0, 0, 0, &s, &parser), AMBC_OK);
    assert_int_equal(parse("\n\n", 2, 0, 0, &s, &parser), AMBC_OK);
    assert_int_equal(s.len, 0);
    sink_free(&s);
}

typedef struct {
    const char *body;
    ambc_status_t st;
    uint32_t line;
    const char *field;
} bad_t;

static void test_errors_name_line_and_member(void **state)
{
    static const bad_t cases[] = {
        {LINE_EXPIRED "\n" LINE_EXPIRED " x\n", AMBC_ERR_RESULTS_TRAILING, 2, NULL},
        {LINE_EXPIRED "\n\n" LINE_EXPIRED LINE_EXPIRED "\n", AMBC_ERR_RESULTS_TRAILING, 3, NULL},
        {LINE_EXPIRED "\r" LINE_EXPIRED, AMBC_ERR_RESULTS_TRAILING, 1, NULL},
        {"[1]\n", AMBC_ERR_JSON_SHAPE, 1, NULL},
        {"\n42", AMBC_ERR_JSON_SHAPE, 2, NULL},
        {"\"x\"\n", AMBC_ERR_JSON_SHAPE, 1, NULL},
        {"{\"custom_id\":\"a\",\"result\":{\"type\":\"expired\"}\n}", AMBC_ERR_JSON_UNEXPECTED_END,
         1, NULL},
        {LINE_EXPIRED "\n{\"custom_id\":\"a\",", AMBC_ERR_JSON_UNEXPECTED_END, 2, NULL},
        {"{\"custom_id\":\"a\",,}", AMBC_ERR_JSON_INVALID, 1, NULL},
        {"{\"result\":{\"type\":\"expired\"}}", AMBC_ERR_JSON_MISSING, 1, "custom_id"},
        {"{\"custom_id\":\"a\"}", AMBC_ERR_JSON_MISSING, 1, "result"},
        {"{\"custom_id\":\"a\",\"result\":{}}", AMBC_ERR_JSON_MISSING, 1, "result.type"},
        {"{\"custom_id\":\"a\",\"result\":{\"type\":\"succeeded\"}}", AMBC_ERR_JSON_MISSING, 1,
         "result.message"},
        {"{\"custom_id\":\"a\",\"result\":{\"type\":\"errored\"}}", AMBC_ERR_JSON_MISSING, 1,
         "result.error"},
        {"{\"custom_id\":\"a\",\"custom_id\":\"b\",\"result\":{\"type\":\"expired\"}}",
         AMBC_ERR_JSON_SHAPE, 1, "custom_id"},
        {"{\"custom\\u005fid\":\"a\",\"custom_id\":\"b\"}", AMBC_ERR_JSON_SHAPE, 1, "custom_id"},
        {"{\"custom_id\":7}", AMBC_ERR_JSON_TYPE, 1, "custom_id"},
        {"{\"custom_id\":null}", AMBC_ERR_JSON_TYPE, 1, "custom_id"},
        {"{\"custom_id\":\"a\",\"result\":[]}", AMBC_ERR_JSON_TYPE, 1, "result"},
        {"{\"custom_id\":\"a\",\"result\":{\"type\":\"succeeded\",\"message\":{\"content\":{}}}}",
         AMBC_ERR_JSON_TYPE, 1, "result.message.content"},
        {"{\"custom_id\":\"a\",\"result\":{\"type\":\"succeeded\",\"message\":{\"content\":[1]}}}",
         AMBC_ERR_JSON_TYPE, 1, "result.message.content"},
        {"{\"result\":{\"message\":{\"content\":[{\"text\":5}]}}}", AMBC_ERR_JSON_TYPE, 1,
         "result.message.content.text"},
        {"{\"result\":{\"message\":{\"content\":[{\"input\":\"x\"}]}}}", AMBC_ERR_JSON_TYPE, 1,
         "result.message.content.input"},
        {"{\"result\":{\"message\":{\"content\":[{\"id\":\"a\",\"id\":\"b\"}]}}}",
         AMBC_ERR_JSON_SHAPE, 1, "result.message.content.id"},
        {"{\"result\":{\"message\":{\"usage\":{\"input_tokens\":-1}}}}", AMBC_ERR_NUMBER_RANGE, 1,
         "result.message.usage.input_tokens"},
        {"{\"result\":{\"message\":{\"usage\":{\"output_tokens\":1.5}}}}", AMBC_ERR_NUMBER_RANGE, 1,
         "result.message.usage.output_tokens"},
        {"{\"result\":{\"message\":{\"usage\":{\"output_tokens\":1e3}}}}", AMBC_ERR_NUMBER_RANGE, 1,
         "result.message.usage.output_tokens"},
        {"{\"result\":{\"message\":{\"usage\":{\"output_tokens\":18446744073709551616}}}}",
         AMBC_ERR_NUMBER_RANGE, 1, "result.message.usage.output_tokens"},
        {"{\"result\":{\"message\":{\"usage\":{\"output_tokens\":\"3\"}}}}", AMBC_ERR_JSON_TYPE, 1,
         "result.message.usage.output_tokens"},
        {"{\"custom_id\":\"a\\u0000b\"}", AMBC_ERR_JSON_NUL, 1, "custom_id"},
        {"{\"result\":{\"message\":{\"model\":\"m\\u0000\"}}}", AMBC_ERR_JSON_NUL, 1,
         "result.message.model"},
        {"{\"custom_id\":\"01234567890123456789012345678901234567890123456789012345678901234\"}",
         AMBC_ERR_STRING_TOO_LONG, 1, "custom_id"},
        {"{\"result\":{\"message\":{\"content\":[{\"text\":\"\xc0\xaf\"}]}}}",
         AMBC_ERR_RESULTS_UTF8, 1, "result.message.content.text"},
        {"{\"result\":{\"message\":{\"content\":[{\"thinking\":\"\xed\xa0\x80\"}]}}}",
         AMBC_ERR_RESULTS_UTF8, 1, "result.message.content.thinking"},
        {"{\"result\":{\"message\":{\"content\":[{\"text\":\"ab\xe2\x82\"}]}}}",
         AMBC_ERR_RESULTS_UTF8, 1, "result.message.content.text"},
        {"{\"result\":{\"message\":{\"content\":[{\"text\":\"\xf4\x90\x80\x80\"}]}}}",
         AMBC_ERR_RESULTS_UTF8, 1, "result.message.content.text"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sink_t s = {0};
        size_t split, len = strlen(cases[i].body);
        for (split = 0; split <= len; split++) { /* the same verdict, wherever a read ends */
            ambc_status_t st = parse(cases[i].body, len, SIZE_MAX, split, &s, &parser);
            if (st != cases[i].st || ambc_results_parser_error_line(&parser) != cases[i].line) {
                fail_msg("case %zu split %zu: %s line %u", i, split, ambc_strerror(st),
                         ambc_results_parser_error_line(&parser));
            }
            if (cases[i].field == NULL) {
                assert_null(ambc_results_parser_error_field(&parser));
            } else {
                assert_string_equal(ambc_results_parser_error_field(&parser), cases[i].field);
            }
            /* sticky */
            assert_int_equal(ambc_results_parser_feed(&parser, (const uint8_t *)"\n", 1), st);
            sink_free(&s);
        }
    }
}

static void test_texts_kept_cut_and_flagged(void **state)
{
    static char line[4096];
    sink_t s = {0};
    char two[121], three[121];
    size_t i;
    (void)state;
    for (i = 0; i < 60; i++) { /* 120 bytes of 2-byte characters, and of 3-byte ones */
        memcpy(two + 2 * i, "\xc3\xa9", 2);
    }
    for (i = 0; i < 40; i++) {
        memcpy(three + 3 * i, "\xe2\x82\xac", 3);
    }
    two[120] = three[120] = '\0';
    snprintf(line, sizeof(line),
             "{\"custom_id\":\"a\",\"result\":{\"type\":\"a_new_result_type_longer_than_32_bytes\","
             "\"message\":{\"model\":\"%s\",\"stop_sequence\":\"%s\",\"content\":[{\"type\":"
             "\"server_tool_use_with_a_long_type_name\",\"name\":\"%s\",\"input\":[1, 2]}]}}}",
             two, three, two);
    assert_int_equal(parse(line, strlen(line), 7, 0, &s, &parser), AMBC_OK);
    /* what fits of each, never half a character: 31 of the 2-byte ones in 63 bytes, 21 of the
     * 3-byte ones in 63 */
    assert_int_equal(s.last.type, AMBC_RESULT_UNKNOWN);
    assert_string_equal(s.last.type_text, "a_new_result_type_longer_than_3");
    assert_int_equal(strlen(s.last.model), 62);
    assert_memory_equal(s.last.model, two, 62);
    assert_int_equal(strlen(s.last.stop_sequence), 63);
    assert_memory_equal(s.last.stop_sequence, three, 63);
    assert_int_equal(s.last.truncated,
                     AMBC_RESULT_F_TYPE | AMBC_RESULT_F_MODEL | AMBC_RESULT_F_STOP_SEQUENCE);
    assert_int_equal(s.last_block.type, AMBC_BLOCK_OTHER);
    assert_string_equal(s.last_block.type_text, "server_tool_use_with_a_long_typ");
    assert_memory_equal(s.last_block.tool_name, two, 62);
    assert_int_equal(strlen(s.last_block.tool_name), 62);
    assert_int_equal(s.last_block.truncated, AMBC_BLOCK_F_TYPE | AMBC_BLOCK_F_TOOL_NAME);
    assert_int_equal(s.last_block.bytes, 6); /* the input [1, 2], as written */
    assert_int_equal(s.last_len, 6);
    assert_memory_equal(s.last_value, "[1, 2]", 6);
    sink_free(&s);
}

static void test_nulls_kept_apart(void **state)
{
    static const char line[] =
        "{\"custom_id\":\"n\",\"result\":{\"type\":\"succeeded\",\"message\":{"
        "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
        "\"input_tokens\":null,\"output_tokens\":0},\"content\":[]},"
        "\"error\":{\"request_id\":null}}}";
    sink_t s = {0};
    (void)state;
    assert_int_equal(parse(line, sizeof(line) - 1, 0, 0, &s, &parser), AMBC_OK);
    /* present: custom_id result type message stop_reason stop_sequence usage input output
     * content error request_id; null: stop_reason stop_sequence input_tokens request_id */
    assert_non_null(strstr(s.log, "blocks=0 0 0 0 0 [] [] [] e7cf 82c0 0\n"));
    sink_free(&s);
}

/* Lines across the 64 KiB mark (one SDK dropped them) and large ones: counted exactly, in parts
 * of whole characters, in constant RAM (the parser is all there is). */
static void test_long_lines(void **state)
{
    static const size_t sizes[] = {65534, 65535, 65536, 65537, 65538, 3u << 20};
    size_t k;
    (void)state;
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k], i, len;
        char *line = malloc(n * 2 + 256);
        sink_t s = {0};
        len = (size_t)sprintf(line, "{\"result\":{\"type\":\"succeeded\",\"message\":{\"content\":"
                                    "[{\"type\":\"text\",\"text\":\"");
        for (i = 0; i < n;) { /* 1-, 2-, 3- and 4-byte characters, an escape now and then */
            static const char *const parts[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                                "\\n"};
            const char *p = parts[i % 5];
            size_t dec = i % 5 == 4 ? 1 : strlen(p);
            if (i + dec > n) {
                p = "b";
                dec = 1;
            }
            memcpy(line + len, p, strlen(p));
            len += strlen(p);
            i += dec;
        }
        len += (size_t)sprintf(line + len, "\"}]}},\"custom_id\":\"big\"}\n");
        assert_int_equal(parse(line, len, 4093, 0, &s, &parser), AMBC_OK);
        assert_int_equal(s.last_len, n);
        assert_int_equal(s.lone_bad_utf8, 0);
        assert_true(s.chunks > (int)(n / CONFIG_AMBC_JSON_SCALAR_MAX));
        {
            char want[64];
            snprintf(want, sizeof(want), "blocks=1 %zu 0 0", n);
            assert_non_null(strstr(s.log, want));
        }
        free(line);
        sink_free(&s);
    }
}

/* A line from the template with each '@' replaced: by nothing, or by an unknown member whose
 * value is `unknown` (malloc'd; the caller frees). */
static char *with_unknowns(const char *tmpl, const char *unknown, size_t *len)
{
    size_t at = 0, n = 0, ulen = unknown != NULL ? strlen(unknown) : 0;
    const char *t;
    char *line;
    for (t = tmpl; *t != '\0'; t++) {
        at += *t == '@';
    }
    line = malloc(strlen(tmpl) + at * (ulen + 16) + 1);
    assert_non_null(line);
    for (t = tmpl; *t != '\0'; t++) {
        if (*t != '@') {
            line[n++] = *t;
        } else if (unknown != NULL) {
            n += (size_t)sprintf(line + n, "\"x_future\":%s,", unknown);
        }
    }
    line[n] = '\0';
    *len = n;
    return line;
}

/* Unknown members of a megabyte, a string or a wide nested value, at every level a line has
 * (the line, result, message, a content block, usage, an error): what the handler sees is the
 * same as without them, in every slicing, and none of their bytes reaches a chunk. */
static void test_large_unknown_members_pass_by(void **state)
{
    static const char tmpl[] =
        "{@\"custom_id\":\"req-1\",\"result\":{@\"type\":\"succeeded\",\"message\":{@\"id\":"
        "\"msg_01\",\"content\":[{@\"type\":\"text\",\"text\":\"Hello \\u00e9\"},{@\"type\":"
        "\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":[1,{\"b\":null}]}}],"
        "\"stop_reason\":\"end_turn\",\"usage\":{@\"input_tokens\":3,\"output_tokens\":4}}}}\n"
        "{@\"custom_id\":\"req-2\",\"result\":{@\"type\":\"errored\",\"error\":{@\"type\":"
        "\"error\",\"error\":{@\"type\":\"overloaded_error\",\"message\":\"busy\"}}}}\n";
    enum { BIG = 1 << 20 };
    char *big_string = malloc(BIG + 3), *big_nested = malloc(BIG + 64);
    const char *unknowns[2];
    size_t k, n, i;
    size_t plain_len;
    char *plain = with_unknowns(tmpl, NULL, &plain_len);
    sink_t want = {0};
    (void)state;
    assert_non_null(big_string);
    assert_non_null(big_nested);
    /* "text, \"quotes\", \u00e9 and é ..." repeated: escapes and raw UTF-8 all the way */
    n = 0;
    big_string[n++] = '"';
    while (n < BIG - 16) {
        static const char part[] = "ab \\\"q\\\" \\u00e9 \xc3\xa9 \\n ";
        memcpy(big_string + n, part, sizeof(part) - 1);
        n += sizeof(part) - 1;
    }
    big_string[n++] = '"';
    big_string[n] = '\0';
    /* [{"text":"decoy","k":[1,2.5e3,true,null,"s"]},...]: keys the mapper knows, elsewhere */
    n = 0;
    big_nested[n++] = '[';
    while (n < BIG - 64) {
        n += (size_t)sprintf(big_nested + n,
                             "%s{\"text\":\"decoy\",\"type\":\"text\",\"k\":"
                             "[1,2.5e3,true,null,\"s\"]}",
                             n > 1 ? "," : "");
    }
    big_nested[n++] = ']';
    big_nested[n] = '\0';
    unknowns[0] = big_string;
    unknowns[1] = big_nested;

    assert_int_equal(parse(plain, plain_len, 0, 0, &want, &parser), AMBC_OK);
    assert_non_null(strstr(want.log, "R 1 [req-1] succeeded"));
    assert_non_null(strstr(want.log, "R 2 [req-2] errored"));
    for (k = 0; k < 2; k++) {
        static const size_t steps[] = {0, 1, 7, 4093};
        size_t len;
        char *line = with_unknowns(tmpl, unknowns[k], &len);
        assert_true(len > 10u * BIG);
        for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
            sink_t s = {0};
            assert_int_equal(parse(line, len, steps[i], 0, &s, &parser), AMBC_OK);
            assert_int_equal(s.len, want.len);
            assert_memory_equal(s.log, want.log, want.len);
            sink_free(&s);
        }
        free(line);
    }
    sink_free(&want);
    free(plain);
    free(big_string);
    free(big_nested);
}

static void test_callback_stops_the_parse(void **state)
{
    sink_t s = {0};
    (void)state;
    s.abort_line = 2;
    assert_int_equal(parse(body_mixed, sizeof(body_mixed) - 1, 0, 0, &s, &parser),
                     AMBC_ERR_ABORTED);
    assert_int_equal(ambc_results_parser_error_line(&parser), 2);
    assert_null(strstr(s.log, "R 5"));
    sink_free(&s);
}

static void test_without_callbacks(void **state)
{
    (void)state;
    ambc_results_parser_init(&parser, NULL);
    assert_int_equal(
        ambc_results_parser_feed(&parser, (const uint8_t *)body_mixed, sizeof(body_mixed) - 1),
        AMBC_OK);
    assert_int_equal(ambc_results_parser_finish(&parser), AMBC_OK);
    assert_int_equal(ambc_results_parser_finish(&parser), AMBC_OK);
    assert_int_equal(ambc_results_parser_feed(NULL, NULL, 0), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_results_parser_feed(&parser, NULL, 1), AMBC_ERR_INVALID_ARG);
    assert_string_equal(ambc_result_type_name((ambc_result_type_t)99), "unknown");
}

/* ---- the download ---------------------------------------------------------------------------- */

static ambc_client_t client;
static char *responses[FAKE_SCRIPT];
static int nresponses;

static char *keep(char *r)
{
    assert_true(nresponses < FAKE_SCRIPT);
    responses[nresponses++] = r;
    return r;
}

static void free_responses(void)
{
    while (nresponses > 0) {
        free(responses[--nresponses]);
    }
}

static char *http_200(const char *body, size_t len, bool chunked)
{
    char *r = malloc(len + 256);
    int n;
    if (chunked) {
        n = sprintf(r, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n%zx\r\n", len);
        memcpy(r + n, body, len);
        strcpy(r + n + len, "\r\n0\r\n\r\n");
    } else {
        n = sprintf(r,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-jsonl\r\n"
                    "content-length: %zu\r\n\r\n",
                    len);
        memcpy(r + n, body, len);
        r[n + len] = '\0';
    }
    return r;
}

static char *prefix(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

#define BATCH_FMT                                                                                  \
    "{\"id\":\"msgbatch_1\",\"type\":\"message_batch\",\"processing_status\":\"%s\","              \
    "\"request_counts\":{\"processing\":0,\"succeeded\":1,\"errored\":0,\"canceled\":0,"           \
    "\"expired\":0},\"created_at\":\"2026-01-02T05:15:44.018546Z\",\"expires_at\":"                \
    "\"2026-01-03T05:15:44.018546Z\",\"ended_at\":null,\"cancel_initiated_at\":null,"              \
    "\"archived_at\":null,\"results_url\":%s}"

static char *batch_response(const char *status, const char *url)
{
    char body[1024];
    int n = snprintf(body, sizeof(body), BATCH_FMT, status, url);
    return http_200(body, (size_t)n, false);
}

static void setup(ambc_client_options_t *opt)
{
    ambc_stream_t st = {&fake_ops, &fake};
    fake_reset();
    free_responses();
    if (opt->host == NULL) {
        opt->host = "api.example";
    }
    if (opt->api_key == NULL) {
        opt->api_key = "sk-key";
    }
    assert_int_equal(ambc_client_init(&client, opt, st, &fake_clock), AMBC_OK);
}

static ambc_batch_t ended_batch(const char *url)
{
    ambc_batch_t b;
    memset(&b, 0, sizeof(b));
    strcpy(b.id, "msgbatch_1");
    b.processing_status = AMBC_BATCH_ENDED;
    strcpy(b.results_url, url);
    return b;
}

static ambc_results_params_t params_for(sink_t *s, const ambc_batch_t *b)
{
    ambc_results_params_t p;
    memset(&p, 0, sizeof(p));
    p.handler = handler_for(s);
    p.on_bytes = on_bytes;
    p.bytes_ctx = s;
    p.batch = b;
    return p;
}

/* Retrieve, then the results from results_url: the requests as the SDKs send them. */
static void test_request_after_retrieve(void **state)
{
    ambc_client_options_t opt = {.beta = true, .port = 8443};
    ambc_results_params_t p;
    sink_t s = {0}, want = {0};
    (void)state;
    setup(&opt);
    fake.script[fake.nscript++] = keep(batch_response(
        "ended", "\"https://API.example:8443/v1/messages/batches/msgbatch_1/results\""));
    fake.script[fake.nscript++] = keep(http_200(body_mixed, sizeof(body_mixed) - 1, true));
    p = params_for(&s, NULL);
    assert_int_equal(ambc_batches_results(&client, "msgbatch_1", &p), AMBC_OK);
    assert_int_equal(fake.whole_requests, 2);
    assert_non_null(strstr(fake.sent, "GET /v1/messages/batches/msgbatch_1?beta=true HTTP/1.1"));
    /* the beta header stays, the query does not; the SDKs' accept */
    assert_string_equal(fake.last_request,
                        "GET /v1/messages/batches/msgbatch_1/results HTTP/1.1\r\n"
                        "Host: api.example:8443\r\n"
                        "x-api-key: sk-key\r\n"
                        "anthropic-version: 2023-06-01\r\n"
                        "accept: application/binary\r\n"
                        "user-agent: ambc/" AMBC_VERSION "\r\n"
                        "anthropic-beta: message-batches-2024-09-24\r\n"
                        "\r\n");
    assert_int_equal(parse(body_mixed, sizeof(body_mixed) - 1, 0, 0, &want, &parser), AMBC_OK);
    assert_string_equal(s.log, want.log);
    assert_int_equal(s.raw_len, sizeof(body_mixed) - 1);
    assert_int_equal(s.raw_hash, fnv(body_mixed, sizeof(body_mixed) - 1, 0));
    assert_int_equal(ambc_client_error_index(&client), UINT32_MAX);
    sink_free(&s);
    sink_free(&want);
}

static void test_not_ended_makes_no_request(void **state)
{
    ambc_client_options_t opt = {0};
    ambc_batch_t b = ended_batch("");
    ambc_results_params_t p;
    sink_t s = {0};
    (void)state;
    setup(&opt);
    fake.script[fake.nscript++] = keep(batch_response("in_progress", "null"));
    p = params_for(&s, NULL);
    assert_int_equal(ambc_batches_results(&client, "msgbatch_1", &p), AMBC_ERR_RESULTS_NOT_READY);
    assert_int_equal(fake.whole_requests, 1); /* the retrieve only */
    assert_null(strstr(fake.sent, "/results"));
    /* a batch in hand without results_url: nothing at all */
    setup(&opt);
    p = params_for(&s, &b);
    assert_int_equal(ambc_batches_results(&client, NULL, &p), AMBC_ERR_RESULTS_NOT_READY);
    assert_int_equal(fake.connects, 0);
    assert_int_equal(fake.sent_len, 0);
    assert_int_equal(ambc_batches_results(&client, NULL, NULL), AMBC_ERR_INVALID_ARG);
    p.batch = NULL;
    assert_int_equal(ambc_batches_results(&client, NULL, &p), AMBC_ERR_INVALID_ARG);
    sink_free(&s);
}

/* The key goes to the configured origin only: anything else is refused before a byte. */
static void test_other_origin_refused_before_a_byte(void **state)
{
    static const struct {
        const char *url;
        ambc_status_t st;
        const char *host; /* NULL: api.example:443 */
        uint16_t port;
    } cases[] = {
        {"https://evil.example/v1/messages/batches/b/results", AMBC_ERR_RESULTS_ORIGIN},
        {"https://api.example.evil.example/r", AMBC_ERR_RESULTS_ORIGIN},
        {"https://api.exampl/r", AMBC_ERR_RESULTS_ORIGIN},
        {"https://api.example:444/r", AMBC_ERR_RESULTS_ORIGIN},
        {"https://api.example:4430/r", AMBC_ERR_RESULTS_ORIGIN},
        {"https://api.example:/r", AMBC_OK}, /* an empty port is the default one */
        {"HTTPS://API.EXAMPLE:443/r", AMBC_OK},
        {"http://api.example/r", AMBC_ERR_RESULTS_ORIGIN},
        {"wss://api.example/r", AMBC_ERR_RESULTS_ORIGIN},
        {"https://user@api.example/r", AMBC_ERR_RESULTS_URL},
        {"https://evil.example@api.example/r", AMBC_ERR_RESULTS_URL},
        {"https://api.example", AMBC_ERR_RESULTS_URL},
        {"https://api.example?x=/r", AMBC_ERR_RESULTS_URL},
        {"https://api.example/r?sig=1", AMBC_ERR_RESULTS_URL},
        {"https://api.example/r#f", AMBC_ERR_RESULTS_URL},
        {"https://api.example/a b", AMBC_ERR_RESULTS_URL},
        {"/v1/messages/batches/b/results", AMBC_ERR_RESULTS_URL},
        {"htt", AMBC_ERR_RESULTS_URL},
        /* an IPv6 literal configured bare is bracketed in a URL */
        {"https://[::1]:8443/r", AMBC_OK, "::1", 8443},
        {"https://[::1]/r", AMBC_ERR_RESULTS_ORIGIN, "::1", 8443},
        {"https://[::1]:8444/r", AMBC_ERR_RESULTS_ORIGIN, "::1", 8443},
        {"https://[::2]:8443/r", AMBC_ERR_RESULTS_ORIGIN, "::1", 8443},
        {"https://[::1:8443/r", AMBC_ERR_RESULTS_ORIGIN, "::1", 8443},
        {"https://[::1::8443/r", AMBC_ERR_RESULTS_ORIGIN, "::1", 8443}, /* no ']' after it */
        {"https://[::1]:8443/r", AMBC_OK, "[::1]", 8443},
        {"https://api.example:8443/r", AMBC_OK, "api.example", 8443},
        {"https://api.example/r", AMBC_ERR_RESULTS_ORIGIN, "api.example", 8443},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ambc_client_options_t opt = {0};
        ambc_batch_t b = ended_batch(cases[i].url);
        sink_t s = {0};
        ambc_results_params_t p;
        opt.host = cases[i].host;
        opt.port = cases[i].port;
        setup(&opt);
        fake.script[fake.nscript++] = keep(http_200(LINE_EXPIRED, strlen(LINE_EXPIRED), false));
        p = params_for(&s, &b);
        if (cases[i].st == AMBC_OK) {
            if (ambc_batches_results(&client, NULL, &p) != AMBC_OK) {
                fail_msg("%s", cases[i].url);
            }
            assert_int_equal(fake.connects, 1);
        } else {
            if (ambc_batches_results(&client, NULL, &p) != cases[i].st) {
                fail_msg("%s", cases[i].url);
            }
            assert_int_equal(fake.connect_calls, 0); /* nothing sent anywhere */
            assert_int_equal(fake.sent_len, 0);
        }
        sink_free(&s);
    }
}

/* Whole lines already delivered are skipped, the cut line is read again quietly: for a cut at
 * every offset of the response (head and body), every callback and raw byte comes exactly once,
 * and the log equals an uncut run's. */
static void test_cut_at_every_offset_resumes_exactly_once(void **state)
{
    static char body[8192], text[700];
    ambc_client_options_t opt = {.max_retries = 1, .retry_initial_ms = 1, .retry_max_ms = 1};
    ambc_batch_t b = ended_batch("https://api.example/v1/messages/batches/msgbatch_1/results");
    sink_t want = {0};
    size_t blen, rlen, cut, i, head;
    char *full;
    (void)state;
    blen = (size_t)sprintf(body, "%s\n%s\r\n\n", LINE_OK, LINE_ERRORED);
    for (i = 0; i < 300; i++) { /* a text in many parts */
        strcpy(text + 2 * i, "\xc3\xa9");
    }
    blen +=
        (size_t)sprintf(body + blen,
                        "{\"custom_id\":\"long\",\"result\":{\"type\":\"succeeded\",\"message\":{"
                        "\"content\":[{\"type\":\"text\",\"text\":\"%s\"}]}}}\n%s",
                        text, LINE_CANCELED);
    assert_int_equal(parse(body, blen, 0, 0, &want, &parser), AMBC_OK);
    full = http_200(body, blen, false);
    rlen = strlen(full);
    head = (size_t)(strstr(full, "\r\n\r\n") + 4 - full);
    for (cut = 0; cut < rlen; cut++) {
        sink_t s = {0};
        ambc_results_params_t p;
        size_t whole_lines = 0;
        setup(&opt);
        fake.close_after = true;
        fake.script[fake.nscript++] = keep(prefix(full, cut));
        fake.script[fake.nscript++] = full;
        p = params_for(&s, &b);
        if (ambc_batches_results(&client, NULL, &p) != AMBC_OK || s.len != want.len ||
            memcmp(s.log, want.log, want.len) != 0) {
            fail_msg("cut at %zu: log\n%.*s", cut, (int)s.len, s.log);
        }
        assert_int_equal(s.raw_len, blen);
        assert_int_equal(s.raw_hash, fnv(body, blen, 0));
        assert_int_equal(ambc_client_stats(&client).retries, 1);
        for (i = head; i < cut; i++) { /* the lines the cut left whole */
            whole_lines += full[i] == '\n';
        }
        assert_int_equal(ambc_client_stats(&client).resumed, whole_lines);
        sink_free(&s);
    }
    free(full);
    sink_free(&want);
}

/* A second download whose delivered prefix differs: AMBC_ERR_RESULTS_CHANGED before anything
 * more is handed over; one that differs only after the cut is delivered as it is. */
static ambc_status_t cut_then(const char *first, size_t first_len, size_t cut, const char *second,
                              size_t second_len, sink_t *s)
{
    ambc_client_options_t opt = {.max_retries = 1, .retry_initial_ms = 1, .retry_max_ms = 1};
    static ambc_batch_t b;
    ambc_results_params_t p;
    char *full;
    b = ended_batch("https://api.example/v1/messages/batches/msgbatch_1/results");
    setup(&opt);
    full = keep(http_200(first, first_len, false));
    fake.close_after = true;
    fake.script[fake.nscript++] = keep(prefix(full, strlen(full) - first_len + cut));
    fake.script[fake.nscript++] = keep(http_200(second, second_len, false));
    p = params_for(s, &b);
    return ambc_batches_results(&client, NULL, &p);
}

static void test_changed_prefix_is_an_error(void **state)
{
    static const char body[] = LINE_ERRORED "\n" LINE_CANCELED "\n" LINE_EXPIRED "\n";
    /* a byte changed in the first line, in the line cut, right before the cut */
    size_t at[] = {10, sizeof(LINE_ERRORED) + 5, sizeof(LINE_ERRORED) + 20};
    size_t k, cut = sizeof(LINE_ERRORED) + 21;
    char other[sizeof(body)];
    sink_t s = {0};
    (void)state;
    for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
        memcpy(other, body, sizeof(body));
        other[at[k]] = other[at[k]] == 'r' ? 's' : 'r';
        assert_int_equal(cut_then(body, sizeof(body) - 1, cut, other, sizeof(body) - 1, &s),
                         AMBC_ERR_RESULTS_CHANGED);
        assert_int_equal(s.raw_len, cut); /* nothing more than before the cut */
        assert_null(strstr(s.log, "req-3"));
        sink_free(&s);
    }
    /* shorter than what was delivered */
    assert_int_equal(cut_then(body, sizeof(body) - 1, cut, body, cut - 1, &s),
                     AMBC_ERR_RESULTS_CHANGED);
    sink_free(&s);
    /* changed after the cut only: delivered */
    memcpy(other, body, sizeof(body));
    other[strstr(body, "expired") - body + 4] = 'X'; /* "expired" -> "expiXed" */
    assert_int_equal(cut_then(body, sizeof(body) - 1, cut, other, sizeof(body) - 1, &s), AMBC_OK);
    assert_non_null(strstr(s.log, "unknown [expiXed]"));
    assert_int_equal(ambc_client_stats(&client).resumed, 1);
    sink_free(&s);
}

/* One download of an ended batch, answered with `response`, by a default client. */
static ambc_status_t download_once(const char *response, sink_t *s)
{
    ambc_client_options_t opt = {0};
    static ambc_batch_t b;
    ambc_results_params_t p = params_for(s, &b);
    b = ended_batch("https://api.example/v1/messages/batches/msgbatch_1/results");
    setup(&opt);
    fake.script[fake.nscript++] = response;
    return ambc_batches_results(&client, NULL, &p);
}

static void test_bad_line_named_by_the_download(void **state)
{
    static const char body[] = LINE_EXPIRED "\n\n{\"custom_id\":\"x\",\"result\":{\"type\":1}}\n";
    sink_t s = {0};
    char *r = http_200(body, sizeof(body) - 1, false);
    (void)state;
    assert_int_equal(download_once(r, &s), AMBC_ERR_JSON_TYPE);
    assert_int_equal(ambc_client_error_index(&client), 3);
    assert_string_equal(ambc_client_error_field(&client), "result.type");
    assert_int_equal(ambc_client_stats(&client).retries, 0);
    assert_int_equal(fake.closes, 1); /* the connection is not reused after a protocol error */
    free(r);
    sink_free(&s);
}

static void test_api_error_and_busy(void **state)
{
    sink_t s = {0};
    char *r = http_200(LINE_EXPIRED, strlen(LINE_EXPIRED), false);
    (void)state;
    assert_int_equal(
        download_once("HTTP/1.1 404 Not Found\r\nrequest-id: req_9\r\ncontent-length: 68\r\n\r\n"
                      "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":"
                      "\"gone\"}}",
                      &s),
        AMBC_ERR_API);
    assert_int_equal(ambc_client_last_error(&client)->http_status, 404);
    assert_string_equal(ambc_client_last_error(&client)->request_id, "req_9");
    /* a callback may not use the client that is downloading */
    s.call_back = &client;
    s.call_back_st = AMBC_OK;
    assert_int_equal(download_once(r, &s), AMBC_OK);
    assert_int_equal(s.call_back_st, AMBC_ERR_BUSY);
    free(r);
    sink_free(&s);
}

/* The download has its own deadline in place of the client's total timeout (a large file on a
 * slow link outlives it); the fake clock moves 1 ms per reading, one read per byte here. */
static void test_own_deadline(void **state)
{
    ambc_client_options_t opt = {.total_timeout_ms = 1000, .max_retries = AMBC_RETRIES_NONE};
    ambc_batch_t b = ended_batch("https://api.example/v1/messages/batches/msgbatch_1/results");
    sink_t s = {0};
    ambc_results_params_t p = params_for(&s, &b);
    (void)state;
    setup(&opt);
    fake.chunk = 1;
    fake.script[fake.nscript++] = keep(http_200(body_mixed, sizeof(body_mixed) - 1, false));
    assert_int_equal(ambc_batches_results(&client, NULL, &p), AMBC_OK);
    assert_int_equal(s.raw_len, sizeof(body_mixed) - 1);
    sink_free(&s);
    setup(&opt);
    fake.chunk = 1;
    fake.script[fake.nscript++] = keep(http_200(body_mixed, sizeof(body_mixed) - 1, false));
    p = params_for(&s, &b);
    p.timeout_ms = 1000;
    assert_int_equal(ambc_batches_results(&client, NULL, &p), AMBC_ERR_DEADLINE);
    sink_free(&s);
}

static int teardown(void **state)
{
    free_responses();
    return fake_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_result_type),
        cmocka_unit_test(test_text_and_tool_input_exact),
        cmocka_unit_test(test_whole_vs_every_slicing),
        cmocka_unit_test(test_crlf_split_at_every_position),
        cmocka_unit_test(test_blank_lines_and_last_line),
        cmocka_unit_test(test_errors_name_line_and_member),
        cmocka_unit_test(test_texts_kept_cut_and_flagged),
        cmocka_unit_test(test_nulls_kept_apart),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_large_unknown_members_pass_by),
        cmocka_unit_test(test_callback_stops_the_parse),
        cmocka_unit_test(test_without_callbacks),
        cmocka_unit_test(test_request_after_retrieve),
        cmocka_unit_test(test_not_ended_makes_no_request),
        cmocka_unit_test(test_other_origin_refused_before_a_byte),
        cmocka_unit_test(test_cut_at_every_offset_resumes_exactly_once),
        cmocka_unit_test(test_changed_prefix_is_an_error),
        cmocka_unit_test(test_bad_line_named_by_the_download),
        cmocka_unit_test(test_api_error_and_busy),
        cmocka_unit_test(test_own_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
