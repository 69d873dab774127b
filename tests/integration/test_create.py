"""create, cancel, delete and wait: the real CLI against the mock API over TLS on loopback.

What the mock received and holds is the oracle (/_mock/batches, /_mock/batches/{id}/request,
/_mock/stats, the request log of `mock_api.py -v`), moved through time with the mock clock
(/_mock/clock). Every call runs in both flavours, GA and beta (?beta=true + anthropic-beta), and
the log shows which path each one took. The CLI under test is the ASan+UBSan build (AMBC_CLI);
peak-RSS figures come from the plain one (AMBC_CLI_PLAIN), since ASan's allocator would be
measured instead of ambc's.

Run by ctest: integration.create (everything but the SDK comparison) and integration.create_sdk
(the official TypeScript SDK creates the same batch from the same file: SdkEquality, exit 77 when
node, npm or the SDK cannot be had). By hand:
    AMBC_CLI=build/bin/ambc_san AMBC_CLI_PLAIN=build/bin/ambc AMBC_NODE_DIR=build/bench/node \
        /usr/bin/python3 tests/integration/test_create.py [Class ...]

Every server a test starts it stops by its own pid, even on failure.
"""

import hashlib
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, gen_certs  # noqa: E402
import node_sdk  # noqa: E402
from cli_support import cli_env, stat  # noqa: E402

CLI = os.environ.get("AMBC_CLI", os.path.join(HERE, "..", "..", "build", "bin", "ambc"))
CLI_PLAIN = os.environ.get("AMBC_CLI_PLAIN", CLI)
NODE_DIR = os.environ.get("AMBC_NODE_DIR", "")
KEY = "sk-ant-test-create"
KNOWN = ("id", "type", "processing_status", "request_counts", "created_at", "expires_at",
         "ended_at", "cancel_initiated_at", "archived_at", "results_url")
FLAVOURS = (("ga", ()), ("beta", ("--beta",)))
DURATION_MS = 600_000           # a created batch's processing, in mock time: it never ends alone
DAY_MS = 24 * 3600 * 1000
MAX_BODY = 268_435_456
GRACE_POLLS = 7                 # a wait's polls of a 404 before it believes it (see the test)
GRACE_S = 30                    # CONFIG_AMBC_WAIT_NOT_FOUND_MS


class Env:
    servers = []
    waits = []


def setUpModule():
    Env.tmp = tempfile.mkdtemp(prefix="ambc-create-")
    gen_certs(Env.tmp)
    Env.ca = os.path.join(Env.tmp, "ca.pem")
    tls = ["--cert", os.path.join(Env.tmp, "server.pem"),
           "--key", os.path.join(Env.tmp, "server.key"), "--api-key", KEY, "-v",
           "--results-base", "auto", "--batches", "3"]
    Env.main = start("main", [*tls, "--batch-duration-ms", str(DURATION_MS)])
    # every retrieve of a new batch is a 404 for a minute of mock time: the test decides when
    # the batch becomes visible by moving the clock
    Env.prop = start("prop", [*tls, "--batch-duration-ms", "1000", "--propagation-ms", "60000"])
    # for the waits on an unknown id, which take the CLI's whole 404 grace (30 s): started
    # now, on their own server (they would move main's counters), collected by a test
    Env.lonely = start("lonely", tls)
    for _, flag in FLAVOURS:
        p = cli_popen(Env.lonely, "wait", "msgbatch_" + "0" * 24, "--stats", *flag)
        # collected by a thread as soon as it exits, so its elapsed time is its own
        th = threading.Thread(target=finish, args=(p, time.monotonic(), 120))
        th.start()
        Env.waits.append((flag, th, p))


def tearDownModule():
    for _, th, p in Env.waits:
        if p.poll() is None:
            os.kill(p.pid, 9)
            p.wait()
    for s in Env.servers:
        s.stop()
    shutil.rmtree(Env.tmp, ignore_errors=True)


def start(name, args):
    s = MockServer(Env.tmp, name, args, cafile=Env.ca)
    Env.servers.append(s)
    return s


def env_for(server):
    return cli_env(KEY, f"https://localhost:{server.port}")


def cli_popen(server, *args, binary=None):
    return subprocess.Popen([binary or CLI, *args, "--ca-file", Env.ca], env=env_for(server),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(p, t0, timeout=120):
    out, err = p.communicate(timeout=timeout)
    p.elapsed = time.monotonic() - t0
    p.out = out.decode("utf-8")
    p.err = err.decode("utf-8")
    return p


def cli(server, *args, binary=None, timeout=120):
    t0 = time.monotonic()
    return finish(cli_popen(server, *args, binary=binary), t0, timeout)


def records(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def log_mark(server):
    return os.path.getsize(server.log_path)


def api_log(server, since, batch_id=None):
    """(method, target, status) of each API request the mock logged since `since` (a
    log_mark), only those about batch_id when given. The mock logs a request before it
    answers it, so a finished CLI's requests are all there."""
    with open(server.log_path, "rb") as f:
        f.seek(since)
        text = f.read().decode("utf-8", "replace")
    calls = re.findall(r"mock_api: \S+: (\w+) (/v1/\S*) -> (\d+)", text)
    return [(m, t, int(s)) for m, t, s in calls
            if batch_id is None or t.split("?")[0].split("/")[4:5] == [batch_id]]


def wait_for_log(server, since, batch_id, count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = api_log(server, since, batch_id)
        if len(calls) >= count:
            return calls
        time.sleep(0.02)
    raise AssertionError(f"the mock saw {api_log(server, since, batch_id)} of {batch_id}")


def api_get(server, path):
    """GET an API path straight from the mock (the reference answer), as JSON."""
    c = http.client.HTTPSConnection("localhost", server.port, timeout=30,
                                    context=ssl.create_default_context(cafile=Env.ca))
    c.request("GET", path, headers={"x-api-key": KEY, "anthropic-version": "2023-06-01"})
    r = c.getresponse()
    body = json.loads(r.read())
    c.close()
    return r.status, body


def body_of(server, batch_id):
    """The create body the mock received for batch_id, decoded by Python's json."""
    req = server.create_request(batch_id)
    assert req["body"] is not None, f"{batch_id}: body over 16 MB not kept"
    return json.loads(req["body"]), req


def created(server):
    return {b["id"]: b for b in server.created_batches()}


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def expected_body(path):
    """What a create from this JSONL file must send, decoded: the requests of its non-blank
    lines, in order (Python's json, the independent decoder)."""
    with open(path, "rb") as f:
        return {"requests": [json.loads(line) for line in f.read().split(b"\n") if line.strip()]}


# ---------------------------------------------------------------------------------------------
# Request files

def params(text, **extra):
    p = {"model": "claude-sonnet-4-5", "max_tokens": 1024,
         "messages": [{"role": "user", "content": text}]}
    p.update(extra)
    return p


def line(custom_id, p, **dumps):
    return json.dumps({"custom_id": custom_id, "params": p}, **dumps)


def rich_file(path):
    """Requests as people and tools write them: JSON escapes of every kind (written by hand,
    so the file holds them as escapes), raw non-ASCII, a 300 KB text whose multi-byte
    characters straddle every read buffer, whitespace and CRLF, blank lines, params before
    custom_id, full Messages params (system blocks, tools, tool_use/tool_result, an image,
    numbers in every JSON form), the longest custom_id, and a last line with no newline.
    Returns (path, requests, errored, expired): what the mock's "mock" extension will make of
    them once processed."""
    P = ('{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":'
         '%s}]%s}')
    escapes = ('"quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t ctl \\u0001\\u001f nul \\u0000'
               ' seps \\u2028\\u2029 pair \\ud83d\\ude00 upper \\u00E9\\u00e9 end"')
    long_text = ("é😀日x\\n" * 30000) + "z" * 7
    tools = {"name": "get_weather", "description": "Weather at a place — «quoted»",
             "input_schema": {"type": "object", "required": ["place"], "properties": {
                 "place": {"type": "string"},
                 "when": {"type": "object", "properties": {"day": {"type": "integer",
                                                                    "minimum": 0}}}}}}
    full = {
        "max_tokens": 2048, "model": "claude-opus-4-1",   # key order of its own
        "system": [{"type": "text", "text": "Tu es un assistant météo.",
                    "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Quel temps à Zürich ? 🌦"},
                {"type": "image", "source": {
                    "type": "base64", "media_type": "image/png",
                    "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
                            "hgGAWjR9awAAAABJRU5ErkJggg=="}}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather",
                 "input": {"place": "Zürich", "when": {"day": 0}, "flags": [True, False, None]}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01", "content": "12 °C, bruine"}]}],
        "tools": [tools], "tool_choice": {"type": "auto"},
        "temperature": 0.7, "top_p": 0.9, "top_k": 40, "stop_sequences": ["\n\nHuman:", "</a>"],
        "metadata": {"user_id": "u-42"},
    }
    numbers = ('{"model":"m","max_tokens":150,"temperature":1e-3,"top_k":-0,'
               '"messages":[{"role":"user","content":"numbers"}],"metadata":{"user_id":null},'
               '"tools":[{"name":"n","input_schema":{"type":"object","properties":{},'
               '"examples":[1.5E+2,-0.0,2E-7,0.1,123456789012,1.0,true,false,null]}}]}')
    lines = [
        '{"custom_id":"esc-1","params":%s}\n' % (P % (escapes, "")),
        line("utf8-1", params("Grüße, naïve café — ☃ 日本語 😀 𝄞 Ω≈ç√"),
             ensure_ascii=False) + "\n",
        line("utf8-escaped", params("Grüße 😀 𝄞"), ensure_ascii=True) + "\n",
        "\n",
        '{"custom_id":"long-1","params":%s}\n' % (P % ('"' + long_text + '"', "")),
        ' \t{ "params" :\t{ "model" : "claude-haiku-4-5" , "max_tokens" : 5 , "messages" : '
        '[ { "role" : "user" , "content" : "spaced" } ] } , "custom_id" : "params-first" }\r\n',
        "  \t\r\n",
        line("full-1", full, ensure_ascii=False, indent=None) + "\n",
        '{"custom_id":"numbers","params":%s}\n' % numbers,
        line("errored-1", params("fail me", mock={"result": "errored",
                                                  "error_type": "overloaded_error"})) + "\n",
        line("expired-1", params("never done", mock={"result": "expired"})) + "\n",
        line("A-z_0-9" + "x" * 57, params("longest custom_id")) + "\n",
        line("last", params("no newline after me")),
    ]
    write(path, "".join(lines))
    return path, 11, 1, 1


def small_file(path, n, tag="s", text_bytes=0, first=0):
    """n small requests, one compact line each (custom_ids tag-000000, ...)."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(first, first + n):
            f.write(line(f"{tag}-{i:06d}", params(f"Reading {i}: «{i % 97} °C» ✓ " +
                                                  "x" * text_bytes),
                         ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


# ---------------------------------------------------------------------------------------------

class Create(unittest.TestCase):
    """A create sends the file's requests, exactly (as JSON); --wait follows the batch to its
    end."""

    def test_create_sends_the_file(self):
        path, n, _, _ = rich_file(os.path.join(Env.tmp, "rich.jsonl"))
        want = expected_body(path)
        self.assertEqual(len(want["requests"]), n)
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                before, mark = created(Env.main), log_mark(Env.main)
                r = cli(Env.main, "create", path, "--json", "--stats", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                [b] = records(r.out)
                self.assertEqual(list(b), list(KNOWN))
                self.assertEqual(b["processing_status"], "in_progress")
                self.assertEqual(b["request_counts"], {"processing": n, "succeeded": 0,
                                                       "errored": 0, "canceled": 0, "expired": 0})
                self.assertEqual([k for k in created(Env.main) if k not in before], [b["id"]])
                self.assertEqual(created(Env.main)[b["id"]]["requests"], n)
                got, req = body_of(Env.main, b["id"])
                self.assertEqual(got, want)
                # one request on one connection, to the flavour's path
                self.assertEqual(api_log(Env.main, mark),
                                 [("POST", "/v1/messages/batches" +
                                   ("?beta=true" if flag else ""), 200)])
                # the batch as the API holds it is what was printed
                status, held = api_get(Env.main, f"/v1/messages/batches/{b['id']}")
                self.assertEqual((status, {k: held[k] for k in KNOWN}), (200, b))
                self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests"),
                                  stat(r.err, "retries")), (1, 1, 0))
                print(f"\n  {name}: {n} requests, body {req['bytes']} bytes, file "
                      f"{os.path.getsize(path)} bytes", file=sys.stderr)

    def test_create_wait(self):
        path, n, errored, expired = rich_file(os.path.join(Env.tmp, "rich-wait.jsonl"))
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                before, mark = created(Env.main), log_mark(Env.main)
                t0 = time.monotonic()
                p = cli_popen(Env.main, "create", path, "--wait", "--json", "--stats", *flag)
                # the create is answered (logged before its answer): move the clock past the
                # expired request's 24 h, so the wait's second poll sees the batch ended
                wait_for_log(Env.main, mark, None, 1)
                [bid] = [k for k in created(Env.main) if k not in before]
                wait_for_log(Env.main, mark, bid, 1)
                Env.main.advance(DAY_MS + 60_000)
                r = finish(p, t0)
                self.assertEqual(r.returncode, 0, r.err)
                first, last = records(r.out)
                self.assertEqual((first["id"], first["processing_status"]), (bid, "in_progress"))
                self.assertEqual(last["id"], bid)
                self.assertEqual(last["processing_status"], "ended")
                counts = last["request_counts"]
                self.assertEqual(counts, {"processing": 0, "succeeded": n - errored - expired,
                                          "errored": errored, "canceled": 0, "expired": expired})
                self.assertEqual(sum(counts.values()), n)
                self.assertIsNotNone(last["ended_at"])
                self.assertTrue(last["results_url"].startswith(
                    f"https://localhost:{Env.main.port}/"))
                # the expired request kept it running until expires_at, on the mock clock
                self.assertEqual(last["ended_at"], last["expires_at"])
                self.assertGreater(Env.main.clock()["now"], last["ended_at"])
                q = "?beta=true" if flag else ""
                calls = api_log(Env.main, mark)
                self.assertEqual(calls[0], ("POST", "/v1/messages/batches" + q, 200))
                self.assertEqual(calls[1:], [("GET", f"/v1/messages/batches/{bid}{q}", 200)] * 2)
                # create and both polls on one connection, kept alive through the wait's sleep
                self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests"),
                                  stat(r.err, "retries")), (1, 3, 0))
                self.assertEqual(body_of(Env.main, bid)[0], expected_body(path))


class Refusals(unittest.TestCase):
    """Requests the API would refuse, found before anything is sent: exit 2, the line named,
    and nothing reaches the server (no connection, no request, no batch)."""

    def refused(self, path, pattern, **kw):
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name, file=os.path.basename(path)):
                before, stats = created(Env.main), Env.main.stats()
                r = cli(Env.main, "create", path, "--json", "--stats", *flag, **kw)
                after = Env.main.stats()
                self.assertEqual(r.returncode, 2, r.err)
                self.assertRegex(r.err, pattern)
                self.assertEqual(r.out, "")
                self.assertEqual((after["connections"] - stats["connections"],
                                  after["requests"] - stats["requests"]), (0, 0))
                self.assertEqual(created(Env.main), before)
                self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests")), (0, 0))
        return r

    def file(self, name, *lines):
        return write(os.path.join(Env.tmp, name), "".join(lines))

    def test_invalid_custom_id(self):
        ok = line("ok-1", params("x")) + "\n"
        cases = {
            "space": '{"custom_id":"a b","params":{}}',
            "empty": line("", params("x")),
            "too-long": line("a" * 65, params("x")),
            "unicode": line("café", params("x"), ensure_ascii=False),
            "escaped-dot": '{"custom_id":"a\\u002eb","params":{}}',
            "nul": '{"custom_id":"a\\u0000b","params":{}}',
            "number": '{"custom_id":17,"params":{}}',
            "missing": '{"params":%s}' % json.dumps(params("x")),
        }
        for case, text in cases.items():
            path = self.file(f"id-{case}.jsonl", ok, "\n", text + "\n", ok.replace("ok-1", "ok-2"))
            r = self.refused(path, rf"{re.escape(path)}, line 3: ")
            self.assertRegex(r.err, r"custom_id")

    def test_duplicate_custom_id_names_both_lines(self):
        path = self.file("dup.jsonl", *(line(f"r-{i}", params("x")) + "\n" for i in range(5)),
                         "\n", line("r-2", params("again")) + "\n")
        self.refused(path, rf'{re.escape(path)}, line 7: custom_id "r-2" is used already, '
                           r"on line 3\b")

    def test_params_not_an_object_or_not_json(self):
        ok = line("ok", params("x")) + "\n"
        for case, text in {"array": '{"custom_id":"b","params":[1]}',
                           "string": '{"custom_id":"b","params":"{}"}',
                           "null": '{"custom_id":"b","params":null}',
                           "truncated": '{"custom_id":"b","params":{"model":"m",}}',
                           "cut": '{"custom_id":"b","params":{"model":"m"',
                           "no-params": '{"custom_id":"b"}',
                           "line-array": '[{"custom_id":"b","params":{}}]',
                           "two-objects": '{"custom_id":"b","params":{}}{"custom_id":"c"}',
                           "trailing": '{"custom_id":"b","params":{}} x',
                           "raw-control": '{"custom_id":"b","params":{"a":"\x01"}}'}.items():
            path = self.file(f"params-{case}.jsonl", ok, text + "\n")
            self.refused(path, rf"{re.escape(path)}, line 2: ")

    def test_unknown_key_on_a_line(self):
        path = self.file("key.jsonl", line("a", params("x")) + "\n",
                         '{"custom_id":"b","params":{"model":"m"},"method":"POST"}\n')
        self.refused(path, rf"{re.escape(path)}, line 2: a key other than custom_id and params")

    def test_empty_file(self):
        for case, text in {"empty": "", "blank": "\n \n\t\r\n"}.items():
            path = self.file(f"{case}.jsonl", text)
            self.refused(path, rf"{re.escape(path)}: no requests")

    def test_more_than_100000_requests(self):
        path = small_file(os.path.join(Env.tmp, "100001.jsonl"), 100_001, "c")
        # the CLI names the count, not a line (it stops at the 100,001st)
        self.refused(path, rf"{re.escape(path)}: more than 100,000 requests")
        os.unlink(path)

    huge = None

    @classmethod
    def tearDownClass(cls):
        if cls.huge is not None:
            os.unlink(cls.huge[0])

    @classmethod
    def huge_file(cls):
        """A file whose create body would pass 256 MB: requests of about 1 MiB of escapes and
        non-ASCII, written one line at a time (never whole in memory), until the body passes
        256 MB and two lines more (about 258 MiB). Returns it and the line whose request
        takes the body past 256 MB: the lines are compact, so each adds its own size, and a
        comma, to the body."""
        if cls.huge is None:
            path = os.path.join(Env.tmp, "huge.jsonl")
            unit = 'Ligne «%d»: \\"q\\" \\\\ \\n ☃ 😀 \\u00e9 — '.encode("utf-8")
            body = len(b'{"requests":[') + len(b"]}") - 1     # -1: no comma before the first
            line_no, i = None, 0
            with open(path, "wb") as f:
                while line_no is None or i < line_no + 2:
                    head = b'{"custom_id":"big-%03d","params":{"model":"claude-sonnet-4-5",' \
                           b'"max_tokens":64,"messages":[{"role":"user","content":"' % i
                    text = b"".join(unit % k for k in range(i * 20000, i * 20000 + 20000))
                    tail = b'"}]}}'
                    f.write(head + text + tail + b"\n")
                    body += len(head) + len(text) + len(tail) + 1
                    i += 1
                    if line_no is None and body > MAX_BODY:
                        line_no = i
            cls.huge = (path, line_no)
        return cls.huge

    def test_body_over_256_mb(self):
        path, line_no = self.huge_file()
        self.refused(path, rf"{re.escape(path)}, line {line_no}: ", timeout=180)

    def test_body_over_256_mb_says_so(self):
        """Found by this suite: the size error was reported as "params are not one JSON
        object"; the line where the body passes 256 MB is named as such now."""
        path, _ = self.huge_file()
        r = cli(Env.main, "create", path, timeout=180)
        self.assertEqual(r.returncode, 2, r.err)
        self.assertRegex(r.err, r"line \d+: the body passes the API's 256 MB here")
        self.assertIn("AMBC_ERR_CREATE_TOO_LARGE", r.err)

    def test_invalid_utf8_in_params(self):
        """Found by this suite: a byte 0xFF inside a string was uploaded and the API refused
        the whole body (exit 4). JSON text is UTF-8 (RFC 8259 8.1): refused before sending,
        the line named, wherever the file's reads cut the character."""
        path = self.file("utf8.jsonl", line("a", params("x")) + "\n")
        with open(path, "ab") as f:
            f.write(b'{"custom_id":"b","params":{"model":"m","max_tokens":5,"messages":'
                    b'[{"role":"user","content":"bad \xff byte"}]}}\n')
        r = self.refused(path, rf"{re.escape(path)}, line 2: params hold bytes that are not UTF-8")
        self.assertIn("AMBC_ERR_TEXT_UTF8", r.err)

    def test_deep_nesting_and_bom_are_named(self):
        """Found by this suite: both were "not valid JSON"."""
        deep = {"x": 1}
        for _ in range(31):
            deep = {"x": deep}
        path = self.file("deep.jsonl", line("a", params("x")) + "\n",
                         line("b", dict(params("x"), metadata=deep)) + "\n")
        self.refused(path, rf"{re.escape(path)}, line 2: nested deeper than "
                           r"CONFIG_AMBC_JSON_MAX_DEPTH \(32 levels")
        path = os.path.join(Env.tmp, "bom.jsonl")
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbf" + (line("a", params("x")) + "\n").encode())
        self.refused(path, rf"{re.escape(path)}, line 1: a byte-order mark")


class ApiRefusals(unittest.TestCase):
    """What the CLI leaves to the API (the Messages params themselves) is refused by it: exit
    4, the typed error with its request-id, and no batch."""

    def test_params_the_api_refuses(self):
        cases = {
            "messages": ({"model": "m", "max_tokens": 5}, r"requests\.1\.params\.messages: "
                                                          r"Field required"),
            "max_tokens": (params("x", max_tokens=0), r"requests\.1\.params\.max_tokens"),
            "role": ({"model": "m", "max_tokens": 5,
                      "messages": [{"role": "system", "content": "x"}]},
                     r"requests\.1\.params\.messages\.0\.role"),
            "stream": (params("x", stream=True), r"requests\.1\.params\.stream"),
        }
        for case, (p, message) in cases.items():
            path = write(os.path.join(Env.tmp, f"api-{case}.jsonl"),
                         line("fine", params("x")) + "\n" + line("bad", p) + "\n")
            for name, flag in FLAVOURS:
                with self.subTest(case=case, flavour=name):
                    before, mark = created(Env.main), log_mark(Env.main)
                    r = cli(Env.main, "create", path, "--json", "--stats", *flag)
                    self.assertEqual(r.returncode, 4, r.err)
                    self.assertRegex(r.err, r"API error: HTTP 400, type invalid_request_error, "
                                            r"message: " + message)
                    self.assertRegex(r.err, r"request-id: req_[A-Za-z0-9]{10,}\n")
                    self.assertEqual(r.out, "")
                    self.assertEqual(created(Env.main), before)
                    self.assertEqual(api_log(Env.main, mark),
                                     [("POST", "/v1/messages/batches" +
                                       ("?beta=true" if flag else ""), 400)])
                    self.assertEqual(stat(r.err, "retries"), 0)   # a 400 is final


class Lifecycle(unittest.TestCase):
    """cancel, delete and wait, and the API's refusals of them."""

    def new_batch(self, server, n, flag, tag):
        path = small_file(os.path.join(Env.tmp, f"{tag}.jsonl"), n, tag)
        r = cli(server, "create", path, "--json", *flag)
        self.assertEqual(r.returncode, 0, r.err)
        [b] = records(r.out)
        return b["id"]

    def assertApiError(self, r, status, etype):
        self.assertEqual(r.returncode, 4, r.err)
        self.assertRegex(r.err, rf"API error: HTTP {status}, type {etype}, message: .+, "
                                r"request-id: req_[A-Za-z0-9]{10,}\n")
        self.assertEqual(r.out, "")

    def test_cancel_then_delete(self):
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                q = "?beta=true" if flag else ""
                bid = self.new_batch(Env.main, 4, flag, f"cancel-{name}")
                # 2 of the 4 requests finish (at 150 s and 300 s of the 600 s), then the cancel
                Env.main.advance(330_000)
                mark = log_mark(Env.main)
                r = cli(Env.main, "cancel", bid, "--json", "--stats", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                [b] = records(r.out)
                self.assertEqual((b["id"], b["processing_status"]), (bid, "canceling"))
                self.assertIsNotNone(b["cancel_initiated_at"])
                self.assertIsNone(b["ended_at"])
                self.assertEqual(b["request_counts"]["processing"], 4)
                self.assertEqual(api_log(Env.main, mark),
                                 [("POST", f"/v1/messages/batches/{bid}/cancel{q}", 200)])
                self.assertEqual((stat(r.err, "requests"), stat(r.err, "retries")), (1, 0))
                # a second cancel while canceling: answered as it is
                r = cli(Env.main, "cancel", bid, "--json", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                self.assertEqual(records(r.out), [b])
                # the mock's cancel delay (500 ms) passes: ended, finished ones kept
                Env.main.advance(600)
                r = cli(Env.main, "get", bid, "--json", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                [e] = records(r.out)
                self.assertEqual(e["processing_status"], "ended")
                self.assertEqual(e["request_counts"], {"processing": 0, "succeeded": 2,
                                                       "errored": 0, "canceled": 2, "expired": 0})
                self.assertEqual(e["cancel_initiated_at"], b["cancel_initiated_at"])
                self.assertIsNotNone(e["ended_at"])
                # an ended batch cannot be canceled
                r = cli(Env.main, "cancel", bid, "--json", *flag)
                self.assertApiError(r, 400, "invalid_request_error")
                # but it can be deleted; then it is gone
                mark = log_mark(Env.main)
                r = cli(Env.main, "delete", bid, "--json", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                self.assertEqual(records(r.out), [{"id": bid, "type": "message_batch_deleted"}])
                self.assertEqual(api_log(Env.main, mark),
                                 [("DELETE", f"/v1/messages/batches/{bid}{q}", 200)])
                self.assertTrue(created(Env.main)[bid]["deleted"])
                r = cli(Env.main, "get", bid, "--json", *flag)
                self.assertApiError(r, 404, "not_found_error")
                r = cli(Env.main, "delete", bid, "--json", *flag)
                self.assertApiError(r, 404, "not_found_error")
                # the table output of a delete
                bid2 = self.new_batch(Env.main, 1, flag, f"del-table-{name}")
                Env.main.advance(DURATION_MS + 1000)
                r = cli(Env.main, "delete", bid2, *flag)
                self.assertEqual((r.returncode, r.out), (0, f"deleted {bid2}\n"), r.err)

    def test_delete_while_processing(self):
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                bid = self.new_batch(Env.main, 3, flag, f"busy-{name}")
                mark = log_mark(Env.main)
                r = cli(Env.main, "delete", bid, "--json", *flag)
                self.assertApiError(r, 400, "invalid_request_error")
                self.assertEqual(len(api_log(Env.main, mark)), 1)       # not retried
                self.assertFalse(created(Env.main)[bid]["deleted"])
                r = cli(Env.main, "get", bid, "--json", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                self.assertEqual(records(r.out)[0]["processing_status"], "in_progress")

    def test_unknown_ids(self):
        unknown = "msgbatch_01NoSuchBatch0000000000"
        for name, flag in FLAVOURS:
            for command in ("get", "cancel", "delete"):
                with self.subTest(flavour=name, command=command):
                    mark = log_mark(Env.main)
                    r = cli(Env.main, command, unknown, "--json", *flag)
                    self.assertApiError(r, 404, "not_found_error")
                    self.assertEqual(len(api_log(Env.main, mark, unknown)), 1)

    def test_wait_without_grace(self):
        """--not-found-grace-ms 0: a 404 is final at once (a batch known to exist)."""
        unknown = "msgbatch_01NoSuchBatch0000000001"
        mark = log_mark(Env.main)
        r = cli(Env.main, "wait", unknown, "--not-found-grace-ms", "0", "--stats")
        self.assertApiError(r, 404, "not_found_error")
        self.assertEqual(len(api_log(Env.main, mark, unknown)), 1)
        self.assertLess(r.elapsed, 5)

    def test_wait_unknown_id(self):
        """A wait takes a 404 as "not visible yet" for 30 s (CONFIG_AMBC_WAIT_NOT_FOUND_MS),
        polling at 0, 2, 5, 9.5, 16.3, 26.4 s, and believes the 404 of its poll when the grace
        ends, at 30 s (it was 41.6 s, the next sleep's end, until this suite found it): 7
        polls, exit 4. Started by setUpModule, on its own server."""
        for flag, th, p in Env.waits:
            with self.subTest(flavour="beta" if flag else "ga"):
                th.join(90)
                r = p
                self.assertApiError(r, 404, "not_found_error")
                self.assertEqual(stat(r.err, "requests"), GRACE_POLLS)
                self.assertEqual(stat(r.err, "connections"), 1)
                self.assertGreater(r.elapsed, GRACE_S)
                self.assertLess(r.elapsed, GRACE_S + 5)
        calls = api_log(Env.lonely, 0)
        for q in ("", "?beta=true"):
            self.assertEqual(sum(1 for c in calls if c[1].endswith("0" * 24 + q)), GRACE_POLLS)
        self.assertTrue(all(c[2] == 404 for c in calls))

    def test_wait_until_ended(self):
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                q = "?beta=true" if flag else ""
                bid = self.new_batch(Env.main, 5, flag, f"wait-{name}")
                mark = log_mark(Env.main)
                t0 = time.monotonic()
                p = cli_popen(Env.main, "wait", bid, "--json", "--stats", *flag)
                wait_for_log(Env.main, mark, bid, 1)       # first poll answered: in_progress
                Env.main.advance(DURATION_MS + 1000)
                r = finish(p, t0)
                self.assertEqual(r.returncode, 0, r.err)
                [b] = records(r.out)
                self.assertEqual((b["id"], b["processing_status"]), (bid, "ended"))
                self.assertEqual(b["request_counts"]["succeeded"], 5)
                self.assertEqual(api_log(Env.main, mark, bid),
                                 [("GET", f"/v1/messages/batches/{bid}{q}", 200)] * 2)
                self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests")), (1, 2))
                self.assertGreater(r.elapsed, 1.9)                  # the first sleep: 2 s

    def test_wait_deadline(self):
        """--wait-timeout-ms bounds the wait: it stops at the last poll before the deadline
        rather than sleeping past it (exit 3, AMBC_ERR_DEADLINE)."""
        for name, flag in FLAVOURS:
            bid = self.new_batch(Env.main, 2, flag, f"deadline-{name}")
            for timeout_ms, polls in ((1000, 1), (3000, 2)):
                with self.subTest(flavour=name, timeout_ms=timeout_ms):
                    mark = log_mark(Env.main)
                    r = cli(Env.main, "wait", bid, "--json", "--wait-timeout-ms", str(timeout_ms),
                            *flag)
                    self.assertEqual(r.returncode, 3, r.err)
                    self.assertIn("AMBC_ERR_DEADLINE", r.err)
                    self.assertEqual(r.out, "")
                    self.assertEqual(len(api_log(Env.main, mark, bid)), polls)
                    self.assertLess(r.elapsed, timeout_ms / 1000)

    def test_wait_across_propagation(self):
        """A new batch answers 404 while it propagates (the prop server: for 60 s of mock
        time); a wait takes those for "not yet". The clock moves only once the mock has
        answered the first 404, so the path is certain: 404, then 200 ended."""
        for name, flag in FLAVOURS:
            q = "?beta=true" if flag else ""
            with self.subTest(flavour=name, command="create --wait"):
                path = small_file(os.path.join(Env.tmp, f"prop-{name}.jsonl"), 3, "prop")
                mark = log_mark(Env.prop)
                t0 = time.monotonic()
                p = cli_popen(Env.prop, "create", path, "--wait", "--json", "--stats", *flag)
                calls = wait_for_log(Env.prop, mark, None, 2)
                bid = calls[1][1].split("?")[0].split("/")[4]
                Env.prop.advance(61_000)
                r = finish(p, t0)
                self.assertEqual(r.returncode, 0, r.err)
                first, last = records(r.out)
                self.assertEqual((first["id"], last["id"]), (bid, bid))
                self.assertEqual(last["processing_status"], "ended")
                self.assertEqual(api_log(Env.prop, mark),
                                 [("POST", f"/v1/messages/batches{q}", 200),
                                  ("GET", f"/v1/messages/batches/{bid}{q}", 404),
                                  ("GET", f"/v1/messages/batches/{bid}{q}", 200)])
                self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests"),
                                  stat(r.err, "retries")), (1, 3, 0))
            with self.subTest(flavour=name, command="wait"):
                bid = self.new_batch(Env.prop, 2, flag, f"prop2-{name}")
                mark = log_mark(Env.prop)
                t0 = time.monotonic()
                p = cli_popen(Env.prop, "wait", bid, "--json", *flag)
                wait_for_log(Env.prop, mark, bid, 1)
                Env.prop.advance(61_000)
                r = finish(p, t0)
                self.assertEqual(r.returncode, 0, r.err)
                self.assertEqual(records(r.out)[0]["processing_status"], "ended")
                self.assertEqual(api_log(Env.prop, mark, bid),
                                 [("GET", f"/v1/messages/batches/{bid}{q}", 404),
                                  ("GET", f"/v1/messages/batches/{bid}{q}", 200)])


class Scale(unittest.TestCase):
    """100,000 requests through the CLI, in RAM that does not grow with the body."""

    def peak_rss_kb(self, path):
        """(peak RSS in KB, the finished run) of the plain CLI creating from path."""
        tfile = os.path.join(Env.tmp, "time.txt")
        t0 = time.monotonic()
        p = finish(subprocess.Popen(["/usr/bin/time", "-o", tfile, "-v", CLI_PLAIN, "create", path,
                                     "--json", "--stats", "--ca-file", Env.ca],
                                    env=env_for(Env.main), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE), t0, timeout=170)
        with open(tfile) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        return int(m.group(1)), p

    def test_100000_requests_in_flat_memory(self):
        if not os.access("/usr/bin/time", os.X_OK):
            self.skipTest("GNU time (/usr/bin/time) is not installed")
        figures = {}
        for n in (1_000, 100_000):
            path = small_file(os.path.join(Env.tmp, f"flat-{n}.jsonl"), n, "flat", text_bytes=500)
            rss, r = self.peak_rss_kb(path)
            self.assertEqual(r.returncode, 0, r.err)
            [b] = records(r.out)
            held = created(Env.main)[b["id"]]
            self.assertEqual((held["requests"], b["request_counts"]["processing"]), (n, n))
            # the lines are compact, so the body is exactly them, comma-joined, in the
            # envelope: the mock's digest of what it received says all arrived, in order
            with open(path, "rb") as f:
                want = b'{"requests":[' + b",".join(f.read().splitlines()) + b"]}"
            req = Env.main.create_request(b["id"])
            self.assertEqual((req["bytes"], req["sha256"]),
                             (len(want), hashlib.sha256(want).hexdigest()))
            self.assertEqual((stat(r.err, "connections"), stat(r.err, "requests")), (1, 1))
            figures[n] = (rss, len(want), r.elapsed)
            os.unlink(path)
        grown = figures[100_000][0] - figures[1_000][0]
        body = figures[100_000][1]
        # What may grow with the count is the CLI's custom_id uniqueness set (jsonl_source.c),
        # nothing else: each id strdup'ed (11 characters + NUL: a 32-byte glibc chunk), in an
        # open-addressing table of 16-byte slots that doubles when half full. At 100,000 ids:
        # 3.2 MB of ids + 262,144 slots (4.2 MB) = 7.4 MB, about 100,000 x (id + 42 B). The
        # peak is earlier, at the doubling at 65,536 ids, when both tables are live: 2.1 MB of
        # ids + 2.1 MB + 4.2 MB = 8.4 MB (tables this big are mmap'ed, so freed ones leave the
        # RSS). Allowed: 12 MB, about 100,000 x 120 B; the body is over 5 times that.
        bound_kb = 12_000
        print(f"\n  peak RSS: 1,000 requests {figures[1_000][0]} KB, 100,000 requests "
              f"{figures[100_000][0]} KB (+{grown} KB, bound {bound_kb} KB); body "
              f"{body / 1e6:.1f} MB, {figures[100_000][2]:.1f} s", file=sys.stderr)
        self.assertLess(grown, bound_kb)
        self.assertGreater(body // 1024, 4 * bound_kb)      # so a buffered body would show


# ---------------------------------------------------------------------------------------------
# The official TypeScript SDK creates the same batch from the same file

def ensure_sdk():
    """The folder with the SDK and sdk_create.mjs (node_sdk.py)."""
    return node_sdk.ensure_sdk(NODE_DIR, ["sdk_create.mjs"])


class SdkEquality(unittest.TestCase):
    """ambc and @anthropic-ai/sdk, from the same file to the same mock: the two bodies the
    mock received are equal as JSON (they differ in bytes: escapes, whitespace)."""

    @classmethod
    def setUpClass(cls):
        cls.node_dir = ensure_sdk()

    def sdk(self, path, *flag):
        env = dict(env_for(Env.main), NODE_EXTRA_CA_CERTS=Env.ca)
        p = subprocess.run(["node", os.path.join(self.node_dir, "sdk_create.mjs"), path, *flag],
                           cwd=self.node_dir, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    def test_same_file_same_body(self):
        path, n, _, _ = rich_file(os.path.join(Env.tmp, "sdk-rich.jsonl"))
        for name, flag in FLAVOURS:
            with self.subTest(flavour=name):
                mark = log_mark(Env.main)
                r = cli(Env.main, "create", path, "--json", *flag)
                self.assertEqual(r.returncode, 0, r.err)
                ambc_id = records(r.out)[0]["id"]
                sdk_id = self.sdk(path, *flag)
                self.assertRegex(sdk_id, r"^msgbatch_\w+$")
                q = "?beta=true" if flag else ""
                # the SDK's beta resource (1.14.0) posts to the GA path: no ?beta=true
                posts = [c for c in api_log(Env.main, mark) if c[0] == "POST"]
                self.assertEqual(posts, [("POST", "/v1/messages/batches" + q, 200),
                                         ("POST", "/v1/messages/batches", 200)])
                ambc_body, ambc_req = body_of(Env.main, ambc_id)
                sdk_body, sdk_req = body_of(Env.main, sdk_id)
                self.assertEqual(len(ambc_body["requests"]), n)
                self.assertEqual(ambc_body, sdk_body)
                self.assertEqual(ambc_body, expected_body(path))
                print(f"\n  {name}: same {n} requests as JSON; bodies: ambc {ambc_req['bytes']} "
                      f"bytes to {posts[0][1]}, SDK {sdk_req['bytes']} bytes to {posts[1][1]} "
                      f"(sha256 {ambc_req['sha256'][:12]} vs {sdk_req['sha256'][:12]})",
                      file=sys.stderr)


if __name__ == "__main__":
    # python3 test_create.py [Class ...]: exit 77 (ctest's SKIP_RETURN_CODE) when every test
    # that ran was skipped, so a machine without Node.js shows the SDK comparison as skipped
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    if res.wasSuccessful() and res.skipped and len(res.skipped) >= res.testsRun:
        sys.exit(77)
    sys.exit(0 if res.wasSuccessful() else 1)
