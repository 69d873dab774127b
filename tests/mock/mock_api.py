#!/usr/bin/python3
"""Mock Anthropic Message Batches API server for the ambc tests (Python 3 standard library only).

A threaded HTTPS (or plain HTTP) server, one thread per connection, speaking HTTP/1.1 by hand so
that the response framing is exactly what the options ask for. The contract it follows is
reference/batches-api.md (list and retrieve; create, cancel, delete and results are not served yet).

Usage: mock_api.py --help. Typical test use:
    mock_api.py --cert server.pem --key server.key --port 0 --port-file PORTFILE
then poll PORTFILE for "<port>\\n" (also printed on stdout as "READY <port>"), and stop the process
by its pid with SIGTERM (it exits 0).

Layout, top to bottom: identifiers and timestamps, the deterministic store, statistics, fault
injection, HTTP plumbing (request reader and THE response writer, write_response, which applies
the faults), the API routes, the connection loop, the command line.

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
  {"fault":"handshake_close"}              TLS only: reads the ClientHello record, then FIN
  {"fault":"handshake_stall","ms":T}       accepts, sends nothing for T ms, then FIN
Details. html: status defaults to 502, no request-id header. status: "type" defaults from the
status (529 overloaded_error, 429 rate_limit_error, 500 api_error, ...); headers retry-after,
retry-after-ms, x-should-retry appear only when given. "status" and "html" replace the response
(the request is not handled); the other request faults alter the real one. The connection is dead
after close_after, reset_after, body_shorter; closed (gracefully) after bad_chunk; otherwise still
usable (after body_longer the junk precedes the next response). handshake_close and
handshake_stall are connection faults: taken by the next accepted connections in queue order
(whatever they then request, /_mock/ included), path_prefix ignored; the others are never taken
by a connection. --random-faults P --fault-seed S: an API request that takes no queued fault gets,
with probability P, one of close_after / reset_after (random offset inside the response), stall
(<= 200 ms, before or mid-response), status 429 + retry-after-ms 1..50, status 529
overloaded_error, html 502; chosen from S and the request's number (API requests since start)
only. Every applied fault counts in faults_applied and is logged on stderr.
"""

import argparse
import datetime
import email.utils
import fcntl
import hashlib
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import termios
import threading
import time
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
        # Until processing of the whole batch ends, every request counts as processing (the
        # API reference: requests move to the other tallies only then). The draws stay, so
        # the random stream, and with it every later record, is what it always was.
        if status == "in_progress":
            done = rng.randint(0, total - 1)
            _split(rng, done, 2)
            counts["processing"] = total
        elif status == "canceling":
            cancel_at = created + rng.randint(1, DAY_US // 2)
            done = rng.randint(0, total - 1)
            _split(rng, done, 2)
            counts["processing"] = total
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
    served, not counting the mock's own /_mock/ endpoints (so reading stats does not move them);
    faults_applied: injected faults (queued or random, request or connection level)."""

    FIELDS = ("connections", "handshakes", "requests", "faults_applied")

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
# Fault injection (the fault API is described at the top of this file)

DEFAULT_PATH_PREFIX = "/v1/messages/batches"
CONNECTION_FAULTS = ("handshake_close", "handshake_stall")
BAD_CHUNK_SIZE_LINES = {"nonhex": b"zz", "overflow": b"fffffffffffffffffffff"}
BAD_CHUNK_FIRST = 16                    # bad_chunk: the first chunk holds at most this many bytes
MAX_FAULT_MS = 600_000
MAX_FAULT_BYTES = 64 * 1024 * 1024
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error",
               403: "permission_error", 404: "not_found_error", 408: "timeout_error",
               409: "conflict_error", 413: "request_too_large", 429: "rate_limit_error",
               500: "api_error", 504: "timeout_error", 529: "overloaded_error"}

# Fields each fault takes besides "fault", "times" and "path_prefix": name -> (kind, required).
FAULT_FIELDS = {
    "close_after": {"bytes": ("count", True)},
    "reset_after": {"bytes": ("count", True)},
    "stall": {"before_ms": ("ms", False), "at_byte": ("count", False), "ms": ("ms", False)},
    "drip": {"interval_ms": ("ms", True)},
    "bad_chunk": {"kind": ("bad_chunk_kind", True)},
    "conflicting_length": {},
    "huge_headers": {"bytes": ("count", True)},
    "body_longer": {"extra": ("count", True)},
    "body_shorter": {"missing": ("count", True)},
    "invalid_json": {},
    "html": {"status": ("status", False)},
    "status": {"status": ("status", True), "type": ("text", False), "message": ("text", False),
               "retry_after": ("header", False), "retry_after_ms": ("header", False),
               "should_retry": ("header", False)},
    "handshake_close": {},
    "handshake_stall": {"ms": ("ms", True)},
}


class FaultError(Exception):
    """A fault object that does not follow the fault API."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def normalize_fault(obj, tls):
    """Check one fault object from POST /_mock/faults; return it with its defaults filled in."""
    if not isinstance(obj, dict):
        raise FaultError("each fault must be a JSON object")
    kind = obj.get("fault")
    if kind not in FAULT_FIELDS:
        raise FaultError(f"fault: expected one of {', '.join(FAULT_FIELDS)}, got {kind!r}")
    spec = FAULT_FIELDS[kind]
    out = {"fault": kind}
    for name, value in obj.items():
        if name in ("fault", "times", "path_prefix"):
            continue
        if name not in spec:
            raise FaultError(f"{kind}: unknown field {name!r}")
        vkind = spec[name][0]
        if vkind == "count":
            if not _is_int(value) or not 0 <= value <= MAX_FAULT_BYTES:
                raise FaultError(f"{kind}.{name}: expected an integer 0..{MAX_FAULT_BYTES}")
        elif vkind == "ms":
            if not (_is_int(value) or isinstance(value, float)) or not 0 <= value <= MAX_FAULT_MS:
                raise FaultError(f"{kind}.{name}: expected a number of ms 0..{MAX_FAULT_MS}")
        elif vkind == "status":
            if not _is_int(value) or not 100 <= value <= 999:
                raise FaultError(f"{kind}.{name}: expected an HTTP status 100..999")
        elif vkind == "bad_chunk_kind":
            if value not in ("nonhex", "overflow", "missing_crlf"):
                raise FaultError(f"{kind}.{name}: expected nonhex, overflow or missing_crlf")
        elif vkind == "text":
            if not isinstance(value, str):
                raise FaultError(f"{kind}.{name}: expected a string")
        elif vkind == "header":
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif _is_int(value) or isinstance(value, float):
                value = str(value)
            if not isinstance(value, str) or not re.fullmatch(r"[\x20-\x7e]*", value):
                raise FaultError(f"{kind}.{name}: expected a printable ASCII string")
        out[name] = value
    for name, (_, required) in spec.items():
        if required and name not in out:
            raise FaultError(f"{kind}: field {name!r} is required")
    if kind == "stall" and set(out) - {"fault"} not in ({"before_ms"}, {"at_byte", "ms"}):
        raise FaultError('stall: give either "before_ms", or "at_byte" and "ms"')
    if kind == "html":
        out.setdefault("status", 502)
    if kind == "status":
        out.setdefault("type", ERROR_TYPES.get(out["status"], "api_error"))
    if kind == "handshake_close" and not tls:
        raise FaultError("handshake_close: this server does not speak TLS")
    times = obj.get("times", 1)
    if not _is_int(times) or times < 1:
        raise FaultError(f"{kind}.times: expected an integer >= 1")
    out["times"] = times
    if kind not in CONNECTION_FAULTS:
        prefix = obj.get("path_prefix", DEFAULT_PATH_PREFIX)
        if not isinstance(prefix, str) or not prefix.startswith("/"):
            raise FaultError(f'{kind}.path_prefix: expected a string starting with "/"')
        out["path_prefix"] = prefix
    return out


class FaultQueue:
    """The programmed faults, FIFO. Request and connection faults share one list (so GET shows
    them in the order they were queued) but are taken by different consumers."""

    def __init__(self, tls):
        self.tls = tls
        self._lock = threading.Lock()
        self._items = []

    def add(self, objs):
        faults = [normalize_fault(o, self.tls) for o in objs]     # all or nothing
        with self._lock:
            self._items += faults
            return self._snapshot()

    def clear(self):
        with self._lock:
            self._items = []
            return []

    def snapshot(self):
        with self._lock:
            return self._snapshot()

    def _snapshot(self):
        return [dict(f) for f in self._items]

    def _take(self, match):
        with self._lock:
            for i, f in enumerate(self._items):
                if match(f):
                    f["times"] -= 1
                    if f["times"] == 0:
                        del self._items[i]
                    taken = dict(f)
                    del taken["times"]
                    return taken
        return None

    def take_request(self, path):
        return self._take(lambda f: f["fault"] not in CONNECTION_FAULTS
                          and path.startswith(f["path_prefix"]))

    def take_connection(self):
        return self._take(lambda f: f["fault"] in CONNECTION_FAULTS)


def random_fault(seed, n, p):
    """The soak-test fault for API request number n (1-based), or None: depends on seed and n only.
    Offsets inside the response are drawn as a fraction ("_fraction") resolved at write time."""
    if p <= 0:
        return None
    rng = random.Random(f"ambc-mock-faults/{seed}/{n}")
    if rng.random() >= p:
        return None
    pick = rng.randrange(6)
    if pick == 0:
        return {"fault": "close_after", "bytes": None, "_fraction": rng.random()}
    if pick == 1:
        return {"fault": "reset_after", "bytes": None, "_fraction": rng.random()}
    if pick == 2:
        if rng.random() < 0.5:
            return {"fault": "stall", "before_ms": rng.randint(1, 200)}
        return {"fault": "stall", "at_byte": None, "_fraction": rng.random(),
                "ms": rng.randint(1, 200)}
    if pick == 3:
        return {"fault": "status", "status": 429, "type": "rate_limit_error",
                "retry_after_ms": str(rng.randint(1, 50))}
    if pick == 4:
        return {"fault": "status", "status": 529, "type": "overloaded_error"}
    return {"fault": "html", "status": 502}


def fault_offset(fault, name, total):
    """Byte offset `name` of `fault`, or a drawn fraction of the `total` response bytes."""
    if fault.get(name) is None:
        return int(fault.get("_fraction", 0.0) * total)
    return fault[name]


def filler_headers(n):
    """Header lines adding exactly n bytes to the head (for n >= 30; a little more below):
    "x-filler-K: <value>" lines of 100 bytes with their CRLF, the last one taking the rest."""
    pattern = "abcdefghijklmnopqrstuvwxyz0123456789" * 3
    lines = []
    k = 1
    while n > 0:
        name = f"x-filler-{k}: "
        size = 100 if n >= 130 else n
        vlen = max(1, size - len(name) - 2)
        lines.append(name + (pattern * (vlen // len(pattern) + 1))[:vlen])
        n -= len(name) + vlen + 2
        k += 1
    return lines


def corrupt_json(body):
    """Double one structural comma (outside strings) near the middle of the JSON text, preferring
    one between two objects ("},{"), so the text is no longer JSON. No comma: prepend one."""
    commas, in_str, esc = [], False, False
    for i, c in enumerate(body):
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:         # backslash
                esc = True
            elif c == 0x22:         # quote
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x2C:             # comma
            commas.append(i)
    if not commas:
        return b"," + body
    between = [i for i in commas if body[i - 1:i] == b"}" and body[i + 1:i + 2] == b"{"]
    mid = len(body) // 2
    at = min(between or commas, key=lambda i: abs(i - mid))
    return body[:at] + b"," + body[at:]


def junk_bytes(n):
    return (b"JUNK-AFTER-BODY;" * (n // 16 + 1))[:n]


def split_pieces(pieces, n):
    """(pieces holding the first n bytes, pieces holding the rest), write boundaries kept."""
    before, after, pos = [], [], 0
    for p in pieces:
        if pos + len(p) <= n:
            before.append(p)
        elif pos >= n:
            after.append(p)
        else:
            before.append(p[:n - pos])
            after.append(p[n - pos:])
        pos += len(p)
    return before, after


def send_all(sock, pieces):
    for p in pieces:
        if p:
            sock.sendall(p)


def sleep_ms(ms):
    if ms > 0:
        time.sleep(ms / 1000.0)


def wait_sent(sock, limit=2.0):
    """Wait (at most `limit` s) until the kernel send queue is empty: sent and acknowledged."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            queued = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ,
                                                    b"\0\0\0\0"))[0]
        except (OSError, ValueError):
            return
        if queued == 0:
            return
        time.sleep(0.005)


def close_hard(sock):
    """FIN without TLS close_notify: drop the TLS layer, half-close, drain what the peer still
    sends (so that unread bytes do not turn the close into a reset), close."""
    try:
        sock.settimeout(0.5)
        sock.shutdown(socket.SHUT_WR)       # on an SSLSocket: drops TLS, no close_notify
        for _ in range(64):
            if not sock.recv(65536):
                break
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def close_abort(sock):
    """RST: wait for what was written to leave, then close with SO_LINGER {1, 0}."""
    try:
        wait_sent(sock)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


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


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
           403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
           413: "Payload Too Large", 429: "Too Many Requests",
           431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
           529: "Overloaded"}


class Framing:
    """How one response is framed: 'length' or 'chunked', plus a PRNG private to this response
    (chunk sizes, extensions, write segmentation) so runs are reproducible."""

    def __init__(self, mode, rng, randomize):
        self.mode = mode
        self.rng = rng
        self.randomize = randomize      # random chunk sizes and write segmentation


# What the connection loop does after write_response: keep serving, close gracefully (TLS
# close_notify, FIN), close hard (FIN, no close_notify), or reset (RST).
KEEP, CLOSE, CLOSE_HARD, RESET = "keep", "close", "close-hard", "reset"


def write_response(sock, status, headers, body, framing, fault=None):
    """THE response writer: every response goes out through here.

    status: int; headers: list of (name, value) without framing headers (this function adds
    Content-Length or Transfer-Encoding); body: bytes; framing: Framing; fault: a request fault
    (see the top of the file) or None. Builds the exact byte pieces to send (the fault may change
    the body, the head, the framing), then sends them in order (the fault may cut, pause or drip
    them). Returns KEEP, CLOSE, CLOSE_HARD or RESET: what the connection must do next.
    """
    kind = fault["fault"] if fault else None
    after = KEEP
    mode = framing.mode
    if kind in ("bad_chunk", "conflicting_length"):
        mode = "chunked"
    elif kind in ("body_longer", "body_shorter"):
        mode = "length"
    if kind == "invalid_json":
        body = corrupt_json(body)
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in headers]
    if kind == "huge_headers":
        head += filler_headers(fault["bytes"])
    pieces = []
    if mode == "chunked":
        if kind == "conflicting_length":
            head.append(f"Content-Length: {len(body)}")
        head.append("Transfer-Encoding: chunked")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        chunks = chunk_list(body, framing)
        if kind == "bad_chunk":
            size_line, data, end = chunks[0]
            if len(data) > BAD_CHUNK_FIRST:     # the violation comes early in the body
                chunks[0:1] = [(b"%x" % BAD_CHUNK_FIRST, data[:BAD_CHUNK_FIRST], end),
                               (b"%x" % (len(data) - BAD_CHUNK_FIRST), data[BAD_CHUNK_FIRST:],
                                end)]
                size_line, data, end = chunks[0]
            if fault["kind"] == "missing_crlf":
                end = b""
            else:
                size_line = BAD_CHUNK_SIZE_LINES[fault["kind"]]
            chunks[0] = (size_line, data, end)
            after = CLOSE
        pieces += [size_line + b"\r\n" + data + end for size_line, data, end in chunks]
    else:
        declared = len(body) + (fault["missing"] if kind == "body_shorter" else 0)
        head.append(f"Content-Length: {declared}")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if kind == "body_longer":
            pieces[0] += body + junk_bytes(fault["extra"])
        elif kind == "body_shorter":
            pieces[0] += body
            after = CLOSE_HARD
        elif framing.randomize:
            pieces += segment(body, framing.rng)
        elif body:
            pieces[0] += body

    if kind == "stall" and "before_ms" in fault:
        sleep_ms(fault["before_ms"])
    elif kind == "stall":
        before, rest = split_pieces(pieces, fault_offset(fault, "at_byte", sum(map(len, pieces))))
        send_all(sock, before)
        sleep_ms(fault["ms"])
        pieces = rest
    elif kind in ("close_after", "reset_after"):
        pieces, _ = split_pieces(pieces, fault_offset(fault, "bytes", sum(map(len, pieces))))
        after = CLOSE_HARD if kind == "close_after" else RESET
    elif kind == "drip":
        wire = b"".join(pieces)
        pieces = []
        for i in range(len(wire)):
            if i:
                sleep_ms(fault["interval_ms"])
            sock.sendall(wire[i:i + 1])
    send_all(sock, pieces)
    return after


def chunk_list(body, framing):
    """Chunked encoding of `body` as (size line, data, b"\r\n") triples, the last chunk last."""
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
        out.append((f"{size_text}{ext}".encode("ascii"), data, b"\r\n"))
    out.append((b"0", b"", b"\r\n"))                        # last chunk, no trailers
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
    def __init__(self, opts, store, stats, faults):
        self.opts = opts
        self.store = store
        self.stats = stats
        self.faults = faults

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
        shown = {k: v for k, v in fault.items() if k != "path_prefix"}
        self._stderr(f"fault on {where}: {dumps(shown)}")

    def take_fault(self, req):
        """The fault for API request `req`: the first matching queued one, else maybe random."""
        with self._resp_lock:
            self._api_no += 1
            n = self._api_no
        fault = self.faults.take_request(req.decoded_path)
        if fault is None:
            fault = random_fault(self.opts.fault_seed, n, self.opts.random_faults)
        if fault is not None:
            self.stats.bump("faults_applied")
            self.log_fault(f"{req.method} {req.target}", fault)
        return fault

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
        else:
            if kind == "status":
                resp = App.error(fault["status"], fault["type"],
                                 fault.get("message", f"mock fault: injected {fault['type']}"))
            status = resp.status
            body = resp.finish(rid)
            headers = [date, ("Content-Type", "application/json"), ("request-id", rid), conn]
            if kind == "status":
                for field, name in (("retry_after", "retry-after"),
                                    ("retry_after_ms", "retry-after-ms"),
                                    ("should_retry", "x-should-retry")):
                    if field in fault:
                        headers.append((name, fault[field]))
        return write_response(sock, status, headers, body, self.choose_framing(req), fault)

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
                self.stats.bump("handshakes")
            sock.settimeout(self.opts.idle_timeout)
            after = self.request_loop(sock, peer)
        finally:
            if after == RESET:
                close_abort(sock)
            elif after == CLOSE_HARD:
                close_hard(sock)
            else:
                close_gracefully(sock)

    def request_loop(self, sock, peer):
        """Serve requests until the connection ends; returns how to close it (CLOSE, ...)."""
        reader = Reader(sock)
        served = 0
        while True:
            try:
                req = read_request(reader)
            except ConnectionGone:
                return CLOSE
            except BadRequest as e:
                self.log(f"{peer}: bad request: {e.message}")
                etype = "request_too_large" if e.status == 413 else "invalid_request_error"
                resp = App.error(e.status, etype, e.message)
                try:
                    self.respond(sock, None, resp, close=True)
                except (OSError, ssl.SSLError):
                    pass
                return CLOSE
            served += 1
            fault = None
            if not req.decoded_path.startswith("/_mock/"):
                self.stats.bump("requests")
                fault = self.take_fault(req)
            try:
                if fault is not None and fault["fault"] in ("status", "html"):
                    resp = None                 # replaced: the request is not handled
                else:
                    resp = self.app.handle(req)
            except Exception:                   # a bug in the mock: say so, keep serving
                traceback.print_exc(file=sys.stderr)
                resp = App.error(500, "api_error", "mock_api internal error")
            limit = self.opts.max_requests_per_conn
            close = req.wants_close() or (limit > 0 and served >= limit)
            self.log(f"{peer}: {req.method} {req.target} -> "
                     f"{resp.status if resp else fault['status']}{' (close)' if close else ''}")
            try:
                after = self.respond(sock, req, resp, close, fault)
            except (OSError, ssl.SSLError) as e:
                self.log(f"{peer}: write failed: {e}")
                return CLOSE
            if after != KEEP:
                return after
            if close:
                return CLOSE

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
    p.add_argument("--random-faults", type=float, default=0.0, metavar="P",
                   help="inject a random safe fault into each API request with probability P")
    p.add_argument("--fault-seed", type=int, default=1, metavar="S",
                   help="seed of the random faults (default 1)")
    p.add_argument("--dump-store", action="store_true",
                   help="print the store as JSON Lines (newest first) and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log each request to stderr")
    opts = p.parse_args(argv)
    if bool(opts.cert) != bool(opts.key):
        p.error("--cert and --key go together")
    if opts.batches < 0 or opts.max_requests_per_conn < 0:
        p.error("--batches and --max-requests-per-conn must not be negative")
    if not 0.0 <= opts.random_faults <= 1.0:
        p.error("--random-faults must be between 0 and 1")
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
