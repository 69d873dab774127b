#!/usr/bin/python3
"""Mock Anthropic Message Batches API server for the ambc tests (Python 3 standard library only).

A threaded HTTPS (or plain HTTP) server, one thread per connection, speaking HTTP/1.1 by hand so
that the response framing is exactly what the options ask for. The contract it follows is
reference/batches-api.md (list and retrieve; create, cancel, delete and results are not served yet).

Usage: mock_api.py --help. Typical test use:
    mock_api.py --cert server.pem --key server.key --port 0 --port-file PORTFILE
then poll PORTFILE for "<port>\\n" (also printed on stdout as "READY <port>"), and stop the process
by its pid with SIGTERM (it exits 0).

Layout, top to bottom: identifiers and timestamps, the deterministic store, HTTP plumbing (request
reader and THE response writer, write_response, where fault injection will go), the API routes,
the connection loop, the command line.
"""

import argparse
import datetime
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

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BETA_TOKEN = "message-batches-2024-09-24"
DAY_US = 86_400_000_000

# ---------------------------------------------------------------------------------------------
# Identifiers and timestamps


def base62(data, length):
    """Deterministic base62 string of `length` characters from the bytes `data`."""
    n = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        n, r = divmod(n, 62)
        chars.append(BASE62[r])
    return "".join(chars)


def rfc3339(us):
    """Microseconds since the Unix epoch -> '2024-08-20T18:37:24.100435Z' (always 6 digits)."""
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RequestIds:
    """`req_` + 24 base62 characters, unique per response within this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._n = 0
        self._nonce = os.urandom(16)

    def next(self):
        with self._lock:
            self._n += 1
            n = self._n
        return "req_" + base62(hashlib.sha256(self._nonce + n.to_bytes(8, "big")).digest(), 24)


# ---------------------------------------------------------------------------------------------
# The deterministic store

# Newest batch's created_at: 2025-06-30T12:00:00.123456Z.
NEWEST_US = int(datetime.datetime(2025, 6, 30, 12, 0, 0).replace(
    tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000 + 123_456

RECORD_KEYS = ["id", "type", "processing_status", "request_counts", "ended_at", "created_at",
               "expires_at", "cancel_initiated_at", "archived_at", "results_url"]
COUNT_KEYS = ["processing", "succeeded", "errored", "canceled", "expired"]

# Variants: (processing_status, canceled?, archived?, expired?). The first len(VARIANTS) records
# take them in order, so even a tiny store has every status and every nullable field both ways.
VARIANTS = [
    ("in_progress", False, False, False),
    ("canceling", True, False, False),
    ("ended", False, False, False),
    ("ended", True, False, False),
    ("ended", False, True, False),
    ("ended", True, True, False),
    ("ended", False, False, True),
]


def _split(rng, total, parts):
    """Split `total` into `parts` non-negative integers summing to it."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    bounds = [0] + cuts + [total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def _unknown_extra(i):
    """An unknown key with a nested value, to make clients skip what they do not know."""
    if (i // 97) % 2 == 0:
        return "x_mock_future_field", {
            "nested": [1, -2.5e3, {"deep": [None, True, False, {"k": "}]{[\""}]}, "a]b"],
            "text": "quote \" backslash \\ slash / newline \n tab \t unicode "
                    "\u00e9\u2713 \U0001F600",
            "empty_obj": {}, "empty_arr": [],
        }
    return "x_mock_labels", [{"name": "batch,\"label\"", "values": [[], [{}], [[0]]]}, "z", 0, None]


def make_record(i, seed, rng):
    """Record i (0 = newest). Everything comes from `rng`, which the caller seeds per store."""
    rid = "msgbatch_" + base62(hashlib.sha256(f"ambc-mock/{seed}/{i}".encode()).digest(), 24)
    if i < len(VARIANTS):
        status, canceled, archived, expired = VARIANTS[i]
    else:
        # Newest records are the likeliest to be still running, as on a real account.
        p_running = 0.5 if i < 40 else 0.04
        r = rng.random()
        if r < p_running * 0.7:
            status, canceled, archived, expired = VARIANTS[0]
        elif r < p_running:
            status, canceled, archived, expired = VARIANTS[1]
        else:
            status = "ended"
            canceled = rng.random() < 0.15
            archived = rng.random() < 0.25
            expired = not canceled and rng.random() < 0.05
    return rid, status, canceled, archived, expired


def build_store(n, seed, results_base):
    """N MessageBatch dicts, newest first, with their serialized JSON lines."""
    rng = random.Random(f"ambc-mock-store/{seed}")
    records = []
    created = NEWEST_US
    for i in range(n):
        if i > 0:
            r = rng.random()
            if r < 0.05:
                gap = rng.randint(1, 999)                       # same second, microseconds apart
            elif r < 0.15:
                gap = rng.randint(1_000, 999_999)               # under a second
            else:
                gap = rng.randint(1_000_000, 7_200_000_000)     # up to two hours
            created -= gap
            if i % 53 == 5:
                created -= created % 1_000_000                  # exact second: ".000000Z"
        rid, status, canceled, archived, expired = make_record(i, seed, rng)
        expires = created + DAY_US

        # request_counts: a few batches are at the 100,000 maximum, most are small or medium.
        r = rng.random()
        if i == 6 or r < 0.02:
            total = 100_000
        elif r < 0.2:
            total = rng.randint(10_000, 99_999)
        else:
            total = rng.randint(1, 2_000)
        counts = dict.fromkeys(COUNT_KEYS, 0)

        cancel_at = ended_at = archived_at = None
        if status == "in_progress":
            done = rng.randint(0, total - 1)
            counts["succeeded"], counts["errored"] = _split(rng, done, 2)
            counts["processing"] = total - done
        elif status == "canceling":
            cancel_at = created + rng.randint(1, DAY_US // 2)
            done = rng.randint(0, total - 1)
            counts["succeeded"], counts["errored"] = _split(rng, done, 2)
            counts["processing"] = total - done
        else:
            if expired:
                ended_at = expires + rng.randint(0, 300_000_000)
                ok, err, exp = _split(rng, total, 3)
                if exp == 0:
                    ok, exp = ok - min(ok, 1), exp + min(ok, 1)
                counts.update(succeeded=ok, errored=err, expired=exp)
            elif canceled:
                cancel_at = created + rng.randint(1, DAY_US // 2)
                ended_at = cancel_at + rng.randint(1, 600_000_000)
                ok, err, can = _split(rng, total, 3)
                counts.update(succeeded=ok, errored=err, canceled=can)
            else:
                ended_at = created + rng.randint(1_000_000, DAY_US - 1)
                ok, err = _split(rng, total, 2)
                counts.update(succeeded=ok, errored=err)
            if archived:
                archived_at = ended_at + 29 * DAY_US + rng.randint(0, DAY_US)

        values = {
            "id": rid,
            "type": "message_batch",
            "processing_status": status,
            "request_counts": {k: counts[k] for k in _rotate(COUNT_KEYS, i)},
            "ended_at": None if ended_at is None else rfc3339(ended_at),
            "created_at": rfc3339(created),
            "expires_at": rfc3339(expires),
            "cancel_initiated_at": None if cancel_at is None else rfc3339(cancel_at),
            "archived_at": None if archived_at is None else rfc3339(archived_at),
            "results_url": (f"{results_base}/v1/messages/batches/{rid}/results"
                            if status == "ended" else None),
        }
        keys = list(RECORD_KEYS)
        if i % 97 == 3:
            extra_key, extra_value = _unknown_extra(i)
            values[extra_key] = extra_value
            keys.insert(rng.randint(0, len(keys)), extra_key)
        # Key order varies: a rotation, reversed for every other record.
        keys = _rotate(keys, i * 3)
        if (i // 2) % 2:
            keys.reverse()
        records.append({k: values[k] for k in keys})

    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise SystemExit("mock_api: id collision in the store (change --seed)")
    return records


def _rotate(seq, k):
    k %= len(seq)
    return list(seq[k:]) + list(seq[:k])


def dumps(obj):
    """The one JSON serialization used for every body: compact, UTF-8, non-ASCII left as is."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Store:
    def __init__(self, n, seed, results_base):
        self.records = build_store(n, seed, results_base)
        self.lines = [dumps(r) for r in self.records]
        self.index = {r["id"]: i for i, r in enumerate(self.records)}


# ---------------------------------------------------------------------------------------------
# Statistics


class Stats:
    """connections: TCP accepts; handshakes: TLS handshakes completed; requests: HTTP requests
    served, not counting the mock's own /_mock/ endpoints (so reading stats does not move them)."""

    FIELDS = ("connections", "handshakes", "requests")

    def __init__(self):
        self._lock = threading.Lock()
        self._v = dict.fromkeys(self.FIELDS, 0)

    def bump(self, field):
        with self._lock:
            self._v[field] += 1

    def snapshot(self, reset=False):
        with self._lock:
            snap = dict(self._v)
            if reset:
                self._v = dict.fromkeys(self.FIELDS, 0)
            return snap


# ---------------------------------------------------------------------------------------------
# HTTP plumbing

MAX_REQUEST_LINE = 8192
MAX_HEADER_BYTES = 65536
MAX_HEADERS = 100
MAX_BODY = 64 * 1024 * 1024


class ConnectionGone(Exception):
    """The peer closed, reset or timed out: drop the connection without a response."""


class BadRequest(Exception):
    """A request that cannot be parsed: answer with `status` and close."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Reader:
    """Buffered reads over a socket (plain or TLS), for request heads and bodies."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, OSError, ssl.SSLError) as e:
            raise ConnectionGone(str(e)) from None
        if not data:
            raise ConnectionGone("peer closed")
        self.buf += data

    def readline(self, limit):
        """A CRLF (or bare LF) terminated line without its terminator."""
        start = 0
        while True:
            nl = self.buf.find(b"\n", start)
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[:nl + 1]
                return line[:-1] if line.endswith(b"\r") else line
            if len(self.buf) > limit:
                raise BadRequest(431, "header line too long")
            start = len(self.buf)
            self._fill()

    def read(self, n):
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # list of (lower-case name, value) in arrival order
        self.body = body
        split = urllib.parse.urlsplit(target)
        self.path = split.path
        self.decoded_path = urllib.parse.unquote(split.path)
        self.raw_query = split.query
        self.query = urllib.parse.parse_qsl(split.query, keep_blank_values=True)

    def header(self, name):
        """All values of header `name`, joined by ', ' (RFC 9110 list semantics), or None."""
        values = [v for k, v in self.headers if k == name]
        return ", ".join(values) if values else None

    def param(self, name):
        for k, v in self.query:
            if k == name:
                return v
        return None

    def wants_close(self):
        tokens = [t.strip().lower() for t in (self.header("connection") or "").split(",")]
        if self.version == "HTTP/1.0":
            return "keep-alive" not in tokens
        return "close" in tokens


def read_request(reader):
    """Parse one request (head and body). Raises ConnectionGone before the first byte of a
    request or on a broken connection, BadRequest on a malformed one."""
    line = reader.readline(MAX_REQUEST_LINE)
    while line == b"":                  # RFC 9112 2.2: ignore empty lines before a request
        line = reader.readline(MAX_REQUEST_LINE)
    try:
        method, target, version = line.decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(400, "malformed request line") from None
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest(505 if version.startswith("HTTP/") else 400, "unsupported HTTP version")

    headers = []
    total = 0
    while True:
        raw = reader.readline(MAX_HEADER_BYTES)
        total += len(raw) + 2
        if total > MAX_HEADER_BYTES or len(headers) >= MAX_HEADERS:
            raise BadRequest(431, "request header fields too large")
        if raw == b"":
            break
        if raw[:1] in (b" ", b"\t"):
            raise BadRequest(400, "obsolete header line folding")
        name, sep, value = raw.partition(b":")
        if not sep or not name or name != name.strip() or b" " in name:
            raise BadRequest(400, "malformed header line")
        try:
            headers.append((name.decode("ascii").lower(), value.strip(b" \t").decode("latin-1")))
        except UnicodeDecodeError:
            raise BadRequest(400, "malformed header name") from None

    req = Request(method, target, version, headers, b"")
    if version == "HTTP/1.1" and req.header("host") is None:
        raise BadRequest(400, "missing Host header")
    te = req.header("transfer-encoding")
    cl = req.header("content-length")
    if te is not None and cl is not None:
        raise BadRequest(400, "both Transfer-Encoding and Content-Length")
    expect = (req.header("expect") or "").strip().lower()
    has_body = te is not None or cl not in (None, "0")
    if expect == "100-continue" and version == "HTTP/1.1" and has_body:
        try:
            reader.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        except (OSError, ssl.SSLError) as e:
            raise ConnectionGone(str(e)) from None
    if te is not None:
        if te.strip().lower() != "chunked":
            raise BadRequest(501, "unsupported transfer-encoding")
        req.body = read_chunked_body(reader)
    elif cl is not None:
        if not re.fullmatch(r"[0-9]{1,12}", cl):
            raise BadRequest(400, "bad Content-Length")
        if int(cl) > MAX_BODY:
            raise BadRequest(413, "request body too large")
        req.body = reader.read(int(cl))
    return req


def read_chunked_body(reader):
    body = bytearray()
    while True:
        size_line = reader.readline(MAX_REQUEST_LINE).split(b";", 1)[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_line):
            raise BadRequest(400, "bad chunk size")
        size = int(size_line, 16)
        if size == 0:
            break
        if len(body) + size > MAX_BODY:
            raise BadRequest(413, "request body too large")
        body += reader.read(size)
        if reader.read(2) != b"\r\n":
            raise BadRequest(400, "chunk not followed by CRLF")
    while reader.readline(MAX_HEADER_BYTES) != b"":     # trailer fields: ignored
        pass
    return bytes(body)


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           413: "Payload Too Large", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 505: "HTTP Version Not Supported"}


class Framing:
    """How one response is framed: 'length' or 'chunked', plus a PRNG private to this response
    (chunk sizes, extensions, write segmentation) so runs are reproducible."""

    def __init__(self, mode, rng, randomize):
        self.mode = mode
        self.rng = rng
        self.randomize = randomize      # random chunk sizes and write segmentation


def write_response(sock, status, headers, body, framing):
    """THE response writer: every response goes out through here.

    status: int; headers: list of (name, value) without framing headers (this function adds
    Content-Length or Transfer-Encoding); body: bytes; framing: Framing.
    Builds the exact byte pieces to send, then sends them in order. Fault injection (close after
    byte N, stall, drip, bad chunk sizes, ...) belongs here: it can rewrite `pieces` or the way
    they are sent.
    """
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in headers]
    pieces = []
    if framing.mode == "chunked":
        head.append("Transfer-Encoding: chunked")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        pieces += chunk_pieces(body, framing)
    else:
        head.append(f"Content-Length: {len(body)}")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if framing.randomize:
            pieces += segment(body, framing.rng)
        elif body:
            pieces[0] += body
    for piece in pieces:
        sock.sendall(piece)


def chunk_pieces(body, framing):
    """Chunked encoding of `body`: one piece per chunk, then the last chunk."""
    rng = framing.rng
    out = []
    pos = 0
    while pos < len(body):
        if framing.randomize:
            size = rng.randint(1, 16) if rng.random() < 0.3 else rng.randint(1, 4096)
        else:
            size = 4096
        data = body[pos:pos + size]
        pos += len(data)
        size_text = f"{len(data):x}"
        ext = ""
        if framing.randomize:
            r = rng.random()
            if r < 0.1:
                size_text = size_text.upper()
            elif r < 0.15:
                size_text = "0" + size_text                 # leading zero: valid, uncommon
            if rng.random() < 0.15:
                ext = ";ext=1"
        out.append(f"{size_text}{ext}\r\n".encode("ascii") + data + b"\r\n")
    out.append(b"0\r\n\r\n")
    return out


def segment(data, rng):
    """Split `data` into random-size writes (for partial reads in the client)."""
    out = []
    pos = 0
    while pos < len(data):
        n = rng.randint(1, 4096)
        out.append(data[pos:pos + n])
        pos += n
    return out


# ---------------------------------------------------------------------------------------------
# The API


class Response:
    """A JSON response: either an object to serialize (`obj`) or ready-made bytes (`body`).
    An error object's "request_id" is left None and filled in with the response's request-id."""

    def __init__(self, status, obj=None, body=None):
        self.status = status
        self.obj = obj
        self.body = body

    def finish(self, request_id):
        if self.obj is not None:
            if self.obj.get("type") == "error" and self.obj.get("request_id", 0) is None:
                self.obj["request_id"] = request_id
            self.body = dumps(self.obj).encode("utf-8")
        return self.body


class App:
    def __init__(self, opts, store, stats):
        self.opts = opts
        self.store = store
        self.stats = stats

    @staticmethod
    def error(status, etype, message):
        # request_id is filled in by the connection loop, which owns the response's request-id.
        return Response(status, {"type": "error", "error": {"type": etype, "message": message},
                                 "request_id": None})

    def handle(self, req):
        if req.decoded_path.startswith("/_mock/"):
            return self.mock_endpoint(req, req.decoded_path)
        framing = req.header("x-mock-framing")
        if framing is not None and framing.strip().lower() not in ("length", "chunked"):
            return self.error(400, "invalid_request_error",
                              "x-mock-framing: expected 'length' or 'chunked'")
        denied = self.check_auth(req)
        if denied:
            return denied
        if req.param("beta") == "true":
            betas = [t.strip() for t in (req.header("anthropic-beta") or "").split(",")]
            if BETA_TOKEN not in betas:
                return self.error(400, "invalid_request_error",
                                  f"anthropic-beta: '{BETA_TOKEN}' is required for this endpoint")
        if req.method == "GET" and req.path == "/v1/messages/batches":
            return self.list_batches(req)
        m = re.fullmatch(r"/v1/messages/batches/([^/]+)", req.path)
        if req.method == "GET" and m:
            return self.retrieve(urllib.parse.unquote(m.group(1)))
        return self.error(404, "not_found_error", "Not found")

    def check_auth(self, req):
        key = self.opts.api_key
        ok = req.header("x-api-key") == key
        auth = req.header("authorization")
        if auth is not None:
            scheme, _, token = auth.strip().partition(" ")
            ok = ok or (scheme.lower() == "bearer" and token.strip() == key)
        if req.header("x-api-key") is None and auth is None:
            return self.error(401, "authentication_error", "x-api-key header is required")
        if not ok:
            return self.error(401, "authentication_error", "invalid x-api-key")
        if not (req.header("anthropic-version") or "").strip():
            return self.error(401, "authentication_error", "anthropic-version header is required")
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
        lines, n = self.store.lines, len(self.store.lines)
        if after_id is not None:
            idx = self.store.index.get(after_id)
            if idx is None:
                return self.error(400, "invalid_request_error", "after_id: unknown batch id")
            lo, hi = idx + 1, min(n, idx + 1 + limit)
            has_more = hi < n
        elif before_id is not None:
            idx = self.store.index.get(before_id)
            if idx is None:
                return self.error(400, "invalid_request_error", "before_id: unknown batch id")
            lo, hi = max(0, idx - limit), idx
            has_more = lo > 0
        else:
            lo, hi = 0, min(n, limit)
            has_more = hi < n
        page = {
            "data": None,
            "has_more": has_more,
            "first_id": self.store.records[lo]["id"] if hi > lo else None,
            "last_id": self.store.records[hi - 1]["id"] if hi > lo else None,
        }
        # Key order of the page varies too (data first or last, ...), reproducibly per query.
        order = random.Random(f"{self.opts.seed}/page/{req.raw_query}").sample(list(page), 4)
        parts = []
        for k in order:
            if k == "data":
                parts.append('"data":[' + ",".join(lines[lo:hi]) + "]")
            else:
                parts.append(json.dumps(k) + ":" + json.dumps(page[k]))
        return Response(200, body=("{" + ",".join(parts) + "}").encode("utf-8"))

    def retrieve(self, batch_id):
        idx = self.store.index.get(batch_id)
        if idx is None:
            return self.error(404, "not_found_error", f"No batch with id {batch_id!r}")
        return Response(200, body=self.store.lines[idx].encode("utf-8"))

    def mock_endpoint(self, req, path):
        if req.method == "GET" and path == "/_mock/stats":
            return Response(200, self.stats.snapshot())
        if req.method == "POST" and path == "/_mock/reset-stats":
            return Response(200, self.stats.snapshot(reset=True))
        return self.error(404, "not_found_error", "Not found")


# ---------------------------------------------------------------------------------------------
# Connections


class Server:
    def __init__(self, opts, store):
        self.opts = opts
        self.stats = Stats()
        self.app = App(opts, store, self.stats)
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

    def log(self, msg):
        if self.opts.verbose:
            with self._log_lock:
                sys.stderr.write(f"mock_api: {msg}\n")
                sys.stderr.flush()

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

    def respond(self, sock, req, resp, close):
        rid = self.request_ids.next()
        body = resp.finish(rid)
        headers = [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Content-Type", "application/json"),
            ("request-id", rid),
            ("Connection", "close" if close else "keep-alive"),
        ]
        write_response(sock, resp.status, headers, body, self.choose_framing(req))

    def serve_connection(self, raw, peer):
        self.stats.bump("connections")
        sock = raw
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
                self.stats.bump("handshakes")
            sock.settimeout(self.opts.idle_timeout)
            self.request_loop(sock, peer)
        finally:
            close_gracefully(sock)

    def request_loop(self, sock, peer):
        reader = Reader(sock)
        served = 0
        while True:
            try:
                req = read_request(reader)
            except ConnectionGone:
                return
            except BadRequest as e:
                self.log(f"{peer}: bad request: {e.message}")
                etype = "request_too_large" if e.status == 413 else "invalid_request_error"
                resp = App.error(e.status, etype, e.message)
                try:
                    self.respond(sock, None, resp, close=True)
                except (OSError, ssl.SSLError):
                    pass
                return
            served += 1
            if not req.decoded_path.startswith("/_mock/"):
                self.stats.bump("requests")
            try:
                resp = self.app.handle(req)
            except Exception:                   # a bug in the mock: say so, keep serving
                traceback.print_exc(file=sys.stderr)
                resp = App.error(500, "api_error", "mock_api internal error")
            limit = self.opts.max_requests_per_conn
            close = req.wants_close() or (limit > 0 and served >= limit)
            self.log(f"{peer}: {req.method} {req.target} -> {resp.status}"
                     f"{' (close)' if close else ''}")
            try:
                self.respond(sock, req, resp, close)
            except (OSError, ssl.SSLError) as e:
                self.log(f"{peer}: write failed: {e}")
                return
            if close:
                return

    def serve_forever(self, listener):
        while True:
            try:
                raw, addr = listener.accept()
            except OSError:
                continue
            peer = f"{addr[0]}:{addr[1]}"
            threading.Thread(target=self.serve_connection, args=(raw, peer), daemon=True).start()


def close_gracefully(sock):
    """Send TLS close_notify, half-close, then drain briefly before closing, so that unread
    request bytes do not turn the close into a reset that could destroy the response in flight.
    (After wrap_socket the raw socket object is detached: everything goes through `sock`.)"""
    plain = sock
    try:
        sock.settimeout(0.5)
        if isinstance(sock, ssl.SSLSocket):
            try:
                plain = sock.unwrap()       # close_notify, then wait briefly for the peer's
            except (OSError, ValueError):
                plain = sock                # SSLSocket.shutdown() below drops the TLS layer
        plain.settimeout(0.5)
        plain.shutdown(socket.SHUT_WR)
        for _ in range(64):
            if not plain.recv(65536):
                break
    except (OSError, ValueError):
        pass
    finally:
        for s in (plain, sock):
            try:
                s.close()
            except OSError:
                pass


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
                   help="scheme://host[:port] of the results_url values in the store")
    p.add_argument("--idle-timeout", type=float, default=30.0,
                   help="seconds a connection may sit idle or mid-request before it is closed")
    p.add_argument("--handshake-timeout", type=float, default=10.0,
                   help="seconds allowed for a TLS handshake")
    p.add_argument("--dump-store", action="store_true",
                   help="print the store as JSON Lines (newest first) and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    opts = p.parse_args(argv)
    if bool(opts.cert) != bool(opts.key):
        p.error("--cert and --key go together")
    if opts.batches < 0 or opts.max_requests_per_conn < 0:
        p.error("--batches and --max-requests-per-conn must not be negative")
    opts.results_base = opts.results_base.rstrip("/")
    return opts


def main(argv=None):
    opts = parse_args(argv)
    store = Store(opts.batches, opts.seed, opts.results_base)
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
