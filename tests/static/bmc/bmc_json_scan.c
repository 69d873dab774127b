/* Bounded model check of ambc_json_scan_feed (core/json_scan.c); see bmc.h.
 *
 * From each prefix below, every input of up to BMC_DEPTH more bytes over the alphabet, fed one
 * byte per call, with a callback that takes every event, or lets the value of every key pass
 * by unseen (ambc_json_scan_skip_value), or aborts at the first event, or with no callback
 * (validation only). After every feed:
 * - an error is sticky, for later feeds and for finish;
 * - a feed returns AMBC_OK, a scanner error (negative) or the callback's status;
 * - every event is well formed: text only for KEY, STRING and NUMBER, inside the scanner's
 *   buffer and at most CONFIG_AMBC_JSON_SCALAR_MAX bytes; `partial` only on STRING,
 *   `truncated` only on KEY and NUMBER; depth at most CONFIG_AMBC_JSON_MAX_DEPTH; offset
 *   inside the slice of the feed; a STRING or NUMBER without escapes holds no quote,
 *   backslash or control byte; containers begin and end in pairs, at the same depth;
 * - nothing is reported inside a value let pass by;
 * - slicing does not matter: the input fed whole, and cut in two at every point, ends in the
 *   same status with the same events (strings compared whole, whatever their parts).
 * Compiled with the smallest sizes config.h accepts, so every limit is within reach. */
#include "ambc/json.h"

#include "bmc.h"

typedef struct {
    ambc_status_t sticky;
    int open;        /* containers begun and not ended */
    int in_string;   /* a STRING with `partial` set was reported */
    int skip_events; /* events while a skipped value passes by: must stay 0 */
} observer_t;

static observer_t obs;
static uint64_t digest; /* of the events so far, strings whole: not part of the state */
static int mode;        /* 0: take all; 1: skip every key's value; 2: abort; 3: no callback */
static size_t feed_len;
static const ambc_json_scan_t *scanner;

#if defined(__clang__)
__attribute__((no_sanitize("integer")))
#endif
static void mix(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        digest = (digest ^ b[i]) * 1099511628211u;
    }
}

static ambc_status_t on_event(void *ctx, const ambc_json_event_t *ev)
{
    ambc_json_scan_t *s = (ambc_json_scan_t *)ctx;
    bool has_text = ev->type == AMBC_JSON_KEY || ev->type == AMBC_JSON_STRING ||
                    ev->type == AMBC_JSON_NUMBER;
    size_t i;
    BMC_CHECK(s == scanner, "ctx passed through");
    BMC_CHECK(ev->depth <= CONFIG_AMBC_JSON_MAX_DEPTH, "depth within the limit");
    BMC_CHECK(ev->offset < feed_len, "offset inside the slice");
    BMC_CHECK(has_text == (ev->text != NULL), "text exactly for keys, strings and numbers");
    BMC_CHECK(!has_text || (ev->text >= s->buf && ev->len <= sizeof s->buf &&
                            ev->text + ev->len <= s->buf + sizeof s->buf),
              "text inside the scanner's buffer");
    BMC_CHECK(!ev->partial || ev->type == AMBC_JSON_STRING, "partial only on strings");
    BMC_CHECK(!ev->truncated || ev->type == AMBC_JSON_KEY || ev->type == AMBC_JSON_NUMBER,
              "truncated only on keys and numbers");
    BMC_CHECK(obs.in_string == 0 || ev->type == AMBC_JSON_STRING, "string parts are adjacent");
    for (i = 0; has_text && !ev->escaped && ev->type != AMBC_JSON_NUMBER && i < ev->len; i++) {
        unsigned char c = (unsigned char)ev->text[i];
        BMC_CHECK(c >= 0x20 && c != '"' && c != '\\', "unescaped text holds no quote or CTL");
    }
    if (s->skip != 0 && ev->depth > s->skip) {
        obs.skip_events++;
    }
    BMC_CHECK(obs.skip_events == 0, "nothing reported inside a value passing by");
    if (ev->type == AMBC_JSON_OBJ_BEGIN || ev->type == AMBC_JSON_ARR_BEGIN) {
        obs.open++;
    } else if (ev->type == AMBC_JSON_OBJ_END || ev->type == AMBC_JSON_ARR_END) {
        obs.open--;
        BMC_CHECK(obs.open >= 0, "ends match begins");
    }
    obs.in_string = ev->partial ? 1 : 0;
    mix(&ev->type, sizeof ev->type);
    mix(&ev->depth, sizeof ev->depth);
    if (has_text) {
        mix(ev->text, ev->len);
    }
    if (ev->type != AMBC_JSON_STRING || !ev->partial) {
        uint8_t end[2] = {0xA5, (uint8_t)ev->truncated};
        mix(end, sizeof end); /* a string is compared whole, whatever its parts */
    }
    if (mode == 1 && ev->type == AMBC_JSON_KEY) {
        ambc_json_scan_skip_value(s);
    }
    return mode == 2 ? AMBC_ERR_ABORTED : AMBC_OK;
}

static void init(ambc_json_scan_t *s)
{
    memset(s, 0, sizeof *s);
    scanner = s;
    ambc_json_scan_init(s, mode == 3 ? NULL : on_event, s);
}

static ambc_status_t feed(ambc_json_scan_t *s, const unsigned char *data, size_t len)
{
    ambc_status_t st;
    scanner = s;
    feed_len = len;
    st = ambc_json_scan_feed(s, (const char *)data, len);
    BMC_CHECK(st == AMBC_OK || st < 0, "a status, not a stray value");
    BMC_CHECK(obs.sticky == AMBC_OK || st == obs.sticky, "error sticky");
    if (st != AMBC_OK) {
        obs.sticky = st;
    }
    return st;
}

static void check_finish(const ambc_json_scan_t *s)
{
    ambc_json_scan_t f = *s;
    observer_t saved = obs;
    uint64_t saved_digest = digest;
    ambc_status_t st;
    f.ctx = &f; /* a copy: its events are about its own buffer */
    scanner = &f;
    feed_len = 1; /* a number at the root ends here, at offset 0 */
    st = ambc_json_scan_finish(&f);
    BMC_CHECK(obs.sticky == AMBC_OK || st == obs.sticky, "finish keeps the error");
    BMC_CHECK(st == AMBC_OK || st < 0, "finish: a status");
    BMC_CHECK(st != AMBC_OK || obs.open == 0 || mode >= 1,
              "a complete text closes every container it opened");
    obs = saved;
    digest = saved_digest;
}

static void check_slicings(ambc_status_t st, size_t from)
{
    static ambc_json_scan_t other;
    observer_t saved = obs;
    uint64_t want = digest;
    size_t cut;
    for (cut = from; cut <= bmc_input_len; cut++) {
        ambc_status_t st2;
        memset(&obs, 0, sizeof obs);
        digest = 0;
        init(&other);
        st2 = feed(&other, bmc_input, cut);
        if (st2 == AMBC_OK) {
            st2 = feed(&other, bmc_input + cut, bmc_input_len - cut);
        }
        BMC_CHECK(st2 == st, "same status whatever the slicing");
        BMC_CHECK(mode == 2 || digest == want, "same events whatever the slicing");
    }
    obs = saved;
    digest = want;
}

static const unsigned char alphabet[] = {'{', '}', '[',  ']',  ':', ',', '"', '\\', 'u',
                                         '0', '1', '-',  '+',  '.', 'e', 't', 'r',  'n',
                                         'D', 'c', ' ',  0x01, 0x80, 'x'};

static unsigned long long explored, steps;
static size_t prefix_len;

static void explore(const ambc_json_scan_t *s, unsigned depth)
{
    size_t k;
    if (depth == 0) {
        return;
    }
    for (k = 0; k < sizeof alphabet; k++) {
        ambc_json_scan_t next = *s;
        observer_t saved = obs;
        next.ctx = &next;
        uint64_t saved_digest = digest;
        ambc_status_t st;
        bmc_input[bmc_input_len++] = alphabet[k];
        scanner = &next;
        st = feed(&next, &alphabet[k], 1);
        steps++;
        if (bmc_visit(bmc_hash(&next, offsetof(ambc_json_scan_t, ctx), &obs, sizeof obs) ^
                      bmc_hash((const char *)&next + offsetof(ambc_json_scan_t, objects),
                               sizeof next - offsetof(ambc_json_scan_t, objects), &mode,
                               sizeof mode))) {
            explored++;
            check_finish(&next);
            check_slicings(st, prefix_len);
            if (st == AMBC_OK) {
                explore(&next, depth - 1);
            }
        }
        obs = saved;
        digest = saved_digest;
        bmc_input_len--;
    }
}

static const char *const prefixes[] = {
    "",
    "{\"",
    "{\"k\":",
    "[1",
    "-0.5e",
    "\"\\u",
    "\"\\uD83D",
    "\"\\uD83D\\u",
    "{\"abcdefghijklmnopqrstuvwxyz01234\":",
    "\"abcdefghijklmnopqrstuvwxyz01234",
    "12345678901234567890123456789012",
    "[[[",
    "{\"a\":[[",
    "[tru",
    "{\"k\":[1,{\"x\":\"y\"}],\"z\":",
};

int main(void)
{
    unsigned depth = bmc_depth(4);
    size_t m;
    for (m = 0; m < sizeof prefixes / sizeof prefixes[0]; m++) {
        for (mode = 0; mode <= 3; mode++) {
            static ambc_json_scan_t s;
            size_t i;
            memset(&obs, 0, sizeof obs);
            digest = 0;
            init(&s);
            bmc_input_len = strlen(prefixes[m]);
            memcpy(bmc_input, prefixes[m], bmc_input_len);
            prefix_len = bmc_input_len;
            for (i = 0; i < bmc_input_len; i++) {
                ambc_status_t st = feed(&s, bmc_input + i, 1);
                BMC_CHECK(st == AMBC_OK || (mode == 2 && st == AMBC_ERR_ABORTED),
                          "the prefix is accepted");
            }
            explore(&s, depth);
        }
    }
    printf("bmc json_scan: depth %u over %zu prefixes x 4 callback modes, alphabet of %zu bytes:"
           " %llu feeds, %llu distinct states, every property held\n",
           depth, sizeof prefixes / sizeof prefixes[0], sizeof alphabet, steps, explored);
    return 0;
}
