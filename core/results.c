/*
 * The results line mapper (see include/ambc/results.h). The body is cut at each '\n', each
 * line's value goes through the streaming scanner, and a state machine over the path of the
 * values maps the scanner's events onto the summary record, the block record and the chunks,
 * whatever the order of the keys. A member table (key, object, how its value is taken, where it
 * goes) replaces a chain of compares. Members not in the table are handed back to the scanner
 * to pass by unseen (ambc_json_scan_skip_value), so their size and nesting cost nothing here;
 * a tool input is cut out of the line as the JSON text it is, its own members passing by the
 * same way.
 */
#include "ambc/config.h" /* the feature switches below depend on it */
#include <stddef.h>
#include <string.h>

#include "ambc/results.h"
#include "json_util.h"

#if defined(CONFIG_AMBC_OP_RESULTS) /* Kconfig feature switch: off, none of this exists */
#include "results_internal.h"

/* What the container open at a depth is (ambc_results_parser_t.obj). */
enum { O_NONE, O_LINE, O_RESULT, O_MESSAGE, O_USAGE, O_CONTENT, O_BLOCK, O_ERROR, O_ERROR_INNER };

/* How a member's value is taken. */
enum {
    K_ID,       /* a string kept whole (too long: an error) */
    K_TEXT,     /* a string kept up to its buffer, cut and flagged beyond */
    K_TYPE,     /* result.type: K_TEXT, then its enum */
    K_ETYPE,    /* result.error.error.type: K_TEXT, then its enum */
    K_BTYPE,    /* a content block's type: K_TEXT, then its enum */
    K_COUNT,    /* a usage count: a 64-bit integer */
    K_OBJECT,   /* an object the mapper walks into (opens says which) */
    K_CONTENT,  /* result.message.content: an array of blocks */
    K_TEXT_CH,  /* a block's text: chunks */
    K_THINK_CH, /* a block's thinking: chunks */
    K_INPUT,    /* a block's input: cut out as JSON text */
};

/* Where in the line the scanner is. */
enum { S_BEFORE, S_IN, S_AFTER };

typedef struct {
    const char *key;
    const char *path; /* what an error about it names */
    uint32_t bit;     /* AMBC_RESULT_F_* (summary), or a bit of block_seen (block members) */
    uint16_t offset;  /* of the kept string or count, in ambc_result_t or ambc_result_block_t */
    uint16_t size;
    uint8_t in;    /* the O_* it is a member of */
    uint8_t kind;  /* K_* */
    uint8_t opens; /* K_OBJECT: the O_* its value is */
    uint8_t nullable;
} member_t;

#define R(m) (uint16_t) offsetof(ambc_result_t, m), (uint16_t)sizeof(((ambc_result_t *)0)->m)
#define B(m)                                                                                       \
    (uint16_t) offsetof(ambc_result_block_t, m), (uint16_t)sizeof(((ambc_result_block_t *)0)->m)
#define NONE 0, 0

/* clang-format off */
static const member_t members[] = {
    {NULL, NULL, 0, NONE, O_NONE, K_ID, O_NONE, 0}, /* 0: no member */
    {"custom_id", "custom_id", AMBC_RESULT_F_CUSTOM_ID, R(custom_id), O_LINE, K_ID, O_NONE, 0},
    {"result", "result", AMBC_RESULT_F_RESULT, NONE, O_LINE, K_OBJECT, O_RESULT, 0},
    {"type", "result.type", AMBC_RESULT_F_TYPE, R(type_text), O_RESULT, K_TYPE, O_NONE, 0},
    {"message", "result.message", AMBC_RESULT_F_MESSAGE, NONE, O_RESULT, K_OBJECT, O_MESSAGE, 0},
    {"error", "result.error", AMBC_RESULT_F_ERROR, NONE, O_RESULT, K_OBJECT, O_ERROR, 0},
    {"id", "result.message.id", AMBC_RESULT_F_MESSAGE_ID, R(message_id), O_MESSAGE, K_ID,
     O_NONE, 0},
    {"model", "result.message.model", AMBC_RESULT_F_MODEL, R(model), O_MESSAGE, K_TEXT, O_NONE,
     0},
    {"stop_reason", "result.message.stop_reason", AMBC_RESULT_F_STOP_REASON, R(stop_reason),
     O_MESSAGE, K_TEXT, O_NONE, 1},
    {"stop_sequence", "result.message.stop_sequence", AMBC_RESULT_F_STOP_SEQUENCE,
     R(stop_sequence), O_MESSAGE, K_TEXT, O_NONE, 1},
    {"usage", "result.message.usage", AMBC_RESULT_F_USAGE, NONE, O_MESSAGE, K_OBJECT, O_USAGE, 0},
    {"content", "result.message.content", AMBC_RESULT_F_CONTENT, NONE, O_MESSAGE, K_CONTENT,
     O_NONE, 0},
    {"input_tokens", "result.message.usage.input_tokens", AMBC_RESULT_F_INPUT_TOKENS,
     R(usage.input_tokens), O_USAGE, K_COUNT, O_NONE, 1},
    {"output_tokens", "result.message.usage.output_tokens", AMBC_RESULT_F_OUTPUT_TOKENS,
     R(usage.output_tokens), O_USAGE, K_COUNT, O_NONE, 1},
    {"cache_creation_input_tokens", "result.message.usage.cache_creation_input_tokens",
     AMBC_RESULT_F_CACHE_CREATION, R(usage.cache_creation_input_tokens), O_USAGE, K_COUNT,
     O_NONE, 1},
    {"cache_read_input_tokens", "result.message.usage.cache_read_input_tokens",
     AMBC_RESULT_F_CACHE_READ, R(usage.cache_read_input_tokens), O_USAGE, K_COUNT, O_NONE, 1},
    {"request_id", "result.error.request_id", AMBC_RESULT_F_REQUEST_ID, R(request_id), O_ERROR,
     K_ID, O_NONE, 1},
    {"error", "result.error.error", AMBC_RESULT_F_ERROR_OBJECT, NONE, O_ERROR, K_OBJECT,
     O_ERROR_INNER, 0},
    {"type", "result.error.error.type", AMBC_RESULT_F_ERROR_TYPE, R(error_type_text),
     O_ERROR_INNER, K_ETYPE, O_NONE, 0},
    {"message", "result.error.error.message", AMBC_RESULT_F_ERROR_MESSAGE, R(error_message),
     O_ERROR_INNER, K_TEXT, O_NONE, 0},
    {"type", "result.message.content.type", 1u << 0, B(type_text), O_BLOCK, K_BTYPE, O_NONE, 0},
    {"text", "result.message.content.text", 1u << 1, NONE, O_BLOCK, K_TEXT_CH, O_NONE, 0},
    {"thinking", "result.message.content.thinking", 1u << 2, NONE, O_BLOCK, K_THINK_CH, O_NONE,
     0},
    {"input", "result.message.content.input", 1u << 3, NONE, O_BLOCK, K_INPUT, O_NONE, 0},
    {"id", "result.message.content.id", 1u << 4, B(tool_id), O_BLOCK, K_ID, O_NONE, 0},
    {"name", "result.message.content.name", 1u << 5, B(tool_name), O_BLOCK, K_TEXT, O_NONE, 0},
};
/* clang-format on */

#define MEMBERS   (sizeof(members) / sizeof(members[0]))
#define CONTENT   "result.message.content"
#define DEPTH_MAX (sizeof(((ambc_results_parser_t *)0)->obj))

static const char *const result_types[] = {"unknown", "succeeded", "errored", "canceled",
                                           "expired"};
static const char *const block_types[] = {"", "text", "thinking", "tool_use"};

const char *ambc_result_type_name(ambc_result_type_t type)
{
    return (unsigned)type < sizeof(result_types) / sizeof(result_types[0]) ? result_types[type]
                                                                           : result_types[0];
}

/* The index of the name in names[1..n) equal to text, or 0. */
static uint8_t name_index(const char *const *names, size_t n, const char *text)
{
    size_t i;
    for (i = 1; i < n; i++) {
        if (strcmp(names[i], text) == 0) {
            return (uint8_t)i;
        }
    }
    return 0;
}

static ambc_status_t line_fail(ambc_results_parser_t *p, ambc_status_t st, const char *field)
{
    p->err_field = field;
    return st;
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* Check text and thinking as UTF-8 across parts (json_util.h), ASCII 8 bytes at a time. */
static bool utf8_valid(ambc_results_parser_t *p, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p->u8_need == 0) {
            uint64_t w;
            while (n - i >= 8) {
                memcpy(&w, s + i, sizeof(w));
                if ((w & 0x8080808080808080u) != 0u) {
                    break;
                }
                i += 8;
            }
            while (i < n && s[i] < 0x80u) {
                i++;
            }
            if (i == n) {
                break;
            }
        }
        if (!json_utf8_byte(&p->u8_need, &p->u8_lo, &p->u8_hi, s[i++])) {
            return false;
        }
    }
    return true;
}

/* The longest prefix of s, at most n bytes, that does not end inside a UTF-8 character. */
static size_t utf8_prefix(const char *s, size_t len, size_t n)
{
    if (n >= len) {
        return len;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u) {
        n--;
    }
    return n;
}

/* ---- lines ------------------------------------------------------------------------------- */

static ambc_status_t on_scan_event(void *ctx, const ambc_json_event_t *ev);

static void begin_line(ambc_results_parser_t *p)
{
    ambc_json_scan_init(&p->scan, on_scan_event, p);
    memset(&p->result, 0, sizeof(p->result));
    p->result.line = p->line;
    memset(p->obj, 0, sizeof(p->obj));
    p->seen = 0;
    p->field = 0;
    p->capture = 0;
    p->state = S_BEFORE;
}

void ambc_results_parser_init(ambc_results_parser_t *p, const ambc_results_handler_t *h)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof(*p));
    if (h != NULL) {
        p->h = *h;
    }
    p->line = 1;
    begin_line(p);
}

void results_parser_restart(ambc_results_parser_t *p, uint64_t offset, uint32_t line)
{
    p->offset = offset;
    p->line_start = offset;
    p->line = line;
    begin_line(p);
}

/* The members the API always sends (and those a result's type implies). */
static ambc_status_t check_line(ambc_results_parser_t *p)
{
    static const struct {
        uint32_t bit;
        const char *path;
    } required[] = {{AMBC_RESULT_F_CUSTOM_ID, "custom_id"},
                    {AMBC_RESULT_F_RESULT, "result"},
                    {AMBC_RESULT_F_TYPE, "result.type"}};
    const ambc_result_t *r = &p->result;
    size_t i;
    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!(r->present & required[i].bit)) {
            return line_fail(p, AMBC_ERR_JSON_MISSING, required[i].path);
        }
    }
    if (r->type == AMBC_RESULT_SUCCEEDED && !(r->present & AMBC_RESULT_F_MESSAGE)) {
        return line_fail(p, AMBC_ERR_JSON_MISSING, "result.message");
    }
    if (r->type == AMBC_RESULT_ERRORED && !(r->present & AMBC_RESULT_F_ERROR)) {
        return line_fail(p, AMBC_ERR_JSON_MISSING, "result.error");
    }
    return AMBC_OK;
}

/* A '\n' (or the end of the body): the line's value must be whole; then its summary. */
static ambc_status_t end_line(ambc_results_parser_t *p)
{
    ambc_status_t st;
    if (p->state == S_BEFORE) {
        return AMBC_OK; /* a blank line */
    }
    st = ambc_json_scan_finish(&p->scan); /* a bare number as the value is reported here */
    if (st == AMBC_OK) {
        st = check_line(p);
    }
    if (st == AMBC_OK && !p->quiet && p->h.on_result != NULL) {
        st = p->h.on_result(p->h.ctx, &p->result);
    }
    return st;
}

/* A tool input still open at the end of a slice: its bytes so far are a chunk. */
static ambc_status_t input_chunk(ambc_results_parser_t *p, size_t end, bool last)
{
    ambc_result_chunk_t ch;
    size_t n = end - p->cap_from;
    p->result.input_bytes += n;
    p->block.bytes += n;
    if (p->quiet || p->h.on_chunk == NULL || (n == 0 && !last)) {
        return AMBC_OK;
    }
    ch.line = p->line;
    ch.block = p->block.index;
    ch.kind = AMBC_CHUNK_TOOL_INPUT;
    ch.data = p->slice + p->cap_from;
    ch.len = n;
    ch.last = last;
    return p->h.on_chunk(p->h.ctx, &ch);
}

/* Bytes of one line (no '\n'), into the scanner. */
static ambc_status_t feed_line(ambc_results_parser_t *p, const char *s, size_t n)
{
    ambc_status_t st;
    size_t i;
    if (p->state == S_BEFORE) { /* still blank so far? */
        i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) {
            i++;
        }
        if (i == n) {
            p->offset += n;
            return AMBC_OK;
        }
        p->state = S_IN;
    }
    p->slice = s;
    p->cap_from = 0;
    st = ambc_json_scan_feed(&p->scan, s, n);
    if (st == AMBC_OK && p->capture != 0) {
        st = input_chunk(p, n, false);
    }
    p->offset += n;
    if (st == AMBC_ERR_JSON_INVALID && p->state == S_AFTER) {
        st = line_fail(p, AMBC_ERR_RESULTS_TRAILING, NULL);
    }
    return st;
}

static ambc_status_t set_error(ambc_results_parser_t *p, ambc_status_t st)
{
    p->err = st;
    p->err_line = p->line;
    return st;
}

ambc_status_t ambc_results_parser_feed(ambc_results_parser_t *p, const uint8_t *data, size_t len)
{
    const char *s = (const char *)data;
    if (p == NULL || (data == NULL && len > 0)) {
        return AMBC_ERR_INVALID_ARG;
    }
    while (p->err == AMBC_OK && len > 0) {
        const char *nl = (const char *)memchr(s, '\n', len);
        size_t n = nl != NULL ? (size_t)(nl - s) : len;
        ambc_status_t st = feed_line(p, s, n);
        if (st == AMBC_OK && nl != NULL) {
            st = end_line(p);
            n++;
            p->offset++;
            if (st == AMBC_OK) {
                p->line++;
                p->line_start = p->offset;
                begin_line(p);
            }
        }
        if (st != AMBC_OK) {
            return set_error(p, st);
        }
        s += n;
        len -= n;
    }
    return p->err;
}

ambc_status_t ambc_results_parser_finish(ambc_results_parser_t *p)
{
    ambc_status_t st;
    if (p == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    if (p->err != AMBC_OK) {
        return p->err;
    }
    st = end_line(p); /* a last line without its '\n' */
    if (st == AMBC_OK) {
        p->state = S_BEFORE; /* finished: a second finish has nothing to end */
        return AMBC_OK;
    }
    return set_error(p, st);
}

uint32_t ambc_results_parser_error_line(const ambc_results_parser_t *p)
{
    return (p != NULL && p->err != AMBC_OK) ? p->err_line : 0;
}

const char *ambc_results_parser_error_field(const ambc_results_parser_t *p)
{
    return (p != NULL && p->err != AMBC_OK) ? p->err_field : NULL;
}

/* ---- values ------------------------------------------------------------------------------ */

static const member_t *find_member(uint8_t in, const char *key, size_t len)
{
    size_t i;
    for (i = 1; i < MEMBERS; i++) {
        const member_t *m = &members[i];
        if (m->in == in && strlen(m->key) == len && memcmp(m->key, key, len) == 0) {
            return m;
        }
    }
    return NULL;
}

static ambc_status_t on_key(ambc_results_parser_t *p, const ambc_json_event_t *ev)
{
    uint8_t in = ev->depth - 1u < DEPTH_MAX ? p->obj[ev->depth - 1u] : O_NONE;
    const member_t *m = ev->truncated ? NULL : find_member(in, ev->text, ev->len);
    bool block = in == O_BLOCK;
    uint32_t *seen = block ? NULL : &p->seen;
    if (m == NULL) {
        ambc_json_scan_skip_value(&p->scan); /* what the API added, or did not map: unseen */
        return AMBC_OK;
    }
    if (block ? (p->block_seen & m->bit) != 0 : (*seen & m->bit) != 0) {
        return line_fail(p, AMBC_ERR_JSON_SHAPE, m->path); /* the same member twice */
    }
    if (block) {
        p->block_seen = (uint8_t)(p->block_seen | m->bit);
    } else {
        *seen |= m->bit;
        p->result.present |= m->bit;
    }
    p->field = (uint8_t)(m - members);
    p->str_len = 0;
    p->str_cut = false;
    p->u8_need = 0;
    return AMBC_OK;
}

/* Where a kept string or count of m goes. */
static char *dest(ambc_results_parser_t *p, const member_t *m)
{
    return (m->in == O_BLOCK ? (char *)&p->block : (char *)&p->result) + m->offset;
}

/* A string, or the next part of one, kept in its buffer: whole (K_ID), or cut on a UTF-8
 * boundary and flagged. At its last part, the enums that follow from it. */
static ambc_status_t keep_string(ambc_results_parser_t *p, const member_t *m,
                                 const ambc_json_event_t *ev)
{
    char *d = dest(p, m);
    size_t room = m->size - 1u - p->str_len;
    size_t n = ev->len;
    if (ev->escaped && memchr(ev->text, 0, ev->len) != NULL) {
        return line_fail(p, AMBC_ERR_JSON_NUL, m->path);
    }
    if (n > room && m->kind == K_ID) {
        return line_fail(p, AMBC_ERR_STRING_TOO_LONG, m->path);
    }
    if (!p->str_cut) {
        if (n > room) {
            n = utf8_prefix(ev->text, ev->len, room);
            p->str_cut = true;
            if (m->in == O_BLOCK) {
                p->block.truncated =
                    (uint8_t)(p->block.truncated |
                              (m->kind == K_BTYPE ? AMBC_BLOCK_F_TYPE : AMBC_BLOCK_F_TOOL_NAME));
            } else {
                p->result.truncated |= m->bit;
            }
        }
        memcpy(d + p->str_len, ev->text, n);
        p->str_len += (uint32_t)n;
        d[p->str_len] = '\0';
    }
    if (ev->partial) {
        return AMBC_OK;
    }
    p->field = 0;
    if (m->kind == K_TYPE) {
        p->result.type = (ambc_result_type_t)name_index(result_types, 5, d);
    } else if (m->kind == K_ETYPE) {
        p->result.error_type = ambc_api_error_type_from_text(d, p->str_len);
    } else if (m->kind == K_BTYPE) {
        p->block.type = (ambc_block_type_t)name_index(block_types, 4, d);
    } else {
        /* a kept string of no enumerated type: nothing more to do */
    }
    return AMBC_OK;
}

/* A part of a block's text or thinking: checked as UTF-8, counted, handed over. */
static ambc_status_t text_chunk(ambc_results_parser_t *p, const member_t *m,
                                const ambc_json_event_t *ev)
{
    bool thinking = m->kind == K_THINK_CH;
    ambc_result_chunk_t ch;
    /* a part of valid UTF-8 ends on a character boundary (json.h), so one that does not is
     * refused before it is handed over: every chunk is UTF-8 on its own */
    if (!utf8_valid(p, (const unsigned char *)ev->text, ev->len) || p->u8_need > 0) {
        return line_fail(p, AMBC_ERR_RESULTS_UTF8, m->path);
    }
    if (thinking) {
        p->result.thinking_bytes += ev->len;
    } else {
        p->result.text_bytes += ev->len;
    }
    p->block.bytes += ev->len;
    if (!ev->partial) {
        p->field = 0;
    }
    if (p->quiet || p->h.on_chunk == NULL) {
        return AMBC_OK;
    }
    ch.line = p->line;
    ch.block = p->block.index;
    ch.kind = thinking ? AMBC_CHUNK_THINKING : AMBC_CHUNK_TEXT;
    ch.data = ev->text;
    ch.len = ev->len;
    ch.last = !ev->partial;
    return p->h.on_chunk(p->h.ctx, &ch);
}

/* A usage count: a non-negative integer that fits 64 bits. */
static ambc_status_t keep_count(ambc_results_parser_t *p, const member_t *m,
                                const ambc_json_event_t *ev)
{
    uint64_t v = 0;
    size_t i;
    if (ev->truncated) {
        return line_fail(p, AMBC_ERR_NUMBER_RANGE, m->path);
    }
    for (i = 0; i < ev->len; i++) {
        unsigned d = (unsigned)(ev->text[i] - '0');
        if (d > 9u || v > (UINT64_MAX - d) / 10u) {
            return line_fail(p, AMBC_ERR_NUMBER_RANGE,
                             m->path); /* a sign, fraction, exponent, or big */
        }
        v = v * 10u + d;
    }
    memcpy(dest(p, m), &v, sizeof(v));
    p->field = 0;
    return AMBC_OK;
}

static ambc_status_t begin_block(ambc_results_parser_t *p, uint8_t depth)
{
    memset(&p->block, 0, sizeof(p->block));
    p->block.line = p->line;
    p->block.index = p->result.blocks++;
    p->block_seen = 0;
    p->obj[depth] = O_BLOCK;
    return AMBC_OK;
}

/* A null: kept as absent where the API may send one, else the wrong type. */
static ambc_status_t null_value(ambc_results_parser_t *p, const member_t *m)
{
    if (!m->nullable) {
        return line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
    }
    p->result.null |= m->bit;
    p->field = 0;
    return AMBC_OK;
}

/* The value of the member just keyed. */
static ambc_status_t take_value(ambc_results_parser_t *p, const member_t *m,
                                const ambc_json_event_t *ev)
{
    bool container = ev->type == AMBC_JSON_OBJ_BEGIN || ev->type == AMBC_JSON_ARR_BEGIN;
    if (ev->type == AMBC_JSON_NULL) {
        return null_value(p, m);
    }
    switch (m->kind) {
    case K_COUNT:
        return ev->type == AMBC_JSON_NUMBER ? keep_count(p, m, ev)
                                            : line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
    case K_OBJECT:
    case K_CONTENT:
        if (ev->type != (m->kind == K_OBJECT ? AMBC_JSON_OBJ_BEGIN : AMBC_JSON_ARR_BEGIN)) {
            return line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
        }
        p->obj[ev->depth] = m->kind == K_OBJECT ? m->opens : O_CONTENT;
        p->field = 0;
        return AMBC_OK;
    case K_INPUT:
        if (!container) {
            return line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
        }
        p->capture = ev->depth; /* from its first byte: the chunk ends with the slice */
        p->cap_from = ev->offset;
        return AMBC_OK;
    case K_TEXT_CH:
    case K_THINK_CH:
        return ev->type == AMBC_JSON_STRING ? text_chunk(p, m, ev)
                                            : line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
    default: /* the strings kept */
        return ev->type == AMBC_JSON_STRING ? keep_string(p, m, ev)
                                            : line_fail(p, AMBC_ERR_JSON_TYPE, m->path);
    }
}

static ambc_status_t on_value(ambc_results_parser_t *p, const ambc_json_event_t *ev)
{
    if (ev->depth == 0) { /* the line's own value */
        if (ev->type != AMBC_JSON_OBJ_BEGIN) {
            return line_fail(p, AMBC_ERR_JSON_SHAPE, NULL);
        }
        p->obj[0] = O_LINE;
        return AMBC_OK;
    }
    if (ev->depth - 1u < DEPTH_MAX && p->obj[ev->depth - 1u] == O_CONTENT) {
        return ev->type == AMBC_JSON_OBJ_BEGIN ? begin_block(p, ev->depth)
                                               : line_fail(p, AMBC_ERR_JSON_TYPE, CONTENT);
    }
    if (p->field == 0) {
        return line_fail(p, AMBC_ERR_JSON_SHAPE, NULL); /* unreachable: unknown values are unseen */
    }
    return take_value(p, &members[p->field], ev);
}

static ambc_status_t on_end(ambc_results_parser_t *p, const ambc_json_event_t *ev)
{
    uint8_t what = ev->depth < DEPTH_MAX ? p->obj[ev->depth] : O_NONE;
    if (ev->depth < DEPTH_MAX) {
        p->obj[ev->depth] = O_NONE;
    }
    if (what == O_LINE) {
        p->state = S_AFTER;
    } else if (what == O_BLOCK && !p->quiet && p->h.on_block != NULL) {
        return p->h.on_block(p->h.ctx, &p->block);
    } else {
        /* any other container: nothing ends with it */
    }
    return AMBC_OK;
}

/* Inside a tool input being cut out: its members pass by, its end ends the chunk. */
static ambc_status_t in_input(ambc_results_parser_t *p, const ambc_json_event_t *ev)
{
    if (ev->type == AMBC_JSON_KEY) {
        ambc_json_scan_skip_value(&p->scan);
        return AMBC_OK;
    }
    if ((ev->type == AMBC_JSON_OBJ_END || ev->type == AMBC_JSON_ARR_END) &&
        ev->depth == p->capture) {
        p->capture = 0;
        p->field = 0;
        return input_chunk(p, ev->offset + 1u, true);
    }
    return AMBC_OK;
}

static ambc_status_t on_scan_event(void *ctx, const ambc_json_event_t *ev)
{
    ambc_results_parser_t *p = (ambc_results_parser_t *)ctx;
    if (p->capture != 0) {
        return in_input(p, ev);
    }
    switch (ev->type) {
    case AMBC_JSON_KEY:
        return on_key(p, ev);
    case AMBC_JSON_OBJ_END:
    case AMBC_JSON_ARR_END:
        return on_end(p, ev);
    default:
        return on_value(p, ev);
    }
}

#endif /* CONFIG_AMBC_OP_RESULTS */
