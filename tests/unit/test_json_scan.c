/* Unit tests for core/json_scan.c: the streaming JSON scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/json.h"

/* Every event rendered into one line, so two runs compare with one strcmp. */
typedef struct {
    char log[16384];
    size_t len;
    int abort_after; /* abort with AMBC_ERR_ABORTED at this event number (0 = never) */
    int events;
    ambc_json_scan_t *scan; /* for skip: keys starting with '-' have their values skipped */
} rec_t;

static void logf_(rec_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->len += (size_t)vsnprintf(r->log + r->len, sizeof(r->log) - r->len, fmt, ap);
    va_end(ap);
}

static ambc_status_t record(void *ctx, const ambc_json_event_t *ev)
{
    rec_t *r = ctx;
    static const char *const names[] = {"{", "}", "[", "]", "K", "S", "N", "T", "F", "Z"};
    r->events++;
    if (r->abort_after && r->events == r->abort_after) {
        return AMBC_ERR_ABORTED;
    }
    logf_(r, "%s%u", names[ev->type], ev->depth);
    if (ev->text) {
        logf_(r, "(%.*s)%s%s%s", (int)ev->len, ev->text, ev->partial ? "+" : "",
              ev->truncated ? "!" : "", ev->escaped ? "~" : "");
    }
    logf_(r, " ");
    if (ev->type == AMBC_JSON_KEY && ev->len > 0 && ev->text[0] == '-' && r->scan != NULL) {
        ambc_json_scan_skip_value(r->scan);
    }
    return AMBC_OK;
}

static ambc_status_t scan_split(const char *doc, size_t len, size_t split, rec_t *r)
{
    ambc_json_scan_t s;
    ambc_status_t st;
    memset(r, 0, sizeof(*r));
    ambc_json_scan_init(&s, record, r);
    r->scan = &s;
    st = ambc_json_scan_feed(&s, doc, split);
    if (st == AMBC_OK) {
        st = ambc_json_scan_feed(&s, doc + split, len - split);
    }
    if (st == AMBC_OK) {
        st = ambc_json_scan_finish(&s);
    }
    return st;
}

static ambc_status_t scan_bytewise(const char *doc, size_t len, rec_t *r)
{
    ambc_json_scan_t s;
    ambc_status_t st = AMBC_OK;
    size_t i;
    memset(r, 0, sizeof(*r));
    ambc_json_scan_init(&s, record, r);
    r->scan = &s;
    for (i = 0; i < len && st == AMBC_OK; i++) {
        st = ambc_json_scan_feed(&s, doc + i, 1);
    }
    return st == AMBC_OK ? ambc_json_scan_finish(&s) : st;
}

/* The doc must give `expect` as its event log and status, whole, split anywhere, bytewise. */
static void check_doc(const char *doc, ambc_status_t want, const char *expect)
{
    static rec_t whole, part;
    size_t len = strlen(doc), k;
    assert_int_equal(scan_split(doc, len, len, &whole), want);
    if (expect != NULL) {
        assert_string_equal(whole.log, expect);
    }
    for (k = 0; k <= len; k++) {
        assert_int_equal(scan_split(doc, len, k, &part), want);
        if (want == AMBC_OK) {
            assert_string_equal(part.log, whole.log);
        }
    }
    assert_int_equal(scan_bytewise(doc, len, &part), want);
    if (want == AMBC_OK) {
        assert_string_equal(part.log, whole.log);
    }
}

static void test_events_and_depths(void **state)
{
    (void)state;
    check_doc("{\"a\":[1,-2.5e+3,true,false,null,\"x\"],\"b\":{}}", AMBC_OK,
              "{0 K1(a) [1 N2(1) N2(-2.5e+3) T2 F2 Z2 S2(x) ]1 K1(b) {1 }1 }0 ");
    check_doc(" \t\r\n[ ]\n", AMBC_OK, "[0 ]0 ");
    check_doc("0", AMBC_OK, "N0(0) ");
    check_doc("-0.0E-0", AMBC_OK, "N0(-0.0E-0) ");
    check_doc("\"\"", AMBC_OK, "S0() ");
    check_doc("[[[]],{\"\":\"\"}]", AMBC_OK, "[0 [1 [2 ]2 ]1 {1 K2() S2() }1 ]0 ");
}

static void test_escapes_decoded(void **state)
{
    (void)state;
    check_doc("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", AMBC_OK, "[0 S1(\"\\/\b\f\n\r\t)~ ]0 ");
    check_doc("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"", AMBC_OK,
              "S0(A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80)~ ");
    check_doc("{\"k\\u0065y\":1}", AMBC_OK, "{0 K1(key)~ N1(1) }0 ");
    check_doc("[\"plain\",\"\\u0041\"]", AMBC_OK, "[0 S1(plain) S1(A)~ ]0 ");
}

static void test_long_string_in_parts(void **state)
{
    static char doc[4000], got[4000];
    rec_t *r = calloc(1, sizeof(*r));
    ambc_json_scan_t s;
    size_t i, glen = 0;
    (void)state;
    doc[0] = '"';
    for (i = 1; i < 3000; i++) {
        doc[i] = (char)('a' + i % 26);
    }
    memcpy(doc + 1000, "\\u00e9", 6); /* an escape somewhere in the middle */
    doc[3000] = '"';
    doc[3001] = 0;
    assert_int_equal(scan_split(doc, 3001, 1500, r), AMBC_OK);
    /* reassemble: every part but the last is flagged partial and at most the buffer size */
    {
        char *p = r->log;
        while ((p = strstr(p, "S0(")) != NULL) {
            char *end;
            p += 3;
            end = strchr(p, ')'); /* the text holds no ')' */
            assert_true((size_t)(end - p) <= CONFIG_AMBC_JSON_SCALAR_MAX);
            memcpy(got + glen, p, (size_t)(end - p));
            glen += (size_t)(end - p);
            p = end;
        }
    }
    assert_int_equal(glen, 2999 - 6 + 2);
    assert_memory_equal(got, doc + 1, 999);
    assert_memory_equal(got + 999, "\xc3\xa9", 2);
    assert_memory_equal(got + 1001, doc + 1006, 3000 - 1006);
    free(r);
}

/* Parts of a long string of raw multi-byte UTF-8: none ends inside a character (the scanner
 * holds its first bytes back for the next part), whatever the slicing; joined, they are the
 * text; every part but the last is within 3 bytes of the buffer size. */
typedef struct {
    char text[8192];
    size_t len;
    int parts, split_chars, short_parts;
} utf8_rec_t;

static ambc_status_t utf8_parts(void *ctx, const ambc_json_event_t *ev)
{
    utf8_rec_t *r = ctx;
    if (ev->type == AMBC_JSON_STRING) {
        unsigned char last = ev->len ? (unsigned char)ev->text[ev->len - 1] : 0;
        size_t k = ev->len;
        r->parts++;
        while (k > 0 && ((unsigned char)ev->text[k - 1] & 0xC0u) == 0x80u) {
            k--; /* back to the start of the last character */
        }
        if (last >= 0x80u && k > 0) {
            unsigned char lead = (unsigned char)ev->text[k - 1];
            size_t need = lead >= 0xF0u ? 4u : lead >= 0xE0u ? 3u : 2u;
            r->split_chars += ev->len - (k - 1) != need;
        }
        r->short_parts += ev->partial && ev->len + 3 < CONFIG_AMBC_JSON_SCALAR_MAX;
        memcpy(r->text + r->len, ev->text, ev->len);
        r->len += ev->len;
    }
    return AMBC_OK;
}

static void test_parts_end_on_utf8_boundaries(void **state)
{
    static const char *const chars[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    static char doc[6000], text[6000];
    static utf8_rec_t r;
    size_t n = 0, split, i;
    (void)state;
    for (i = 0; n < 5000; i++) { /* every phase of 1-4 byte characters against the buffer */
        const char *c = chars[(i * 7 + i / 5) % 4];
        memcpy(text + n, c, strlen(c));
        n += strlen(c);
    }
    doc[0] = '"';
    memcpy(doc + 1, text, n);
    doc[n + 1] = '"';
    for (split = 0; split <= n + 2; split += 13) {
        ambc_json_scan_t s;
        memset(&r, 0, sizeof(r));
        ambc_json_scan_init(&s, utf8_parts, &r);
        assert_int_equal(ambc_json_scan_feed(&s, doc, split), AMBC_OK);
        assert_int_equal(ambc_json_scan_feed(&s, doc + split, n + 2 - split), AMBC_OK);
        assert_int_equal(ambc_json_scan_finish(&s), AMBC_OK);
        assert_true(r.parts > (int)(n / CONFIG_AMBC_JSON_SCALAR_MAX));
        assert_int_equal(r.split_chars, 0);
        assert_int_equal(r.short_parts, 0);
        assert_int_equal(r.len, n);
        assert_memory_equal(r.text, text, n);
    }
}

/* The parts of a long string: the one holding an escape's decoded bytes is flagged `escaped`
 * wherever the escape falls, a string without escapes never is. */
typedef struct {
    int parts, flagged_with_escape, unflagged_with_escape, flagged_plain_string;
    bool has_escape;
} esc_rec_t;

static ambc_status_t check_escaped(void *ctx, const ambc_json_event_t *ev)
{
    esc_rec_t *r = ctx;
    if (ev->type == AMBC_JSON_STRING) {
        bool holds = memchr(ev->text, 0xC3, ev->len) != NULL;
        r->parts++;
        if (holds && ev->escaped) {
            r->flagged_with_escape++;
        } else if (holds) {
            r->unflagged_with_escape++;
        }
        if (!r->has_escape && ev->escaped) {
            r->flagged_plain_string++;
        }
    }
    return AMBC_OK;
}

static void test_escaped_flag_follows_the_escape(void **state)
{
    char doc[320];
    size_t at, i;
    (void)state;
    for (at = 0; at <= 300; at++) {
        esc_rec_t r = {0, 0, 0, 0, at < 300};
        ambc_json_scan_t s;
        size_t len = 0;
        doc[len++] = '"';
        for (i = 0; i < 300; i++) {
            if (i == at) {
                memcpy(doc + len, "\\u00e9", 6);
                len += 6;
            } else {
                doc[len++] = 'a';
            }
        }
        doc[len++] = '"';
        ambc_json_scan_init(&s, check_escaped, &r);
        for (i = 0; i < len; i++) { /* byte by byte: the hardest slicing */
            assert_int_equal(ambc_json_scan_feed(&s, doc + i, 1), AMBC_OK);
        }
        assert_int_equal(ambc_json_scan_finish(&s), AMBC_OK);
        assert_true(r.parts >= 4);
        assert_int_equal(r.unflagged_with_escape, 0);
        assert_int_equal(r.flagged_with_escape, at < 300 ? 1 : 0);
        assert_int_equal(r.flagged_plain_string, 0);
    }
}

static void test_key_truncated_flagged(void **state)
{
    char doc[400];
    rec_t *r = calloc(1, sizeof(*r));
    (void)state;
    memset(doc, 'k', sizeof(doc));
    doc[0] = '{';
    doc[1] = '"';
    memcpy(doc + 300, "\":1}", 5);
    assert_int_equal(scan_split(doc, strlen(doc), 10, r), AMBC_OK);
    assert_non_null(strstr(r->log, ")! N1(1)"));
    free(r);
}

/* Without a callback the scanner only validates (and decodes nothing): the same verdicts. */
static void test_validate_only(void **state)
{
    static const char *const docs[] = {"{\"a\":{\"b\":[1,\"x\\u00e9\"]},\"c\":2}", "[1,,2]",
                                       "\"\\ud800\"", "{\"k\":tru}", "[\"a\",\"\\u0000\"]"};
    static const ambc_status_t want[] = {AMBC_OK, AMBC_ERR_JSON_INVALID, AMBC_ERR_JSON_INVALID,
                                         AMBC_ERR_JSON_INVALID, AMBC_OK};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        ambc_json_scan_t s;
        ambc_status_t st;
        ambc_json_scan_init(&s, NULL, NULL);
        st = ambc_json_scan_feed(&s, docs[i], strlen(docs[i]));
        if (st == AMBC_OK) {
            st = ambc_json_scan_finish(&s);
        }
        assert_int_equal(st, want[i]);
    }
}

static ambc_status_t record_offsets(void *ctx, const ambc_json_event_t *ev)
{
    rec_t *r = ctx;
    logf_(r, "%d@%zu ", (int)ev->type, ev->offset);
    return AMBC_OK;
}

/* ambc_json_scan_skip_value: the value of a key starting with '-' passes by with no event at
 * all, whatever it is, and reporting resumes right after it; it is still validated. */
static void test_skip_value(void **state)
{
    (void)state;
    check_doc("{\"-a\":1,\"b\":2}", AMBC_OK, "{0 K1(-a) K1(b) N1(2) }0 ");
    check_doc("{\"-a\":\"x\\u00e9\",\"-b\":null,\"-c\":true,\"-d\":false,\"e\":\"y\"}", AMBC_OK,
              "{0 K1(-a) K1(-b) K1(-c) K1(-d) K1(e) S1(y) }0 ");
    check_doc("{\"-a\":{\"k\":[1,{\"x\":\"}\"}],\"-k\":2},\"b\":[3]}", AMBC_OK,
              "{0 K1(-a) K1(b) [1 N2(3) ]1 }0 ");
    check_doc("[{\"-a\":[[[]]]},{\"-a\":{}}]", AMBC_OK, "[0 {1 K2(-a) }1 {1 K2(-a) }1 ]0 ");
    check_doc("{\"o\":{\"-a\":[1],\"b\":{\"-c\":{},\"d\":1}}}", AMBC_OK,
              "{0 K1(o) {1 K2(-a) K2(b) {2 K3(-c) K3(d) N3(1) }2 }1 }0 ");
    /* still validated */
    check_doc("{\"-a\":[1,,2],\"b\":1}", AMBC_ERR_JSON_INVALID, NULL);
    check_doc("{\"-a\":{\"k\"}}", AMBC_ERR_JSON_INVALID, NULL);
    check_doc("{\"-a\":\"\\x\"}", AMBC_ERR_JSON_INVALID, NULL);
}

static void test_offsets_point_at_brackets(void **state)
{
    ambc_json_scan_t s;
    rec_t *r = calloc(1, sizeof(*r));
    (void)state;
    /* offsets are relative to the slice of the feed call that produced the event */
    ambc_json_scan_init(&s, record_offsets, r);
    assert_int_equal(ambc_json_scan_feed(&s, "[ {}", 4), AMBC_OK);
    assert_int_equal(ambc_json_scan_feed(&s, "  ]", 3), AMBC_OK);
    assert_int_equal(ambc_json_scan_finish(&s), AMBC_OK);
    assert_string_equal(r->log, "2@0 0@2 1@3 3@2 ");
    free(r);
}

static void test_callback_abort_is_sticky(void **state)
{
    ambc_json_scan_t s;
    rec_t *r = calloc(1, sizeof(*r));
    (void)state;
    r->abort_after = 2;
    ambc_json_scan_init(&s, record, r);
    assert_int_equal(ambc_json_scan_feed(&s, "[1,2]", 5), AMBC_ERR_ABORTED);
    assert_int_equal(ambc_json_scan_feed(&s, "", 0), AMBC_ERR_ABORTED);
    assert_int_equal(ambc_json_scan_finish(&s), AMBC_ERR_ABORTED);
    free(r);
}

static const struct {
    const char *doc;
    ambc_status_t want;
} bad[] = {
    {"", AMBC_ERR_JSON_UNEXPECTED_END},
    {"   ", AMBC_ERR_JSON_UNEXPECTED_END},
    {"{", AMBC_ERR_JSON_UNEXPECTED_END},
    {"[1,", AMBC_ERR_JSON_UNEXPECTED_END},
    {"{\"a\":", AMBC_ERR_JSON_UNEXPECTED_END},
    {"\"abc", AMBC_ERR_JSON_UNEXPECTED_END},
    {"\"\\u00", AMBC_ERR_JSON_UNEXPECTED_END},
    {"tru", AMBC_ERR_JSON_UNEXPECTED_END},
    {"-", AMBC_ERR_JSON_UNEXPECTED_END},
    {"{\"a\":1,}", AMBC_ERR_JSON_INVALID}, /* trailing comma, object */
    {"[1,]", AMBC_ERR_JSON_INVALID},       /* trailing comma, array */
    {"[,1]", AMBC_ERR_JSON_INVALID},
    {"{,}", AMBC_ERR_JSON_INVALID},
    {"{\"a\"::1}", AMBC_ERR_JSON_INVALID},        /* doubled colon */
    {"{\"a\" 1}", AMBC_ERR_JSON_INVALID},         /* missing colon */
    {"{\"a\":1 \"b\":2}", AMBC_ERR_JSON_INVALID}, /* missing comma */
    {"[1 2]", AMBC_ERR_JSON_INVALID},
    {"[\"a\" \"b\"]", AMBC_ERR_JSON_INVALID},
    {"{a:1}", AMBC_ERR_JSON_INVALID}, /* unquoted key */
    {"{1:1}", AMBC_ERR_JSON_INVALID},
    {"['a']", AMBC_ERR_JSON_INVALID},
    {"01", AMBC_ERR_JSON_INVALID}, /* leading zero */
    {"-01", AMBC_ERR_JSON_INVALID},
    {"1.", AMBC_ERR_JSON_UNEXPECTED_END},
    {"[1.]", AMBC_ERR_JSON_INVALID},
    {"[1e]", AMBC_ERR_JSON_INVALID},
    {"[1e+]", AMBC_ERR_JSON_INVALID},
    {"[.5]", AMBC_ERR_JSON_INVALID},
    {"[+1]", AMBC_ERR_JSON_INVALID},
    {"[-]", AMBC_ERR_JSON_INVALID},
    {"[0x1]", AMBC_ERR_JSON_INVALID},
    {"[Infinity]", AMBC_ERR_JSON_INVALID},
    {"[truE]", AMBC_ERR_JSON_INVALID},
    {"[nul]", AMBC_ERR_JSON_INVALID},
    {"[true1]", AMBC_ERR_JSON_INVALID},
    {"\"a\tb\"", AMBC_ERR_JSON_INVALID}, /* raw control character */
    {"\"a\nb\"", AMBC_ERR_JSON_INVALID},
    {"\"\\x\"", AMBC_ERR_JSON_INVALID}, /* unknown escape */
    {"\"\\U0041\"", AMBC_ERR_JSON_INVALID},
    {"\"\\u12G4\"", AMBC_ERR_JSON_INVALID},
    {"\"\\udc00\"", AMBC_ERR_JSON_INVALID}, /* lone low surrogate */
    {"\"\\ud83d\"", AMBC_ERR_JSON_INVALID}, /* lone high surrogate */
    {"\"\\ud83dx\"", AMBC_ERR_JSON_INVALID},
    {"\"\\ud83d\\n\"", AMBC_ERR_JSON_INVALID},
    {"\"\\ud83d\\u0041\"", AMBC_ERR_JSON_INVALID},
    {"\"\\ud83d\\ud83d\"", AMBC_ERR_JSON_INVALID},
    {"{}{}", AMBC_ERR_JSON_INVALID}, /* two roots */
    {"1 2", AMBC_ERR_JSON_INVALID},
    {"[}", AMBC_ERR_JSON_INVALID}, /* mismatched closers */
    {"{]", AMBC_ERR_JSON_INVALID},
    {"[]]", AMBC_ERR_JSON_INVALID},
    {"}", AMBC_ERR_JSON_INVALID},
    {"\xef\xbb\xbf{}", AMBC_ERR_JSON_INVALID}, /* a BOM is not JSON */
    {"{\"a\":1}\x00", AMBC_ERR_JSON_INVALID},
};

static void test_rejects_invalid(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        static rec_t r;
        size_t len = strlen(bad[i].doc) + (strcmp(bad[i].doc, "{\"a\":1}") == 0 ? 1 : 0);
        ambc_status_t st = scan_split(bad[i].doc, len, len / 2, &r);
        if (st != bad[i].want) {
            fail_msg("input %zu (%s): got %d want %d", i, bad[i].doc, st, bad[i].want);
        }
        st = scan_bytewise(bad[i].doc, len, &r);
        if (st != bad[i].want) {
            fail_msg("bytewise input %zu (%s): got %d want %d", i, bad[i].doc, st, bad[i].want);
        }
    }
}

static void test_depth_limit(void **state)
{
    char doc[2 * 70 + 1];
    rec_t *r = calloc(1, sizeof(*r));
    int d;
    (void)state;
    for (d = CONFIG_AMBC_JSON_MAX_DEPTH; d <= CONFIG_AMBC_JSON_MAX_DEPTH + 1; d++) {
        memset(doc, '[', (size_t)d);
        memset(doc + d, ']', (size_t)d);
        doc[2 * d] = 0;
        assert_int_equal(scan_split(doc, (size_t)(2 * d), (size_t)d, r),
                         d == CONFIG_AMBC_JSON_MAX_DEPTH ? AMBC_OK : AMBC_ERR_JSON_DEPTH);
    }
    free(r);
}

static void test_errors_are_sticky(void **state)
{
    ambc_json_scan_t s;
    (void)state;
    ambc_json_scan_init(&s, NULL, NULL);
    assert_int_equal(ambc_json_scan_feed(&s, "[1,]", 4), AMBC_ERR_JSON_INVALID);
    assert_int_equal(ambc_json_scan_feed(&s, "[]", 2), AMBC_ERR_JSON_INVALID);
    assert_int_equal(ambc_json_scan_finish(&s), AMBC_ERR_JSON_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_and_depths),
        cmocka_unit_test(test_escapes_decoded),
        cmocka_unit_test(test_long_string_in_parts),
        cmocka_unit_test(test_parts_end_on_utf8_boundaries),
        cmocka_unit_test(test_key_truncated_flagged),
        cmocka_unit_test(test_validate_only),
        cmocka_unit_test(test_skip_value),
        cmocka_unit_test(test_escaped_flag_follows_the_escape),
        cmocka_unit_test(test_offsets_point_at_brackets),
        cmocka_unit_test(test_callback_abort_is_sticky),
        cmocka_unit_test(test_rejects_invalid),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_errors_are_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
