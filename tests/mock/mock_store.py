"""The mock's deterministic store of MessageBatch records (see mock_api.py for the whole picture).

Identifiers and timestamps, the generated store (newest first, every status and nullable field
both ways, unknown members, varied key order), and the one JSON serialization of normal bodies.
"""

import datetime
import hashlib
import json
import os
import random
import threading

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
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
    """(N MessageBatch dicts, newest first; {index: (succeeded, errored) so far} of the ones
    still processing)."""
    rng = random.Random(f"ambc-mock-store/{seed}")
    records = []
    progress = {}
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
        # The draws of what is done already are kept aside: a cancel through the API ends the
        # batch with them (succeeded, errored; the rest canceled).
        if status == "in_progress":
            done = rng.randint(0, total - 1)
            progress[i] = tuple(_split(rng, done, 2))
            counts["processing"] = total
        elif status == "canceling":
            cancel_at = created + rng.randint(1, DAY_US // 2)
            done = rng.randint(0, total - 1)
            progress[i] = tuple(_split(rng, done, 2))
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
    return records, progress


def _rotate(seq, k):
    k %= len(seq)
    return list(seq[k:]) + list(seq[:k])


def dumps(obj):
    """The one JSON serialization used for every body: compact, UTF-8, non-ASCII left as is."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Store:
    def __init__(self, n, seed, results_base):
        self.records, self.progress = build_store(n, seed, results_base)
        self.lines = [dumps(r) for r in self.records]
        self.index = {r["id"]: i for i, r in enumerate(self.records)}



# ---------------------------------------------------------------------------------------------
# Walk modes: endless pagination traps (POST /_mock/walk)

WALK_MODES = ("normal", "cycle", "endless")
MAX_CYCLE_LENGTH = 1_000_000


def synthetic_id(*parts):
    """A msgbatch_ id from `parts` that no store of any seed holds (other hash domain)."""
    return "msgbatch_" + base62(hashlib.sha256("/".join(
        ["ambc-mock-synthetic", *map(str, parts)]).encode()).digest(), 24)


def synthetic_record(rid, results_base):
    """A valid ended MessageBatch for id `rid`, every value derived from the id."""
    h = int.from_bytes(hashlib.sha256(rid.encode()).digest()[:8], "big")
    created = NEWEST_US - 400 * DAY_US + h % (300 * DAY_US)
    total = 1 + h % 5000
    ok = (h >> 20) % (total + 1)
    return {
        "id": rid,
        "type": "message_batch",
        "processing_status": "ended",
        "request_counts": {"processing": 0, "succeeded": ok, "errored": total - ok,
                           "canceled": 0, "expired": 0},
        "ended_at": rfc3339(created + 3_600_000_000),
        "created_at": rfc3339(created),
        "expires_at": rfc3339(created + DAY_US),
        "cancel_initiated_at": None,
        "archived_at": None,
        "results_url": f"{results_base}/v1/messages/batches/{rid}/results",
    }


class Walk:
    """The list mode: "normal" (the store), "cycle" (cursors c0..c{L-1} repeat) or "endless"
    (a fresh cursor on every page). Both traps answer `limit` synthetic records, has_more true."""

    def __init__(self, seed):
        self.seed = seed
        self._lock = threading.Lock()
        self._mode = {"mode": "normal"}

    def get(self):
        with self._lock:
            return dict(self._mode)

    def set(self, obj):
        """Validate and set a mode object; returns it, or raises ValueError with the reason."""
        if not isinstance(obj, dict) or obj.get("mode") not in WALK_MODES:
            raise ValueError(f"mode: expected one of {', '.join(WALK_MODES)}")
        extra = set(obj) - ({"mode", "length"} if obj["mode"] == "cycle" else {"mode"})
        if extra:
            raise ValueError(f"{obj['mode']}: unknown field {sorted(extra)[0]!r}")
        mode = {"mode": obj["mode"]}
        if obj["mode"] == "cycle":
            length = obj.get("length")
            if not isinstance(length, int) or isinstance(length, bool) \
                    or not 1 <= length <= MAX_CYCLE_LENGTH:
                raise ValueError(f"cycle.length: expected an integer 1..{MAX_CYCLE_LENGTH}")
            mode["length"] = length
        with self._lock:
            self._mode = mode
        return dict(mode)

    def _cycle_prefix(self, length):
        return synthetic_id("cycle", self.seed, length)[:9 + 16]

    def cycle_id(self, length, k):
        """c_k: a 16-character prefix of the cycle, then k in 8 base62 digits (most significant
        first), so a cursor maps back to k without a table."""
        k %= length
        digits = []
        for _ in range(8):
            k, r = divmod(k, 62)
            digits.append(BASE62[r])
        return self._cycle_prefix(length) + "".join(reversed(digits))

    def cycle_index(self, length, rid):
        prefix = self._cycle_prefix(length)
        if rid is None or len(rid) != len(prefix) + 8 or not rid.startswith(prefix):
            return None
        k = 0
        for c in rid[len(prefix):]:
            if c not in BASE62:
                return None
            k = k * 62 + BASE62.index(c)
        return k if k < length else None

    def page(self, mode, limit, after_id, before_id, results_base):
        """(records, has_more) of a trap page. The cursor record (last for after_id walks and
        the first query, first for before_id walks) is the next cursor of the trap."""
        cursor = before_id if before_id is not None else after_id
        if mode["mode"] == "cycle":
            length = mode["length"]
            k = self.cycle_index(length, cursor)
            nxt = self.cycle_id(length, 0 if k is None else k + 1)
        else:
            nxt = synthetic_id("endless", self.seed, cursor or "")
        fillers = [synthetic_id("walk-filler", self.seed, mode["mode"], cursor or "", j)
                   for j in range(limit - 1)]
        ids = [nxt] + fillers if before_id is not None else fillers + [nxt]
        return [synthetic_record(i, results_base) for i in ids], True
