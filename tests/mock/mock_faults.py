"""Fault injection for the mock API: the fault objects, their queue and the random faults.

The fault API (every fault, its fields, what it does) is documented at the top of mock_api.py.
"""

import random
import re
import threading

# ---------------------------------------------------------------------------------------------
# Fault injection (the fault API is described at the top of this file)

DEFAULT_PATH_PREFIX = "/v1/messages/batches"
CONNECTION_FAULTS = ("handshake_close", "handshake_stall")
BAD_CHUNK_SIZE_LINES = {"nonhex": b"zz", "overflow": b"fffffffffffffffffffff"}
BAD_CHUNK_FIRST = 16                    # bad_chunk: the first chunk holds at most this many bytes
MAX_FAULT_MS = 600_000
MAX_FAULT_BYTES = 64 * 1024 * 1024
MAX_REQUEST_OFFSET = 1 << 40            # drop_request.after_bytes: any offset into a request
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
    "status_after_handling": {"status": ("status", True), "type": ("text", False),
                              "message": ("text", False), "retry_after": ("header", False),
                              "retry_after_ms": ("header", False),
                              "should_retry": ("header", False)},
    "drop_request": {"after_bytes": ("offset", True), "how": ("how", False)},
    "lose_response": {"how": ("how", False)},
    "cut_response": {"bytes": ("count", True)},
    "handshake_close": {},
    "handshake_stall": {"ms": ("ms", True)},
    "late_bytes": {"data": ("ascii", True), "delay_ms": ("ms", True)},
    "extra_response": {"delay_ms": ("ms", True)},
    "idle_close": {"after_ms": ("ms", True), "how": ("how", False)},
    "body": {"status": ("status", True), "body": ("text", True), "content_type": ("header", False),
             "headers": ("headers", False)},
}
# Faults that act after the response, on the connection it leaves open.
AFTER_FAULTS = ("late_bytes", "extra_response", "idle_close")
# Faults whose response replaces the real one: the request is NOT handled (nothing created,
# canceled, deleted). Every other request fault except drop_request follows the handling.
REPLACING_FAULTS = ("status", "html", "body")
# Faults on the request side: taken as soon as the request line is read (see mock_api.py).
REQUEST_SIDE_FAULTS = ("drop_request",)
# Header names the "body" fault may not set: the server writes them itself.
RESERVED_HEADERS = ("content-length", "transfer-encoding", "connection")


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
        elif vkind == "offset":
            if not _is_int(value) or not 0 <= value <= MAX_REQUEST_OFFSET:
                raise FaultError(f"{kind}.{name}: expected an integer 0..{MAX_REQUEST_OFFSET}")
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
        elif vkind == "ascii":
            if not isinstance(value, str) or not value or not value.isascii() \
                    or len(value) > MAX_FAULT_BYTES:
                raise FaultError(f"{kind}.{name}: expected a non-empty ASCII string")
        elif vkind == "how":
            if value not in ("fin", "rst"):
                raise FaultError(f"{kind}.{name}: expected fin or rst")
        elif vkind == "headers":
            if not isinstance(value, dict):
                raise FaultError(f"{kind}.{name}: expected an object of header names and values")
            for hname, hvalue in value.items():
                if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", hname) \
                        or hname.lower() in RESERVED_HEADERS:
                    raise FaultError(f"{kind}.{name}: bad or reserved header name {hname!r}")
                if not isinstance(hvalue, str) or not re.fullmatch(r"[\x20-\x7e]*", hvalue):
                    raise FaultError(f"{kind}.{name}.{hname}: expected a printable ASCII string")
            value = dict(value)
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
    if kind in ("idle_close", "drop_request", "lose_response"):
        out.setdefault("how", "fin")
    if kind == "body":
        out.setdefault("content_type", "application/json")
    if kind in ("status", "status_after_handling"):
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

    def take_request_side(self, path):
        """The first queued request fault matching `path` when it is a request-side one
        (REQUEST_SIDE_FAULTS), taken; else None and the queue is left as it was."""
        with self._lock:
            for i, f in enumerate(self._items):
                if f["fault"] in CONNECTION_FAULTS or not path.startswith(f["path_prefix"]):
                    continue
                if f["fault"] not in REQUEST_SIDE_FAULTS:
                    return None
                f["times"] -= 1
                if f["times"] == 0:
                    del self._items[i]
                taken = dict(f)
                del taken["times"]
                return taken
        return None

    def has_request_side(self):
        """Is a request-side fault queued? (Then request lines are read byte by byte, so that
        nothing past a drop_request's byte N is taken off the connection.)"""
        with self._lock:
            return any(f["fault"] in REQUEST_SIDE_FAULTS for f in self._items)

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


