/* The CLI's JSONL request source (see jsonl_source.h). */
#include "jsonl_source.h"

#include <stdlib.h>
#include <string.h>

#define STR_(x)     #x
#define AMBC_STR(x) STR_(x)

enum { KEY_NONE, KEY_ID, KEY_PARAMS };

/* ---- the custom_ids seen in the first pass: an open-addressing set that grows ---------- */

typedef struct {
    char *id;
    uint32_t line;
} id_slot_t;

struct jsonl_ids {
    id_slot_t *slots;
    size_t cap, used;
};

static uint64_t hash_id(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    }
    return h;
}

static int ids_grow(jsonl_ids_t *set)
{
    size_t cap = set->cap ? set->cap * 2 : 1024, i;
    id_slot_t *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL) {
        return -1;
    }
    for (i = 0; i < set->cap; i++) {
        if (set->slots[i].id != NULL) {
            size_t k = (size_t)hash_id(set->slots[i].id) & (cap - 1);
            while (slots[k].id != NULL) {
                k = (k + 1) & (cap - 1);
            }
            slots[k] = set->slots[i];
        }
    }
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return 0;
}

/* 0 when id is new (and now kept), else the line it was first seen on (-1: out of memory). */
static long ids_add(jsonl_ids_t *set, const char *id, uint32_t line)
{
    size_t k;
    if (set->used * 2 >= set->cap && ids_grow(set) != 0) {
        return -1;
    }
    k = (size_t)hash_id(id) & (set->cap - 1);
    while (set->slots[k].id != NULL) {
        if (strcmp(set->slots[k].id, id) == 0) {
            return (long)set->slots[k].line;
        }
        k = (k + 1) & (set->cap - 1);
    }
    set->slots[k].id = strdup(id);
    set->slots[k].line = line;
    set->used++;
    return set->slots[k].id != NULL ? 0 : -1;
}

static void ids_free(jsonl_ids_t *set)
{
    size_t i;
    if (set == NULL) {
        return;
    }
    for (i = 0; i < set->cap; i++) {
        free(set->slots[i].id);
    }
    free(set->slots);
    free(set);
}

/* ---- reading ----------------------------------------------------------------------------- */

int jsonl_source_open(jsonl_source_t *s, const char *path)
{
    memset(s, 0, sizeof(*s));
    s->path = path;
    s->f = fopen(path, "rb");
    if (s->f == NULL) {
        snprintf(s->error, sizeof(s->error), "cannot open %s", path);
        return -1;
    }
    return 0;
}

void jsonl_source_close(jsonl_source_t *s)
{
    if (s->f != NULL) {
        fclose(s->f);
        s->f = NULL;
    }
    ids_free(s->ids);
    s->ids = NULL;
}

static ambc_status_t refuse(jsonl_source_t *s, ambc_status_t st, const char *why)
{
    snprintf(s->error, sizeof(s->error), "%s, line %u: %s", s->path, (unsigned)s->line, why);
    return st;
}

/* More of the file in buf, keeping what is unread; 0 at the end of the file. */
static size_t fill(jsonl_source_t *s)
{
    size_t n;
    memmove(s->buf, s->buf + s->pos, s->len - s->pos);
    s->len -= s->pos;
    s->pos = 0;
    n = fread(s->buf + s->len, 1, sizeof(s->buf) - s->len, s->f);
    s->len += n;
    return n;
}

/* A writer call failed: a refusal, named for the line, or (second pass) a send that failed,
 * passed on as it is so the create reports and retries it. */
static ambc_status_t writer_failed(jsonl_source_t *s, ambc_status_t st)
{
    switch (st) {
    case AMBC_ERR_CUSTOM_ID:
        return refuse(s, st, "custom_id must match ^[a-zA-Z0-9_-]{1,64}$");
    case AMBC_ERR_PARAMS:
        return refuse(s, st, "params are not one JSON object");
    case AMBC_ERR_TEXT_UTF8:
        return refuse(s, st, "params hold bytes that are not UTF-8");
    case AMBC_ERR_CREATE_TOO_LARGE:
        return refuse(s, st, "the body passes the API's 256 MB here");
    default:
        s->writer_err = st;
        return st;
    }
}

/* The custom_id is whole: to the writer, and (first pass) into the uniqueness set. */
static ambc_status_t take_id(jsonl_source_t *s)
{
    ambc_status_t st;
    long first;
    s->id[s->id_len] = '\0';
    s->have_id = true;
    if (memchr(s->id, '\0', s->id_len) != NULL) {
        return refuse(s, AMBC_ERR_CUSTOM_ID, "custom_id holds U+0000");
    }
    st = ambc_request_custom_id(s->w, s->id);
    if (st != AMBC_OK) {
        return writer_failed(s, st);
    }
    if (s->pass != 1) {
        return AMBC_OK;
    }
    first = ids_add(s->ids, s->id, s->line);
    if (first != 0) {
        char why[160];
        snprintf(why, sizeof(why), "custom_id \"%s\" %s%ld", s->id,
                 first < 0 ? "cannot be kept: out of memory" : "is used already, on line ",
                 first < 0 ? 0L : first);
        return refuse(s, AMBC_ERR_CUSTOM_ID, why);
    }
    return AMBC_OK;
}

static ambc_status_t on_key(jsonl_source_t *s, const ambc_json_event_t *ev)
{
    s->key = KEY_NONE;
    if (ev->len == 9 && memcmp(ev->text, "custom_id", 9) == 0 && !ev->truncated) {
        s->key = KEY_ID;
    } else if (ev->len == 6 && memcmp(ev->text, "params", 6) == 0 && !ev->truncated) {
        s->key = KEY_PARAMS;
    } else {
        return refuse(s, AMBC_ERR_PARAMS, "a key other than custom_id and params");
    }
    if ((s->key == KEY_ID && s->have_id) || (s->key == KEY_PARAMS && s->have_params)) {
        return refuse(s, AMBC_ERR_PARAMS, "a key twice");
    }
    s->id_len = 0;
    return AMBC_OK;
}

/* A value of the line's object (depth 1). */
static ambc_status_t on_member(jsonl_source_t *s, const ambc_json_event_t *ev)
{
    if (s->key == KEY_ID) {
        if (ev->type != AMBC_JSON_STRING) {
            return refuse(s, AMBC_ERR_CUSTOM_ID, "custom_id is not a string");
        }
        if (s->id_len + ev->len > AMBC_CUSTOM_ID_MAX) {
            return refuse(s, AMBC_ERR_CUSTOM_ID, "custom_id longer than 64 characters");
        }
        memcpy(s->id + s->id_len, ev->text, ev->len);
        s->id_len += ev->len;
        return ev->partial ? AMBC_OK : take_id(s);
    }
    if (ev->type != AMBC_JSON_OBJ_BEGIN) {
        return refuse(s, AMBC_ERR_PARAMS, "params is not an object");
    }
    s->in_params = true;
    s->have_params = true;
    s->from = ev->offset;
    return AMBC_OK;
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    jsonl_source_t *s = ctx;
    if (ev->depth == 0) {
        return ev->type == AMBC_JSON_OBJ_BEGIN || ev->type == AMBC_JSON_OBJ_END
                   ? AMBC_OK
                   : refuse(s, AMBC_ERR_PARAMS, "not a JSON object");
    }
    if (ev->depth > 1 || (s->in_params && ev->type != AMBC_JSON_OBJ_END)) {
        return AMBC_OK; /* inside params: passed on raw, in bulk */
    }
    if (ev->type == AMBC_JSON_KEY) {
        return on_key(s, ev);
    }
    if (ev->type == AMBC_JSON_OBJ_END) { /* the end of params (depth 1) */
        s->in_params = false;
        s->params_ended = true;
        s->params_end = ev->offset;
        return AMBC_OK;
    }
    return on_member(s, ev);
}

/* Scan one segment of the line, passing the params' bytes in it to the writer. */
static ambc_status_t scan_segment(jsonl_source_t *s, const char *seg, size_t n)
{
    ambc_status_t st;
    bool was_in = s->in_params;
    size_t end = n;
    s->from = 0;
    s->params_ended = false;
    st = ambc_json_scan_feed(&s->scan, seg, n);
    if (st == AMBC_ERR_JSON_DEPTH) {
        return refuse(s, AMBC_ERR_PARAMS,
                      "nested deeper than CONFIG_AMBC_JSON_MAX_DEPTH (" AMBC_STR(
                          CONFIG_AMBC_JSON_MAX_DEPTH) " levels, the line's own included)");
    }
    if (st != AMBC_OK) {
        return s->error[0] != '\0' || s->writer_err != AMBC_OK
                   ? st
                   : refuse(s, AMBC_ERR_PARAMS, "not valid JSON");
    }
    if (s->params_ended) {
        end = s->params_end + 1; /* up to and with its closing brace */
    } else if (!s->in_params && !was_in) {
        return AMBC_OK; /* no params' bytes here */
    }
    st = ambc_request_params_json(s->w, seg + s->from, end - s->from);
    if (st != AMBC_OK) {
        return writer_failed(s, st);
    }
    return AMBC_OK;
}

static bool blank(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
            return false;
        }
    }
    return true;
}

/* The next line that is not blank, scanned; AMBC_END at the end of the file. A raw newline
 * cannot be inside JSON text, so it always ends a line; a CR before it is whitespace. */
static ambc_status_t read_line(jsonl_source_t *s)
{
    bool any = false;
    for (;;) {
        char *nl;
        size_t n;
        if (s->pos == s->len && fill(s) == 0) {
            return any ? AMBC_OK : AMBC_END; /* a last line without its newline counts */
        }
        nl = memchr(s->buf + s->pos, '\n', s->len - s->pos);
        n = (nl != NULL ? (size_t)(nl - s->buf) : s->len) - s->pos;
        if (any || !blank(s->buf + s->pos, n)) {
            ambc_status_t st;
            any = true;
            st = scan_segment(s, s->buf + s->pos, n);
            if (st != AMBC_OK) {
                return st;
            }
        }
        s->pos += n;
        if (nl != NULL) {
            s->pos++;
            if (any) {
                return AMBC_OK;
            }
            s->line++; /* a blank line passed */
        }
    }
}

ambc_status_t jsonl_source_next(void *ctx, uint32_t index, ambc_request_writer_t *w)
{
    jsonl_source_t *s = ctx;
    ambc_status_t st;
    if (index == 0) { /* a pass begins: from the top of the file */
        rewind(s->f);
        s->len = s->pos = 0;
        s->line = 1;
        s->pass++;
        if (s->pass == 1 && (s->ids = calloc(1, sizeof(*s->ids))) == NULL) {
            return refuse(s, AMBC_ERR_CUSTOM_ID, "out of memory");
        }
        if (fill(s) >= 3 && memcmp(s->buf, "\xef\xbb\xbf", 3) == 0) {
            return refuse(s, AMBC_ERR_PARAMS,
                          "a byte-order mark (U+FEFF) before the JSON: JSON Lines are UTF-8 "
                          "without one");
        }
    }
    if (index > 0) {
        s->line++; /* the line after the last request's */
    }
    s->w = w;
    s->key = KEY_NONE;
    s->in_params = s->have_id = s->have_params = false;
    s->error[0] = '\0';
    ambc_json_scan_init(&s->scan, on_event, s);
    st = read_line(s);
    if (st == AMBC_OK && ambc_json_scan_finish(&s->scan) != AMBC_OK) {
        st = refuse(s, AMBC_ERR_PARAMS, "the line is not one whole JSON object");
    }
    if (st == AMBC_OK && (!s->have_id || !s->have_params)) {
        st = refuse(s, s->have_id ? AMBC_ERR_PARAMS : AMBC_ERR_CUSTOM_ID,
                    s->have_id ? "no params" : "no custom_id");
    }
    return st;
}
