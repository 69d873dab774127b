#!/usr/bin/python3
"""Mock Anthropic Message Batches API server for the ambc tests (Python 3 standard library only).

A threaded HTTPS (or plain HTTP) server, one thread per connection, speaking HTTP/1.1 by hand so
that the response framing is exactly what the options ask for. The contract it follows is
reference/batches-api.md: list, retrieve, create, cancel, delete (GA paths, and the beta flavour:
?beta=true with anthropic-beta), and results.

Usage: mock_api.py --help. Typical test use:
    mock_api.py --cert server.pem --key server.key --port 0 --port-file PORTFILE
then poll PORTFILE for "<port>\\n" (also printed on stdout as "READY <port>"), and stop the process
by its pid with SIGTERM (it exits 0).

Layout: this file is the entry point (statistics, the API routes, the connection loop, the
command line); beside it, mock_store.py (identifiers, timestamps, the deterministic store, walk
modes), mock_batches.py (created batches, the lifecycle, cancel, delete, list pages over
everything), mock_create.py (create validation, the "mock" params extension), mock_results.py
(results files), mock_faults.py (fault objects, their queue, random faults), mock_http.py
(request reader and THE response writer, write_response, which applies the faults, to bytes and
streamed bodies alike) and mock_hostile.py (hostile JSON).

Headers, checked as the API checks them, in this order: authentication (401
authentication_error): x-api-key when present (else "invalid x-api-key"), otherwise
"Authorization: Bearer <key>" (else "invalid bearer token in authorization header"), neither:
"x-api-key header is required"; then anthropic-version (400 invalid_request_error): missing or
empty "anthropic-version: header is required", unknown "anthropic-version: '<value>' is not a
valid version"; known: 2023-06-01, 2026-10-21. Beta flavour (?beta=true): anthropic-beta must
list message-batches-2024-09-24 (400 otherwise). Other headers (x-stainless-*, accept,
user-agent, anthropic-workspace-id, ...) are accepted and ignored.

The write side and the batch lifecycle (details: mock_batches.py, mock_create.py).
  POST /v1/messages/batches  body {"requests":[{"custom_id","params"}, ...]} (Content-Length or
      chunked), checked as the API checks it: each failure a 400 invalid_request_error whose
      message names the index and field ("requests.79999.custom_id: ..."); 1..100,000 items,
      custom_id ^[a-zA-Z0-9_-]{1,64}$ and unique, params with model, max_tokens >= 1, messages
      (role user/assistant, content string or list), optional system, no stream: true. A
      Content-Length over 256 MB (268,435,456) gets the edge's 413: text/html (not JSON), no
      request-id, sent before the body is read, then FIN and the rest of the body read and
      dropped for up to 3 s (a chunked body: as soon as it passes 256 MB). A body cut short
      (FIN or --idle-timeout) creates nothing. Success: 200 with the new MessageBatch
      (msgbatch_ id from --seed and a counter, in_progress, processing = N, expires_at =
      created_at + 24 h), newer than every store batch (first in list pages). The mock-only
      params extension "mock" asks for a request's outcome and result shape (mock_create.py).
  POST /v1/messages/batches/{id}/cancel  in_progress: canceling, cancel_initiated_at = now;
      canceling: answered as it is; ended: 400 invalid_request_error; unknown: 404 not_found_error.
  DELETE /v1/messages/batches/{id}  ended: 200 {"id","type":"message_batch_deleted"}, then the
      batch is gone (404, absent from lists; still a valid list cursor); otherwise 400; unknown 404.
  Lifecycle on the mock clock (real time + an offset; never earlier than an hour after the
  store's newest batch): request i of N finishes at created + D*(i+1)/N (--batch-duration-ms D,
  default 2000); every request counts as processing until the batch has ended; it ends when the
  last one finishes (ended_at, results_url set), at expires_at if still running then (the
  unfinished ones: expired), or --cancel-delay-ms C (default 500) after a cancel (finished ones
  keep their result, the rest: canceled). Store batches: a cancel makes an in_progress one
  canceling, and C later ended with the successes and errors drawn for it so far; a delete
  removes an ended one. --propagation-ms P (default 0): for P ms of mock time after its create,
  retrieve and results of the batch answer 404 (as the API is reported to while it propagates).
  --results-base auto: results_url values use the scheme and Host header of each request (so a
  server on port 0 serves its own results); otherwise the given base.
  --results-mock CUSTOM_ID=JSON (repeatable): the "mock" params extension given to every created
  request with that custom_id whose params carry none, checked as strictly as the extension;
  a client that cannot write the extension (the QEMU firmware) still gets a 5 MB line.
Results (details: mock_results.py).
  GET /v1/messages/batches/{id}/results  (the path of results_url; ?beta=true accepted, not
      needed; any Accept, e.g. the SDKs' application/binary): 200 application/x-jsonl, one line
      per request of an ended batch in a deterministic shuffle, shapes of batches-api.md
      (succeeded with a whole Message, errored with the nested error, canceled, expired),
      generated from the submitted params (model, the "mock" extension: outcome, content blocks
      text/thinking/tool_use and their sizes up to 1 GiB each, stop_reason); store batches that
      have ended: synthesised from their request_counts, custom_ids req-000000, ... Not ended:
      400 invalid_request_error; unknown, deleted or still propagating: 404. Lines carry unknown
      members; hostile mode applies to them (no CR/LF inside a line). Streamed (a 1 GB file never
      in memory; Content-Length known by construction, with small files measured once and kept);
      every request fault applies, mid-body too (close_after, reset_after, stall, drip, ...).
      Line endings: LF, or CRLF with --results-crlf / "x-mock-results-crlf: 1"; a last line
      ending unless --results-no-final-newline / "x-mock-results-final-newline: 0" (the headers
      override the options both ways).
Control endpoints (no auth; never faulted, never hostile):
  GET /_mock/stats                    {"connections","handshakes","requests","faults_applied",
                                      "creates","resumed","handshake_kinds"} since start or the
                                      last reset (class Stats); "creates": batches created through
                                      the API; "resumed": TLS handshakes that resumed a session
                                      (ticket or session id); "handshake_kinds": ["full" or
                                      "resumed", ...] per handshake, in completion order
  POST /_mock/reset-stats             zeroes them; answers their values before
  GET /_mock/clock                    {"now": RFC 3339, "now_us": int, "offset_ms": float}
  POST /_mock/clock {"advance_ms":X}  moves the mock clock forward by X ms (0..366 days)
  GET /_mock/batches                  {"batches":[{"id","requests","deleted","body_bytes",
                                      "sha256","created_at","processing_status"}, ...]}: every
                                      batch created since start (deleted ones too), newest
                                      first; "sha256": hex of its create body as received
                                      (dechunked). Two entries with the same sha256: the same
                                      body created two batches (a retried create)
  GET /_mock/batches/{id}/request     {"sha256": hex of the create body as received (dechunked),
                                      "bytes": its size, "body": it as text when under 16 MB,
                                      else null}, for any created batch (deleted ones too)
  GET /_mock/batches/{id}/results-digest  {"lines":[{"custom_id","sha256","bytes"}, ...] in
                                      served order (each line's bytes without its ending),
                                      "bytes": the whole body, "line_ending", "final_newline",
                                      "hostile"}: the results file as a request with the same
                                      x-mock-* headers (or ?hostile=, ?crlf=, ?final_newline=
                                      1|0) would get it, without downloading it; 400/404 as results

Fault injection (for reliability tests). Control endpoints (no auth; they never consume faults):
  POST /_mock/faults    JSON array of fault objects (or one object), appended to the FIFO queue
  GET /_mock/faults     the queue as it stands, each fault with its remaining "times"
  DELETE /_mock/faults  empty the queue
Each answers 200 with the queue after the operation, or 400 (API error shape, nothing queued) when
a fault is invalid (unknown fault or field, missing or bad value). /_mock/stats counts
"faults_applied" (reset by /_mock/reset-stats). Fields common to all faults: "times" (int >= 1,
default 1); "path_prefix" (default "/v1/messages/batches"): a request takes the first queued
request fault whose prefix starts its decoded path (query excluded) and decrements its "times".
/_mock/ and unparsable requests take none. N: a byte offset into the whole response as sent (head
included; the plaintext under TLS); T: milliseconds (int or float). At most one fault per request.
Response faults (all those below but drop_request and the connection faults) are taken once the
request has been read whole; a request cut short takes none.
  {"fault":"close_after","bytes":N}        first N bytes, then FIN (under TLS, no close_notify)
  {"fault":"reset_after","bytes":N}        first N bytes, wait (<= 2 s) until they are acked, RST
  {"fault":"stall","before_ms":T}          T ms before the first byte, then the whole response
  {"fault":"stall","at_byte":N,"ms":T}     first N bytes, T ms pause, the rest
  {"fault":"drip","interval_ms":T}         one byte per write, T ms apart
  {"fault":"bad_chunk","kind":"nonhex"}    chunked, first chunk-size line "zz"; then closed
  {"fault":"bad_chunk","kind":"overflow"}  chunked, first chunk-size line "fffffffffffffffffffff"
  {"fault":"bad_chunk","kind":"missing_crlf"}  chunked, no CRLF after the first chunk's data
                                           (bad_chunk: first chunk <= 16 bytes, rest as usual)
  {"fault":"conflicting_length"}           Content-Length (the decoded body's) + chunked body
  {"fault":"huge_headers","bytes":N}       N more head bytes: x-filler-K lines, 100 bytes each
  {"fault":"body_longer","extra":K}        Content-Length framing, K junk bytes after the body
  {"fault":"body_shorter","missing":K}     Content-Length = body + K; the body, then FIN
  {"fault":"invalid_json"}                 a structural "," near the middle doubled ("},{" first)
  {"fault":"html","status":502}            text/html "<html><body><h1>502 Bad Gateway</h1>..."
  {"fault":"status","status":429,...}      API error body; also "type", "message", "retry_after",
                                           "retry_after_ms", "should_retry": headers if given
  {"fault":"body","status":N,"body":"<text>","content_type":"...","headers":{"name":"value"}}
                                           exactly that body (UTF-8) with that status; headers
                                           Date, request-id, Connection, Content-Type (default
                                           application/json), the given ones; server's framing
  {"fault":"late_bytes","data":"<ascii>","delay_ms":T}  after the whole response, T ms, then
                                           `data` on the same connection, which stays open
  {"fault":"extra_response","delay_ms":T}  after the response, T ms, then a second complete HTTP
                                           200 (Content-Length) with a list page: has_more false,
                                           one record that is not in the store
  {"fault":"idle_close","after_ms":T,"how":"fin"|"rst"}  the response says keep-alive; when no
                                           next request starts within T ms, the connection is
                                           closed silently: FIN (under TLS without
                                           close_notify; the default) or RST (SO_LINGER 0)
  {"fault":"handshake_close"}              TLS only: reads the ClientHello record, then FIN
  {"fault":"handshake_stall","ms":T}       accepts, sends nothing for T ms, then FIN
Faults for create's "did the server make the batch?" question:
  {"fault":"drop_request","after_bytes":N,"how":"fin"|"rst"}  reads the request up to its byte N
                                           (N counted from the first byte of the request line,
                                           head included, the plaintext under TLS), then closes
                                           without answering and WITHOUT handling it (nothing is
                                           created): FIN (default; no close_notify) or RST
  {"fault":"lose_response","how":"fin"|"rst"}  reads the request whole and HANDLES it (a create
                                           creates the batch), then closes before the first byte
                                           of the response: FIN (default; no close_notify) or RST
                                           ("outcome unknown")
  {"fault":"cut_response","bytes":N}       HANDLES the request, sends the first N bytes of the
                                           response, then FIN (no close_notify): close_after
                                           under the name that says so
  {"fault":"status_after_handling","status":S,...}  HANDLES the request (the batch exists), then
                                           answers S with the API error body instead of the real
                                           answer; the optional fields of "status"
drop_request in detail. It is taken as soon as the request line is read (its path is needed to
match path_prefix), from the same FIFO queue with the same rules: a request takes the first
queued request fault its path matches, and takes it then only when that fault is a drop_request
(any other is taken once the request is read whole, as always). While a drop_request is queued,
request lines are read one byte at a time, so nothing past byte N is ever taken off the
connection (the fault must be queued before the request's first byte arrives for that). Then:
  N inside the request line (0 included): the request line has been read; the server closes.
  N inside the rest of the head or in the body (Content-Length or chunked, N counts the wire
      bytes, chunk lines included): the server reads exactly N bytes of the request and closes
      when byte N has arrived (not before: with N-1 bytes sent, it waits for the next one). An
      "Expect: 100-continue" request whose byte N lies in the body gets its 100 Continue first.
  The request is N bytes long or shorter: it is read whole and then dropped all the same:
      nothing handled (nothing created), nothing answered, the connection closed as `how` says.
  A head the server would refuse (malformed: 400/431/..., a body over 256 MB: the edge's 413)
      is not answered either: the connection is closed as `how` says where the refusal would be.
  "fin": FIN, then the socket is closed without reading more, so that the kernel answers any
  byte the client sent past N (or sends later) with RST: a client still writing its body gets
  EPIPE or ECONNRESET on a write, and a read sees the end of stream. "rst": RST only (SO_LINGER
  0). Whether a client notices before its last body byte depends on the socket buffers: on
  loopback several MB of body fit in them, so a client's write fails only for a larger body
  (or smaller buffers). A dropped request counts in "requests" and "faults_applied".
Handled or not, for every request fault (handled: the request has its effect - a create makes
its batch, a cancel cancels, a delete deletes - before the fault alters or replaces the answer):
  handled:     close_after, reset_after, stall, drip, bad_chunk, conflicting_length,
               huge_headers, body_longer, body_shorter, invalid_json, late_bytes,
               extra_response, idle_close, lose_response, cut_response, status_after_handling
  NOT handled: status, html, body (their answer replaces the request's), drop_request (read
               up to byte N at most, never handled); handshake_close and handshake_stall come
               before any request
  random faults (--random-faults): close_after, reset_after, stall handled; status 429, 529 and
               html 502 not handled
Details. html: status defaults to 502, no request-id header. status: "type" defaults from the
status (529 overloaded_error, 429 rate_limit_error, 500 api_error, ...); headers retry-after,
retry-after-ms, x-should-retry appear only when given. body: the "headers" may not name
Content-Length, Transfer-Encoding or Connection (the server writes them). status_after_handling:
the same fields and defaults as status. "status", "html" and "body" replace the response (the
request is not handled: with "status", a create creates nothing; status_after_handling is the
one that creates and then answers the error); late_bytes, extra_response and idle_close follow
a normal response (none of them acts when that response closes the connection); the other
request faults alter the real one. On a streamed body (results), invalid_json doubles a comma in
the body's first piece, and random framing cuts chunks of 1..16 bytes or up to 1 MiB (writes of
about 256 kB). The connection is dead after close_after, cut_response, reset_after, body_shorter,
lose_response, drop_request; closed (gracefully) after bad_chunk; otherwise still
usable (after body_longer the junk precedes the next response). handshake_close and
handshake_stall are connection faults: taken by the next accepted connections in queue order
(whatever they then request, /_mock/ included), path_prefix ignored; the others are never taken
by a connection. --random-faults P --fault-seed S: an API request that takes no queued fault gets,
with probability P, one of close_after / reset_after (random offset inside the response), stall
(<= 200 ms, before or mid-response), status 429 + retry-after-ms 1..50, status 529
overloaded_error, html 502; chosen from S and the request's number (API requests since start)
only. Every applied fault counts in faults_applied and is logged on stderr.
--silent-close-after N: every connection is closed (FIN; under TLS without close_notify) right
after its Nth response, although every response said "Connection: keep-alive" (unlike
--max-requests-per-conn, which announces the close): a client must notice and reconnect.

Hostile JSON (--hostile for every API response, or per request "x-mock-hostile: 1"; "0" turns
a --hostile server's off for that request): every API JSON body (list pages, batches, error
bodies, create/cancel/delete answers, results lines) is written as other encoders and proxies
write JSON: escapes anywhere in keys and values (\\uXXXX in either case, surrogate pairs, \\/,
short escapes), large unknown members in random positions (objects of 16..300 keys, strings of
5,000 characters, nesting up to 20 levels, mixed arrays, nulls) in records, the page's top level
and the error body's top level, whitespace between tokens. It decodes to the normal body plus the
unknown members. Deterministic from --seed, the method and the target. --hostile-big BYTES adds
one unknown string of BYTES bytes (its JSON text) to the first record of each hostile page.
Details in mock_hostile.py. The mock's own /_mock/ answers are never hostile.

Walk modes, for clients' endless-pagination guards (control endpoint, no auth):
  POST /_mock/walk {"mode":"cycle","length":L}  every list request answers `limit` synthetic
      records (ids not in the store, deterministic), has_more true, and the cursors cycle through
      L ids: the first page (no cursor, or a cursor not in the cycle) has last_id c0; after_id=c_k
      gives last_id c_{(k+1) mod L}; before_id=c_k gives first_id c_{(k+1) mod L}
  POST /_mock/walk {"mode":"endless"}  a fresh cursor on every page (derived from the cursor
      asked with), has_more true forever
  POST /_mock/walk {"mode":"normal"}   the store again (the default)
  GET /_mock/walk                      the mode object
Such list requests count in /_mock/stats "requests" like any other. An invalid mode is a 400.
"""

import argparse
import email.utils
import hashlib
import json
import os
import random
import re
import signal
import socket
import ssl
import sys
import threading
import traceback
import urllib.parse

from mock_faults import AFTER_FAULTS, REPLACING_FAULTS, FaultError, FaultQueue, random_fault
from mock_hostile import HostileEncoder, UnknownPool, big_string
from mock_http import CLOSE, CLOSE_DRAIN, CLOSE_HARD, CLOSE_NOW, KEEP, REASONS, RESET, \
    BadRequest, ConnectionGone, EdgeTooLarge, Framing, LimitReached, Reader, close_abort, \
    close_draining, close_gracefully, close_hard, close_now, read_request, sleep_ms, \
    write_response
from mock_batches import Batches, Clock
from mock_create import CreateError, check_mock, validate_create
from mock_results import Results, Variant
from mock_store import RequestIds, Store, Walk, dumps, synthetic_id, synthetic_record

BETA_TOKEN = "message-batches-2024-09-24"
API_VERSIONS = ("2023-06-01", "2026-10-21")
HOSTILE_VALUES = {"1": True, "true": True, "0": False, "false": False}
AUTO_PLACEHOLDER = "https://results-base.mock.invalid"
KEEP_BODY_LIMIT = 16 * 1024 * 1024     # create bodies under this size are kept whole
EDGE_413_BODY = (b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
                 b"<center><h1>413 Request Entity Too Large</h1></center>\r\n"
                 b"<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n")

# ---------------------------------------------------------------------------------------------
# Statistics


class Stats:
    """connections: TCP accepts; handshakes: TLS handshakes completed; resumed: those of them that
    resumed a session; handshake_kinds: "full" or "resumed" for each handshake, in the order they
    completed (the first 10000); requests: HTTP requests
    served, not counting the mock's own /_mock/ endpoints (so reading stats does not move them),
    counting the edge's 413 (which takes no fault) and requests a drop_request cut off;
    faults_applied: injected faults (queued or random, request or connection level); creates:
    batches created (POST /v1/messages/batches that made one, whatever fault then altered or
    lost the answer)."""

    FIELDS = ("connections", "handshakes", "requests", "faults_applied", "creates", "resumed")
    KINDS_MAX = 10000                   # handshake_kinds keeps the first this many

    def __init__(self):
        self._lock = threading.Lock()
        self._v = dict.fromkeys(self.FIELDS, 0)
        self._kinds = []

    def bump(self, field):
        with self._lock:
            self._v[field] += 1

    def handshake(self, resumed):
        """A TLS handshake completed: count it, and whether it resumed a session (an abbreviated
        handshake: the client offered a ticket or session id this server accepted)."""
        with self._lock:
            self._v["handshakes"] += 1
            self._v["resumed"] += bool(resumed)
            if len(self._kinds) < self.KINDS_MAX:
                self._kinds.append("resumed" if resumed else "full")

    def snapshot(self, reset=False):
        with self._lock:
            snap = dict(self._v, handshake_kinds=list(self._kinds))
            if reset:
                self._v = dict.fromkeys(self.FIELDS, 0)
                self._kinds = []
            return snap



# ---------------------------------------------------------------------------------------------
# The API


def flag_on(req, header, default):
    """A 1/0 x-mock-* header of `req` (validated by App.handle), else the server's option."""
    value = req.header(header)
    return default if value is None else HOSTILE_VALUES.get(value.strip().lower(), False)


class Response:
    """A JSON response: an object to serialize (`obj`), ready-made bytes (`body`), or both (the
    bytes are the normal form of the object, which a hostile rendering re-encodes). `role` names
    the kind of body for hostile mode (mock_hostile.ROLES: "page", "record", "error", ...); None
    means never hostile (the mock's own endpoints). An error object's "request_id" is left None
    and filled in with the response's request-id."""

    def __init__(self, status, obj=None, body=None, role=None, content_type="application/json"):
        self.status = status
        self.obj = obj
        self.body = body                # bytes, or a Stream (results)
        self.role = role
        self.content_type = content_type

    def finish(self, request_id, hostile=None):
        """The body (bytes or Stream); `hostile`: a HostileEncoder, or None for the normal form."""
        if isinstance(self.obj, dict) and self.obj.get("type") == "error" \
                and self.obj.get("request_id", 0) is None:
            self.obj["request_id"] = request_id
        if hostile is not None and self.role is not None and self.obj is not None:
            return hostile.encode(self.obj, self.role).encode("utf-8")
        if self.body is None:
            self.body = dumps(self.obj).encode("utf-8")
        return self.body


class App:
    def __init__(self, opts, store, stats, faults):
        self.opts = opts
        self.store = store
        self.stats = stats
        self.faults = faults
        self.walk = Walk(opts.seed)
        self.clock = Clock()
        self.batches = Batches(store, opts, self.clock)
        self.results = Results(opts.seed)

    @staticmethod
    def error(status, etype, message):
        # request_id is filled in by the connection loop, which owns the response's request-id.
        return Response(status, {"type": "error", "error": {"type": etype, "message": message},
                                 "request_id": None}, role="error")

    def handle(self, req):
        if req.decoded_path.startswith("/_mock/"):
            return self.mock_endpoint(req, req.decoded_path)
        framing = req.header("x-mock-framing")
        if framing is not None and framing.strip().lower() not in ("length", "chunked"):
            return self.error(400, "invalid_request_error",
                              "x-mock-framing: expected 'length' or 'chunked'")
        for name in ("x-mock-hostile", "x-mock-results-crlf", "x-mock-results-final-newline"):
            value = req.header(name)
            if value is not None and value.strip().lower() not in HOSTILE_VALUES:
                return self.error(400, "invalid_request_error", f"{name}: expected 1 or 0")
        denied = self.check_auth(req)
        if denied:
            return denied
        if req.param("beta") == "true":
            betas = [t.strip() for t in (req.header("anthropic-beta") or "").split(",")]
            if BETA_TOKEN not in betas:
                return self.error(400, "invalid_request_error",
                                  f"anthropic-beta: '{BETA_TOKEN}' is required for this endpoint")
        if req.path == "/v1/messages/batches":
            if req.method == "GET":
                return self.list_batches(req)
            if req.method == "POST":
                return self.create(req)
        m = re.fullmatch(r"/v1/messages/batches/([^/]+)(/cancel|/results)?", req.path)
        if m:
            rid, action = urllib.parse.unquote(m.group(1)), m.group(2)
            if action is None and req.method == "GET":
                return self.retrieve(rid, self.results_base(req))
            if action is None and req.method == "DELETE":
                return self.answer(self.batches.delete(rid), "record")
            if action == "/cancel" and req.method == "POST":
                return self.answer(self.batches.cancel(rid, self.results_base(req)), "record")
            if action == "/results" and req.method == "GET":
                return self.results_file(req, rid)
        return self.error(404, "not_found_error", "Not found")

    def answer(self, outcome, role):
        """A Response from (200, object) or (status, error type, message)."""
        if outcome[0] == 200:
            return Response(200, obj=outcome[1], role=role)
        return self.error(*outcome)

    def check_auth(self, req):
        """401 first (x-api-key counts when present, else Authorization: Bearer), then 400 for a
        missing or unknown anthropic-version, as the API checks them."""
        key = self.opts.api_key
        x_api_key, auth = req.header("x-api-key"), req.header("authorization")
        if x_api_key is not None:
            if x_api_key != key:
                return self.error(401, "authentication_error", "invalid x-api-key")
        elif auth is not None:
            scheme, _, token = auth.strip().partition(" ")
            if scheme.lower() != "bearer" or token.strip() != key:
                return self.error(401, "authentication_error",
                                  "invalid bearer token in authorization header")
        else:
            return self.error(401, "authentication_error", "x-api-key header is required")
        version = req.header("anthropic-version")
        if version is None or not version.strip():
            return self.error(400, "invalid_request_error", "anthropic-version: header is required")
        if version.strip() not in API_VERSIONS:
            return self.error(400, "invalid_request_error",
                              f"anthropic-version: '{version}' is not a valid version")
        return None

    def list_batches(self, req):
        limit_text = req.param("limit")
        limit = 20
        if limit_text is not None:
            if not re.fullmatch(r"[0-9]{1,7}", limit_text) or not 1 <= int(limit_text) <= 1000:
                return self.error(400, "invalid_request_error",
                                  "limit: must be an integer between 1 and 1000")
            limit = int(limit_text)
        after_id, before_id = req.param("after_id"), req.param("before_id")
        if after_id is not None and before_id is not None:
            return self.error(400, "invalid_request_error",
                              "Cannot specify both after_id and before_id")
        mode = self.walk.get()
        if mode["mode"] != "normal":
            records, has_more = self.walk.page(mode, limit, after_id, before_id,
                                               self.results_base(req))
            return self.page(req, records, [dumps(r) for r in records], has_more)
        try:
            items, has_more = self.batches.page(limit, after_id, before_id,
                                                self.results_base(req))
        except KeyError as e:
            return self.error(400, "invalid_request_error", f"{e.args[0]}: unknown batch id")
        return self.page(req, [r for r, _ in items], [line for _, line in items], has_more)

    def page(self, req, records, lines, has_more):
        """A list page of `records` (their normal JSON text: `lines`), role "page"."""
        page = {
            "data": records,
            "has_more": has_more,
            "first_id": records[0]["id"] if records else None,
            "last_id": records[-1]["id"] if records else None,
        }
        # Key order of the page varies too (data first or last, ...), reproducibly per query.
        order = random.Random(f"{self.opts.seed}/page/{req.raw_query}").sample(list(page), 4)
        parts = []
        for k in order:
            if k == "data":
                parts.append('"data":[' + ",".join(lines) + "]")
            else:
                parts.append(json.dumps(k) + ":" + json.dumps(page[k]))
        body = ("{" + ",".join(parts) + "}").encode("utf-8")
        return Response(200, obj={k: page[k] for k in order}, body=body, role="page")

    def results_base(self, req):
        """scheme://host[:port] of results_url values in the answer to `req`."""
        if self.opts.results_base != "auto":
            return self.opts.results_base
        host = req.header("host") or f"{self.opts.host}:{self.opts.bound_port}"
        return f"{'https' if self.opts.cert else 'http'}://{host}"

    def retrieve(self, batch_id, base):
        ref = self.batches.find(batch_id)
        now = self.clock.now_us()
        if ref is None or self.batches.propagating(ref, now):
            return self.error(404, "not_found_error", f"No batch with id {batch_id!r}")
        record, line = self.batches.render(ref, now, base)
        return Response(200, obj=record, body=line.encode("utf-8"), role="record")

    def results_plan(self, rid):
        """(entries in served order, None) of an ended batch, or (None, error Response)."""
        ref = self.batches.find(rid)
        now = self.clock.now_us()
        if ref is None or self.batches.propagating(ref, now):
            return None, self.error(404, "not_found_error", f"No batch with id {rid!r}")
        record, _ = self.batches.render(ref, now, "")
        if record["processing_status"] != "ended":
            return None, self.error(400, "invalid_request_error",
                                    f"Batch {rid} has not ended processing yet "
                                    f"(processing_status {record['processing_status']}): "
                                    "its results are not available")
        kind, x = ref
        if kind == "live":
            return self.results.live_plan(x, x.outcomes(self.batches.cancel_delay_us)), None
        return self.results.store_plan(rid, record["request_counts"]), None

    def results_variant(self, req):
        """How results are written for `req`: its x-mock-* headers, else (for the digest) its
        query parameters hostile, crlf, final_newline (1 or 0), else the server options."""
        def flag(name, header, default):
            value = req.param(name)
            if value is not None and value in ("0", "1"):
                default = value == "1"
            return flag_on(req, header, default)
        return Variant(hostile=flag("hostile", "x-mock-hostile", self.opts.hostile),
                       crlf=flag("crlf", "x-mock-results-crlf", self.opts.results_crlf),
                       final_newline=flag("final_newline", "x-mock-results-final-newline",
                                          not self.opts.results_no_final_newline))

    def results_file(self, req, rid):
        entries, denied = self.results_plan(rid)
        if denied is not None:
            return denied
        variant = Variant(hostile=flag_on(req, "x-mock-hostile", self.opts.hostile),
                          crlf=flag_on(req, "x-mock-results-crlf", self.opts.results_crlf),
                          final_newline=flag_on(req, "x-mock-results-final-newline",
                                                not self.opts.results_no_final_newline))
        body = self.results.body(rid, entries, variant)
        return Response(200, body=body, content_type="application/x-jsonl")

    def create(self, req):
        try:
            specs = validate_create(req.body)
        except CreateError as e:
            return self.error(400, "invalid_request_error", str(e))
        for spec in specs:     # --results-mock: a shape for requests that ask for none
            if spec.mock is None:
                spec.mock = self.opts.results_mock.get(spec.custom_id)
        batch = self.batches.create(specs, req.body, hashlib.sha256(req.body).hexdigest(),
                                    len(req.body), KEEP_BODY_LIMIT)
        self.stats.bump("creates")
        return Response(200, obj=batch.record(self.clock.now_us(), self.results_base(req),
                                              self.batches.cancel_delay_us), role="record")

    def json_body(self, req, what):
        """The JSON value of a /_mock/ request body, or raises ValueError naming `what`."""
        try:
            return json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValueError(f"{what}: body must be JSON") from None

    def mock_batches(self, req, path):
        if path == "/_mock/batches" and req.method == "GET":
            return Response(200, {"batches": self.batches.summary()})
        m = re.fullmatch(r"/_mock/batches/([^/]+)/results-digest", path)
        if m and req.method == "GET":
            entries, denied = self.results_plan(m.group(1))
            if denied is not None:
                return denied
            return Response(200, self.results.digest(m.group(1), entries,
                                                     self.results_variant(req)))
        m = re.fullmatch(r"/_mock/batches/([^/]+)/request", path)
        if m and req.method == "GET":
            batch = self.batches.live_batch(m.group(1))
            if batch is None:
                return self.error(404, "not_found_error", "no created batch with that id")
            body = None if batch.raw is None else batch.raw.decode("utf-8", "replace")
            return Response(200, {"sha256": batch.sha256, "bytes": batch.size, "body": body})
        return self.error(404, "not_found_error", "Not found")

    def mock_clock(self, req):
        if req.method == "GET":
            return Response(200, self.clock.snapshot())
        if req.method != "POST":
            return self.error(405, "invalid_request_error", "use GET or POST")
        try:
            obj = self.json_body(req, "/_mock/clock")
        except ValueError as e:
            return self.error(400, "invalid_request_error", str(e))
        ms = obj.get("advance_ms") if isinstance(obj, dict) else None
        if not isinstance(obj, dict) or set(obj) != {"advance_ms"} or isinstance(ms, bool) \
                or not isinstance(ms, (int, float)) or not 0 <= ms <= 366 * 86_400_000:
            return self.error(400, "invalid_request_error",
                              '/_mock/clock: expected {"advance_ms": 0..31622400000}')
        self.clock.advance_ms(ms)
        return Response(200, self.clock.snapshot())

    def mock_endpoint(self, req, path):
        if req.method == "GET" and path == "/_mock/stats":
            return Response(200, self.stats.snapshot())
        if req.method == "POST" and path == "/_mock/reset-stats":
            return Response(200, self.stats.snapshot(reset=True))
        if path == "/_mock/clock":
            return self.mock_clock(req)
        if path.startswith("/_mock/batches"):
            return self.mock_batches(req, path)
        if path == "/_mock/walk":
            if req.method == "GET":
                return Response(200, self.walk.get())
            if req.method == "POST":
                try:
                    return Response(200, self.walk.set(json.loads(req.body.decode("utf-8"))))
                except (UnicodeDecodeError, ValueError) as e:
                    return self.error(400, "invalid_request_error", f"/_mock/walk: {e}")
            return self.error(405, "invalid_request_error", "use GET or POST")
        if path == "/_mock/faults":
            if req.method == "GET":
                return Response(200, body=dumps(self.faults.snapshot()).encode("utf-8"))
            if req.method == "DELETE":
                return Response(200, body=dumps(self.faults.clear()).encode("utf-8"))
            if req.method == "POST":
                try:
                    objs = json.loads(req.body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    return self.error(400, "invalid_request_error",
                                      "/_mock/faults: body must be a JSON array of faults")
                if isinstance(objs, dict):
                    objs = [objs]
                if not isinstance(objs, list):
                    return self.error(400, "invalid_request_error",
                                      "/_mock/faults: body must be a JSON array of faults")
                try:
                    queue = self.faults.add(objs)
                except FaultError as e:
                    return self.error(400, "invalid_request_error", f"/_mock/faults: {e}")
                return Response(200, body=dumps(queue).encode("utf-8"))
            return self.error(405, "invalid_request_error", "use GET, POST or DELETE")
        return self.error(404, "not_found_error", "Not found")


# ---------------------------------------------------------------------------------------------
# Connections


class Server:
    def __init__(self, opts, store):
        self.opts = opts
        self.stats = Stats()
        self.faults = FaultQueue(tls=bool(opts.cert))
        self.app = App(opts, store, self.stats, self.faults)
        self.request_ids = RequestIds()
        self.tls = None
        if opts.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(opts.cert, opts.key)
            ctx.set_alpn_protocols(["http/1.1"])
            self.tls = ctx
        self._resp_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._resp_no = 0
        self._api_no = 0                # API requests since start: numbers the random faults
        self.unknown_pool = UnknownPool(opts.seed)
        self.hostile_big = big_string(opts.hostile_big, opts.seed) if opts.hostile_big else None

    def _stderr(self, msg):
        with self._log_lock:
            sys.stderr.write(f"mock_api: {msg}\n")
            sys.stderr.flush()

    def log(self, msg):
        if self.opts.verbose:
            self._stderr(msg)

    def choose_framing(self, req):
        with self._resp_lock:
            self._resp_no += 1
            n = self._resp_no
        rng = random.Random(f"{self.opts.seed}/response/{n}")
        randomize = self.opts.chunked == "random"
        if self.opts.chunked == "always":
            mode = "chunked"
        elif self.opts.chunked == "never":
            mode = "length"
        else:
            mode = rng.choice(("length", "chunked"))
        override = req.header("x-mock-framing") if req is not None else None
        if override is not None and override.strip().lower() in ("length", "chunked"):
            mode = override.strip().lower()
        if req is None or req.version == "HTTP/1.0":
            mode = "length"
        return Framing(mode, rng, randomize)

    def log_fault(self, where, fault):
        """Applied faults are always logged (one line each), to explain a failed reliability run."""
        shown = {k: (v[:200] + "..." if isinstance(v, str) and len(v) > 200 else v)
                 for k, v in fault.items() if k != "path_prefix"}
        self._stderr(f"fault on {where}: {dumps(shown)}")

    def api_number(self):
        """Number this API request (API requests since start: numbers the random faults)."""
        with self._resp_lock:
            self._api_no += 1
            return self._api_no

    def take_fault(self, req):
        """The fault for API request `req`: the first matching queued one, else maybe random."""
        n = self.api_number()
        fault = self.faults.take_request(req.decoded_path)
        if fault is None:
            fault = random_fault(self.opts.fault_seed, n, self.opts.random_faults)
        if fault is not None:
            self.stats.bump("faults_applied")
            self.log_fault(f"{req.method} {req.target}", fault)
        return fault

    def take_request_side_fault(self, target):
        """A request-side fault (drop_request) for the API request whose request line has just
        been read, or None (then the request takes its fault, if any, once read whole)."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
        if path.startswith("/_mock/"):
            return None
        fault = self.faults.take_request_side(path)
        if fault is not None:
            self.api_number()
            self.stats.bump("requests")
            self.stats.bump("faults_applied")
            self.log_fault(f"request line {target}", fault)
        return fault

    def hostile(self, req, resp):
        """The HostileEncoder for this response, or None (normal JSON)."""
        if req is None or resp is None or resp.role is None:
            return None
        if not flag_on(req, "x-mock-hostile", self.opts.hostile):
            return None
        rng = random.Random(f"{self.opts.seed}/hostile/{req.method} {req.target}")
        big = self.hostile_big if resp.role == "page" else None
        return HostileEncoder(rng, self.unknown_pool, big=big)

    def respond(self, sock, req, resp, close, fault=None):
        """Send `resp` (or what `fault` puts in its place); returns what write_response returns."""
        rid = self.request_ids.next()
        kind = fault["fault"] if fault else None
        conn = ("Connection", "close" if close else "keep-alive")
        date = ("Date", email.utils.formatdate(usegmt=True))
        if kind == "html":
            status = fault["status"]
            body = (f"<html><body><h1>{status} {REASONS.get(status, 'Error')}</h1></body></html>"
                    .encode("ascii"))
            headers = [date, ("Content-Type", "text/html"), conn]
        elif kind == "body":
            status = fault["status"]
            body = fault["body"].encode("utf-8")
            headers = [date, ("Content-Type", fault["content_type"]), ("request-id", rid), conn]
            headers += list(fault.get("headers", {}).items())
        else:
            if kind in ("status", "status_after_handling"):
                resp = App.error(fault["status"], fault["type"],
                                 fault.get("message", f"mock fault: injected {fault['type']}"))
            status = resp.status
            body = resp.finish(rid, self.hostile(req, resp))
            headers = [date, ("Content-Type", resp.content_type), ("request-id", rid), conn]
            if kind in ("status", "status_after_handling"):
                for field, name in (("retry_after", "retry-after"),
                                    ("retry_after_ms", "retry-after-ms"),
                                    ("should_retry", "x-should-retry")):
                    if field in fault:
                        headers.append((name, fault[field]))
        if kind == "cut_response":          # the writer knows it as close_after
            fault = {"fault": "close_after", "bytes": fault["bytes"]}
        return write_response(sock, status, headers, body, self.choose_framing(req), fault)

    def after_fault(self, sock, reader, fault):
        """Apply a fault that acts once the response is out (late_bytes, extra_response,
        idle_close); returns what the connection does next (KEEP, CLOSE_HARD, RESET)."""
        kind = fault["fault"]
        if kind == "idle_close":
            if reader.wait_request(fault["after_ms"] / 1000.0):
                return KEEP
            return RESET if fault["how"] == "rst" else CLOSE_HARD
        sleep_ms(fault["delay_ms"])
        if kind == "late_bytes":
            sock.sendall(fault["data"].encode("ascii"))
            return KEEP
        rid = self.request_ids.next()
        record = synthetic_record(synthetic_id("extra-response", self.opts.seed, rid),
                                  self.opts.store_base)
        body = dumps({"data": [record], "has_more": False, "first_id": record["id"],
                      "last_id": record["id"]}).encode("utf-8")
        headers = [("Date", email.utils.formatdate(usegmt=True)),
                   ("Content-Type", "application/json"), ("request-id", rid),
                   ("Connection", "keep-alive")]
        write_response(sock, 200, headers, body, Framing("length", random.Random(0), False))
        return KEEP

    def edge_too_large(self, sock):
        """What the API's edge answers to a body over 256 MB: an HTML 413, body unread."""
        headers = [("Date", email.utils.formatdate(usegmt=True)), ("Content-Type", "text/html"),
                   ("Server", "cloudflare"), ("Connection", "close")]
        write_response(sock, 413, headers, EDGE_413_BODY,
                       Framing("length", random.Random(0), False))

    def connection_fault(self, raw, fault):
        """Apply a connection fault to a just-accepted TCP socket, then close it (FIN)."""
        if fault["fault"] == "handshake_stall":
            sleep_ms(fault["ms"])
        else:                                               # handshake_close: read the
            raw.settimeout(1.0)                             # ClientHello record, answer nothing
            got = b""
            try:
                while True:
                    need = 5 + int.from_bytes(got[3:5], "big") if len(got) >= 5 else 5
                    if len(got) >= need:
                        break
                    data = raw.recv(need - len(got))
                    if not data:
                        break
                    got += data
            except OSError:
                pass
        close_hard(raw)

    def serve_connection(self, raw, peer):
        self.stats.bump("connections")
        fault = self.faults.take_connection()
        if fault is not None:
            self.stats.bump("faults_applied")
            self.log_fault(f"connection from {peer}", fault)
            self.connection_fault(raw, fault)
            return
        sock = raw
        after = CLOSE
        try:
            # Without this, Nagle plus the client's delayed ACK stall every multi-write response.
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls is not None:
                raw.settimeout(self.opts.handshake_timeout)
                sock = self.tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
                try:
                    sock.do_handshake()
                except (OSError, ssl.SSLError) as e:
                    self.log(f"{peer}: TLS handshake failed: {e}")
                    return
                self.stats.handshake(sock.session_reused)
            sock.settimeout(self.opts.idle_timeout)
            after = self.request_loop(sock, peer)
        finally:
            if after == RESET:
                close_abort(sock)
            elif after == CLOSE_NOW:
                close_now(sock)
            elif after == CLOSE_DRAIN:
                close_draining(sock)
            elif after == CLOSE_HARD:
                close_hard(sock)
            else:
                close_gracefully(sock)

    def request_loop(self, sock, peer):
        """Serve requests until the connection ends; returns how to close it (CLOSE, ...)."""
        reader = Reader(sock)
        served = 0
        while True:
            dropping = []               # the drop_request fault this request took, if any

            def on_line(target):
                fault = self.take_request_side_fault(target)
                if fault is None:
                    return None
                dropping.append(fault)
                return fault["after_bytes"]

            try:
                req = read_request(reader, on_line, self.faults.has_request_side)
            except LimitReached:
                return self.drop(peer, dropping[0], "at its byte N")
            except ConnectionGone:
                if dropping:            # the client left before byte N
                    return self.drop(peer, dropping[0], "(the client left first)")
                return CLOSE
            except (EdgeTooLarge, BadRequest) as e:
                if dropping:            # a dropped request is never answered
                    return self.drop(peer, dropping[0], f"early ({e})")
                if isinstance(e, EdgeTooLarge):
                    self.stats.bump("requests")
                    self.log(f"{peer}: {e.request.method} {e.request.target} -> 413 from the edge")
                    try:
                        self.edge_too_large(sock)
                    except (OSError, ssl.SSLError):
                        pass
                    return CLOSE_DRAIN
                self.log(f"{peer}: bad request: {e.message}")
                etype = "request_too_large" if e.status == 413 else "invalid_request_error"
                resp = App.error(e.status, etype, e.message)
                try:
                    self.respond(sock, None, resp, close=True)
                except (OSError, ssl.SSLError):
                    pass
                return CLOSE
            if dropping:                # the whole request came before byte N
                return self.drop(peer, dropping[0], "after the whole request")
            served += 1
            fault = None
            if not req.decoded_path.startswith("/_mock/"):
                self.stats.bump("requests")
                fault = self.take_fault(req)
            kind = fault["fault"] if fault is not None else None
            if kind == "drop_request":          # queued while this request was being read
                return self.drop(peer, fault, "after the whole request")
            try:
                if kind in REPLACING_FAULTS:
                    resp = None                 # replaced: the request is not handled
                else:
                    resp = self.app.handle(req)
            except Exception:                   # a bug in the mock: say so, keep serving
                traceback.print_exc(file=sys.stderr)
                resp = App.error(500, "api_error", "mock_api internal error")
            if kind == "lose_response":         # handled; the answer is never sent
                self.log(f"{peer}: {req.method} {req.target} -> {resp.status}, not sent "
                         f"(lose_response: {fault['how']})")
                return RESET if fault["how"] == "rst" else CLOSE_HARD
            limit = self.opts.max_requests_per_conn
            close = req.wants_close() or (limit > 0 and served >= limit)
            silent = self.opts.silent_close_after
            sent = fault["status"] if kind in REPLACING_FAULTS + ("status_after_handling",) \
                else resp.status
            self.log(f"{peer}: {req.method} {req.target} -> {sent}{' (close)' if close else ''}")
            try:
                after = self.respond(sock, req, resp, close, fault)
                if after == KEEP and not close and kind in AFTER_FAULTS:
                    after = self.after_fault(sock, reader, fault)
            except (OSError, ssl.SSLError) as e:
                self.log(f"{peer}: write failed: {e}")
                return CLOSE
            if after != KEEP:
                return after
            if close:
                return CLOSE
            if silent > 0 and served >= silent:
                self.log(f"{peer}: silent close after {served} responses")
                return CLOSE_HARD

    def drop(self, peer, fault, when):
        """End a connection whose request took drop_request: nothing handled, nothing sent."""
        self.log(f"{peer}: request dropped {when}, {fault['how']}")
        return RESET if fault["how"] == "rst" else CLOSE_NOW

    def serve_forever(self, listener):
        while True:
            try:
                raw, addr = listener.accept()
            except OSError:
                continue
            peer = f"{addr[0]}:{addr[1]}"
            threading.Thread(target=self.serve_connection, args=(raw, peer), daemon=True).start()



# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv):
    p = argparse.ArgumentParser(description="Mock Anthropic Message Batches API server.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to bind, 0 = any free port (default)")
    p.add_argument("--cert", help="server certificate chain (PEM); with --key enables TLS")
    p.add_argument("--key", help="server private key (PEM)")
    p.add_argument("--port-file", help="write the bound port and a newline here once listening")
    p.add_argument("--batches", type=int, default=5000, help="number of batches in the store")
    p.add_argument("--seed", type=int, default=1, help="seed of the deterministic store")
    p.add_argument("--api-key", default="test-key", help="accepted API key (default test-key)")
    p.add_argument("--chunked", choices=("never", "always", "random"), default="random",
                   help="response framing: Content-Length, chunked, or random per response")
    p.add_argument("--max-requests-per-conn", type=int, default=0,
                   help="close a connection after this many requests (0 = unlimited)")
    p.add_argument("--results-base", default="https://api.anthropic.com",
                   help="scheme://host[:port] of results_url values, or auto: the scheme and "
                        "Host of each request (default https://api.anthropic.com)")
    p.add_argument("--idle-timeout", type=float, default=30.0,
                   help="seconds a connection may sit idle or mid-request before it is closed")
    p.add_argument("--handshake-timeout", type=float, default=10.0,
                   help="seconds allowed for a TLS handshake")
    p.add_argument("--random-faults", type=float, default=0.0, metavar="P",
                   help="inject a random safe fault into each API request with probability P")
    p.add_argument("--fault-seed", type=int, default=1, metavar="S",
                   help="seed of the random faults (default 1)")
    p.add_argument("--batch-duration-ms", type=float, default=2000.0, metavar="D",
                   help="mock time a created batch takes to process (default 2000)")
    p.add_argument("--cancel-delay-ms", type=float, default=500.0, metavar="C",
                   help="mock time from a cancel to the end of processing (default 500)")
    p.add_argument("--propagation-ms", type=float, default=0.0, metavar="P",
                   help="retrieve and results of a new batch answer 404 for P ms (default 0)")
    p.add_argument("--results-crlf", action="store_true",
                   help="results files end lines with CRLF (per request: x-mock-results-crlf)")
    p.add_argument("--results-no-final-newline", action="store_true",
                   help="results files: no line ending after the last line "
                        "(per request: x-mock-results-final-newline)")
    p.add_argument("--results-mock", action="append", default=[], metavar="CUSTOM_ID=JSON",
                   help='the "mock" params extension for created requests with this custom_id '
                        'that carry none (repeatable): a client that cannot write the extension '
                        '(the firmware) still gets, say, a line of 5 MB')
    p.add_argument("--silent-close-after", type=int, default=0, metavar="N",
                   help="close each connection (FIN) after N responses that all said keep-alive")
    p.add_argument("--hostile", action="store_true",
                   help="write every API JSON body in hostile form (see mock_hostile.py)")
    p.add_argument("--hostile-big", type=int, default=0, metavar="BYTES",
                   help="hostile pages: one unknown string of BYTES bytes in the first record")
    p.add_argument("--dump-store", action="store_true",
                   help="print the store as JSON Lines (newest first) and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    opts = p.parse_args(argv)
    if bool(opts.cert) != bool(opts.key):
        p.error("--cert and --key go together")
    if opts.batches < 0 or opts.max_requests_per_conn < 0 or opts.silent_close_after < 0:
        p.error("--batches, --max-requests-per-conn and --silent-close-after must not be negative")
    if min(opts.batch_duration_ms, opts.cancel_delay_ms, opts.propagation_ms) < 0:
        p.error("--batch-duration-ms, --cancel-delay-ms and --propagation-ms must not be negative")
    if opts.hostile_big and not 2 <= opts.hostile_big <= 1 << 30:
        p.error("--hostile-big must be between 2 and 1 GiB")
    if not 0.0 <= opts.random_faults <= 1.0:
        p.error("--random-faults must be between 0 and 1")
    shapes = {}
    for item in opts.results_mock:
        custom_id, _, text = item.partition("=")
        try:
            shapes[custom_id] = check_mock(f"--results-mock {custom_id}", json.loads(text))
        except (ValueError, CreateError) as e:
            p.error(f"--results-mock {item!r}: {e}")
    opts.results_mock = shapes
    opts.results_base = opts.results_base.rstrip("/")
    # With "auto" the store is built with a placeholder base, replaced per request.
    opts.store_base = AUTO_PLACEHOLDER if opts.results_base == "auto" else opts.results_base
    return opts


def main(argv=None):
    opts = parse_args(argv)
    store = Store(opts.batches, opts.seed, opts.store_base)
    if opts.dump_store:
        out = sys.stdout.buffer
        for line in store.lines:
            out.write(line.encode("utf-8") + b"\n")
        out.flush()
        return 0

    server = Server(opts, store)
    info = socket.getaddrinfo(opts.host, opts.port, type=socket.SOCK_STREAM,
                              flags=socket.AI_PASSIVE)[0]
    listener = socket.socket(info[0], socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(info[4])
    listener.listen(128)
    port = listener.getsockname()[1]
    opts.bound_port = port

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if opts.port_file:
        tmp = f"{opts.port_file}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, opts.port_file)     # readers never see a half-written file
    print(f"READY {port}", flush=True)
    try:
        server.serve_forever(listener)
    finally:
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

