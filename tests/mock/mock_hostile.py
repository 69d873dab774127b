"""Hostile JSON for the mock API: the same values, written the way other encoders and proxies do.

A body written by HostileEncoder decodes (json.loads) to exactly the normal body plus unknown
members; restricted to the API's known keys it is equal to the normal body. What changes:
  - escapes anywhere in keys and values: characters as \\uXXXX (lower, upper or mixed-case hex;
    surrogate pairs for characters outside the BMP), "/" as \\/ (or \\u002f), short escapes
    (\\" \\\\ \\b \\f \\n \\r \\t) or their \\u forms where a character must be escaped;
  - unknown members in random positions of the objects a client must skip them in (records and
    the page's top level; error bodies' top level; results lines, their result, message, content
    blocks and usage): nulls, scalars, arrays of mixed values, objects of 16 to 300 keys, strings of
    5,000 characters, nesting of up to 20 levels (never more: the client's limit is 32 levels
    counted from the page root, and a record sits at level 3); with --hostile-big BYTES, one
    unknown string whose JSON text is exactly BYTES bytes long in the first record of each page;
  - whitespace between tokens (space, tab, CR, LF; in results lines space and tab only, since a
    line ends at LF).
Numbers are written as the normal encoder writes them. Every choice comes from the encoder's
random.Random, which the server seeds from --seed and the request (method and target), so the same
request gets the same bytes. The large unknown values come from a pool built once per process
from --seed (they are the expensive part to encode).
"""

import json
import random
import threading

SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                 "\t": "\\t", "/": "\\/"}
WS_BODY = (" ", "  ", "\t", "\n", "\r\n", " \n  ", "\n\t\t", "\r\n    ")
WS_LINE = (" ", "  ", "\t", " \t ")
MAX_UNKNOWN_DEPTH = 20          # containers in one unknown value, the value itself included

UNKNOWN_NAMES = ("x_future_field", "metadata", "_links", "extensions", "debug", "labels",
                 "beta_features", "trace", "annotations", "internal", "x-proxy-info", "meta",
                 "shard", "region", "tags", "\u00e9tiquette", "\U0001F4E6box", "a/b")


class Raw(str):
    """JSON text written verbatim by HostileEncoder (a pre-encoded value)."""


# Where unknown members go: role -> (how many unknowns: None, "small" or "large",
# {member name: role of its value}, role of list items).
ROLES = {
    "plain": (None, {}, "plain"),
    "page": ("large", {"data": "records"}, "plain"),
    "records": (None, {}, "record"),
    "record": ("large", {"request_counts": "plain"}, "plain"),
    "error": ("small", {"error": "plain"}, "plain"),
    "line": ("large", {"result": "result"}, "plain"),
    "result": ("large", {"message": "message", "error": "plain"}, "plain"),
    "message": ("large", {"content": "blocks", "usage": "usage"}, "plain"),
    "blocks": (None, {}, "block"),
    "block": ("large", {"input": "plain"}, "plain"),
    "usage": ("small", {}, "plain"),
}


def u_escape(ch, rng):
    """`ch` as \\uXXXX (a surrogate pair above U+FFFF), hex lower, upper or mixed case."""
    cp = ord(ch)
    units = (cp,) if cp <= 0xFFFF else (0xD800 + ((cp - 0x10000) >> 10),
                                        0xDC00 + ((cp - 0x10000) & 0x3FF))
    out = []
    for u in units:
        h = "%04x" % u
        r = rng.random()
        if r < 0.45:
            h = h.upper()
        elif r < 0.55:
            h = "".join(c.upper() if rng.random() < 0.5 else c for c in h)
        out.append("\\u" + h)
    return "".join(out)


def escape_string(s, rng, p):
    """The JSON string token for `s`: required escapes in random forms, "/" mostly as \\/, and any
    other character escaped with probability p."""
    out = ['"']
    for ch in s:
        if ch in SHORT_ESCAPES or ord(ch) < 0x20:
            short = SHORT_ESCAPES.get(ch)
            r = rng.random()
            if ch == "/" and r < 0.3:
                out.append("/")
            elif short is not None and r < 0.75:
                out.append(short)
            else:
                out.append(u_escape(ch, rng))
        elif p and rng.random() < p:
            out.append(u_escape(ch, rng))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def sample_text(rng, n):
    """n characters mixing ASCII, 2-, 3- and 4-byte UTF-8 and characters that need escaping."""
    alphabet = ("abcdefghij klmnop qrstuv wxyz ABC 0123456789 .,;:!?-_" * 4
                + "\u00e9\u00fc\u00df\u00f1\u0416\u05d0\u20ac\u2713\u4e2d\u6587\u3042"
                + "\U0001F600\U0001F680\U00010348" + '"\\/\n\t\r\b\f\u0001\u001f\u007f'
                + "\u2028\ufeff")
    return "".join(rng.choice(alphabet) for _ in range(n))


class HostileEncoder:
    """Writes one response body (or one results line) in hostile form.

    rng: the random.Random for this body; pool: an UnknownPool; line: True for a results line
    (no CR or LF between tokens); big: the JSON text of a --hostile-big string member, or None.
    """

    def __init__(self, rng, pool, line=False, big=None, p_escape=0.2):
        self.rng = rng
        self.pool = pool
        self.large_share = 0.15 if line else 1.0     # results lines: mostly small unknowns
        self.ws_choices = WS_LINE if line else WS_BODY
        self.big = big
        self.p_escape = p_escape
        self._names = 0

    def ws(self):
        rng = self.rng
        return "" if rng.random() < 0.55 else rng.choice(self.ws_choices)

    def string(self, s):
        return escape_string(s, self.rng, self.p_escape)

    def encode(self, value, role="plain"):
        """The hostile JSON text of `value` (dicts keep their order, unknowns added by `role`)."""
        return self.ws() + self.value(value, role) + self.ws()

    def value(self, v, role):
        if isinstance(v, Raw):
            return str(v)
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, str):
            return self.string(v)
        if isinstance(v, (int, float)):
            return json.dumps(v)
        unknowns, children, item_role = ROLES[role]
        if isinstance(v, (list, tuple)):
            if not v:
                return "[" + self.ws() + "]"
            return "[" + ",".join(self.ws() + self.value(x, item_role) + self.ws()
                                  for x in v) + "]"
        members = [(self.string(k), self.value(x, children.get(k, "plain")))
                   for k, x in v.items()]
        if unknowns is not None:
            self.add_unknowns(members, unknowns, v)
        if role == "record" and self.big is not None:
            members.insert(self.rng.randint(0, len(members)),
                           (self.string(self.unknown_name(v)), self.big))
            self.big = None             # the first record of the page only
        if not members:
            return "{" + self.ws() + "}"
        return "{" + ",".join(self.ws() + k + self.ws() + ":" + self.ws() + x + self.ws()
                              for k, x in members) + "}"

    def unknown_name(self, obj):
        self._names += 1
        name = f"{self.rng.choice(UNKNOWN_NAMES)}_{self._names}"
        return name if name not in obj else name + "_x"

    def add_unknowns(self, members, size, obj):
        rng = self.rng
        n = rng.randint(1, 3) if size == "large" else rng.randint(0, 1)
        for _ in range(n):
            kind = size if size == "small" or rng.random() < self.large_share else "small"
            text = self.pool.pick(rng, kind, self.ws_choices is WS_LINE)
            members.insert(rng.randint(0, len(members)),
                           (self.string(self.unknown_name(obj)), text))


class UnknownPool:
    """Pre-encoded unknown values (hostile JSON text), built once per process from the seed:
    small ones (null, scalars, short mixed arrays) and large ones (objects of 16..300 keys,
    5,000-character strings, nesting to MAX_UNKNOWN_DEPTH levels, long mixed arrays)."""

    def __init__(self, seed):
        self.seed = seed
        self._lock = threading.Lock()
        self._built = {}

    def _build(self, line):
        rng = random.Random(f"ambc-mock-unknown-pool/{self.seed}/{line}")
        enc = HostileEncoder(rng, None, line=line, p_escape=0.1)

        def text(v):
            return Raw(enc.value(v, "plain"))

        small = [Raw("null"), text(0), text(-12.5e-3), text(True), text("a\u00e9\U0001F600/z"),
                 text([1, None, "x\"y", False, {}, []]), text({"k": None})]
        large = []
        for n in (16, 40, 120, 300):
            large.append(text({f"k{i:03d}_{sample_text(rng, 3)}": rng.choice(
                [None, i, -i * 1.5, "v" * (i % 7), True, [], {}]) for i in range(n)}))
        for _ in range(3):
            large.append(text(sample_text(rng, 5000)))
        for depth in (4, 12, MAX_UNKNOWN_DEPTH):
            v = {"leaf": "bottom\u00e9", "n": depth}
            for level in range(depth - 1):
                v = [v, level, None] if level % 2 else {"down": v, "level": level, "s": "}]"}
            large.append(text(v))
        large.append(text([None, 1, -2.5e3, "str\"ing", True, {"a": [[], [{}]]}, [[0, [1]]],
                           sample_text(rng, 200), 1e100, False] * 8))
        large += small
        return {"small": small, "large": large}

    def pick(self, rng, size, line):
        with self._lock:
            if line not in self._built:
                self._built[line] = self._build(line)
            choices = self._built[line][size]
        return rng.choice(choices)


def big_string(size, seed):
    """A JSON string token (quotes included) of exactly `size` bytes (at least 2) that decodes to
    text with escapes and multi-byte characters: the --hostile-big member."""
    rng = random.Random(f"ambc-mock-hostile-big/{seed}")
    unit = escape_string(sample_text(rng, 2000), rng, 0.1)[1:-1].encode("utf-8")
    body = size - 2
    reps = body // len(unit)
    rest = body - reps * len(unit)
    return Raw('"' + (unit * reps).decode("utf-8") + "x" * rest + '"')
