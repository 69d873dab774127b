"""Results files (JSONL) of ended batches, generated from what was submitted, and streamed.

One line per request, in a deterministic shuffle of the request order (seeded by --seed and the
batch id), each {"custom_id":...,"result":{...}} in the shapes of batches-api.md:
  succeeded  a whole Message: id, type "message", role, model (from the params), content blocks,
             stop_reason, stop_sequence, usage (input_tokens, output_tokens,
             cache_creation_input_tokens, cache_read_input_tokens)
  errored    {"type":"errored","error":{"type":"error","error":{"type":...,"message":...},
             "request_id":"req_..."}}
  canceled   {"type":"canceled"};  expired  {"type":"expired"}
Content blocks: "text" (text), "thinking" (thinking, signature), "tool_use" (id, name, input: an
object with nesting, escapes and a payload string). Texts mix ASCII with 2-, 3- and 4-byte UTF-8
and characters that must be escaped (quote, backslash, control characters, line breaks). Shapes
and sizes come from the request's "mock" params extension (mock_create.py) or, by default, from
a hash of its custom_id: mostly one short text block, some thinking and tool_use blocks.
About a third of the lines carry an unknown member somewhere (line, result, message, block or
usage); hostile lines (x-mock-hostile: 1 or --hostile) are written by HostileEncoder instead:
escapes, unknown members, spaces and tabs between tokens (never CR or LF inside a line).

Store batches that have ended have results too, synthesised from their request_counts: custom_ids
req-000000, req-000001, ... and one line per request, so a 100,000-request batch is a large file.

Large strings are never built whole: a string of N bytes is a precomputed block (about 64 kB of
text, JSON-encoded once per process) repeated, plus a tail, so lines of 64 MB and files of 1 GB
stream at socket speed, and their length is known by construction (Content-Length framing
measures the lines first without materialising them).
"""

import base64
import bisect
import hashlib
import json
import random
import re
import threading

from mock_hostile import HostileEncoder, Raw, UnknownPool, escape_string
from mock_http import Stream

BLOCK_TARGET = 64 * 1024        # decoded bytes of a TextBlock
JOIN = 16                       # blocks per piece when a big string is sent
MARKER_RE = re.compile(r'"@@BIG(\d+)@@"')
CACHE_PLANS = 8
KEEP_RESULTS_BYTES = 64 * 1024 * 1024   # results files up to this size are kept once measured
KEEP_RESULTS_FILES = 4

VOCAB = {
    "text": ["The", "batch", "result", "is", "ready", "na\u00efve", "caf\u00e9", "Gr\u00f6\u00dfe",
             "\u00fcber", "\u65e5\u672c\u8a9e", "\u30c6\u30ad\u30b9\u30c8", "\u4e2d\u6587",
             "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
             "\u0440\u0443\u0441\u0441\u043a\u0438\u0439",
             "\u05e2\u05d1\u05e8\u05d9\u05ea", "\U0001F600", "\U0001F680", "\U0001D11E",
             "\U0001F44D\U0001F3FD", "\u20ac", "\u2713", "\u2014", "\u2026", 'quote"d',
             "back\\slash", "tab\there", "line\nbreak", "crlf\r\nend", "ctrl\u0001\u001f\u007f",
             "path/to/file", "<b>&amp;</b>", "\u2028sep", "\ufeffbom", "{json: [1, 2]}", "."],
    "thinking": ["Let", "me", "think", "step", "by", "step:", "first,", "the", "user", "asks",
                 "\u2192", "\u2200x\u2208S", "\u221a2", "\u00bd", "\u4e00\u4e8c\u4e09",
                 "\U0001F914", "\U00010348", '"quoted"', "a\\b", "\n\n", "\t-", "then", "so"],
    "tool": ["payload", "data", "\u00e9t\u00e9", "\u6570\u636e", "\U0001F4E6", '"', "\\",
             "/", "\n", "\t", "\u0001", "{}", "[]", "null", "0x1F"],
}
TOOL_NAMES = ("get_weather", "search_documents", "run_sql", "lookup_customer")


class Rep:
    """`unit` repeated `count` times: the middle of a large string, never joined whole."""

    __slots__ = ("unit", "count", "joined")

    def __init__(self, unit, count, joined):
        self.unit = unit
        self.count = count
        self.joined = joined            # unit * JOIN, shared

    def __len__(self):
        return len(self.unit) * self.count


def parts_len(parts):
    return sum(len(p) for p in parts)


def parts_iter(parts):
    for p in parts:
        if isinstance(p, Rep):
            for _ in range(p.count // JOIN):
                yield p.joined
            if p.count % JOIN:
                yield p.unit * (p.count % JOIN)
        elif p:
            yield p


class TextBlock:
    """About 64 kB of text of one kind, JSON-encoded once (normal or hostile escapes), and how to
    write a string of exactly N decoded UTF-8 bytes from it."""

    def __init__(self, kind, hostile, seed):
        rng = random.Random(f"ambc-mock-text/{seed}/{kind}")      # the same text both ways
        words = VOCAB[kind]
        enc_rng = random.Random(f"ambc-mock-text-escapes/{seed}/{kind}")
        encoded, cum_dec, cum_enc = [], [0], [0]
        while cum_dec[-1] < BLOCK_TARGET:
            for ch in rng.choice(words) + " ":
                if hostile:
                    e = escape_string(ch, enc_rng, 0.08)[1:-1]
                else:
                    e = json.dumps(ch, ensure_ascii=False)[1:-1]
                e = e.encode("utf-8")
                encoded.append(e)
                cum_dec.append(cum_dec[-1] + len(ch.encode("utf-8")))
                cum_enc.append(cum_enc[-1] + len(e))
        self.block = b"".join(encoded)
        self.joined = self.block * JOIN
        self.decoded = cum_dec[-1]
        self.cum_dec = cum_dec
        self.cum_enc = cum_enc

    def string(self, n, prefix=b""):
        """Parts of a JSON string token that decodes to exactly n UTF-8 bytes: `prefix` (ASCII,
        cut to n), then the block repeated, then the start of the block, then "a"s."""
        prefix = prefix[:n]
        rest = n - len(prefix)
        reps, rest = divmod(rest, self.decoded)
        k = bisect.bisect_right(self.cum_dec, rest) - 1
        tail = self.block[:self.cum_enc[k]] + b"a" * (rest - self.cum_dec[k])
        return [b'"' + prefix, Rep(self.block, reps, self.joined), tail + b'"']


ID_CHARS = bytes((b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" * 5)[:256])
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class IdMaker:
    """24-character base62 ids derived from a line's digest, one after the other."""

    def __init__(self, digest):
        self.digest = digest
        self._n = 0

    def next(self):
        self._n += 1
        raw = hashlib.sha256(self.digest + bytes([self._n])).digest()[:24]
        return raw.translate(ID_CHARS).decode("ascii")


class Entry:
    """One line to write: request index, custom_id, result type, model, input tokens, mock."""

    __slots__ = ("index", "custom_id", "outcome", "model", "input_tokens", "mock")

    def __init__(self, index, custom_id, outcome, model, input_tokens, mock):
        self.index = index
        self.custom_id = custom_id
        self.outcome = outcome
        self.model = model
        self.input_tokens = input_tokens
        self.mock = mock


class Variant:
    """How a results body is written: hostile lines, CRLF endings, a final line ending."""

    def __init__(self, hostile=False, crlf=False, final_newline=True):
        self.hostile = hostile
        self.crlf = crlf
        self.final_newline = final_newline

    @property
    def ending(self):
        return b"\r\n" if self.crlf else b"\n"


NORMAL_UNKNOWNS = [None, 0, True, "x\"y\\z/\u00e9\U0001F600", [1, None, {"a": []}],
                   {"nested": {"deeper": [1, 2.5, "three", {"four": None}]}, "n": -1},
                   {"k%02d" % i: i for i in range(20)}]


class Results:
    """Results bodies and digests; plans (the served order of a batch) and body lengths cached."""

    def __init__(self, seed):
        self.seed = seed
        self.pool = UnknownPool(seed)
        self._lock = threading.Lock()
        self._blocks = {}
        self._plans = {}
        self._measured = {}

    # -- plans ------------------------------------------------------------------------------------

    def _cached_plan(self, key, build):
        with self._lock:
            plan = self._plans.get(key)
        if plan is None:
            plan = build()
            with self._lock:
                if len(self._plans) >= CACHE_PLANS:
                    self._plans.pop(next(iter(self._plans)))
                self._plans[key] = plan
        return plan

    def live_plan(self, batch, outcomes):
        """Entries of a created batch in served order."""
        def build():
            order = list(range(batch.n))
            random.Random(f"ambc-mock-results-order/{self.seed}/{batch.id}").shuffle(order)
            return [Entry(i, batch.specs[i].custom_id, outcomes[i], batch.specs[i].model,
                          batch.specs[i].input_tokens, batch.specs[i].mock) for i in order]
        return self._cached_plan(("live", batch.id), build)

    def store_plan(self, rid, counts):
        """Entries of an ended store batch: outcomes from its request_counts, custom_ids
        req-000000..., models and input tokens from a hash."""
        def build():
            kinds = []
            for kind in ("succeeded", "errored", "canceled", "expired"):
                kinds += [kind] * counts.get(kind, 0)
            rng = random.Random(f"ambc-mock-results-store/{self.seed}/{rid}")
            rng.shuffle(kinds)
            order = list(range(len(kinds)))
            rng.shuffle(order)
            models = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
            return [Entry(i, f"req-{i:06d}", kinds[i], models[i % 3], 12 + i % 500, None)
                    for i in order]
        return self._cached_plan(("store", rid, tuple(sorted(counts.items()))), build)

    # -- lines ------------------------------------------------------------------------------------

    def block(self, kind, hostile):
        key = (kind, hostile)
        with self._lock:
            b = self._blocks.get(key)
        if b is None:
            b = TextBlock(kind, hostile, self.seed)
            with self._lock:
                self._blocks[key] = b
        return b

    def line(self, batch_id, e, hostile):
        """The parts (bytes and Rep) of the line for entry `e`, without its line ending.
        Everything comes from two hashes (no random.Random per line: seeding one costs more
        than writing a small line), and for hostile lines a random.Random seeded by the first."""
        d = hashlib.sha256(f"ambc-mock-line/{self.seed}/{batch_id}/{e.index}".encode()).digest()
        ids = IdMaker(d)
        bigs = []

        def big(kind, n, prefix=b""):
            bigs.append((kind, n, prefix))
            token = f"@@BIG{len(bigs) - 1}@@"
            return Raw(f'"{token}"') if hostile else token

        if e.outcome == "succeeded":
            h = int.from_bytes(hashlib.sha256(f"{self.seed}/{e.custom_id}".encode())
                               .digest()[:8], "big")
            result = {"type": "succeeded", "message": self.message(e, h, ids, big)}
        elif e.outcome == "errored":
            mock = e.mock or {}
            result = {"type": "errored", "error": {
                "type": "error",
                "error": {"type": mock.get("error_type", "invalid_request_error"),
                          "message": mock.get("error_message",
                                              f"mock: request {e.custom_id} was refused: "
                                              "max_tokens: \"too large\" for this model")},
                "request_id": "req_" + ids.next()}}
        else:
            result = {"type": e.outcome}
        obj = {"custom_id": e.custom_id, "result": result}
        rng = None
        if hostile:
            rng = random.Random(d)
            text = HostileEncoder(rng, self.pool, line=True, p_escape=0.15).encode(obj, "line")
        else:
            if d[31] < 90:                          # about a third of the lines
                self.add_unknown(obj, d)
            text = ENCODER.encode(obj)
        if not bigs:
            return [text.encode("utf-8")]
        pieces = MARKER_RE.split(text)
        parts = [pieces[0].encode("utf-8")]
        for k in range(1, len(pieces), 2):
            kind, n, prefix = bigs[int(pieces[k])]
            block = self.block(kind, hostile)
            if hostile and prefix:                  # the (ASCII) prefix escaped too
                prefix = prefix[:n]
                string = block.string(n - len(prefix))
                string[0] = b'"' + escape_string(prefix.decode("ascii"), rng, 0.3)[1:-1].encode()
                parts += string
            else:
                parts += block.string(n, prefix)
            parts.append(pieces[k + 1].encode("utf-8"))
        return parts

    def message(self, e, h, ids, big):
        mock = e.mock or {}
        blocks = mock.get("blocks")
        if blocks is None:
            blocks = (["text"] * 7 + [["thinking", "text"], ["text", "tool_use"],
                                      ["thinking", "text", "tool_use"]])[h % 10]
            blocks = [blocks] if isinstance(blocks, str) else blocks
        text_bytes = mock.get("text_bytes", 40 + h % 800)
        thinking_bytes = mock.get("thinking_bytes", 100 + (h >> 10) % 1500)
        tool_bytes = mock.get("tool_input_bytes", 60 + (h >> 20) % 400)
        content, out_bytes = [], 0
        for j, kind in enumerate(blocks):
            if kind == "text":
                prefix = f"[{e.custom_id}] ".encode("ascii")
                content.append({"type": "text", "text": big("text", text_bytes, prefix)})
                out_bytes += text_bytes
            elif kind == "thinking":
                sig = base64.b64encode(hashlib.sha512(ids.digest + bytes([j])).digest()
                                       * 3).decode()
                content.append({"type": "thinking", "thinking": big("thinking", thinking_bytes),
                                "signature": sig})
                out_bytes += thinking_bytes
            else:
                content.append({"type": "tool_use",
                                "id": "toolu_" + ids.next(),
                                "name": TOOL_NAMES[(h >> 30) % len(TOOL_NAMES)],
                                "input": self.tool_input(tool_bytes, big)})
                out_bytes += tool_bytes
        stop = mock.get("stop_reason")
        if stop is None:
            stop = "tool_use" if blocks and blocks[-1] == "tool_use" else "end_turn"
        return {
            "id": "msg_" + ids.next(),
            "type": "message",
            "role": "assistant",
            "model": e.model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": "\n\nHuman:" if stop == "stop_sequence" else None,
            "usage": {"input_tokens": e.input_tokens,
                      "cache_creation_input_tokens": 0 if h % 3 else (h >> 8) % 2048,
                      "cache_read_input_tokens": 0 if h % 5 else (h >> 16) % 4096,
                      "output_tokens": 1 + out_bytes // 4},
        }

    @staticmethod
    def tool_input(size, big):
        fixed = {"query": "weather in \"S\u00e3o Paulo\" \\ or /Z\u00fcrich/ \U0001F326",
                 "options": {"units": "metric", "days": 3, "ratio": -0.25, "flags": [True, None],
                             "nested": [{"deep": {"deeper": [[], {}, [{"k": "v\n"}]]}}]},
                 "payload": ""}
        fixed_len = len(json.dumps(fixed, ensure_ascii=False, separators=(",", ":")))
        fixed["payload"] = big("tool", max(0, size - fixed_len))
        return fixed

    @staticmethod
    def add_unknown(obj, d):
        """One unknown member in an object of a normal line, in a position drawn from d."""
        spots = [obj, obj["result"]]
        msg = obj["result"].get("message")
        if msg is not None:
            spots += [msg, msg["usage"]] + msg["content"]
        spot = spots[d[30] % len(spots)]
        items = list(spot.items())
        items.insert(d[29] % (len(items) + 1), (("x_mock_meta", "x_mock_trace", "ext")[d[28] % 3],
                                               NORMAL_UNKNOWNS[d[27] % len(NORMAL_UNKNOWNS)]))
        spot.clear()
        spot.update(items)

    # -- bodies -----------------------------------------------------------------------------------

    def body(self, batch_id, entries, variant):
        """A Stream of the results file."""
        ending = variant.ending
        last = len(entries) - 1
        total, kept = self.measure(batch_id, entries, variant.hostile)

        def pieces():
            for k, e in enumerate(entries):
                if kept is not None:
                    yield kept[k]
                else:
                    yield from parts_iter(self.line(batch_id, e, variant.hostile))
                if k < last or variant.final_newline:
                    yield ending

        endings = len(entries) if variant.final_newline else max(0, len(entries) - 1)
        return Stream(total + endings * len(ending), pieces)

    def measure(self, batch_id, entries, hostile):
        """(total bytes of the lines, endings excluded; the lines' bytes when the file is small,
        else None). Measured once per batch and kind; small files are kept (a few at most), so
        the Content-Length pass does not double the work of a file of many short lines."""
        key = (batch_id, len(entries), hostile)
        with self._lock:
            cached = self._measured.get(key)
        if cached is not None:
            return cached
        total, kept = 0, []
        for e in entries:
            parts = self.line(batch_id, e, hostile)
            n = parts_len(parts)
            total += n
            if kept is not None:
                if total > KEEP_RESULTS_BYTES or n > 1 << 20:     # large lines stay streamed
                    kept = None
                else:
                    kept.append(b"".join(parts_iter(parts)))
        with self._lock:
            if kept is not None:
                small = [k for k, v in self._measured.items() if v[1] is not None]
                if len(small) >= KEEP_RESULTS_FILES:
                    self._measured[small[0]] = (self._measured[small[0]][0], None)
            self._measured[key] = (total, kept)
        return total, kept

    def digest(self, batch_id, entries, variant):
        """Per line, in served order: custom_id, SHA-256 and size of its bytes (ending
        excluded); and the size of the whole body as served with `variant`."""
        _, kept = self.measure(batch_id, entries, variant.hostile)
        lines = []
        total = 0
        for k, e in enumerate(entries):
            h = hashlib.sha256()
            n = 0
            for piece in ([kept[k]] if kept is not None
                          else parts_iter(self.line(batch_id, e, variant.hostile))):
                h.update(piece)
                n += len(piece)
            lines.append({"custom_id": e.custom_id, "sha256": h.hexdigest(), "bytes": n})
            total += n
        endings = len(entries) if variant.final_newline else max(0, len(entries) - 1)
        return {"lines": lines, "bytes": total + endings * len(variant.ending),
                "line_ending": "crlf" if variant.crlf else "lf",
                "final_newline": variant.final_newline, "hostile": variant.hostile}
