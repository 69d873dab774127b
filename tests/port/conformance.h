/*
 * The port conformance suite: one list of checks that any ambc stream (include/ambc/port.h)
 * can be run through, against the scripted peer tests/port/peer.py.
 *
 * A driver (conformance_posix.c, conformance_tls.c, conformance_lwip.c) makes the stream and
 * the clock, fills in a conformance_t, and calls conformance_run(). Each check prints one line,
 * "PASS <check>: <figure>", "FAIL <check>: <figure>" or "SKIP <check>: <reason>", and the run
 * ends with "N passed, N failed, N skipped".
 */
#ifndef AMBC_TEST_CONFORMANCE_H
#define AMBC_TEST_CONFORMANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "ambc/port.h"

typedef struct {
    const char *name;          /* the port, for the report: "posix", "tls", ... */
    ambc_stream_t stream;      /* the stream under test; closed between checks */
    const ambc_clock_t *clock; /* the port's clock: every figure is measured with it */
    bool framed;               /* TLS-like records: the half-record check applies */
    const char *host;          /* where peer.py listens */
    uint16_t port;             /* its LISTEN port */
    uint16_t refused_port;     /* its REFUSE port */
    uint16_t blackhole_port;   /* its BLACKHOLE port */
    uint32_t margin_ms;        /* allowed beyond a timeout (AMBC_TEST_TIME_MARGIN_MS) */
    uint32_t zero_bound_ms;    /* the longest a zero-timeout recv may take */
    uint32_t bulk_bytes;       /* size of the send_all check */
} conformance_t;

/* Reads HOST PORT REFUSED BLACKHOLE from argv[first..first+3] and the timing bounds from the
 * environment (AMBC_TEST_TIME_MARGIN_MS, default 200; AMBC_TEST_ZERO_BOUND_MS, default 30)
 * into c, leaving the rest of c as it was. 0, or -1 after printing the usage. */
int conformance_args(int argc, char **argv, int first, conformance_t *c);

/* Runs every check against c->stream; returns 0 when none failed, 1 otherwise. */
int conformance_run(const conformance_t *c);

#endif /* AMBC_TEST_CONFORMANCE_H */
