/*
 * The list-page parser: a consumer of scanner events that keeps the page metadata and cuts
 * each element of `data` out of the stream into the record buffer, then maps it.
 *
 * Elements are copied in runs: from the element's `{` (or the slice start) to its `}` (or the
 * slice end), one memcpy per slice, so a byte-at-a-time feed and a whole-page feed produce
 * the same element text.
 */
#include <string.h>

#include "ambc/batch.h"
#include "batch_map.h"

enum { STAGE_ROOT, STAGE_IN_ROOT, STAGE_IN_DATA, STAGE_IN_ELEMENT, STAGE_DONE };
enum { KEY_OTHER, KEY_DATA, KEY_HAS_MORE, KEY_FIRST_ID, KEY_LAST_ID };

/* Depths of the values the parser cares about (see json.h). */
#define ROOT_DEPTH    0u
#define MEMBER_DEPTH  1u
#define ELEMENT_DEPTH 2u

static ambc_status_t append(ambc_page_parser_t *p, size_t from, size_t to)
{
    size_t n = to - from;
    if (n > sizeof(p->element) - p->cap_len) {
        return AMBC_ERR_RECORD_TOO_LARGE;
    }
    memcpy(p->element + p->cap_len, p->slice + from, n);
    p->cap_len += n;
    return AMBC_OK;
}

static void begin_element(ambc_page_parser_t *p, size_t offset)
{
    p->stage = STAGE_IN_ELEMENT;
    p->cap_from = offset;
    p->cap_len = 0;
}

static ambc_status_t end_element(ambc_page_parser_t *p, size_t offset, uint8_t next_stage)
{
    ambc_status_t st = append(p, p->cap_from, offset + 1);
    if (st != AMBC_OK) {
        return st;
    }
    p->stage = next_stage;
    st = ambc_batch_map_valid(p->element, p->cap_len, p->tokens, CONFIG_AMBC_JSON_MAX_TOKENS,
                              p->record);
    if (st != AMBC_OK) {
        return st;
    }
    if (p->page != NULL) {
        p->page->count++;
    }
    return p->on_batch(p->ctx, p->record);
}

static uint8_t key_of(const ambc_json_event_t *ev)
{
    static const char *const names[] = {"", "data", "has_more", "first_id", "last_id"};
    uint8_t k;
    if (ev->truncated) {
        return KEY_OTHER;
    }
    for (k = KEY_DATA; k <= KEY_LAST_ID; k++) {
        if (strlen(names[k]) == ev->len && memcmp(names[k], ev->text, ev->len) == 0) {
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
        return AMBC_ERR_STRING_TOO_LONG;
    }
    memcpy(dst + have, ev->text, ev->len);
    dst[have + ev->len] = '\0';
    return AMBC_OK;
}

/* A value at member depth, for the key just read. */
static ambc_status_t member_value(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    ambc_page_t *page = p->page;
    switch (p->key) {
    case KEY_DATA:
        if (ev->type != AMBC_JSON_ARR_BEGIN) {
            return AMBC_ERR_JSON_TYPE;
        }
        p->stage = STAGE_IN_DATA;
        return AMBC_OK;
    case KEY_HAS_MORE:
        if (ev->type != AMBC_JSON_TRUE && ev->type != AMBC_JSON_FALSE) {
            return AMBC_ERR_JSON_TYPE;
        }
        page->has_more = ev->type == AMBC_JSON_TRUE;
        return AMBC_OK;
    case KEY_FIRST_ID:
    case KEY_LAST_ID:
        if (ev->type == AMBC_JSON_NULL) {
            page->null = (uint8_t)(page->null | key_bit(p->key));
            return AMBC_OK;
        }
        return ev->type == AMBC_JSON_STRING ? id_part(p, ev) : AMBC_ERR_JSON_TYPE;
    default:
        return AMBC_OK; /* an unknown key: its value passes by */
    }
}

static ambc_status_t on_member_key(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    uint8_t k = key_of(ev);
    uint8_t bit = key_bit(k);
    if (p->page->present & bit) {
        return AMBC_ERR_JSON_SHAPE; /* a page key twice */
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
        if (ev->type == AMBC_JSON_ARR_END && ev->depth == MEMBER_DEPTH) {
            p->stage = STAGE_IN_ROOT;
            return AMBC_OK;
        }
        if (ev->type != AMBC_JSON_OBJ_BEGIN) {
            return AMBC_ERR_JSON_SHAPE; /* an element that is not an object */
        }
        begin_element(p, ev->offset);
        return AMBC_OK;
    case STAGE_IN_ELEMENT:
        if (ev->type == AMBC_JSON_OBJ_END && ev->depth == ELEMENT_DEPTH) {
            return end_element(p, ev->offset, STAGE_IN_DATA);
        }
        return AMBC_OK;
    default: /* STAGE_IN_ROOT */
        if (ev->depth == ROOT_DEPTH) {
            p->stage = STAGE_DONE; /* the root's `}` */
            return AMBC_OK;
        }
        if (ev->type == AMBC_JSON_KEY && ev->depth == MEMBER_DEPTH) {
            return on_member_key(p, ev);
        }
        if (ev->depth == MEMBER_DEPTH && ev->type != AMBC_JSON_OBJ_END &&
            ev->type != AMBC_JSON_ARR_END) {
            return member_value(p, ev);
        }
        return AMBC_OK;
    }
}

static ambc_status_t single_event(ambc_page_parser_t *p, const ambc_json_event_t *ev)
{
    if (p->stage == STAGE_ROOT) {
        if (ev->type != AMBC_JSON_OBJ_BEGIN) {
            return AMBC_ERR_JSON_SHAPE;
        }
        begin_element(p, ev->offset);
        return AMBC_OK;
    }
    if (ev->type == AMBC_JSON_OBJ_END && ev->depth == ROOT_DEPTH) {
        return end_element(p, ev->offset, STAGE_DONE);
    }
    return AMBC_OK;
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    ambc_page_parser_t *p = (ambc_page_parser_t *)ctx;
    return p->mode == AMBC_PAGE_LIST ? list_event(p, ev) : single_event(p, ev);
}

void ambc_page_parser_init(ambc_page_parser_t *p, ambc_page_mode_t mode, ambc_page_t *page,
                           ambc_batch_t *record, ambc_batch_fn on_batch, void *ctx)
{
    memset(p, 0, offsetof(ambc_page_parser_t, element)); /* the buffers need no clearing */
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
    /* Decode only what the page itself holds: scalars inside elements are left to jsmn. */
    ambc_json_scan_set_quiet_depth(&p->scan, mode == AMBC_PAGE_LIST ? ELEMENT_DEPTH : ROOT_DEPTH);
    if (mode == AMBC_PAGE_LIST && page == NULL) {
        p->err = AMBC_ERR_INVALID_ARG;
    }
    if (record == NULL || on_batch == NULL) {
        p->err = AMBC_ERR_INVALID_ARG;
    }
}

ambc_status_t ambc_page_parser_feed(ambc_page_parser_t *p, const uint8_t *data, size_t len)
{
    ambc_status_t st;
    if (p->err != AMBC_OK) {
        return p->err;
    }
    p->slice = (const char *)data;
    st = ambc_json_scan_feed(&p->scan, p->slice, len);
    if (st != AMBC_OK && p->stage == STAGE_IN_ELEMENT &&
        p->cap_len + (ambc_json_scan_error_offset(&p->scan) - p->cap_from) > sizeof(p->element)) {
        /* The element outgrew the buffer before the bad byte: a byte-at-a-time feed would
         * have said so first, and the answer must not depend on how the body was sliced. */
        st = AMBC_ERR_RECORD_TOO_LARGE;
    }
    if (st == AMBC_OK && p->stage == STAGE_IN_ELEMENT) {
        st = append(p, p->cap_from, len); /* the element goes on in the next slice */
        p->cap_from = 0;
    }
    p->slice = NULL;
    p->err = st;
    return st;
}

ambc_status_t ambc_page_parser_finish(ambc_page_parser_t *p)
{
    ambc_status_t st = p->err;
    if (st == AMBC_OK) {
        st = ambc_json_scan_finish(&p->scan);
    }
    if (st == AMBC_OK && p->mode == AMBC_PAGE_LIST) {
        uint8_t need = AMBC_PAGE_F_DATA | AMBC_PAGE_F_HAS_MORE;
        if ((p->page->present & need) != need) {
            st = AMBC_ERR_JSON_SHAPE;
        }
    }
    p->err = st;
    return st;
}
