/*
 * libFuzzer harness for chunked transfer decoding in the HTTP response parser.
 *
 * A fixed "200, Transfer-Encoding: chunked" head is fed first, so every input byte lands on
 * chunk framing: sizes, extensions, data, the CRLF after data, the last chunk and trailers.
 * The input is then fed whole to one parser and one byte at a time to another. Both must
 * end in the same status having delivered the same body bytes (length and hash), and
 * body_bytes must equal what on_body received (with the checks of http_run.h). Any
 * violation aborts.
 */
#include "http_run.h"

static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_start(run_t *r)
{
    run_init(r);
    feed(r, (const uint8_t *)head, sizeof head - 1);
    check(r->st == AMBC_OK && r->header_calls == 1);
    check(r->resp.framing == AMBC_HTTP_FRAMING_CHUNKED && r->resp.keep_alive);
}

static void end(run_t *r)
{
    ambc_status_t fin = ambc_http_response_finish(&r->resp);
    /* chunked is never close-delimited: finish succeeds only on a complete body */
    check(fin == (r->st != AMBC_OK                    ? r->st
                  : ambc_http_response_done(&r->resp) ? AMBC_OK
                                                      : AMBC_ERR_HTTP_TRUNCATED));
    r->st = fin;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static run_t whole;
    static run_t bytes;

    run_start(&whole);
    feed(&whole, data, size);
    end(&whole);

    run_start(&bytes);
    for (size_t i = 0; i < size; i++) {
        feed(&bytes, data + i, 1);
    }
    end(&bytes);

    check(whole.st == bytes.st);
    check(whole.delivered == bytes.delivered && whole.hash == bytes.hash);
    check(ambc_http_response_done(&whole.resp) == ambc_http_response_done(&bytes.resp));
    return 0;
}
