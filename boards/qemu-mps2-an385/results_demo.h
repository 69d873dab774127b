/*
 * The results of a batch, streamed on the board: each line's summary and a SHA-256 of its
 * text (joined from the chunks, never held), through the client's fixed RAM whatever the size
 * of a line; the QEMU test gives one line larger than the board's whole RAM.
 */
#ifndef AMBC_FW_RESULTS_DEMO_H
#define AMBC_FW_RESULTS_DEMO_H

#include "ambc/ambc.h"

/**
 * Download the results of batch b (ended, as a wait leaves it) and print, per line,
 * `result: {"line":N,"custom_id":...,"type":...,"stop_reason":...,"blocks":N,
 * "output_tokens":N,"text_bytes":N,"text_sha256":"hex"}`, then an `ambc-fw: results` line with
 * the measurements (lines, bytes, the longest line, emulated ms); then `ambc-fw: parse` with
 * the emulated ms of the line mapper alone over about 1 MB in RAM (no network, no TLS).
 */
ambc_status_t results_demo_run(ambc_client_t *c, const ambc_batch_t *b);

#endif
