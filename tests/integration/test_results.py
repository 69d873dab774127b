"""Results end to end: `ambc results` against the mock API over TLS on loopback.

What ambc delivers is compared with an independent decoder, Python's json, reading the same bytes
(downloaded here with http.client): the raw JSONL byte for byte and line for line (SHA-256 of
every line from the mock's digest), every summary (--summary --json), every block with its
text, thinking and tool input (--blocks, whose tool inputs are the JSON text as sent), and the
text (--text). Files with every result type, tool_use and thinking blocks, unknown members,
escapes, hostile encodings, CRLF endings and no final newline; lines across 64 KiB and one of
64 MiB (its peak RSS equal to a 100-byte line's); a connection cut at every header byte of the
results response and at a sample of body offsets (exactly-once delivery by line hashes, the
resume counted); a results_url on another origin refused with no byte sent there; a batch that
has not ended; a refused line named by its number; the beta flavour without ?beta=true on the
results URL. The official TypeScript SDK's results() against the same mock must yield the same
(SdkEquality, exit 77 without node, npm or the SDK).

    AMBC_CLI=build/bin/ambc_san AMBC_CLI_PLAIN=build/bin/ambc AMBC_NODE_DIR=build/bench/node \\
        /usr/bin/python3 tests/integration/test_results.py [Class ...]
    AMBC_SWEEP_FULL=1 ...   every body offset of the drop sweep (default: a sample)

Every server a test starts it stops by its own pid, even on failure.
"""

import hashlib
import http.client
import json
import os
import pty
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, gen_certs  # noqa: E402
import node_sdk  # noqa: E402
from cli_support import cli_env, stat  # noqa: E402

CLI = os.environ.get("AMBC_CLI", os.path.join(HERE, "..", "..", "build", "bin", "ambc"))
CLI_PLAIN = os.environ.get("AMBC_CLI_PLAIN", CLI)
NODE_DIR = os.environ.get("AMBC_NODE_DIR", "")
KEY = "sk-ant-test-results"
DAY_MS = 24 * 3600 * 1000
FAST = ["--retry-initial-ms", "1", "--retry-max-ms", "4", "--io-timeout-ms", "5000"]
USAGE = ("input_tokens", "output_tokens", "cache_creation_input_tokens",
         "cache_read_input_tokens")
BIG = 64 << 20


class Env:
    servers = []


def start(name, args):
    srv = MockServer(Env.tmp, name, ["--cert", os.path.join(Env.tmp, "server.pem"),
                                     "--key", os.path.join(Env.tmp, "server.key"),
                                     "--api-key", KEY, "-v", *args], cafile=Env.ca)
    Env.servers.append(srv)
    return srv


def setUpModule():
    Env.tmp = tempfile.mkdtemp(prefix="ambc-results-")
    gen_certs(Env.tmp)
    Env.ca = os.path.join(Env.tmp, "ca.pem")
    auto = ["--results-base", "auto", "--batch-duration-ms", "2000", "--chunked", "never"]
    Env.main = start("main", auto)
    # every response hostile (escapes, unknown members, spaces), CRLF, no final newline
    Env.hostile = start("hostile", [*auto, "--hostile", "--results-crlf",
                                    "--results-no-final-newline"])
    Env.rich = {srv: rich_batches(srv) for srv in (Env.main, Env.hostile)}


def tearDownModule():
    for s in Env.servers:
        s.stop()
    shutil.rmtree(Env.tmp, ignore_errors=True)


# ---- the mock, from here ---------------------------------------------------------------------

def api(server, method, path, body=None, headers=None):
    ctx = ssl.create_default_context(cafile=Env.ca)
    conn = http.client.HTTPSConnection("localhost", server.port, context=ctx, timeout=120)
    hdrs = {"x-api-key": KEY, "anthropic-version": "2023-06-01", **(headers or {})}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        hdrs["content-type"] = "application/json"
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    return resp.status, payload


def create(server, requests):
    status, payload = api(server, "POST", "/v1/messages/batches", {"requests": requests})
    assert status == 200, payload
    return json.loads(payload)["id"]


def request(custom_id, mock=None, **params):
    p = {"model": params.pop("model", "claude-sonnet-4-5"), "max_tokens": 100,
         "messages": [{"role": "user", "content": "hi"}], **params}
    if mock is not None:
        p["mock"] = mock
    return {"custom_id": custom_id, "params": p}


def rich_batches(server):
    """Two batches that end: every result type, block shape and size that matters."""
    shapes = [None, None, None, None, None, None,  # the mock's own mix (unknown members)
              {"blocks": ["text"], "text_bytes": 0},
              {"blocks": ["text"], "text_bytes": 1},
              {"blocks": ["thinking", "text", "tool_use"], "thinking_bytes": 3000,
               "text_bytes": 5000, "tool_input_bytes": 4000},
              {"blocks": ["tool_use", "tool_use"], "stop_reason": "tool_use"},
              {"blocks": ["text", "text"], "stop_reason": "stop_sequence"},
              {"blocks": [], "stop_reason": "max_tokens"},
              {"result": "errored", "error_type": "overloaded_error",
               "error_message": "caf\u00e9 \"quoted\" \\ \U0001F600 \n tab\t"},
              {"result": "errored"},
              {"result": "expired"}]
    first = create(server, [request(f"rich-{i:02d}", m, model=("claude-haiku-4-5" if i % 2
                                                                 else "claude-opus-4-1"))
                            for i, m in enumerate(shapes)])
    # finished or canceled: half the requests finish, then a cancel makes the rest canceled
    second = create(server, [request(f"cut-{i}", {"blocks": ["text"], "text_bytes": 50 + i})
                             for i in range(8)])
    server.advance(1100)
    status, payload = api(server, "POST", f"/v1/messages/batches/{second}/cancel")
    assert status == 200, payload
    server.advance(DAY_MS + 60_000)     # everything ends, expired ones included
    return first, second


def results_bytes(server, batch_id):
    """The results file as the mock serves it, through results_url, read by Python."""
    status, payload = api(server, "GET", f"/v1/messages/batches/{batch_id}")
    assert status == 200, payload
    url = json.loads(payload)["results_url"]
    path = url[url.index("/v1/"):]
    status, payload = api(server, "GET", path, headers={"accept": "application/binary"})
    assert status == 200, payload
    return payload


def lines_of(raw):
    """(line number, bytes) of each non-blank line, endings stripped as JSONL says."""
    out = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        line = line[:-1] if line.endswith(b"\r") else line
        if line.strip():
            out.append((n, line))
    return out


def expected(obj, line):
    """What ambc's --blocks line must be for this results line, from Python's json."""
    r = obj["result"]
    out = {"line": line, "custom_id": obj["custom_id"], "type": r["type"], "blocks": []}
    text = thinking = 0
    m = r.get("message")
    if m is not None:
        for src, dst in (("id", "message_id"), ("model", "model"), ("stop_reason", "stop_reason"),
                         ("stop_sequence", "stop_sequence")):
            if src in m:
                out[dst] = m[src]
        if "usage" in m:
            out["usage"] = {k: m["usage"][k] for k in USAGE if k in m["usage"]}
        for i, b in enumerate(m.get("content", [])):
            e = {"index": i, "type": b.get("type", "")}
            for k in ("text", "thinking", "input", "id", "name"):
                if k in b:
                    e[k] = b[k]
            text += len(b.get("text", "").encode())
            thinking += len(b.get("thinking", "").encode())
            out["blocks"].append(e)
    out["block_count"] = len(out["blocks"])
    err = r.get("error")
    if err is not None:
        inner = err.get("error", {})
        for src, dst in (("type", "error_type"), ("message", "error_message")):
            if src in inner:
                out[dst] = inner[src]
        if "request_id" in err:
            out["request_id"] = err["request_id"]
    out["text_bytes"], out["thinking_bytes"] = text, thinking
    return out


# ---- the CLI ---------------------------------------------------------------------------------

def env_for(server, base=None):
    return cli_env(KEY, base or f"https://localhost:{server.port}")


def cli(server, *args, binary=None, base=None, timeout=300):
    p = subprocess.Popen([binary or CLI, *args, "--ca-file", Env.ca], env=env_for(server, base),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=timeout)
    p.out, p.err = out, err.decode("utf-8", "replace")
    return p


def peak_rss_kb(server, *args):
    """Peak RSS of the plain CLI running `args` (GNU time's figure, measured from a process of
    its own: a child forked from this Python would count Python's pages), and its exit status."""
    out = os.path.join(Env.tmp, "time.txt")
    with open(os.devnull, "wb") as null:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, CLI_PLAIN, *args,
                            "--ca-file", Env.ca], env=env_for(server), stdout=null,
                           stderr=subprocess.PIPE, timeout=300)
    with open(out) as f:
        return int(f.read().split()[-1]), p.returncode


def blocks_lines(out):
    got = [json.loads(line) for line in out.decode("utf-8").split("\n") if line]
    for g in got:
        g.pop("input_bytes")    # the JSON text's size as sent: checked apart
    return got


class Equality(unittest.TestCase):
    """ambc and Python's json read the same files the same way."""

    def check_file(self, server, batch_id, every_mode=True):
        raw = results_bytes(server, batch_id)
        lines = lines_of(raw)
        want = [expected(json.loads(line), n) for n, line in lines]
        self.assertGreater(len(want), 0)
        r = cli(server, "results", batch_id)
        self.assertEqual(r.returncode, 0, r.err)
        self.assertEqual(r.out, raw)                    # byte for byte
        digest = server.results_digest(batch_id)
        self.assertEqual([hashlib.sha256(line).hexdigest() for _, line in lines],
                         [d["sha256"] for d in digest["lines"]])
        r = cli(server, "results", batch_id, "--blocks")
        self.assertEqual(r.returncode, 0, r.err)
        self.assertEqual(blocks_lines(r.out), want)
        if not every_mode:
            return want, None
        r = cli(server, "results", batch_id, "--summary", "--json")
        self.assertEqual(r.returncode, 0, r.err)
        summaries = [json.loads(line) for line in r.out.decode().split("\n") if line]
        self.assertEqual([{k: v for k, v in s.items() if k != "input_bytes"} for s in summaries],
                         [{k: v for k, v in w.items() if k != "blocks"} for w in want])
        r = cli(server, "results", batch_id, "--text")
        self.assertEqual(r.returncode, 0, r.err)
        self.assertEqual(r.out.decode("utf-8"), "".join(b["text"] + "\n" for w in want
                                                        for b in w["blocks"] if "text" in b))
        return want, summaries

    def test_every_shape_plain_and_hostile(self):
        """Every mode on the plain files; raw and --blocks on the hostile, CRLF ones."""
        types = set()
        for server in (Env.main, Env.hostile):
            for batch_id in Env.rich[server]:
                with self.subTest(server=server.log_path, batch=batch_id):
                    want, _ = self.check_file(server, batch_id, server is Env.main)
                    types |= {w["type"] for w in want}
                    kinds = {b["type"] for w in want for b in w["blocks"]}
                    print(f"\n  {os.path.basename(server.log_path)} {batch_id}: {len(want)} "
                          f"lines equal, blocks {sorted(kinds)}", file=sys.stderr)
        self.assertEqual(types, {"succeeded", "errored", "canceled", "expired"})

    def test_tool_input_is_the_json_text_as_sent(self):
        """input_bytes counts the input's JSON text as the server wrote it (compact UTF-8 in
        the plain file)."""
        first, _ = Env.rich[Env.main]
        raw = results_bytes(Env.main, first)
        r = cli(Env.main, "results", first, "--summary", "--json")
        got = {s["custom_id"]: s["input_bytes"]
               for s in map(json.loads, filter(None, r.out.split(b"\n")))}
        n = 0
        for _, line in lines_of(raw):
            obj = json.loads(line)
            inputs = [b["input"] for b in obj["result"].get("message", {}).get("content", [])
                      if "input" in b]
            size = sum(len(json.dumps(i, ensure_ascii=False, separators=(",", ":")).encode())
                       for i in inputs)
            self.assertEqual(got[obj["custom_id"]], size)
            n += len(inputs)
        self.assertGreaterEqual(n, 3)


class Sizes(unittest.TestCase):
    """Lines across 64 KiB (one SDK dropped them) and one of 64 MiB, in the same RAM."""

    def test_lines_across_64k_and_64m(self):
        sizes = [65534, 65535, 65536, 65537, 65538, 131072]
        reqs = [request(f"t{n}", {"blocks": ["text"], "text_bytes": n}) for n in sizes]
        reqs += [request(f"i{n}", {"blocks": ["tool_use"], "tool_input_bytes": n})
                 for n in (65535, 65536, 65537)]
        reqs.append(request("big", {"blocks": ["thinking", "text"], "text_bytes": BIG,
                                    "thinking_bytes": 70000}))
        batch_id = create(Env.main, reqs)
        small = create(Env.main, [request("small", {"blocks": ["text"], "text_bytes": 10})])
        Env.main.advance(DAY_MS)
        raw = results_bytes(Env.main, batch_id)
        want = [expected(json.loads(line), n) for n, line in lines_of(raw)]
        r = cli(Env.main, "results", batch_id, "--blocks", binary=CLI_PLAIN)
        self.assertEqual(r.returncode, 0, r.err)
        self.assertEqual(blocks_lines(r.out), want)
        got = {w["custom_id"]: w["text_bytes"] for w in want}
        self.assertEqual(got["big"], BIG)
        self.assertEqual([got[f"t{n}"] for n in sizes], sizes)
        r = cli(Env.main, "results", batch_id)          # the sanitizer build, raw
        self.assertEqual(r.returncode, 0, r.err)
        self.assertEqual(hashlib.sha256(r.out).digest(), hashlib.sha256(raw).digest())
        big_kb, rc = peak_rss_kb(Env.main, "results", batch_id, "--summary")
        self.assertEqual(rc, 0)
        small_kb, rc = peak_rss_kb(Env.main, "results", small, "--summary")
        self.assertEqual(rc, 0)
        line = max(len(line) for _, line in lines_of(raw))
        print(f"\n  peak RSS of the CLI: {big_kb} KB for a {line / 1e6:.1f} MB line, {small_kb} KB "
              f"for a {len(lines_of(results_bytes(Env.main, small))[0][1])}-byte line",
              file=sys.stderr)
        self.assertLess(abs(big_kb - small_kb), 512)


class DropSweep(unittest.TestCase):
    """The results response cut at every header byte and at a sample of body offsets (FIN, or
    RST now and then): each download succeeds after one retry (a cut before the answer's first
    byte on a kept-alive connection: one reconnect), the output is the file byte for
    byte (every line's SHA-256 as in the mock's digest: each line exactly once), and the lines
    skipped on the resume are counted. The cases run in a few processes (--repeat: one
    download per case, each taking the next queued cut, its retry a clean answer); a group
    that fails is run again case by case to name the offsets."""

    GROUP = 64

    def run_group(self, batch_id, path, cases):
        Env.main.clear_faults()
        for n, kind in cases:
            Env.main.add_faults({"fault": kind, "bytes": n, "path_prefix": path},
                                {"fault": "stall", "before_ms": 0, "path_prefix": path})
        return cli(Env.main, "results", batch_id, "--stats", "--repeat", str(len(cases)), *FAST)

    def check(self, r, cases, raw, digest, head):
        whole = [raw[:max(0, n - head)].count(b"\n") for n, _ in cases]   # lines before the cut
        low = sum(w for w, (_, k) in zip(whole, cases) if k == "close_after")
        high = sum(whole)   # after an RST the client may not have read all that was sent
        lines = r.out.split(b"\n")[:-1]
        # a cut before the first byte of the answer on a kept-alive connection is a stale
        # connection to the client: sent again on a new one, no retry spent (ambc.h)
        stale = sum(1 for n, _ in cases if n == 0)
        return (r.returncode == 0 and r.out == raw * len(cases) and
                stat(r.err, "retries") == len(cases) - stale and
                stat(r.err, "reconnects") >= stale and low <= stat(r.err, "resumed") <= high and
                [hashlib.sha256(line).hexdigest() for line in lines] == digest * len(cases))

    def test_cut_everywhere(self):
        reqs = [request(f"s{i}", m) for i, m in enumerate([
            {"blocks": ["text"], "text_bytes": 3000}, None,
            {"blocks": ["thinking", "text", "tool_use"], "tool_input_bytes": 900},
            {"result": "errored"}, {"blocks": ["text"], "text_bytes": 20}, None])]
        batch_id = create(Env.main, reqs)
        Env.main.advance(DAY_MS)
        raw = results_bytes(Env.main, batch_id)
        digest = [d["sha256"] for d in Env.main.results_digest(batch_id)["lines"]]
        path = f"/v1/messages/batches/{batch_id}/results"
        head, body = Env.main.response_sizes(path, {"x-api-key": KEY,
                                                    "anthropic-version": "2023-06-01"})
        self.assertEqual(body, len(raw))
        stride = 1 if os.environ.get("AMBC_SWEEP_FULL") else max(1, body // 45)
        ends = [i + 1 for i, c in enumerate(raw) if c == 10]
        offsets = list(range(head)) + sorted(set(
            list(range(head, head + body, stride)) +
            [head + e + d for e in ends for d in (-2, -1, 0, 1) if 0 <= e + d < body]))
        cases = [(n, "reset_after" if n % 7 == 3 else "close_after") for n in offsets]
        bad = []
        for g in range(0, len(cases), self.GROUP):
            group = cases[g:g + self.GROUP]
            if self.check(self.run_group(batch_id, path, group), group, raw, digest, head):
                continue
            for case in group:
                r = self.run_group(batch_id, path, [case])
                if not self.check(r, [case], raw, digest, head):
                    bad.append((case, r.returncode, r.err[-300:]))
        print(f"\n  results drop sweep: {len(offsets)} cases ({head} header offsets, "
              f"{len(offsets) - head} body offsets of {body} bytes), {len(bad)} failed",
              file=sys.stderr)
        self.assertEqual(bad, [])


class Refusals(unittest.TestCase):
    def test_other_origin_gets_no_byte(self):
        """results_url on another port of the same host name, or on another host name (the same
        address): refused before a byte is sent there."""
        seen = {"connections": 0, "bytes": 0}
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(8)
        lsock.settimeout(0.2)
        evil_port = lsock.getsockname()[1]
        stop = threading.Event()

        def listen():
            while not stop.is_set():
                try:
                    conn, _ = lsock.accept()
                except socket.timeout:
                    continue
                seen["connections"] += 1
                conn.settimeout(1)
                try:
                    while True:
                        data = conn.recv(65536)
                        if not data:
                            break
                        seen["bytes"] += len(data)
                except OSError:
                    pass
                conn.close()

        thread = threading.Thread(target=listen)
        thread.start()
        try:
            for k, base in enumerate((f"https://localhost:{evil_port}",
                                      f"https://127.0.0.1:{evil_port}")):
                evil = start(f"evil{k}", ["--results-base", base, "--batch-duration-ms", "10"])
                batch_id = create(evil, [request("x")])
                evil.advance(1000)
                r = cli(evil, "results", batch_id)   # the API at localhost:<mock's port>
                self.assertEqual(r.returncode, 5, r.err)
                self.assertIn("AMBC_ERR_RESULTS_ORIGIN", r.err)
                self.assertEqual(r.out, b"")
                evil.stop()
        finally:
            stop.set()
            thread.join()
            lsock.close()
        self.assertEqual(seen, {"connections": 0, "bytes": 0})

    def test_not_ended_makes_no_results_request(self):
        batch_id = create(Env.main, [request("slow", {"result": "expired"})])
        mark = os.path.getsize(Env.main.log_path)
        r = cli(Env.main, "results", batch_id)
        self.assertEqual(r.returncode, 4, r.err)
        self.assertIn("no results yet", r.err)
        with open(Env.main.log_path, "rb") as f:
            f.seek(mark)
            log = f.read().decode("utf-8", "replace")
        self.assertEqual(re.findall(r"(GET \S+) -> \d+", log),
                         [f"GET /v1/messages/batches/{batch_id}"])

    def test_refused_line_named(self):
        first, _ = Env.rich[Env.main]
        path = f"/v1/messages/batches/{first}/results"
        body = ('{"custom_id":"a","result":{"type":"expired"}}\n\n'
                '{"custom_id":"b","result":{"type":"canceled"}} junk\n')
        Env.main.clear_faults()
        Env.main.add_faults({"fault": "body", "status": 200, "body": body,
                             "content_type": "application/x-jsonl", "path_prefix": path})
        r = cli(Env.main, "results", first)
        self.assertEqual(r.returncode, 5, r.err)
        self.assertIn("results line 3 refused", r.err)
        self.assertIn("AMBC_ERR_RESULTS_TRAILING", r.err)

    def test_beta_keeps_no_query_on_the_results_url(self):
        first, _ = Env.rich[Env.main]
        mark = os.path.getsize(Env.main.log_path)
        r = cli(Env.main, "results", first, "--beta", "--summary")
        self.assertEqual(r.returncode, 0, r.err)
        with open(Env.main.log_path, "rb") as f:
            f.seek(mark)
            log = f.read().decode("utf-8", "replace")
        self.assertEqual(re.findall(r"(GET \S+) -> 200", log),
                         [f"GET /v1/messages/batches/{first}?beta=true",
                          f"GET /v1/messages/batches/{first}/results"])


class Progress(unittest.TestCase):
    """The progress line: on stderr when stderr is a terminal and the results are not, and its
    last figures are the file's; never in a pipe, never over results shown on the terminal."""

    PROGRESS = re.compile(rb"ambc: results: (\d+) lines, (\d+\.\d) MB, (\d+\.\d) MB/s")

    def run_on_pty(self, batch_id, *args, stdout_on_pty=False):
        """The CLI with stderr (and stdout when asked) on a pseudo-terminal; (status, what the
        terminal showed)."""
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen([CLI, "results", batch_id, *args, "--ca-file", Env.ca],
                                 env=env_for(Env.main), stdin=subprocess.DEVNULL,
                                 stdout=slave if stdout_on_pty else subprocess.DEVNULL,
                                 stderr=slave)
            os.close(slave)
            slave = None
            shown = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:     # EIO: the CLI has exited and closed its side
                    break
                if not chunk:
                    break
                shown += chunk
            return p.wait(timeout=120), shown
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)

    def test_progress_only_where_it_belongs(self):
        first, _ = Env.rich[Env.main]
        raw = results_bytes(Env.main, first)
        out = os.path.join(Env.tmp, "progress.jsonl")
        status, shown = self.run_on_pty(first, "-o", out)
        self.assertEqual(status, 0, shown)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), raw)
        last = self.PROGRESS.findall(shown)
        self.assertTrue(last, f"no progress line on the terminal: {shown!r}")
        lines, mb, _ = last[-1]
        self.assertEqual(int(lines), len(lines_of(raw)))
        self.assertEqual(mb.decode(), f"{len(raw) / 1e6:.1f}")
        self.assertTrue(shown.endswith(b"\r\n") or shown.endswith(b"\n"), shown[-80:])
        # a pipe: no progress line
        r = cli(Env.main, "results", first, "-o", out)
        self.assertEqual(r.returncode, 0, r.err)
        self.assertNotIn("ambc: results:", r.err)
        # the results themselves on the terminal: no progress line over them
        status, shown = self.run_on_pty(first, stdout_on_pty=True)
        self.assertEqual(status, 0, shown)
        self.assertIsNone(self.PROGRESS.search(shown), shown[-200:])
        self.assertEqual(shown.replace(b"\r\n", b"\n"), raw.replace(b"\r\n", b"\n"))


class SdkEquality(unittest.TestCase):
    """@anthropic-ai/sdk's results() and ambc, against the same mock, yield the same lines."""

    def test_same_results_as_the_sdk(self):
        node_dir = node_sdk.ensure_sdk(NODE_DIR, ["sdk_results.mjs"])
        for server in (Env.main, Env.hostile):
            for batch_id in Env.rich[server]:
                with self.subTest(server=server.log_path, batch=batch_id):
                    env = dict(env_for(server), NODE_EXTRA_CA_CERTS=Env.ca)
                    p = subprocess.run(["node", os.path.join(node_dir, "sdk_results.mjs"),
                                        batch_id], cwd=node_dir, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       timeout=300)
                    self.assertEqual(p.returncode, 0, p.stderr.decode()[-2000:])
                    sdk = [json.loads(line) for line in p.stdout.decode().split("\n") if line]
                    r = cli(server, "results", batch_id, "--blocks")
                    self.assertEqual(r.returncode, 0, r.err)
                    got = blocks_lines(r.out)
                    # the SDK yields objects, not line numbers: compare in order without them
                    want = [expected(obj, g["line"]) for obj, g in zip(sdk, got)]
                    self.assertEqual(len(sdk), len(got))
                    self.assertEqual(got, want)
                    print(f"\n  {os.path.basename(server.log_path)} {batch_id}: {len(sdk)} "
                          f"results equal to the SDK's", file=sys.stderr)


if __name__ == "__main__":
    # exit 77 (ctest's SKIP_RETURN_CODE) when every test that ran was skipped (no Node.js)
    res = unittest.main(exit=False, verbosity=2).result
    if res.wasSuccessful() and res.skipped and len(res.skipped) >= res.testsRun:
        sys.exit(77)
    sys.exit(0 if res.wasSuccessful() else 1)
