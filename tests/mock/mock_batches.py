"""Batches as the API shows them: the generated store plus the batches created through the API,
their lifecycle on the mock clock, cancel and delete, and list pages over all of them.

Lifecycle of a created batch of N requests (D: --batch-duration-ms, C: --cancel-delay-ms):
request i finishes at created + D*(i+1)/N (a request whose params ask "mock":{"result":"expired"}
never does); until processing ends every request counts as processing. Processing ends when the
last request finishes (or at expires_at = created + 24 h, whichever comes first: the unfinished
ones are then expired), or C after a cancel (the requests finished before the cancel keep their
result, the rest are canceled). Then processing_status is "ended", ended_at is set, and
results_url is <results base>/v1/messages/batches/{id}/results.

Generated-store batches are fixed snapshots, except that a cancel turns an in_progress one into
canceling (cancel_initiated_at = now) and C later into ended (the requests it had done so far
keep their result, the rest are canceled); a delete removes an ended one. Positions (and so list
cursors) never move: a deleted batch is skipped by list pages but is still a valid cursor.
"""

import hashlib
import threading
import time

from mock_store import DAY_US, NEWEST_US, base62, dumps, rfc3339

HOUR_US = 3_600_000_000


class Clock:
    """Mock time: real time plus an offset that only grows (POST /_mock/clock). It never reads
    earlier than an hour after the store's newest batch, so created batches are the newest."""

    def __init__(self):
        self._lock = threading.Lock()
        self._offset = max(0, NEWEST_US + HOUR_US - time.time_ns() // 1000)

    def now_us(self):
        with self._lock:
            return time.time_ns() // 1000 + self._offset

    def advance_ms(self, ms):
        with self._lock:
            self._offset += int(round(ms * 1000))

    def snapshot(self):
        with self._lock:
            offset = self._offset
        now = time.time_ns() // 1000 + offset
        return {"now": rfc3339(now), "now_us": now, "offset_ms": offset / 1000}


class LiveBatch:
    """A batch created through the API."""

    def __init__(self, rid, created_us, specs, raw, sha256, size, duration_us):
        self.id = rid
        self.created_us = created_us
        self.expires_us = created_us + DAY_US
        self.specs = specs
        self.n = len(specs)
        self.raw = raw                  # the create body (bytes), or None when too large to keep
        self.sha256 = sha256
        self.size = size
        self.duration_us = max(1, duration_us)
        self.never = {i for i, s in enumerate(specs)
                      if s.mock is not None and s.mock.get("result") == "expired"}
        self.cancel_us = None
        self.deleted = False
        self._outcomes = None

    def finished(self, i, t):
        """Has request i finished by time t?"""
        return i not in self.never and self.created_us + self.duration_us * (i + 1) // self.n <= t

    def end(self, cancel_delay_us):
        """(when processing ends, why: "done", "canceled" or "expired")."""
        if self.cancel_us is not None:
            return min(self.cancel_us + cancel_delay_us, self.expires_us), "canceled"
        natural = self.created_us + self.duration_us
        if not self.never and natural <= self.expires_us:
            return natural, "done"
        return self.expires_us, "expired"

    def outcomes(self, cancel_delay_us):
        """The result type of each request, once processing has ended (computed once)."""
        if self._outcomes is None:
            _, why = self.end(cancel_delay_us)
            cut = {"done": None, "canceled": self.cancel_us, "expired": self.expires_us}[why]
            out = []
            for i, spec in enumerate(self.specs):
                asked = spec.mock.get("result", "succeeded") if spec.mock else "succeeded"
                if cut is None or self.finished(i, cut):
                    out.append(asked)
                else:
                    out.append(why)
            self._outcomes = out
        return self._outcomes

    def record(self, now, results_base, cancel_delay_us):
        """The MessageBatch object at mock time `now`."""
        end, _ = self.end(cancel_delay_us)
        counts = {"processing": self.n, "succeeded": 0, "errored": 0, "canceled": 0,
                  "expired": 0}
        ended = now >= end
        if ended:
            counts["processing"] = 0
            for kind in self.outcomes(cancel_delay_us):
                counts[kind] += 1
        status = "ended" if ended else ("canceling" if self.cancel_us is not None
                                        else "in_progress")
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": status,
            "request_counts": counts,
            "ended_at": rfc3339(end) if ended else None,
            "created_at": rfc3339(self.created_us),
            "expires_at": rfc3339(self.expires_us),
            "cancel_initiated_at": None if self.cancel_us is None else rfc3339(self.cancel_us),
            "archived_at": None,
            "results_url": (f"{results_base}/v1/messages/batches/{self.id}/results"
                            if ended else None),
        }


class Batches:
    """All batches: created ones (newest first) before the store's. Thread-safe.

    opts: results_base, batch_duration_ms, cancel_delay_ms, propagation_ms, seed. Every method
    that returns records takes `base`: the scheme://host[:port] of their results_url values
    (--results-base, or with "auto" the one the request was addressed to); the store was built
    with opts.store_base and its records are rewritten when that differs."""

    def __init__(self, store, opts, clock):
        self.store = store
        self.opts = opts
        self.clock = clock
        self.lock = threading.RLock()
        self.live = []                  # oldest first
        self.live_pos = {}              # id -> index in self.live
        self.deleted = set()
        self.store_cancel = {}          # store index -> cancel_initiated_at (us)
        self._created = 0

    # -- lookups ------------------------------------------------------------------------------

    @property
    def cancel_delay_us(self):
        return int(self.opts.cancel_delay_ms * 1000)

    def _position(self, rid):
        """Position of batch `rid` in the list (deleted ones too), or None."""
        if rid in self.live_pos:
            return len(self.live) - 1 - self.live_pos[rid]
        idx = self.store.index.get(rid)
        return None if idx is None else len(self.live) + idx

    def _at(self, pos):
        """("live", LiveBatch) or ("store", index) at list position `pos`."""
        if pos < len(self.live):
            return "live", self.live[len(self.live) - 1 - pos]
        return "store", pos - len(self.live)

    def _id(self, ref):
        kind, x = ref
        return x.id if kind == "live" else self.store.records[x]["id"]

    def find(self, rid):
        """("live", LiveBatch) or ("store", index) of a batch that exists, or None."""
        with self.lock:
            if rid in self.deleted:
                return None
            if rid in self.live_pos:
                return "live", self.live[self.live_pos[rid]]
            idx = self.store.index.get(rid)
            return None if idx is None else ("store", idx)

    def propagating(self, ref, now):
        """True while a newly created batch still answers 404 (--propagation-ms)."""
        return ref[0] == "live" and now < ref[1].created_us + int(self.opts.propagation_ms * 1000)

    def render(self, ref, now, base):
        """(MessageBatch dict, its normal JSON text) of `ref` at mock time `now`."""
        kind, x = ref
        if kind == "live":
            rec = x.record(now, base, self.cancel_delay_us)
            return rec, dumps(rec)
        if x in self.store_cancel:
            rec = self._store_canceled(x, now, base)
            return rec, dumps(rec)
        rec, line = self.store.records[x], self.store.lines[x]
        if base != self.opts.store_base and rec["results_url"] is not None:
            rec = dict(rec, results_url=base + rec["results_url"][len(self.opts.store_base):])
            line = line.replace(self.opts.store_base + "/", base + "/", 1)
        return rec, line

    def _store_canceled(self, idx, now, base):
        """A store batch canceled through the API, as it is at `now` (same key order)."""
        orig = self.store.records[idx]
        cancel = self.store_cancel[idx]
        end = cancel + self.cancel_delay_us
        rec = dict(orig)
        rec["cancel_initiated_at"] = rfc3339(cancel)
        counts = dict(orig["request_counts"])
        if now >= end:
            total = sum(counts.values())
            ok, err = self.store.progress[idx]
            counts.update(processing=0, succeeded=ok, errored=err, canceled=total - ok - err,
                          expired=0)
            rec.update(processing_status="ended", ended_at=rfc3339(end),
                       results_url=f"{base}/v1/messages/batches/"
                                   f"{orig['id']}/results")
        else:
            rec["processing_status"] = "canceling"
        rec["request_counts"] = counts
        return rec

    def status(self, ref, now):
        return self.render(ref, now, "")[0]["processing_status"]

    # -- the write side -------------------------------------------------------------------------

    def create(self, specs, raw, sha256, size, keep_limit):
        """A new batch from validated `specs`; `raw` (the body) is kept when under keep_limit."""
        with self.lock:
            self._created += 1
            rid = "msgbatch_" + base62(hashlib.sha256(
                f"ambc-mock-created/{self.opts.seed}/{self._created}".encode()).digest(), 24)
            now = self.clock.now_us()
            if self.live:
                now = max(now, self.live[-1].created_us + 1)    # strictly newer than the last
            batch = LiveBatch(rid, now, specs, raw if size < keep_limit else None, sha256, size,
                              int(self.opts.batch_duration_ms * 1000))
            self.live_pos[rid] = len(self.live)
            self.live.append(batch)
            return batch

    def cancel(self, rid, base):
        """(200, record dict) or (status, error type, message)."""
        with self.lock:
            ref = self.find(rid)
            if ref is None:
                return 404, "not_found_error", f"No batch with id {rid!r}"
            now = self.clock.now_us()
            status = self.status(ref, now)
            if status == "ended":
                return 400, "invalid_request_error", \
                    f"Batch {rid} has already ended processing and cannot be canceled"
            if status == "in_progress":
                kind, x = ref
                if kind == "live":
                    x.cancel_us = now
                elif x in self.store.progress:
                    self.store_cancel[x] = now
            return 200, self.render(ref, now, base)[0]

    def delete(self, rid):
        """(200, deleted object) or (status, error type, message)."""
        with self.lock:
            ref = self.find(rid)
            if ref is None:
                return 404, "not_found_error", f"No batch with id {rid!r}"
            status = self.status(ref, self.clock.now_us())
            if status != "ended":
                return 400, "invalid_request_error", \
                    f"Batch {rid} cannot be deleted while its processing_status is " \
                    f"{status}; cancel it and wait until it has ended"
            self.deleted.add(rid)
            if ref[0] == "live":
                ref[1].deleted = True
            return 200, {"id": rid, "type": "message_batch_deleted"}

    def live_batch(self, rid):
        """A created batch by id, deleted ones included (for /_mock/ endpoints), or None."""
        with self.lock:
            pos = self.live_pos.get(rid)
            return None if pos is None else self.live[pos]

    def summary(self):
        """The created batches, newest first, for GET /_mock/batches."""
        with self.lock:
            now = self.clock.now_us()
            return [{"id": b.id, "requests": b.n, "deleted": b.deleted, "body_bytes": b.size,
                     "sha256": b.sha256, "created_at": rfc3339(b.created_us),
                     "processing_status": b.record(now, "", self.cancel_delay_us)[
                         "processing_status"]}
                    for b in reversed(self.live)]

    # -- list pages ------------------------------------------------------------------------------

    def page(self, limit, after_id, before_id, base):
        """(list of (record dict, normal JSON text), has_more), or raises KeyError(cursor name)
        for an unknown cursor."""
        with self.lock:
            now = self.clock.now_us()
            total = len(self.live) + len(self.store.records)
            if before_id is not None:
                pos = self._position(before_id)
                if pos is None:
                    raise KeyError("before_id")
                refs = self._collect(range(pos - 1, -1, -1), limit + 1)
                has_more = len(refs) > limit
                refs = list(reversed(refs[:limit]))
            else:
                start = 0
                if after_id is not None:
                    pos = self._position(after_id)
                    if pos is None:
                        raise KeyError("after_id")
                    start = pos + 1
                if not self.live and not self.deleted and not self.store_cancel \
                        and base == self.opts.store_base:
                    hi = min(len(self.store.records), start + limit)     # the plain store
                    items = list(zip(self.store.records[start:hi], self.store.lines[start:hi]))
                    return items, hi < len(self.store.records)
                refs = self._collect(range(start, total), limit + 1)
                has_more = len(refs) > limit
                refs = refs[:limit]
            return [self.render(r, now, base) for r in refs], has_more

    def _collect(self, positions, n):
        out = []
        for pos in positions:
            ref = self._at(pos)
            if self._id(ref) in self.deleted:
                continue
            out.append(ref)
            if len(out) == n:
                break
        return out

