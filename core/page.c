/*
 * The page parser: a consumer of scanner events that keeps the page metadata and cuts each
 * record out of the stream into the record buffer, then has it mapped (batch_map.c).
 *
 * Only the members a record maps are copied, and only decoded: a known key is written as a
 * one-letter code (ambc_field_t.code) (the mapper needs no lookup, jsmn fewer bytes), a string
 * value as its decoded bytes with '"' and '\\' escaped (so jsmn still sees JSON), numbers and
 * literals as they are. Unknown members are handed back to the scanner
 * to pass by unseen (ambc_json_scan_skip_value), so their size and nesting cost nothing here.
 * Every value is bounded by its field before it is copied, which is what makes the buffer's
 * size in batch.h enough. Events come at the same byte positions however the body is sliced,
 * so the answer, errors included, does not depend on the slicing.
 */
#include <stddef.h>
#include <string.h>

#include "ambc/batch.h"
#include "batch_map.h"

enum { STAGE_ROOT, STAGE_IN_ROOT, STAGE_IN_DATA, STAGE_IN_RECORD, STAGE_DONE };
enum { KEY_OTHER, KEY_DATA, KEY_HAS_MORE, KEY_FIRST_ID, KEY_LAST_ID };

/* Depths of the values the parser cares about (see json.h): a list page's root object is at
 * 0, `data` and the other page members at 1, each record at 2; a single object is at 0. */
#define PAGE_MEMBER_DEPTH 1u
#define LIST_RECORD_DEPTH 2u

static const char *const page_keys[] = {"", "data", "has_more", "first_id", "last_id"};

static uint8_t record_depth(const ambc_page_parser_t *p)
{
    return p->mode == AMBC_PAGE_LIST ? LIST_RECORD_DEPTH : 0u;
}

static bool deleted(const ambc_page_parser_t *p)
{
    return p->mode == AMBC_PAGE_DELETED;
}

static ambc_status_t fail(ambc_page_parser_t *p, ambc_status_t st, const char *field)
{
    p->err_field = field;
    return st;
}

/* ---- the record buffer ------------------------------------------------------------------- */

static ambc_status_t put(ambc_page_parser_t *p, const char *s, size_t n)
{
    AMBC_ASSERT(n <= sizeof(p->rec) - p->rec_len); /* every value is bounded first */
    if (n > sizeof(p->rec) - p->rec_len) {
        return AMBC_ERR_RECORD_TOO_LARGE; /* what a build without asserts answers */
    }
    memcpy(p->rec + p->rec_len, s, n);
    p->rec_len = (uint16_t)(p->rec_len + n);
    return AMBC_OK;
}

static ambc_status_t begin_record(ambc_page_parser_t *p)
{
    p->stage = STAGE_IN_RECORD;
    p->rec_len = 0;
    p->seen = 0;
    p->field = NULL;
    p->in_string = 0;
    return put(p, "{", 1);
}

static ambc_status_t end_record(ambc_page_parser_t *p, uint8_t next_stage)
{
    ambc_status_t st = put(p, "}", 1);
    p->stage = next_stage;
    if (st == AMBC_OK) {
        st = ambc_batch_map_record(p->rec, p->rec_len, deleted(p), p->record, &p->err_field);
    }
    if (st != AMBC_OK) {
        return st;
    }
    if (p->page != NULL) {
        p->page->count++;
    }
    return p->on_batch(p->ctx, p->record);
}

/* A key of the record (counts false) or of its request_counts (counts true). */
static ambc_status_t record_key(ambc_page_parser_t *p, const ambc_json_event_t *ev, bool counts)
{
    const ambc_field_t *f =
        ev->truncated ? NULL : ambc_batch_field_find(deleted(p), counts, ev->text, ev->len);
    char *out;
    if (f == NULL) {
        ambc_json_scan_skip_value(&p->scan); /* what the API added: never copied */
        return AMBC_OK;
    }
    if (p->seen & f->bit) {
        return fail(p, AMBC_ERR_JSON_SHAPE, f->name); /* the same key twice */
    }
    p->seen |= f->bit;
    p->field = f;
    p->str_len = 0;
    AMBC_ASSERT(5u <= sizeof(p->rec) - p->rec_len); /* the sizes in batch.h allow for it */
    if (5u > sizeof(p->rec) - p->rec_len) {
        return AMBC_ERR_RECORD_TOO_LARGE;
    }
    out = p->rec + p->rec_len; /* `,"k":`, the comma unless it is the object's first */
    if (out[-1] != '{') {
        *out++ = ',';
    }
    *out++ = '"';
    *out++ = f->code;
    *out++ = '"';
    *out++ = ':';
    p->rec_len = (uint16_t)(out - p->rec);
    return AMBC_OK;
}

/* One part of a string value: bounded by the field, checked, copied with '"' and '\\'
 * escaped. Raw control characters stay raw (jsmn and the mapper take them) except in a
 * timestamp or type, which hold neither them nor quotes nor backslashes when they are valid:
 * theirs are copied 1:1, and refused early otherwise. */
static ambc_status_t copy_string(ambc_page_parser_t *p, const ambc_field_t *f,
                                 const ambc_json_event_t *ev)
{
    bool plain = f->kind == K_TIME || f->kind == K_TIME_NULL || f->kind == K_TYPE ||
                 f->kind == K_TYPE_DELETED;
    const unsigned char *t = (const unsigned char *)ev->text;
    size_t room = ambc_batch_field_limit(f) - p->str_len;
    size_t n = ev->len < room ? ev->len : room; /* the bytes within the limit, judged first */
    size_t i, from = 0;
    ambc_status_t st = AMBC_OK;
    if (!p->in_string) {
        p->in_string = 1;
        st = put(p, "\"", 1);
    }
    for (i = 0; ev->escaped && i < n && st == AMBC_OK; i++) { /* else all plain */
        bool special = t[i] == '"' || t[i] == '\\';
        if (!special && (t[i] >= 0x20u || (t[i] != 0 && !plain))) {
            continue;
        }
        if (plain) {
            return fail(p, ambc_batch_field_too_long(f), f->name); /* TIME_INVALID, SHAPE */
        }
        if (t[i] == 0) {
            return fail(p, AMBC_ERR_JSON_NUL, f->name);
        }
        st = put(p, ev->text + from, i - from); /* '"' or '\\': escaped */
        if (st == AMBC_OK) {
            st = put(p, "\\", 1);
        }
        from = i;
    }
    if (st == AMBC_OK && ev->len > room) {
        return fail(p, ambc_batch_field_too_long(f), f->name); /* after what came before it */
    }
    p->str_len += (uint32_t)ev->len;
    if (st == AMBC_OK) {
        st = put(p, ev->text + from, ev->len - from);
    }
    if (st == AMBC_OK && !ev->partial) {
        p->in_string = 0;
        p->field = NULL;
        st = put(p, "\"", 1);
    }
    return st;
}

/* The value of the known member just keyed. Containers are refused at once (except the
 * request_counts object): a known field never holds one, and copying it would be unbounded. */
static ambc_status_t record_value(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    static const char *const literals[] = {"true", "false", "null"};
    const ambc_field_t *f = (const ambc_field_t *)p->field;
    AMBC_ASSERT(f != NULL); /* values follow keys, unknown ones unseen */
    if (f == NULL) {
        return AMBC_ERR_JSON_SHAPE;
    }
    switch (ev->type) {
    case AMBC_JSON_STRING:
        return copy_string(p, f, ev);
    case AMBC_JSON_NUMBER:
        if (ev->truncated || ev->len > AMBC_RECORD_NUMBER_MAX) {
            return fail(p, f->kind == K_U32 ? AMBC_ERR_NUMBER_RANGE : AMBC_ERR_JSON_TYPE, f->name);
        }
        p->field = NULL;
        return put(p, ev->text, ev->len);
    case AMBC_JSON_TRUE:
    case AMBC_JSON_FALSE:
    case AMBC_JSON_NULL:
        p->field = NULL;
        return put(p, literals[ev->type - AMBC_JSON_TRUE],
                   strlen(literals[ev->type - AMBC_JSON_TRUE]));
    case AMBC_JSON_OBJ_BEGIN:
        if (f->kind == K_COUNTS) {
            p->field = NULL;
            return put(p, "{", 1);
        }
        return fail(p, AMBC_ERR_JSON_TYPE, f->name);
    default: /* AMBC_JSON_ARR_BEGIN */
        return fail(p, AMBC_ERR_JSON_TYPE, f->name);
    }
}

static ambc_status_t record_event(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    uint8_t depth = record_depth(p);
    if (ev->type == AMBC_JSON_OBJ_END) {
        if (ev->depth == depth) {
            return end_record(p, p->mode == AMBC_PAGE_LIST ? STAGE_IN_DATA : STAGE_DONE);
        }
        return put(p, "}", 1); /* request_counts' own end: nothing else opens in here */
    }
    if (ev->type == AMBC_JSON_KEY) {
        return record_key(p, ev, ev->depth > depth + 1u);
    }
    return record_value(p, ev);
}

/* ---- the page ---------------------------------------------------------------------------- */

static uint8_t page_key(const ambc_json_event_t *ev)
{
    uint8_t k;
    if (ev->truncated) {
        return KEY_OTHER;
    }
    for (k = KEY_DATA; k <= KEY_LAST_ID; k++) {
        if (strlen(page_keys[k]) == ev->len && memcmp(page_keys[k], ev->text, ev->len) == 0) {
            return k;
        }
    }
    return KEY_OTHER;
}

static uint8_t key_bit(uint8_t key)
{
    static const uint8_t bits[] = {0, AMBC_PAGE_F_DATA, AMBC_PAGE_F_HAS_MORE, AMBC_PAGE_F_FIRST_ID,
                                   AMBC_PAGE_F_LAST_ID};
    return bits[key];
}

/* first_id / last_id, possibly in several parts (a part is never longer than the scanner's
 * buffer, an id field may be shorter). */
static ambc_status_t id_part(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    char *dst = p->key == KEY_FIRST_ID ? p->page->first_id : p->page->last_id;
    size_t have = strlen(dst);
    if (ev->len >= sizeof(p->page->first_id) - have) {
        dst[0] = '\0';
        return fail(p, AMBC_ERR_STRING_TOO_LONG, page_keys[p->key]);
    }
    if (memchr(ev->text, '\0', ev->len) != NULL) {
        dst[0] = '\0';
        return fail(p, AMBC_ERR_JSON_NUL, page_keys[p->key]);
    }
    memcpy(dst + have, ev->text, ev->len);
    dst[have + ev->len] = '\0';
    return AMBC_OK;
}

/* A value at page member depth, for the key just read. */
static ambc_status_t member_value(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    ambc_page_t *page = p->page;
    switch (p->key) {
    case KEY_DATA:
        if (ev->type != AMBC_JSON_ARR_BEGIN) {
            return fail(p, AMBC_ERR_JSON_TYPE, "data");
        }
        p->stage = STAGE_IN_DATA;
        return AMBC_OK;
    case KEY_HAS_MORE:
        if (ev->type != AMBC_JSON_TRUE && ev->type != AMBC_JSON_FALSE) {
            return fail(p, AMBC_ERR_JSON_TYPE, "has_more");
        }
        page->has_more = ev->type == AMBC_JSON_TRUE;
        return AMBC_OK;
    default: /* KEY_FIRST_ID, KEY_LAST_ID */
        if (ev->type == AMBC_JSON_NULL) {
            page->null = (uint8_t)(page->null | key_bit(p->key));
            return AMBC_OK;
        }
        return ev->type == AMBC_JSON_STRING ? id_part(p, ev)
                                            : fail(p, AMBC_ERR_JSON_TYPE, page_keys[p->key]);
    }
}

static ambc_status_t on_member_key(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    uint8_t k = page_key(ev);
    uint8_t bit = key_bit(k);
    if (k == KEY_OTHER) {
        ambc_json_scan_skip_value(&p->scan); /* an unknown page member passes by unseen */
        return AMBC_OK;
    }
    if (p->page->present & bit) {
        return fail(p, AMBC_ERR_JSON_SHAPE, page_keys[k]); /* a page key twice */
    }
    p->page->present = (uint8_t)(p->page->present | bit);
    p->key = k;
    return AMBC_OK;
}

static ambc_status_t list_event(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    switch (p->stage) {
    case STAGE_ROOT:
        if (ev->type != AMBC_JSON_OBJ_BEGIN) {
            return AMBC_ERR_JSON_SHAPE;
        }
        p->stage = STAGE_IN_ROOT;
        return AMBC_OK;
    case STAGE_IN_DATA:
        if (ev->type == AMBC_JSON_ARR_END) {
            p->stage = STAGE_IN_ROOT;
            return AMBC_OK;
        }
        if (ev->type != AMBC_JSON_OBJ_BEGIN) {
            return fail(p, AMBC_ERR_JSON_SHAPE, "data"); /* an element that is not an object */
        }
        return begin_record(p);
    case STAGE_IN_RECORD:
        return record_event(p, ev);
    default: /* STAGE_IN_ROOT: page members (unknown ones are skipped unseen) */
        if (ev->depth == 0u) {
            p->stage = STAGE_DONE; /* the root's `}` */
            return AMBC_OK;
        }
        if (ev->type == AMBC_JSON_KEY) {
            return on_member_key(p, ev);
        }
        return ev->depth == PAGE_MEMBER_DEPTH ? member_value(p, ev) : AMBC_OK;
    }
}

static ambc_status_t single_event(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    if (p->stage == STAGE_ROOT) {
        return ev->type == AMBC_JSON_OBJ_BEGIN ? begin_record(p) : AMBC_ERR_JSON_SHAPE;
    }
    return record_event(p, ev);
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    ambc_page_parser_t *p = (ambc_page_parser_t *)ctx;
    return p->mode == AMBC_PAGE_LIST ? list_event(p, ev) : single_event(p, ev);
}

/* ambc_page_parser_init() clears the parser up to rec, which needs no clearing: rec must stay
 * the last member, checked here by the compiler. */
AMBC_STATIC_ASSERT(sizeof(ambc_page_parser_t) - offsetof(ambc_page_parser_t, rec) -
                           sizeof(((ambc_page_parser_t *)0)->rec) <
                       sizeof(uint64_t),
                   page_parser_rec_is_last);

void ambc_page_parser_init(ambc_page_parser_t *p, ambc_page_mode_t mode, ambc_page_t *page,
                           ambc_batch_t *record, ambc_batch_fn on_batch, void *ctx)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, offsetof(ambc_page_parser_t, rec)); /* the buffer needs no clearing */
    p->page = page;
    p->record = record;
    p->on_batch = on_batch;
    p->ctx = ctx;
    p->mode = (uint8_t)mode;
    p->stage = STAGE_ROOT;
    if (page != NULL) {
        memset(page, 0, sizeof(*page));
    }
    ambc_json_scan_init(&p->scan, on_event, p);
    if (((mode != AMBC_PAGE_LIST) && (mode != AMBC_PAGE_SINGLE) && (mode != AMBC_PAGE_DELETED)) ||
        ((mode == AMBC_PAGE_LIST) && (page == NULL)) || (record == NULL) || (on_batch == NULL)) {
        p->err = AMBC_ERR_INVALID_ARG;
    }
}

ambc_status_t ambc_page_parser_feed(ambc_page_parser_t *p, const uint8_t *data, size_t len)
{
    if ((p == NULL) || ((data == NULL) && (len > 0u))) {
        return AMBC_ERR_INVALID_ARG; /* not sticky: the parser is as it was */
    }
    if (p->err == AMBC_OK) {
        p->err = ambc_json_scan_feed(&p->scan, (const char *)data, len);
    }
    return p->err;
}

ambc_status_t ambc_page_parser_finish(ambc_page_parser_t *p)
{
    ambc_status_t st;
    if (p == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    st = p->err;
    if (st == AMBC_OK) {
        st = ambc_json_scan_finish(&p->scan);
    }
    if (st == AMBC_OK && p->mode == AMBC_PAGE_LIST) {
        if (!(p->page->present & AMBC_PAGE_F_DATA)) {
            st = fail(p, AMBC_ERR_JSON_MISSING, "data");
        } else if (!(p->page->present & AMBC_PAGE_F_HAS_MORE)) {
            st = fail(p, AMBC_ERR_JSON_MISSING, "has_more");
        }
    }
    p->err = st;
    return st;
}

const char *ambc_page_parser_error_field(const ambc_page_parser_t *p)
{
    return ((p != NULL) && (p->err != AMBC_OK)) ? p->err_field : NULL;
}

static ambc_status_t keep_record(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    (void)b; /* the parser wrote it into the caller's record already */
    return AMBC_OK;
}

ambc_status_t ambc_batch_parse(ambc_page_parser_t *p, const char *json, size_t len,
                               ambc_batch_t *out)
{
    ambc_status_t st;
    if (p == NULL || json == NULL || out == NULL) {
        return AMBC_ERR_INVALID_ARG;
    }
    ambc_page_parser_init(p, AMBC_PAGE_SINGLE, NULL, out, keep_record, NULL);
    st = ambc_page_parser_feed(p, (const uint8_t *)json, len);
    return st == AMBC_OK ? ambc_page_parser_finish(p) : st;
}
