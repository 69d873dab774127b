/* Unit tests for the streaming HTTP/1.1 response parser (core/http_response.c).
 *
 * Every case that feeds a response checks it whole and byte by byte, so the state machine is
 * proven independent of how the network slices the stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ambc/http.h"

/* ---------------------------------------------------------------------------------------- */
/* Harness: a parser plus what its callbacks saw.                                             */
/* ---------------------------------------------------------------------------------------- */

#define BODY_CAP 4096

/* A string literal and its length without the NUL, for inputs with no embedded NUL. */
#define LIT(s) s, (sizeof(s) - 1)

typedef struct {
    ambc_http_response_t resp;
    uint8_t body[BODY_CAP];
    size_t body_len;
    int header_calls;
    size_t body_calls;
    /* in-place check: every on_body pointer must lie inside the slice being fed */
    const uint8_t *slice;
    size_t slice_len;
    bool body_outside_slice;
    bool zero_len_call;
    /* abort controls */
    ambc_status_t headers_ret;
    ambc_status_t body_ret;
    size_t body_abort_at; /* abort on this call number (1-based); 0 = never */
} run_t;

static ambc_status_t on_headers(void *ctx, const ambc_http_response_t *resp)
{
    run_t *r = ctx;
    assert_ptr_equal(resp, &r->resp);
    r->header_calls++;
    return r->headers_ret;
}

static ambc_status_t on_body(void *ctx, const uint8_t *data, size_t len)
{
    run_t *r = ctx;
    r->body_calls++;
    if (len == 0) {
        r->zero_len_call = true;
    }
    if (data < r->slice || data + len > r->slice + r->slice_len) {
        r->body_outside_slice = true;
    }
    if (r->body_len + len <= BODY_CAP) {
        memcpy(r->body + r->body_len, data, len);
    }
    r->body_len += len;
    if (r->body_abort_at != 0 && r->body_calls == r->body_abort_at) {
        return r->body_ret;
    }
    return AMBC_OK;
}

static void run_init(run_t *r)
{
    static const ambc_http_callbacks_t cb = {on_headers, on_body};
    memset(r, 0, sizeof *r);
    r->headers_ret = AMBC_OK;
    r->body_ret = AMBC_OK;
    ambc_http_response_init(&r->resp, &cb, r);
}

static ambc_status_t feed(run_t *r, const void *data, size_t len)
{
    r->slice = data;
    r->slice_len = len;
    return ambc_http_response_feed(&r->resp, data, len);
}

/* Feeds in two slices split at k; returns the first non-OK status. */
static ambc_status_t feed_split(run_t *r, const char *in, size_t len, size_t k)
{
    ambc_status_t st = feed(r, in, k);
    if (st != AMBC_OK) {
        return st;
    }
    return feed(r, in + k, len - k);
}

static ambc_status_t feed_bytes(run_t *r, const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ambc_status_t st = feed(r, in + i, 1);
        if (st != AMBC_OK) {
            return st;
        }
    }
    return AMBC_OK;
}

/* Two runs of the same input must agree on every result, whatever their slicing. */
static void assert_same(const run_t *a, const run_t *b)
{
    assert_int_equal(a->resp.status, b->resp.status);
    assert_int_equal(a->resp.version_minor, b->resp.version_minor);
    assert_int_equal(a->resp.framing, b->resp.framing);
    assert_int_equal(a->resp.keep_alive, b->resp.keep_alive);
    assert_int_equal(a->resp.has_content_length, b->resp.has_content_length);
    assert_int_equal(a->resp.content_length, b->resp.content_length);
    assert_string_equal(a->resp.request_id, b->resp.request_id);
    assert_int_equal(a->resp.request_id_truncated, b->resp.request_id_truncated);
    assert_string_equal(a->resp.content_type, b->resp.content_type);
    assert_int_equal(a->resp.retry_after_ms, b->resp.retry_after_ms);
    assert_string_equal(a->resp.retry_after, b->resp.retry_after);
    assert_int_equal(a->resp.should_retry, b->resp.should_retry);
    assert_int_equal(a->resp.body_bytes, b->resp.body_bytes);
    assert_int_equal(a->header_calls, b->header_calls);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len < BODY_CAP ? a->body_len : BODY_CAP);
    assert_int_equal(ambc_http_response_done(&a->resp), ambc_http_response_done(&b->resp));
}

static void assert_clean_callbacks(const run_t *r)
{
    assert_false(r->body_outside_slice);
    assert_false(r->zero_len_call);
    assert_int_equal(r->resp.body_bytes, r->body_len);
}

/* Feeds whole and byte by byte; both must give `want`, and the same results. */
static void check_both(const char *in, size_t len, ambc_status_t want, run_t *whole)
{
    static run_t bytes;
    run_init(whole);
    run_init(&bytes);
    assert_int_equal(feed(whole, in, len), want);
    assert_int_equal(feed_bytes(&bytes, in, len), want);
    assert_same(whole, &bytes);
    assert_clean_callbacks(whole);
    assert_clean_callbacks(&bytes);
}

/* ---------------------------------------------------------------------------------------- */
/* Fixtures                                                                                   */
/* ---------------------------------------------------------------------------------------- */

#define BATCH_JSON                                                                                 \
    "{\"id\":\"msgbatch_013Zva2CMHLNnXjNJJKqJ2EF\",\"type\":\"message_batch\",\"processing_"       \
    "status\":\"in_progress\",\"request_counts\":{\"processing\":100,\"succeeded\":0,\"errored\":" \
    "0,\"canceled\":0,\"expired\":0},\"ended_at\":null,\"created_at\":\"2024-09-24T18:37:24."      \
    "100435Z\",\"expires_at\":\"2024-09-25T18:37:24.100435Z\",\"archived_at\":null,\"cancel_"      \
    "initiated_at\":null,\"results_url\":null}"

/* What api.anthropic.com sends for GET /v1/messages/batches/{id}, behind Cloudflare: chunked,
 * with chunk extensions (one with BWS and a quoted string) and trailers added for coverage. */
static const char api_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Date: Tue, 24 Sep 2024 18:37:25 GMT\r\n"
    "Content-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n"
    "anthropic-ratelimit-requests-limit: 4000\r\n"
    "request-id: req_018EeWyXxfu5pfWkrYcMdjWG\r\n"
    "via: 1.1 google\r\n"
    "CF-Cache-Status: DYNAMIC\r\n"
    "X-Robots-Tag: none\r\n"
    "Server: cloudflare\r\n"
    "CF-RAY: 8c8a1b2c3d4e5f60-AMS\r\n"
    "\r\n"
    "1a;name=value\r\n"
    "{\"id\":\"msgbatch_013Zva2CMH"
    "\r\n"
    "0100\r\n"
    "LNnXjNJJKqJ2EF\",\"type\":\"message_batch\",\"processing_status\":\"in_progres"
    "s\",\"request_counts\":{\"processing\":100,\"succeeded\":0,\"errored\":0,\"cance"
    "led\":0,\"expired\":0},\"ended_at\":null,\"created_at\":\"2024-09-24T18:37:24."
    "100435Z\",\"expires_at\":\"2024-09-25T18:37:24.100"
    "\r\n"
    "5 ; ieof=\"a b\"\r\n"
    "435Z\""
    "\r\n"
    "42\r\n"
    ",\"archived_at\":null,\"cancel_initiated_at\":null,\"results_url\":null}"
    "\r\n"
    "0;last\r\nanthropic-trailer: x\r\nServer-Timing: total;dur=12\r\n\r\n";

#define API_LEN (sizeof api_response - 1)

static const char cl_response[] =
    "HTTP/1.1 404 Not Found\r\n"
    "content-type: application/json\r\n"
    "content-length: 57\r\n"
    "request-id: req_abc\r\n"
    "x-should-retry: false\r\n"
    "\r\n"
    "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"a\":1}}"
    "  \n ";

#define CL_LEN (sizeof cl_response - 1)

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static void check_api_results(const run_t *r)
{
    assert_int_equal(r->resp.status, 200);
    assert_int_equal(r->resp.version_minor, 1);
    assert_int_equal(r->resp.framing, AMBC_HTTP_FRAMING_CHUNKED);
    assert_true(r->resp.keep_alive);
    assert_false(r->resp.has_content_length);
    assert_string_equal(r->resp.request_id, "req_018EeWyXxfu5pfWkrYcMdjWG");
    assert_false(r->resp.request_id_truncated);
    assert_string_equal(r->resp.content_type, "application/json");
    assert_int_equal(r->resp.retry_after_ms, -1);
    assert_string_equal(r->resp.retry_after, "");
    assert_int_equal(r->resp.should_retry, -1);
    assert_int_equal(r->header_calls, 1);
    assert_int_equal(r->body_len, sizeof BATCH_JSON - 1);
    assert_memory_equal(r->body, BATCH_JSON, sizeof BATCH_JSON - 1);
    assert_int_equal(r->resp.body_bytes, sizeof BATCH_JSON - 1);
    assert_true(ambc_http_response_done(&r->resp));
    assert_true(ambc_http_response_started(&r->resp));
    assert_clean_callbacks(r);
}

/* ---------------------------------------------------------------------------------------- */
/* Happy paths                                                                                */
/* ---------------------------------------------------------------------------------------- */

static void test_api_response_whole(void **state)
{
    static run_t r;
    (void)state;
    run_init(&r);
    assert_int_equal(feed(&r, api_response, API_LEN), AMBC_OK);
    check_api_results(&r);
    /* four data chunks fed whole: one on_body per chunk */
    assert_int_equal(r.body_calls, 4);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
    assert_int_equal(feed(&r, LIT("")), AMBC_OK);
}

static void test_api_response_every_split(void **state)
{
    static run_t whole, split;
    (void)state;
    run_init(&whole);
    assert_int_equal(feed(&whole, api_response, API_LEN), AMBC_OK);
    for (size_t k = 0; k <= API_LEN; k++) {
        run_init(&split);
        assert_int_equal(feed_split(&split, api_response, API_LEN, k), AMBC_OK);
        check_api_results(&split);
        assert_same(&whole, &split);
    }
}

static void test_api_response_byte_by_byte(void **state)
{
    static run_t whole, bytes;
    (void)state;
    run_init(&whole);
    run_init(&bytes);
    assert_int_equal(feed(&whole, api_response, API_LEN), AMBC_OK);
    assert_int_equal(feed_bytes(&bytes, api_response, API_LEN), AMBC_OK);
    check_api_results(&bytes);
    assert_same(&whole, &bytes);
    assert_int_equal(bytes.body_calls, sizeof BATCH_JSON - 1);
}

static void test_content_length(void **state)
{
    static run_t r;
    (void)state;
    /* cl_response carries 4 stray bytes after its 57-byte body: feed only the response */
    check_both(cl_response, CL_LEN - 4, AMBC_OK, &r);
    assert_int_equal(r.resp.status, 404);
    assert_int_equal(r.resp.framing, AMBC_HTTP_FRAMING_LENGTH);
    assert_true(r.resp.has_content_length);
    assert_int_equal(r.resp.content_length, 57);
    assert_int_equal(r.resp.body_bytes, 57);
    assert_true(r.resp.keep_alive);
    assert_string_equal(r.resp.request_id, "req_abc");
    assert_int_equal(r.resp.should_retry, 0);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
    for (size_t k = 0; k <= CL_LEN - 4; k++) {
        static run_t s;
        run_init(&s);
        assert_int_equal(feed_split(&s, cl_response, CL_LEN - 4, k), AMBC_OK);
        assert_same(&r, &s);
    }
}

static void test_content_length_zero_and_lists(void **state)
{
    static run_t r;
    (void)state;
    check_both(LIT("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), AMBC_OK, &r);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(r.body_calls, 0);
    assert_int_equal(r.header_calls, 1);

    static const char list[] = "HTTP/1.1 200 OK\r\nContent-Length: 3 , 3,3\r\n"
                               "content-length:3\r\n\r\nabc";
    check_both(list, sizeof list - 1, AMBC_OK, &r);
    assert_int_equal(r.resp.content_length, 3);
    assert_true(ambc_http_response_done(&r.resp));

    static const char big[] = "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n";
    check_both(big, sizeof big - 1, AMBC_OK, &r);
    assert_int_equal(r.resp.content_length, UINT64_MAX);
    assert_false(ambc_http_response_done(&r.resp));
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_HTTP_TRUNCATED);

    /* the largest value in a list and with leading zeros: the overflow test is exact */
    static const char big_list[] = "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615,"
                                   "0018446744073709551615\r\n\r\n";
    check_both(big_list, sizeof big_list - 1, AMBC_OK, &r);
    assert_int_equal(r.resp.content_length, UINT64_MAX);
    assert_false(ambc_http_response_done(&r.resp));
}

static void test_close_framed(void **state)
{
    static run_t r;
    static const char in[] = "HTTP/1.1 503 Service Unavailable\r\n"
                             "Content-Type: text/html\r\n\r\n"
                             "<html>overloaded</html>\r\n";
    (void)state;
    check_both(in, sizeof in - 1, AMBC_OK, &r);
    assert_int_equal(r.resp.framing, AMBC_HTTP_FRAMING_CLOSE);
    assert_false(r.resp.keep_alive);
    assert_false(ambc_http_response_done(&r.resp));
    assert_int_equal(r.body_len, 25);
    assert_memory_equal(r.body, "<html>overloaded</html>\r\n", 25);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
    assert_int_equal(feed(&r, LIT("x")), AMBC_ERR_HTTP_EXTRA_DATA);

    /* close-framed with no body byte at all is complete too */
    run_init(&r);
    assert_int_equal(feed(&r, LIT("HTTP/1.0 200 OK\r\n\r\n")), AMBC_OK);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
    assert_int_equal(r.resp.body_bytes, 0);
}

static void test_no_body_statuses(void **state)
{
    static run_t r;
    (void)state;
    /* 204 and 304 have no body whatever their headers say */
    check_both(LIT("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"), AMBC_OK, &r);
    assert_int_equal(r.resp.framing, AMBC_HTTP_FRAMING_NONE);
    assert_true(r.resp.keep_alive);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(r.header_calls, 1);
    check_both(LIT("HTTP/1.1 304 Not Modified\r\n\r\n"), AMBC_OK, &r);
    assert_int_equal(r.resp.framing, AMBC_HTTP_FRAMING_NONE);
    assert_true(ambc_http_response_done(&r.resp));
    check_both(LIT("HTTP/1.1 204 No Content\r\n\r\nX"), AMBC_ERR_HTTP_EXTRA_DATA, &r);
}

static void test_interim_responses_skipped(void **state)
{
    static run_t r;
    static const char in[] = "HTTP/1.1 100 Continue\r\n\r\n"
                             "HTTP/1.1 103 Early Hints\r\n"
                             "Link: </style.css>; rel=preload\r\n"
                             "request-id: req_interim\r\n"
                             "x-should-retry: true\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    (void)state;
    check_both(in, sizeof in - 1, AMBC_OK, &r);
    assert_int_equal(r.header_calls, 1);
    assert_int_equal(r.resp.status, 200);
    /* nothing from the interim responses leaks into the final one */
    assert_string_equal(r.resp.request_id, "");
    assert_int_equal(r.resp.should_retry, -1);
    assert_int_equal(r.body_len, 2);
    assert_true(ambc_http_response_done(&r.resp));

    /* every result an interim response can set, truncation flags included, is cleared */
#define LONG70 "0123456789012345678901234567890123456789012345678901234567890123456789"
    static const char all[] = "HTTP/1.0 103 Early Hints\r\n"
                              "Content-Length: 5\r\n"
                              "Connection: close\r\n"
                              "Content-Type: " LONG70 "\r\n"
                              "request-id: " LONG70 "\r\n"
                              "date: " LONG70 "\r\n"
                              "retry-after: 30\r\n"
                              "retry-after-ms: 250\r\n"
                              "x-should-retry: false\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
#undef LONG70
    check_both(all, sizeof all - 1, AMBC_OK, &r);
    assert_int_equal(r.header_calls, 1);
    assert_int_equal(r.resp.status, 200);
    assert_int_equal(r.resp.version_minor, 1);
    assert_int_equal(r.resp.content_length, 2);
    assert_int_equal(r.resp.framing, AMBC_HTTP_FRAMING_LENGTH);
    assert_true(r.resp.keep_alive);
    assert_string_equal(r.resp.content_type, "");
    assert_false(r.resp.content_type_truncated);
    assert_string_equal(r.resp.request_id, "");
    assert_false(r.resp.request_id_truncated);
    assert_string_equal(r.resp.date, "");
    assert_false(r.resp.date_truncated);
    assert_string_equal(r.resp.retry_after, "");
    assert_int_equal(r.resp.retry_after_ms, -1);
    assert_int_equal(r.resp.should_retry, -1);
    assert_int_equal(r.resp.body_bytes, 2);
    assert_true(ambc_http_response_done(&r.resp));

    /* 101 would switch protocols: we never asked */
    check_both(LIT("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
               AMBC_ERR_HTTP_STATUS_LINE, &r);
    assert_int_equal(r.header_calls, 0);
}

static void test_status_line_forms(void **state)
{
    static run_t r;
    (void)state;
    check_both(LIT("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), AMBC_OK, &r);
    assert_int_equal(r.resp.status, 200);
    check_both(LIT("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n"), AMBC_OK, &r);
    assert_int_equal(r.resp.status, 299);
    check_both(LIT("HTTP/1.0 999 Odd\tbut \x80\xff fine\r\nContent-Length: 0\r\n\r\n"), AMBC_OK,
               &r);
    assert_int_equal(r.resp.status, 999);
    assert_int_equal(r.resp.version_minor, 0);
    /* bare LF line endings throughout */
    check_both(LIT("HTTP/1.1 200 OK\nContent-Length: 1\n\nx"), AMBC_OK, &r);
    assert_true(ambc_http_response_done(&r.resp));
    static const char lf_chunked[] = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"
                                     "1\nx\r\n0\nT: v\n\n";
    check_both(lf_chunked, sizeof lf_chunked - 1, AMBC_OK, &r);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(r.body_len, 1);
}

typedef struct {
    const char *head; /* headers after the status line, without the final empty line */
    const char *status_line;
    bool keep_alive;
    ambc_http_framing_t framing;
} ka_case_t;

static void test_keep_alive_decisions(void **state)
{
    static const ka_case_t cases[] = {
        {"Content-Length: 0\r\n", "HTTP/1.1 200 OK", true, AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: close\r\n", "HTTP/1.1 200 OK", false,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: Keep-Alive, CLOSE\r\n", "HTTP/1.1 200 OK", false,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: upgrade\r\n", "HTTP/1.1 200 OK", true,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: clese, ,close-ish\r\n", "HTTP/1.1 200 OK", true,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\n", "HTTP/1.0 200 OK", false, AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: keep-alive\r\n", "HTTP/1.0 200 OK", true,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nconnection:  Upgrade , KEEP-ALIVE \r\n", "HTTP/1.0 200 OK", true,
         AMBC_HTTP_FRAMING_LENGTH},
        {"Content-Length: 0\r\nConnection: keep-alive\r\nConnection: close\r\n", "HTTP/1.0 200 OK",
         false, AMBC_HTTP_FRAMING_LENGTH},
        {"Connection: keep-alive\r\n", "HTTP/1.1 200 OK", false, AMBC_HTTP_FRAMING_CLOSE},
        {"Connection: keep-alive\r\n", "HTTP/1.0 200 OK", false, AMBC_HTTP_FRAMING_CLOSE},
        {"Transfer-Encoding: chunked\r\n", "HTTP/1.1 200 OK", true, AMBC_HTTP_FRAMING_CHUNKED},
        {"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n", "HTTP/1.0 200 OK", false,
         AMBC_HTTP_FRAMING_CHUNKED},
        {"Connection: keep-alive\r\n", "HTTP/1.0 204 No Content", true, AMBC_HTTP_FRAMING_NONE},
        {"Content-Length: 0\r\n", "HTTP/1.9 200 OK", true, AMBC_HTTP_FRAMING_LENGTH},
    };
    static run_t r;
    char in[256];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = snprintf(in, sizeof in, "%s\r\n%s\r\n", cases[i].status_line, cases[i].head);
        check_both(in, (size_t)n, AMBC_OK, &r);
        assert_int_equal(r.header_calls, 1);
        assert_int_equal(r.resp.framing, cases[i].framing);
        if (r.resp.keep_alive != cases[i].keep_alive) {
            fail_msg("case %zu: keep_alive %d, want %d", i, r.resp.keep_alive, cases[i].keep_alive);
        }
    }
}

static void test_retry_headers(void **state)
{
    static const struct {
        const char *line;
        int64_t ms;
        int8_t should;
        const char *after;
    } cases[] = {
        {"retry-after-ms: 1500", 1500, -1, ""},
        {"Retry-After-Ms: 1.2", 2, -1, ""},
        {"retry-after-ms: 0.001", 1, -1, ""},
        {"retry-after-ms: 2.000", 2, -1, ""},
        {"retry-after-ms: 0", 0, -1, ""},
        {"retry-after-ms:\t 250 \t", 250, -1, ""},
        {"retry-after-ms: 99999999999999999999999", INT64_MAX, -1, ""},
        /* the saturation edges: INT64_MAX, one over, over UINT64_MAX, rounding at the top */
        {"retry-after-ms: 9223372036854775806", INT64_MAX - 1, -1, ""},
        {"retry-after-ms: 9223372036854775807", INT64_MAX, -1, ""},
        {"retry-after-ms: 9223372036854775808", INT64_MAX, -1, ""},
        {"retry-after-ms: 18446744073709551616", INT64_MAX, -1, ""},
        {"retry-after-ms: 9223372036854775806.1", INT64_MAX, -1, ""},
        {"retry-after-ms: 9223372036854775807.5", INT64_MAX, -1, ""},
        {"retry-after-ms: 18446744073709551616.5", INT64_MAX, -1, ""},
        /* fraction digits beyond 64 bits: only zero or not counts */
        {"retry-after-ms: 1.000000000000000000000000000000", 1, -1, ""},
        {"retry-after-ms: 1.000000000000000000000000000001", 2, -1, ""},
        {"retry-after-ms: 4.99999999999999999999999", 5, -1, ""},
        {"retry-after-ms: 1.5x", -1, -1, ""},
        {"retry-after-ms: 1.5.5", -1, -1, ""},
        {"retry-after-ms: 1 .5", -1, -1, ""},
        {"retry-after-ms: -5", -1, -1, ""},
        {"retry-after-ms: 1.", -1, -1, ""},
        {"retry-after-ms: .5", -1, -1, ""},
        {"retry-after-ms: 1e3", -1, -1, ""},
        {"retry-after-ms: abc", -1, -1, ""},
        {"retry-after-ms:", -1, -1, ""},
        {"x-should-retry: true", -1, 1, ""},
        {"X-Should-Retry: false", -1, 0, ""},
        {"x-should-retry: TRUE", -1, -1, ""},
        {"x-should-retry: yes", -1, -1, ""},
        {"x-should-retry:", -1, -1, ""},
        {"retry-after: 30", -1, -1, "30"},
        {"Retry-After:   Wed, 21 Oct 2015 07:28:00 GMT  ", -1, -1, "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"retry-after-msx: 5", -1, -1, ""},
        {"retry-afte: 5", -1, -1, ""},
    };
    static run_t r;
    char in[256];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = snprintf(in, sizeof in, "HTTP/1.1 429 Too Many\r\n%s\r\nContent-Length: 0\r\n\r\n",
                         cases[i].line);
        check_both(in, (size_t)n, AMBC_OK, &r);
        if (r.resp.retry_after_ms != cases[i].ms || r.resp.should_retry != cases[i].should) {
            fail_msg("case %zu (%s): ms %lld should %d", i, cases[i].line,
                     (long long)r.resp.retry_after_ms, r.resp.should_retry);
        }
        assert_string_equal(r.resp.retry_after, cases[i].after);
    }
}

/* Lengths that stay inside one line whatever the configured limits. */
#define PAD_LINE   (CONFIG_AMBC_HTTP_LINE_MAX < 1000 ? CONFIG_AMBC_HTTP_LINE_MAX : 1000)
#define OVER_VALUE (CONFIG_AMBC_HTTP_VALUE_MAX + 8)

/* A kept string of n bytes in header `name`, built in a static buffer. */
static size_t build_header_response(char *out, size_t cap, const char *name, size_t n, char fill,
                                    const char *tail)
{
    size_t len = (size_t)snprintf(out, cap, "HTTP/1.1 200 OK\r\n%s: ", name);
    assert_true(len + n + strlen(tail) + 32 < cap);
    memset(out + len, fill, n);
    len += n;
    len += (size_t)snprintf(out + len, cap - len, "%s\r\nContent-Length: 0\r\n\r\n", tail);
    return len;
}

static void test_truncated_informational_values(void **state)
{
    static char in[PAD_LINE + 512];
    static run_t r;
    size_t len;
    (void)state;
    /* exactly fits: kept whole */
    len = build_header_response(in, sizeof in, "request-id", CONFIG_AMBC_REQUEST_ID_MAX - 1, 'r',
                                "   ");
    check_both(in, len, AMBC_OK, &r);
    assert_int_equal(strlen(r.resp.request_id), CONFIG_AMBC_REQUEST_ID_MAX - 1);
    assert_false(r.resp.request_id_truncated);
    /* one more: kept truncated and flagged, and the rest of the response still parses */
    len = build_header_response(in, sizeof in, "Request-Id", CONFIG_AMBC_REQUEST_ID_MAX, 'r', "");
    check_both(in, len, AMBC_OK, &r);
    assert_int_equal(strlen(r.resp.request_id), CONFIG_AMBC_REQUEST_ID_MAX - 1);
    assert_true(r.resp.request_id_truncated);
    assert_true(ambc_http_response_done(&r.resp));
    /* far longer */
    len = build_header_response(in, sizeof in, "content-type", PAD_LINE - 20, 't', "");
    check_both(in, len, AMBC_OK, &r);
    assert_int_equal(strlen(r.resp.content_type), CONFIG_AMBC_CONTENT_TYPE_MAX - 1);
    assert_true(r.resp.content_type_truncated);
    assert_false(r.resp.request_id_truncated);
    /* a cut that lands after whitespace does not keep the whitespace */
    len = (size_t)snprintf(in, sizeof in, "HTTP/1.1 200 OK\r\nrequest-id: ");
    memset(in + len, 'r', CONFIG_AMBC_REQUEST_ID_MAX - 3);
    len += CONFIG_AMBC_REQUEST_ID_MAX - 3;
    len += (size_t)snprintf(in + len, sizeof in - len, " \tzzzz\r\nContent-Length: 0\r\n\r\n");
    check_both(in, len, AMBC_OK, &r);
    assert_int_equal(strlen(r.resp.request_id), CONFIG_AMBC_REQUEST_ID_MAX - 3);
    assert_true(r.resp.request_id_truncated);
    /* a repeated field replaces the earlier one, flag included */
    len = (size_t)snprintf(in, sizeof in, "HTTP/1.1 200 OK\r\nrequest-id: ");
    memset(in + len, 'a', CONFIG_AMBC_REQUEST_ID_MAX + 20);
    len += CONFIG_AMBC_REQUEST_ID_MAX + 20;
    len += (size_t)snprintf(in + len, sizeof in - len,
                            "\r\nrequest-id: req_2\r\nContent-Length: 0\r\n\r\n");
    check_both(in, len, AMBC_OK, &r);
    assert_string_equal(r.resp.request_id, "req_2");
    assert_false(r.resp.request_id_truncated);
}

static void test_header_value_limit(void **state)
{
    static char in[PAD_LINE + 512];
    static run_t r;
    size_t len;
    (void)state;
    len = build_header_response(in, sizeof in, "retry-after", CONFIG_AMBC_HTTP_VALUE_MAX - 1, '7',
                                "");
    check_both(in, len, AMBC_OK, &r);
    assert_int_equal(strlen(r.resp.retry_after), CONFIG_AMBC_HTTP_VALUE_MAX - 1);
    /* trailing whitespace is trimmed, so it does not count toward the limit */
    len = build_header_response(in, sizeof in, "retry-after", CONFIG_AMBC_HTTP_VALUE_MAX - 1, '7',
                                " \t                                                     ");
    check_both(in, len, AMBC_OK, &r);
    len = build_header_response(in, sizeof in, "retry-after", CONFIG_AMBC_HTTP_VALUE_MAX, '7', "");
    check_both(in, len, AMBC_ERR_HTTP_HEADER_VALUE, &r);
    len = build_header_response(in, sizeof in, "x-should-retry", OVER_VALUE, 'x', "");
    check_both(in, len, AMBC_ERR_HTTP_HEADER_VALUE, &r);
    len = build_header_response(in, sizeof in, "retry-after-ms", OVER_VALUE, '1', "");
    check_both(in, len, AMBC_ERR_HTTP_HEADER_VALUE, &r);
    len = build_header_response(in, sizeof in, "connection", OVER_VALUE, 'k', "");
    check_both(in, len, AMBC_ERR_HTTP_HEADER_VALUE, &r);
    /* a header we do not keep may be as long as a line allows */
    len = build_header_response(in, sizeof in, "x-unkept", PAD_LINE - 20, 'u', "");
    check_both(in, len, AMBC_OK, &r);
}

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                     */
/* ---------------------------------------------------------------------------------------- */

typedef struct {
    const char *in;
    size_t len; /* 0: strlen(in) */
    ambc_status_t want;
} err_case_t;

static const char nul_in_value[] = "HTTP/1.1 200 OK\r\nX-A: a\0z\r\n\r\n";

#define CL_HEAD(h) "HTTP/1.1 200 OK\r\n" h "\r\n\r\n"

static const err_case_t error_cases[] = {
    /* status line */
    {"HTTP/2 200 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"http/1.1 200 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.x 200 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 20\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 2000 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 099 Low\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1  200 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 200OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 2a0 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 200 O\x01K\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 200 OK\rX", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 200 OK\r\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"\r\nHTTP/1.1 200 OK\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"<html><body>Bad Gateway</body></html>", 0, AMBC_ERR_HTTP_STATUS_LINE},
    {"HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, AMBC_ERR_HTTP_STATUS_LINE},
    /* header lines */
    {"HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX-A: a\r\n\tfolded\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\n X-A: a\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\n: empty\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX(A): a\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX\x80: a\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX-A: a\x01z\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX-A: a\x7fz\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {nul_in_value, sizeof nul_in_value - 1, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nrequest-id: a\x1bz\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX-A: a\rz\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\nX-A\rz\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {"HTTP/1.1 200 OK\r\n\rX", 0, AMBC_ERR_HTTP_HEADER},
    /* Content-Length */
    {CL_HEAD("Content-Length: abc"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length:"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: -1"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: +1"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 1 2"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 1,"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: ,1"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 0x10"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 1.0"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 18446744073709551616"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 18446744073709551619"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 18446744073709551620"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 184467440737095516150"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 5, 18446744073709551616"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 99999999999999999999999999"), 0, AMBC_ERR_HTTP_CONTENT_LENGTH},
    {CL_HEAD("Content-Length: 5\r\nContent-Length: 6"), 0, AMBC_ERR_HTTP_CONFLICTING_LENGTH},
    {CL_HEAD("Content-Length: 5, 6"), 0, AMBC_ERR_HTTP_CONFLICTING_LENGTH},
    {CL_HEAD("Content-Length: 5\r\nTransfer-Encoding: chunked"), 0,
     AMBC_ERR_HTTP_CONFLICTING_LENGTH},
    {CL_HEAD("Transfer-Encoding: chunked\r\nContent-Length: 5"), 0,
     AMBC_ERR_HTTP_CONFLICTING_LENGTH},
    /* codings */
    {CL_HEAD("Transfer-Encoding: gzip"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Transfer-Encoding: gzip, chunked"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Transfer-Encoding: chunked, gzip"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Transfer-Encoding: identity"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Transfer-Encoding:"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"), 0,
     AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Content-Encoding: gzip\r\nContent-Length: 0"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    {CL_HEAD("Content-Encoding: br"), 0, AMBC_ERR_HTTP_UNSUPPORTED_CODING},
    /* chunk framing */
    {CHUNKED_HEAD "g\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD " 5\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "5 x\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "5x\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "0x5\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "-1\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "5;a\x01\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "5\rX", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "1\r\na\r\nz\r\n", 0, AMBC_ERR_HTTP_CHUNK_SIZE},
    {CHUNKED_HEAD "10000000000000000\r\n", 0, AMBC_ERR_HTTP_CHUNK_OVERFLOW},
    {CHUNKED_HEAD "fffffffffffffffff\r\n", 0, AMBC_ERR_HTTP_CHUNK_OVERFLOW},
    {CHUNKED_HEAD "3\r\nabcX", 0, AMBC_ERR_HTTP_CHUNK_FRAMING},
    {CHUNKED_HEAD "3\r\nabcd\r\n", 0, AMBC_ERR_HTTP_CHUNK_FRAMING},
    {CHUNKED_HEAD "3\r\nabc\rX", 0, AMBC_ERR_HTTP_CHUNK_FRAMING},
    {CHUNKED_HEAD "3\r\nabc\n", 0, AMBC_ERR_HTTP_CHUNK_FRAMING},
    {CHUNKED_HEAD "3\r\nabc\r\r\n", 0, AMBC_ERR_HTTP_CHUNK_FRAMING},
    /* trailers */
    {CHUNKED_HEAD "0\r\nT: a\r\n folded\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {CHUNKED_HEAD "0\r\nno colon\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    {CHUNKED_HEAD "0\r\nT: a\x02\r\n\r\n", 0, AMBC_ERR_HTTP_HEADER},
    /* bytes after the end */
    {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiX", 0, AMBC_ERR_HTTP_EXTRA_DATA},
    {CHUNKED_HEAD "2\r\nhi\r\n0\r\n\r\nX", 0, AMBC_ERR_HTTP_EXTRA_DATA},
    {CHUNKED_HEAD "0\r\n\r\n\r\n", 0, AMBC_ERR_HTTP_EXTRA_DATA},
    {"HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\n", 0, AMBC_ERR_HTTP_EXTRA_DATA},
};

static void test_error_table(void **state)
{
    static run_t r;
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const err_case_t *c = &error_cases[i];
        size_t len = c->len != 0 ? c->len : strlen(c->in);
        ambc_status_t st;
        run_init(&r);
        st = feed(&r, c->in, len);
        if (st != c->want) {
            fail_msg("case %zu: got %d (%s), want %d", i, st, ambc_strerror(st), c->want);
        }
        check_both(c->in, len, c->want, &r);
        /* sticky: more bytes, no bytes and finish all repeat it */
        assert_int_equal(feed(&r, LIT("HTTP/1.1 200 OK\r\n")), c->want);
        assert_int_equal(feed(&r, NULL, 0), c->want);
        assert_int_equal(ambc_http_response_finish(&r.resp), c->want);
        assert_false(ambc_http_response_done(&r.resp));
        assert_true(ambc_http_response_started(&r.resp));
    }
}

static void test_extra_data_in_later_feed(void **state)
{
    static run_t r;
    (void)state;
    run_init(&r);
    assert_int_equal(feed(&r, LIT("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")), AMBC_OK);
    assert_true(ambc_http_response_done(&r.resp));
    assert_int_equal(feed(&r, LIT("")), AMBC_OK);
    assert_int_equal(feed(&r, LIT("\r\n")), AMBC_ERR_HTTP_EXTRA_DATA);
    assert_false(ambc_http_response_done(&r.resp));
    assert_int_equal(feed(&r, LIT("")), AMBC_ERR_HTTP_EXTRA_DATA);
}

/* Trailers arrive after on_headers: they must not change the results it saw, and framing
 * headers there must not be acted on. */
static void test_trailers_not_interpreted(void **state)
{
    static const char in[] = CHUNKED_HEAD "2\r\nhi\r\n0\r\n"
                                          "Content-Length: 5\r\n"
                                          "Transfer-Encoding: gzip\r\n"
                                          "request-id: req_trailer\r\n"
                                          "retry-after-ms: 100\r\n"
                                          "Connection: close\r\n"
                                          "\r\n";
    static run_t r;
    (void)state;
    check_both(in, sizeof in - 1, AMBC_OK, &r);
    assert_true(ambc_http_response_done(&r.resp));
    assert_false(r.resp.has_content_length);
    assert_string_equal(r.resp.request_id, "");
    assert_int_equal(r.resp.retry_after_ms, -1);
    assert_true(r.resp.keep_alive);
}

static void test_chunk_sizes_accepted(void **state)
{
    static const char in[] = CHUNKED_HEAD "00000000000000000000000003\r\nabc\r\n"
                                          "A\t;\t x = \"y\" ; z\r\n0123456789\r\n"
                                          "0000\r\n\r\n";
    static run_t r;
    (void)state;
    check_both(in, sizeof in - 1, AMBC_OK, &r);
    assert_int_equal(r.body_len, 13);
    assert_memory_equal(r.body, "abc0123456789", 13);
    assert_true(ambc_http_response_done(&r.resp));

    /* the largest size the counter holds is accepted (then the stream is cut short) */
    check_both(LIT(CHUNKED_HEAD "ffffffffffffffff\r\nxyz"), AMBC_OK, &r);
    assert_int_equal(r.resp.body_bytes, 3);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_HTTP_TRUNCATED);
}

static void test_truncation_every_offset(void **state)
{
    static run_t r;
    (void)state;
    for (size_t k = 0; k < API_LEN; k++) {
        run_init(&r);
        assert_int_equal(feed(&r, api_response, k), AMBC_OK);
        assert_false(ambc_http_response_done(&r.resp));
        assert_int_equal(ambc_http_response_started(&r.resp), k > 0);
        if (ambc_http_response_finish(&r.resp) != AMBC_ERR_HTTP_TRUNCATED) {
            fail_msg("api_response cut at %zu not reported truncated", k);
        }
        assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_HTTP_TRUNCATED);
        assert_int_equal(feed(&r, api_response + k, API_LEN - k), AMBC_ERR_HTTP_TRUNCATED);
    }
    for (size_t k = 0; k < CL_LEN - 4; k++) {
        run_init(&r);
        assert_int_equal(feed(&r, cl_response, k), AMBC_OK);
        assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_HTTP_TRUNCATED);
    }
    run_init(&r);
    assert_int_equal(feed(&r, api_response, API_LEN), AMBC_OK);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_OK);
}

/* ---------------------------------------------------------------------------------------- */
/* Limits                                                                                     */
/* ---------------------------------------------------------------------------------------- */

#define BIG_CAP (CONFIG_AMBC_HTTP_HEADERS_MAX + CONFIG_AMBC_HTTP_LINE_MAX + 512)
static char big[BIG_CAP];

static size_t put_s(size_t at, const char *s)
{
    size_t n = strlen(s);
    assert_true(at + n <= BIG_CAP);
    memcpy(big + at, s, n);
    return at + n;
}

static size_t put_fill(size_t at, char c, size_t n)
{
    assert_true(at + n <= BIG_CAP);
    memset(big + at, c, n);
    return at + n;
}

static void test_line_limit_status(void **state)
{
    static run_t r;
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = put_s(0, "HTTP/1.1 200 ");
        n = put_fill(n, 'a', CONFIG_AMBC_HTTP_LINE_MAX - 13 + extra);
        n = put_s(n, "\r\nContent-Length: 0\r\n\r\n");
        check_both(big, n, extra ? AMBC_ERR_HTTP_LINE_TOO_LONG : AMBC_OK, &r);
    }
}

static void test_line_limit_header(void **state)
{
    static run_t r;
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = put_s(0, "HTTP/1.1 200 OK\r\nX-Pad: ");
        n = put_fill(n, 'p', CONFIG_AMBC_HTTP_LINE_MAX - 7 + extra);
        n = put_s(n, "\r\nContent-Length: 0\r\n\r\n");
        check_both(big, n, extra ? AMBC_ERR_HTTP_LINE_TOO_LONG : AMBC_OK, &r);
    }
    /* trailing whitespace still counts toward the line */
    size_t n = put_s(0, "HTTP/1.1 200 OK\r\nX-Pad: v");
    n = put_fill(n, ' ', CONFIG_AMBC_HTTP_LINE_MAX - 7);
    n = put_s(n, "\nContent-Length: 0\n\n");
    check_both(big, n, AMBC_ERR_HTTP_LINE_TOO_LONG, &r);
}

static void test_line_limit_chunk_and_trailer(void **state)
{
    static run_t r;
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = put_s(0, CHUNKED_HEAD "1;");
        n = put_fill(n, 'e', CONFIG_AMBC_HTTP_LINE_MAX - 2 + extra);
        n = put_s(n, "\r\nx\r\n0\r\n\r\n");
        check_both(big, n, extra ? AMBC_ERR_HTTP_LINE_TOO_LONG : AMBC_OK, &r);
        if (!extra) {
            assert_int_equal(r.body_len, 1);
        }
        n = put_s(0, CHUNKED_HEAD "1\r\nx\r\n0\r\nT: ");
        n = put_fill(n, 't', CONFIG_AMBC_HTTP_LINE_MAX - 3 + extra);
        n = put_s(n, "\r\n\r\n");
        check_both(big, n, extra ? AMBC_ERR_HTTP_LINE_TOO_LONG : AMBC_OK, &r);
    }
}

/* Fills `total` bytes of header lines ("X-P: ppp\r\n", each within the line limit). */
static size_t put_padding_lines(size_t at, size_t total)
{
    while (total > 0) {
        size_t line = total;
        if (line > PAD_LINE) {
            line = (total - PAD_LINE >= 8) ? PAD_LINE : total / 2;
        }
        at = put_s(at, "X-P: ");
        at = put_fill(at, 'p', line - 7);
        at = put_s(at, "\r\n");
        total -= line;
    }
    return at;
}

static void test_headers_too_large(void **state)
{
    static const char status[] = "HTTP/1.1 200 OK\r\n";
    static const char tail[] = "Content-Length: 0\r\n\r\n";
    static run_t r;
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t fixed = (sizeof status - 1) + (sizeof tail - 1);
        size_t n = put_s(0, status);
        n = put_padding_lines(n, CONFIG_AMBC_HTTP_HEADERS_MAX - fixed + extra);
        n = put_s(n, tail);
        assert_int_equal(n, CONFIG_AMBC_HTTP_HEADERS_MAX + extra);
        check_both(big, n, extra ? AMBC_ERR_HTTP_HEADERS_TOO_LARGE : AMBC_OK, &r);
    }
    /* interim responses count toward the same budget */
    size_t n = put_s(0, "HTTP/1.1 100 Continue\r\n");
    n = put_padding_lines(n, CONFIG_AMBC_HTTP_HEADERS_MAX - 40);
    n = put_s(n, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    check_both(big, n, AMBC_ERR_HTTP_HEADERS_TOO_LARGE, &r);
}

static void test_trailers_too_large(void **state)
{
    static run_t r;
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = put_s(0, CHUNKED_HEAD "1\r\nx\r\n0\r\n");
        n = put_padding_lines(n, CONFIG_AMBC_HTTP_HEADERS_MAX - 2 + extra);
        n = put_s(n, "\r\n");
        check_both(big, n, extra ? AMBC_ERR_HTTP_HEADERS_TOO_LARGE : AMBC_OK, &r);
        if (!extra) {
            assert_true(ambc_http_response_done(&r.resp));
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Callbacks and API edges                                                                    */
/* ---------------------------------------------------------------------------------------- */

static void test_on_headers_abort(void **state)
{
    static run_t r;
    (void)state;
    run_init(&r);
    r.headers_ret = AMBC_ERR_ABORTED;
    assert_int_equal(feed(&r, cl_response, CL_LEN - 4), AMBC_ERR_ABORTED);
    assert_int_equal(r.header_calls, 1);
    assert_int_equal(r.body_calls, 0);
    assert_int_equal(r.resp.status, 404); /* results were complete when it was called */
    assert_int_equal(feed(&r, LIT("x")), AMBC_ERR_ABORTED);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_ABORTED);
    assert_false(ambc_http_response_done(&r.resp));
}

static void test_on_body_abort(void **state)
{
    static run_t r;
    (void)state;
    run_init(&r);
    r.body_abort_at = 2;
    r.body_ret = AMBC_ERR_JSON_INVALID;
    assert_int_equal(feed(&r, api_response, API_LEN), AMBC_ERR_JSON_INVALID);
    assert_int_equal(r.body_calls, 2);
    assert_int_equal(r.resp.body_bytes, 0x1a + 0x100);
    assert_int_equal(r.resp.body_bytes, r.body_len);
    assert_int_equal(feed(&r, LIT("")), AMBC_ERR_JSON_INVALID);
    assert_int_equal(ambc_http_response_finish(&r.resp), AMBC_ERR_JSON_INVALID);

    /* byte by byte: stops at the second body byte */
    run_init(&r);
    r.body_abort_at = 2;
    r.body_ret = AMBC_ERR_ABORTED;
    assert_int_equal(feed_bytes(&r, api_response, API_LEN), AMBC_ERR_ABORTED);
    assert_int_equal(r.resp.body_bytes, 2);
}

static void test_null_callbacks_and_args(void **state)
{
    static ambc_http_response_t resp;
    static const ambc_http_callbacks_t none = {NULL, NULL};
    (void)state;
    ambc_http_response_init(NULL, NULL, NULL); /* must not crash */
    ambc_http_response_init(&resp, NULL, NULL);
    assert_int_equal(resp.retry_after_ms, -1);
    assert_int_equal(resp.should_retry, -1);
    assert_false(ambc_http_response_started(&resp));
    assert_false(ambc_http_response_done(&resp));
    assert_int_equal(ambc_http_response_feed(&resp, NULL, 0), AMBC_OK);
    assert_false(ambc_http_response_started(&resp));
    assert_int_equal(ambc_http_response_feed(&resp, NULL, 1), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_response_feed(NULL, (const uint8_t *)"x", 1), AMBC_ERR_INVALID_ARG);
    assert_int_equal(ambc_http_response_finish(NULL), AMBC_ERR_INVALID_ARG);
    assert_false(ambc_http_response_done(NULL));
    assert_false(ambc_http_response_started(NULL));
    assert_int_equal(ambc_http_response_feed(&resp, (const uint8_t *)api_response, API_LEN),
                     AMBC_OK);
    assert_true(ambc_http_response_done(&resp));
    assert_int_equal(resp.body_bytes, sizeof BATCH_JSON - 1);

    /* reuse for the next response on the same connection, with an explicit empty table */
    ambc_http_response_init(&resp, &none, NULL);
    assert_int_equal(ambc_http_response_finish(&resp), AMBC_ERR_HTTP_TRUNCATED);
    assert_false(ambc_http_response_started(&resp));
    ambc_http_response_init(&resp, &none, NULL);
    assert_int_equal(ambc_http_response_feed(&resp, (const uint8_t *)cl_response, CL_LEN - 4),
                     AMBC_OK);
    assert_true(ambc_http_response_done(&resp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_response_whole),
        cmocka_unit_test(test_api_response_every_split),
        cmocka_unit_test(test_api_response_byte_by_byte),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_content_length_zero_and_lists),
        cmocka_unit_test(test_close_framed),
        cmocka_unit_test(test_no_body_statuses),
        cmocka_unit_test(test_interim_responses_skipped),
        cmocka_unit_test(test_status_line_forms),
        cmocka_unit_test(test_keep_alive_decisions),
        cmocka_unit_test(test_retry_headers),
        cmocka_unit_test(test_truncated_informational_values),
        cmocka_unit_test(test_header_value_limit),
        cmocka_unit_test(test_error_table),
        cmocka_unit_test(test_extra_data_in_later_feed),
        cmocka_unit_test(test_trailers_not_interpreted),
        cmocka_unit_test(test_chunk_sizes_accepted),
        cmocka_unit_test(test_truncation_every_offset),
        cmocka_unit_test(test_line_limit_status),
        cmocka_unit_test(test_line_limit_header),
        cmocka_unit_test(test_line_limit_chunk_and_trailer),
        cmocka_unit_test(test_headers_too_large),
        cmocka_unit_test(test_trailers_too_large),
        cmocka_unit_test(test_on_headers_abort),
        cmocka_unit_test(test_on_body_abort),
        cmocka_unit_test(test_null_callbacks_and_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
