/* Test support: a scripted server behind a stream (no network) and a clock that moves only
 * when told, for the client's unit tests (test_client.c, test_create.c, test_wait.c). */
#ifndef AMBC_TEST_FAKE_SERVER_H
#define AMBC_TEST_FAKE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/ambc.h"

#define FAKE_DROP   ((const char *)1) /* the server closes without answering this request */
#define FAKE_SCRIPT 64

/* One response per request, in order, sent once the whole request (head and the body its
 * Content-Length announces) has arrived. */
typedef struct {
    const char *script[FAKE_SCRIPT];
    size_t nscript, next;
    const char *cur;
    size_t cur_len, cur_off;
    bool peer_closed; /* recv gives orderly close once cur is drained */
    bool close_after; /* the server closes after every response */
    size_t chunk;     /* bytes per recv (0: as many as fit) */
    int connects, closes;
    int connect_calls;
    int fail_connect_call; /* this connect call (1-based) fails with AMBC_ERR_NET_CONNECT */
    bool connected;
    const char *late;    /* bytes that arrive after the current response, in a later read */
    bool fail_send;      /* the next send fails as on a connection the peer reset */
    long fail_at;        /* >= 0: the connection breaks once this many bytes of the current
                            request have arrived (the rest of that send is lost); -1: never */
    uint32_t request_ms; /* the clock moves this much per request */
    bool waits;          /* a recv with nothing to read takes its whole timeout */
    char *sent;          /* every byte sent, all connections (grows) */
    size_t sent_len, sent_cap;
    bool broken;                        /* fail_at was reached: sends and recvs fail from now on */
    size_t req_begin;                   /* where the current request began in sent */
    size_t body_at;                     /* where its body begins, once its head is whole */
    long req_body;                      /* its Content-Length, -1 while the head is incomplete */
    int whole_requests;                 /* requests that arrived whole (head and body) */
    size_t last_body_at, last_body_len; /* the last whole request's body, in sent */
    char last_request[4096];            /* the last request's head */
} fake_t;

extern fake_t fake;
extern uint64_t fake_now;
extern uint32_t sleeps[16];
extern int nsleeps;
extern const ambc_stream_ops_t fake_ops;
extern const ambc_clock_t fake_clock;

/* Reset the fake (frees what it held) and the clock's sleep log. */
void fake_reset(void);

/* A cmocka group teardown that frees what the fake holds (valgrind sees no block left). */
int fake_teardown(void **state);

/* The body of the last whole request (after its head), NUL-terminated; its length in *len. */
const char *fake_last_body(size_t *len);

#endif
