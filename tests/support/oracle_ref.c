/* Oracle, part 2: the reference. cJSON parses the body (or, when the body stops being JSON, the
 * longest prefix that is JSON once its open containers are closed); the strict lexer supplies
 * the raw bytes of each token, aligned with cJSON's tree in document order and cross-checked
 * against it; then the list-page contract is applied to that tree.
 *
 * cJSON is not trusted where it is known to differ from RFC 8259: it accepts texts the lexer
 * rejects (those never reach it), it cuts a decoded string at U+0000 (strings are decoded here
 * from the raw bytes), and it cannot read a number of more than 63 characters (those are given
 * to it as 0; their text is taken from the raw bytes). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "oracle.h"

typedef struct node {
    int type;   /* cJSON_Object, cJSON_Array, cJSON_String, ... */
    size_t key; /* token index of the key (members), else SIZE_MAX */
    size_t tok; /* token index of the value (BEGIN for containers) */
    size_t pos; /* byte offset of the value */
    bool complete;
    struct node *kids;
    size_t n_kids;
} node_t;

typedef struct {
    const uint8_t *p;
    oj_lex_t lx;
    size_t ti;
    char err[200];
    oracle_ref_t *ref;
} ctx_t;

static void *xmalloc(size_t n)
{
    void *q = calloc(1, n ? n : 1);
    if (q == NULL) {
        abort();
    }
    return q;
}

static const char *const class_names[OC__COUNT] = {
    "none", "json", "depth", "missing", "duplicate", "type", "shape", "nul", "value", "limit",
};

const char *oracle_class_name(oracle_class_t c)
{
    return c < OC__COUNT ? class_names[c] : "?";
}

/* ---------------------------------------------------------------- cJSON text and alignment */

/* The body up to the cut, numbers cJSON cannot read replaced by 0, open containers closed. */
static char *cjson_text(const ctx_t *c, size_t *out_len)
{
    size_t cap = c->lx.cut + c->lx.n_open + 1, n = 0, from = 0, k;
    char *t = xmalloc(cap);
    for (k = 0; k < c->lx.n; k++) {
        const oj_tok_t *tk = &c->lx.tok[k];
        if (tk->kind == OJ_NUMBER && tk->end - tk->start > 63) {
            memcpy(t + n, c->p + from, tk->start - from);
            n += tk->start - from;
            t[n++] = '0';
            from = tk->end;
        }
    }
    memcpy(t + n, c->p + from, c->lx.cut - from);
    n += c->lx.cut - from;
    for (k = c->lx.n_open; k > 0; k--) {
        t[n++] = c->lx.open[k - 1] == OJ_OBJ_BEGIN ? '}' : ']';
    }
    t[n] = 0;
    *out_len = n;
    return t;
}

static bool tok_is(ctx_t *c, uint8_t kind)
{
    return c->ti < c->lx.n && c->lx.tok[c->ti].kind == kind;
}

static char *decode_tok(const ctx_t *c, size_t ti, size_t *len)
{
    const oj_tok_t *t = &c->lx.tok[ti];
    return oj_decode(c->p + t->start + 1, t->end - t->start - 2, len);
}

/* cJSON's C string must be our decoding, up to the first U+0000. */
static bool same_text(const char *cj, const char *ours, size_t len)
{
    size_t l = strlen(ours);
    (void)len;
    return cj != NULL && strcmp(cj, ours) == 0 && l <= len;
}

static bool align(ctx_t *c, const cJSON *it, bool member, node_t *out)
{
    int type = it->type & 0xFF;
    out->type = type;
    out->key = SIZE_MAX;
    out->complete = true;
    if (member) {
        size_t kl;
        char *k;
        if (!tok_is(c, OJ_KEY)) {
            snprintf(c->err, sizeof(c->err), "cJSON has a member where the lexer has no key");
            return false;
        }
        k = decode_tok(c, c->ti, &kl);
        if (!same_text(it->string, k, kl)) {
            snprintf(c->err, sizeof(c->err), "cJSON key \"%.40s\" is \"%.40s\" to the lexer",
                     it->string ? it->string : "(null)", k);
            free(k);
            return false;
        }
        free(k);
        out->key = c->ti++;
    }
    out->tok = c->ti;
    out->pos = c->ti < c->lx.n ? c->lx.tok[c->ti].start : 0;
    switch (type) {
    case cJSON_Object:
    case cJSON_Array: {
        const cJSON *ch;
        size_t n = 0, k = 0;
        uint8_t b = type == cJSON_Object ? OJ_OBJ_BEGIN : OJ_ARR_BEGIN;
        if (!tok_is(c, b)) {
            snprintf(c->err, sizeof(c->err), "cJSON container at token %zu of another kind", c->ti);
            return false;
        }
        c->ti++;
        for (ch = it->child; ch != NULL; ch = ch->next) {
            n++;
        }
        out->kids = n ? xmalloc(n * sizeof(node_t)) : NULL;
        out->n_kids = n;
        for (ch = it->child; ch != NULL; ch = ch->next, k++) {
            if (!align(c, ch, type == cJSON_Object, &out->kids[k])) {
                return false;
            }
        }
        if (tok_is(c, (uint8_t)(b + 1))) {
            c->ti++;
        } else if (c->ti == c->lx.n && c->lx.verdict != OJ_OK) {
            out->complete = false; /* closed by us, at the cut */
        } else {
            snprintf(c->err, sizeof(c->err), "cJSON closes a container the lexer does not");
            return false;
        }
        return true;
    }
    case cJSON_String: {
        size_t l;
        char *s;
        bool ok;
        if (!tok_is(c, OJ_STRING)) {
            snprintf(c->err, sizeof(c->err), "cJSON string at token %zu of another kind", c->ti);
            return false;
        }
        s = decode_tok(c, c->ti, &l);
        ok = same_text(it->valuestring, s, l);
        if (!ok) {
            snprintf(c->err, sizeof(c->err), "cJSON string \"%.40s\" is \"%.40s\" to the lexer",
                     it->valuestring ? it->valuestring : "(null)", s);
        }
        free(s);
        c->ti++;
        return ok;
    }
    case cJSON_Number: {
        const oj_tok_t *t;
        char num[80];
        size_t l;
        if (!tok_is(c, OJ_NUMBER)) {
            snprintf(c->err, sizeof(c->err), "cJSON number at token %zu of another kind", c->ti);
            return false;
        }
        t = &c->lx.tok[c->ti++];
        l = t->end - t->start;
        if (l <= 63) {
            double d;
            memcpy(num, c->p + t->start, l);
            num[l] = 0;
            d = strtod(num, NULL);
            if (!(d == it->valuedouble)) {
                snprintf(c->err, sizeof(c->err), "cJSON reads %s as %.17g", num, it->valuedouble);
                return false;
            }
        }
        return true;
    }
    case cJSON_True:
    case cJSON_False:
    case cJSON_NULL: {
        uint8_t want = type == cJSON_True ? OJ_TRUE : type == cJSON_False ? OJ_FALSE : OJ_NULL;
        if (!tok_is(c, want)) {
            snprintf(c->err, sizeof(c->err), "cJSON literal at token %zu of another kind", c->ti);
            return false;
        }
        c->ti++;
        return true;
    }
    default:
        snprintf(c->err, sizeof(c->err), "cJSON item of type %d", type);
        return false;
    }
}

static void node_free(node_t *n)
{
    size_t k;
    for (k = 0; k < n->n_kids; k++) {
        node_free(&n->kids[k]);
    }
    free(n->kids);
}

/* ---------------------------------------------------------------- the contract */

typedef struct {
    bool failed;
    bool nonlimit;
    oracle_class_t first_class;
    ambc_status_t first_status;
    const char *first_field;
    char why[256];
    struct {
        ambc_status_t st;
        const char *field;
    } lim[ORACLE_MAX_LIMITS];
    size_t n_lim;
} unit_t;

static void unit_fail(unit_t *u, oracle_class_t cls, ambc_status_t st, const char *field,
                      const char *fmt, ...)
{
    if (cls == OC_LIMIT || cls == OC_DEPTH) {
        if (u->n_lim < ORACLE_MAX_LIMITS) {
            u->lim[u->n_lim].st = st;
            u->lim[u->n_lim].field = cls == OC_DEPTH ? NULL : field;
            u->n_lim++;
        }
    } else {
        u->nonlimit = true;
    }
    if (!u->failed) {
        va_list ap;
        u->failed = true;
        u->first_class = cls;
        u->first_status = st;
        u->first_field = field;
        va_start(ap, fmt);
        vsnprintf(u->why, sizeof(u->why), fmt, ap);
        va_end(ap);
    }
}

/* A failure of the lexer, as the unit it falls in sees it. */
static void unit_lex_fail(unit_t *u, const ctx_t *c)
{
    if (c->lx.verdict == OJ_DEPTH) {
        unit_fail(u, OC_DEPTH, AMBC_ERR_JSON_DEPTH, NULL, "nesting past %d levels at byte %zu",
                  CONFIG_AMBC_JSON_MAX_DEPTH, c->lx.err_pos);
    } else {
        unit_fail(u, OC_JSON,
                  c->lx.verdict == OJ_UNEXPECTED_END ? AMBC_ERR_JSON_UNEXPECTED_END
                                                     : AMBC_ERR_JSON_INVALID,
                  NULL, "%s at byte %zu",
                  c->lx.verdict == OJ_UNEXPECTED_END ? "body ends early" : "not JSON",
                  c->lx.err_pos);
    }
}

static const char *type_name(int t)
{
    switch (t) {
    case cJSON_Object:
        return "object";
    case cJSON_Array:
        return "array";
    case cJSON_String:
        return "string";
    case cJSON_Number:
        return "number";
    case cJSON_True:
    case cJSON_False:
        return "bool";
    default:
        return "null";
    }
}

static int key_index(const char *k, size_t kl, const char *const *keys, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        if (strlen(keys[i]) == kl && memcmp(keys[i], k, kl) == 0) {
            return i;
        }
    }
    return -1;
}

/* A string value kept as a C string of at most max-1 bytes. Returns the decoded text (caller
 * frees) or NULL after recording the failure. */
static char *kept_string(const ctx_t *c, const node_t *v, size_t max, const char *field, unit_t *u,
                         size_t *out_len)
{
    size_t l;
    char *s = decode_tok(c, v->tok, &l);
    bool bad = false;
    if (memchr(s, 0, l) != NULL) {
        unit_fail(u, OC_NUL, AMBC_ERR_JSON_NUL, field, "%s holds U+0000", field);
        bad = true;
    }
    if (l > max - 1) {
        unit_fail(u, OC_LIMIT, AMBC_ERR_STRING_TOO_LONG, field, "%s is %zu bytes (max %zu)", field,
                  l, max - 1);
        bad = true;
    }
    if (bad) {
        free(s);
        return NULL;
    }
    *out_len = l;
    return s;
}

static const char *const rec_keys[10] = {
    "id",         "type",     "processing_status",   "request_counts", "created_at",
    "expires_at", "ended_at", "cancel_initiated_at", "archived_at",    "results_url",
};
static const char *const count_keys[5] = {"processing", "succeeded", "errored", "canceled",
                                          "expired"};
static const char *const count_fields[5] = {
    "request_counts.processing", "request_counts.succeeded", "request_counts.errored",
    "request_counts.canceled",   "request_counts.expired",
};
static const char *const page_keys[4] = {"data", "has_more", "first_id", "last_id"};

static void eval_time(const ctx_t *c, const node_t *v, const char *field, bool nullable,
                      int64_t *out, uint32_t bit, ambc_batch_t *b, unit_t *u)
{
    size_t l;
    char *s;
    if (v->type == cJSON_NULL && nullable) {
        *out = AMBC_TIME_NULL;
        b->null |= bit;
        return;
    }
    if (v->type != cJSON_String) {
        unit_fail(u, OC_TYPE, AMBC_ERR_JSON_TYPE, field, "%s is %s", field, type_name(v->type));
        return;
    }
    s = decode_tok(c, v->tok, &l);
    if (l > AMBC_RFC3339_TEXT_MAX) {
        unit_fail(u, OC_LIMIT, AMBC_ERR_TIME_INVALID, field, "%s is %zu bytes (max %u)", field, l,
                  AMBC_RFC3339_TEXT_MAX);
    }
    if (!oracle_rfc3339(s, l, out)) {
        unit_fail(u, OC_VALUE, AMBC_ERR_TIME_INVALID, field, "%s \"%.60s\" is not RFC 3339", field,
                  s);
    }
    free(s);
}

static void eval_count(const ctx_t *c, const node_t *v, int i, ambc_batch_t *b, unit_t *u)
{
    const char *f = count_fields[i];
    const oj_tok_t *t;
    size_t l, k;
    uint64_t x = 0;
    bool plain = true;
    uint32_t *dst = i == 0   ? &b->request_counts.processing
                    : i == 1 ? &b->request_counts.succeeded
                    : i == 2 ? &b->request_counts.errored
                    : i == 3 ? &b->request_counts.canceled
                             : &b->request_counts.expired;
    if (v->type != cJSON_Number) {
        unit_fail(u, OC_TYPE, AMBC_ERR_JSON_TYPE, f, "%s is %s", f, type_name(v->type));
        return;
    }
    t = &c->lx.tok[v->tok];
    l = t->end - t->start;
    if (l > AMBC_RECORD_NUMBER_MAX) {
        unit_fail(u, OC_LIMIT, AMBC_ERR_NUMBER_RANGE, f, "%s is %zu characters", f, l);
    }
    for (k = 0; k < l; k++) {
        uint8_t ch = c->p[t->start + k];
        if (ch < '0' || ch > '9') {
            plain = false;
            break;
        }
        if (x <= UINT32_MAX) {
            x = x * 10u + (uint64_t)(ch - '0');
        }
    }
    if (!plain || x > UINT32_MAX) {
        unit_fail(u, OC_VALUE, AMBC_ERR_NUMBER_RANGE, f, "%s is %.*s", f, (int)(l > 40 ? 40 : l),
                  (const char *)c->p + t->start);
        return;
    }
    *dst = (uint32_t)x;
}

static void eval_counts(const ctx_t *c, const node_t *o, ambc_batch_t *b, unit_t *u)
{
    uint32_t seen = 0;
    size_t m;
    int i;
    for (m = 0; m < o->n_kids; m++) {
        const node_t *kv = &o->kids[m];
        size_t kl;
        char *k = decode_tok(c, kv->key, &kl);
        i = key_index(k, kl, count_keys, 5);
        free(k);
        if (i < 0) {
            continue;
        }
        if (seen & (1u << i)) {
            unit_fail(u, OC_DUP, AMBC_ERR_JSON_SHAPE, count_fields[i], "%s twice", count_fields[i]);
            continue;
        }
        seen |= 1u << i;
        eval_count(c, kv, i, b, u);
    }
    if (!o->complete) {
        return;
    }
    for (i = 0; i < 5; i++) {
        if (!(seen & (1u << i))) {
            unit_fail(u, OC_MISSING, AMBC_ERR_JSON_MISSING, count_fields[i], "%s missing",
                      count_fields[i]);
        }
    }
}

static void eval_string_field(const ctx_t *c, const node_t *v, int i, ambc_batch_t *b, unit_t *u)
{
    const char *f = rec_keys[i];
    size_t l;
    char *s;
    if (i == 9 && v->type == cJSON_NULL) {
        b->results_url[0] = 0;
        b->null |= AMBC_BATCH_F_RESULTS_URL;
        return;
    }
    if (v->type != cJSON_String) {
        unit_fail(u, OC_TYPE, AMBC_ERR_JSON_TYPE, f, "%s is %s", f, type_name(v->type));
        return;
    }
    if (i == 1) {
        s = decode_tok(c, v->tok, &l);
        if (l != 13 || memcmp(s, "message_batch", 13) != 0) {
            unit_fail(u, OC_VALUE, AMBC_ERR_JSON_SHAPE, f, "type is \"%.40s\"", s);
        }
        free(s);
        return;
    }
    s = kept_string(c, v,
                    i == 0   ? CONFIG_AMBC_ID_MAX
                    : i == 2 ? CONFIG_AMBC_STATUS_TEXT_MAX
                             : CONFIG_AMBC_URL_MAX,
                    f, u, &l);
    if (s == NULL) {
        return;
    }
    if (i == 0) {
        memcpy(b->id, s, l + 1);
    } else if (i == 2) {
        memcpy(b->status_text, s, l + 1);
        b->processing_status = strcmp(s, "in_progress") == 0 ? AMBC_BATCH_IN_PROGRESS
                               : strcmp(s, "canceling") == 0 ? AMBC_BATCH_CANCELING
                               : strcmp(s, "ended") == 0     ? AMBC_BATCH_ENDED
                                                             : AMBC_BATCH_STATUS_UNKNOWN;
    } else {
        memcpy(b->results_url, s, l + 1);
    }
    free(s);
}

static void eval_record(const ctx_t *c, const node_t *r, ambc_batch_t *b, unit_t *u)
{
    uint32_t seen = 0;
    size_t m;
    int i;
    memset(b, 0, sizeof(*b));
    for (m = 0; m < r->n_kids; m++) {
        const node_t *kv = &r->kids[m];
        size_t kl;
        char *k = decode_tok(c, kv->key, &kl);
        i = key_index(k, kl, rec_keys, 10);
        free(k);
        if (i < 0) {
            continue;
        }
        if (seen & (1u << i)) {
            unit_fail(u, OC_DUP, AMBC_ERR_JSON_SHAPE, rec_keys[i], "%s twice", rec_keys[i]);
            continue;
        }
        seen |= 1u << i;
        switch (i) {
        case 3:
            if (kv->type != cJSON_Object) {
                unit_fail(u, OC_TYPE, AMBC_ERR_JSON_TYPE, rec_keys[i], "request_counts is %s",
                          type_name(kv->type));
            } else {
                eval_counts(c, kv, b, u);
            }
            break;
        case 4:
            eval_time(c, kv, rec_keys[i], false, &b->created_at, 0, b, u);
            break;
        case 5:
            eval_time(c, kv, rec_keys[i], false, &b->expires_at, 0, b, u);
            break;
        case 6:
            eval_time(c, kv, rec_keys[i], true, &b->ended_at, AMBC_BATCH_F_ENDED_AT, b, u);
            break;
        case 7:
            eval_time(c, kv, rec_keys[i], true, &b->cancel_initiated_at,
                      AMBC_BATCH_F_CANCEL_INITIATED_AT, b, u);
            break;
        case 8:
            eval_time(c, kv, rec_keys[i], true, &b->archived_at, AMBC_BATCH_F_ARCHIVED_AT, b, u);
            break;
        default:
            eval_string_field(c, kv, i, b, u);
            break;
        }
    }
    if (r->complete) {
        for (i = 0; i < 10; i++) {
            if (!(seen & (1u << i))) {
                unit_fail(u, OC_MISSING, AMBC_ERR_JSON_MISSING, rec_keys[i], "%s missing",
                          rec_keys[i]);
            }
        }
    }
    b->present = AMBC_BATCH_F_ALL;
}

static void ref_add(oracle_ref_t *ref, const ambc_batch_t *b)
{
    if (ref->n_rec == ref->cap_rec) {
        ref->cap_rec = ref->cap_rec ? ref->cap_rec * 2 : 16;
        ref->rec = realloc(ref->rec, ref->cap_rec * sizeof(*ref->rec));
        if (ref->rec == NULL) {
            abort();
        }
    }
    ref->rec[ref->n_rec++] = *b;
}

/* The first failing unit decides the verdict. */
static void ref_fail(oracle_ref_t *ref, const unit_t *u, int record, size_t pos)
{
    size_t k;
    ref->verdict = u->nonlimit ? ORACLE_INVALID : ORACLE_LIMIT;
    ref->fail_record = record;
    ref->fail_pos = pos;
    ref->fail_nonlimit = u->nonlimit;
    ref->first_class = u->first_class;
    ref->first_status = u->first_status;
    ref->first_field = u->first_field;
    for (k = 0; k < u->n_lim; k++) {
        ref->lim[k].st = u->lim[k].st;
        ref->lim[k].field = u->lim[k].field;
    }
    ref->n_lim = u->n_lim;
    if (record >= 0) {
        snprintf(ref->why, sizeof(ref->why), "record %d: %s", record, u->why);
    } else {
        snprintf(ref->why, sizeof(ref->why), "page: %s", u->why);
    }
}

/* Returns true when `data` was walked without failure. */
static bool eval_data(const ctx_t *c, const node_t *d, oracle_ref_t *ref)
{
    size_t e;
    unit_t u;
    if (d->type != cJSON_Array) {
        memset(&u, 0, sizeof(u));
        unit_fail(&u, OC_TYPE, AMBC_ERR_JSON_TYPE, "data", "data is %s", type_name(d->type));
        ref_fail(ref, &u, -1, d->pos);
        return false;
    }
    for (e = 0; e < d->n_kids; e++) {
        const node_t *r = &d->kids[e];
        ambc_batch_t b;
        memset(&u, 0, sizeof(u));
        if (r->type != cJSON_Object) {
            unit_fail(&u, OC_SHAPE, AMBC_ERR_JSON_SHAPE, "data", "element %zu of data is %s", e,
                      type_name(r->type));
            ref_fail(ref, &u, -1, r->pos);
            return false;
        }
        eval_record(c, r, &b, &u);
        if (!r->complete) {
            unit_lex_fail(&u, c);
        }
        if (u.failed) {
            ref_fail(ref, &u, (int)ref->n_rec, r->pos);
            return false;
        }
        ref_add(ref, &b);
    }
    if (!d->complete) {
        memset(&u, 0, sizeof(u));
        unit_lex_fail(&u, c);
        ref_fail(ref, &u, -1, c->lx.err_pos);
        return false;
    }
    return true;
}

static bool eval_cursor(const ctx_t *c, const node_t *v, int i, oracle_ref_t *ref)
{
    const char *f = page_keys[i];
    char *dst = i == 2 ? ref->page.first_id : ref->page.last_id;
    uint8_t bit = i == 2 ? AMBC_PAGE_F_FIRST_ID : AMBC_PAGE_F_LAST_ID;
    unit_t u;
    size_t l;
    char *s;
    memset(&u, 0, sizeof(u));
    if (v->type == cJSON_NULL) {
        ref->page.null |= bit;
        return true;
    }
    if (v->type != cJSON_String) {
        unit_fail(&u, OC_TYPE, AMBC_ERR_JSON_TYPE, f, "%s is %s", f, type_name(v->type));
        ref_fail(ref, &u, -1, v->pos);
        return false;
    }
    s = kept_string(c, v, CONFIG_AMBC_ID_MAX, f, &u, &l);
    if (s == NULL) {
        ref_fail(ref, &u, -1, v->pos);
        return false;
    }
    memcpy(dst, s, l + 1);
    free(s);
    return true;
}

static void eval_page(const ctx_t *c, const node_t *root, oracle_ref_t *ref)
{
    unsigned seen = 0;
    size_t m;
    unit_t u;
    memset(&u, 0, sizeof(u));
    if (root == NULL) { /* the body failed before any value began */
        unit_lex_fail(&u, c);
        ref_fail(ref, &u, -1, c->lx.err_pos);
        return;
    }
    if (root->type != cJSON_Object) {
        unit_fail(&u, OC_SHAPE, AMBC_ERR_JSON_SHAPE, NULL, "the root is %s", type_name(root->type));
        ref_fail(ref, &u, -1, 0);
        return;
    }
    for (m = 0; m < root->n_kids; m++) {
        const node_t *kv = &root->kids[m];
        size_t kl;
        char *k = decode_tok(c, kv->key, &kl);
        int i = key_index(k, kl, page_keys, 4);
        free(k);
        if (i < 0) {
            continue;
        }
        if (seen & (1u << i)) {
            unit_fail(&u, OC_DUP, AMBC_ERR_JSON_SHAPE, page_keys[i], "%s twice", page_keys[i]);
            ref_fail(ref, &u, -1, c->lx.tok[kv->key].start);
            return;
        }
        seen |= 1u << i;
        ref->page.present |= (uint8_t)(1u << i);
        switch (i) {
        case 0:
            if (!eval_data(c, kv, ref)) {
                return;
            }
            break;
        case 1:
            if (kv->type != cJSON_True && kv->type != cJSON_False) {
                unit_fail(&u, OC_TYPE, AMBC_ERR_JSON_TYPE, "has_more", "has_more is %s",
                          type_name(kv->type));
                ref_fail(ref, &u, -1, kv->pos);
                return;
            }
            ref->page.has_more = kv->type == cJSON_True;
            break;
        default:
            if (!eval_cursor(c, kv, i, ref)) {
                return;
            }
            break;
        }
    }
    if (!root->complete || c->lx.verdict != OJ_OK) {
        unit_lex_fail(&u, c);
        ref_fail(ref, &u, -1, c->lx.err_pos);
        return;
    }
    if ((seen & 3u) != 3u) {
        const char *f = (seen & 1u) ? "has_more" : "data";
        unit_fail(&u, OC_MISSING, AMBC_ERR_JSON_MISSING, f, "%s missing", f);
        ref_fail(ref, &u, -1, c->lx.cut);
        return;
    }
    ref->verdict = ORACLE_OK;
    ref->page.count = (uint32_t)ref->n_rec;
}

int oracle_reference(const uint8_t *buf, size_t len, oracle_ref_t *ref)
{
    ctx_t c;
    cJSON *tree = NULL;
    node_t root;
    bool have_root = false;
    int rc = 0;
    memset(ref, 0, sizeof(*ref));
    memset(&c, 0, sizeof(c));
    memset(&root, 0, sizeof(root));
    ref->len = len;
    ref->fail_record = -1;
    c.p = buf;
    c.ref = ref;
    oj_lex(buf, len, CONFIG_AMBC_JSON_MAX_DEPTH, true, &c.lx);
    ref->max_depth = c.lx.max_depth;
    if (c.lx.cut > 0 || c.lx.n > 0) {
        size_t tl;
        const char *end = NULL;
        char *text = cjson_text(&c, &tl);
        tree = cJSON_ParseWithLengthOpts(text, tl, &end, 0);
        if (tree == NULL) {
            snprintf(ref->why, sizeof(ref->why),
                     "cJSON rejects what the lexer takes (%zu bytes, near offset %ld)", tl,
                     end ? (long)(end - text) : -1L);
            rc = -1;
        } else {
            while (end != NULL && end < text + tl && strchr(" \t\r\n", *end) != NULL) {
                end++;
            }
            if (end != text + tl) {
                snprintf(ref->why, sizeof(ref->why), "cJSON stops at %ld of %zu",
                         end ? (long)(end - text) : -1L, tl);
                rc = -1;
            } else if (!align(&c, tree, false, &root)) {
                snprintf(ref->why, sizeof(ref->why), "cJSON and the lexer disagree: %s", c.err);
                rc = -1;
            } else if (c.ti != c.lx.n) {
                snprintf(ref->why, sizeof(ref->why), "lexer has %zu tokens, cJSON %zu", c.lx.n,
                         c.ti);
                rc = -1;
            } else {
                have_root = true;
            }
        }
        free(text);
    }
    if (rc == 0) {
        eval_page(&c, have_root ? &root : NULL, ref);
    }
    node_free(&root);
    cJSON_Delete(tree);
    oj_lex_free(&c.lx);
    return rc;
}

void oracle_ref_free(oracle_ref_t *ref)
{
    free(ref->rec);
    memset(ref, 0, sizeof(*ref));
}
