"""Reliability: the CLI against a mock that misbehaves in every way we can name.

Each fault is programmed into the mock (POST /_mock/faults) before a CLI run; the run must end
in success after a retry, or in a clear status, within its deadline, and the records it prints
must be exactly the store's, in order, without duplicates. The CLI under test is the
ASan+UBSan build (AMBC_CLI_SAN), so every case is also a sanitizer run.

    AMBC_CLI=build/bin/ambc_san /usr/bin/python3 -m unittest -v tests/integration/test_faults.py
    AMBC_SWEEP_FULL=1 ...   every body offset of the drop sweep (default: a dense stride)
    AMBC_SOAK_WALKS=N ...   longer soak (default 20 walks, about 2000 requests)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, dump_store, gen_certs  # noqa: E402
from cli_support import cli_env  # noqa: E402

CLI = os.environ.get("AMBC_CLI", os.path.join(HERE, "..", "..", "build", "bin", "ambc"))
# The soak measures RSS, which ASan's quarantine inflates: it runs the plain build.
CLI_PLAIN = os.environ.get("AMBC_CLI_PLAIN", CLI)
KEY = "sk-ant-test-0123456789-SECRET-should-never-print"
N = 40
LIMIT = 3
KNOWN = ("id", "type", "processing_status", "request_counts", "created_at", "expires_at",
         "ended_at", "cancel_initiated_at", "archived_at", "results_url")
FAST = ["--retry-initial-ms", "1", "--retry-max-ms", "4", "--io-timeout-ms", "2000"]


class Env:
    servers = []


def setUpModule():
    Env.tmp = tempfile.mkdtemp(prefix="ambc-faults-")
    gen_certs(Env.tmp)
    Env.ca = os.path.join(Env.tmp, "ca.pem")
    Env.store = [{k: b[k] for k in KNOWN}
                 for b in map(json.loads, dump_store("--batches", str(N)).splitlines())]
    Env.mock = MockServer(Env.tmp, "faults", [
        "--cert", os.path.join(Env.tmp, "server.pem"), "--key", os.path.join(Env.tmp, "server.key"),
        "--batches", str(N), "--chunked", "never", "--api-key", KEY], cafile=Env.ca)
    Env.servers.append(Env.mock)


def tearDownModule():
    for s in Env.servers:
        s.stop()
    shutil.rmtree(Env.tmp, ignore_errors=True)


def faults(*items):
    """Replace the mock's fault queue with items."""
    Env.mock.clear_faults()
    if items:
        Env.mock.add_faults(*items)


def cli(*args, port=None, timeout=120, key=KEY, binary=None):
    env = cli_env(key, f"https://localhost:{port or Env.mock.port}")
    t0 = time.monotonic()
    r = subprocess.run([binary or CLI, *args, "--ca-file", Env.ca], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    r.elapsed = time.monotonic() - t0
    return r


def records(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def first_page_bytes():
    """Header and body lengths of the first page's response, exactly as the client gets it
    (keep-alive, Content-Length framing: the mock runs with --chunked never)."""
    return Env.mock.response_sizes(f"/v1/messages/batches?limit={LIMIT}",
                                   {"x-api-key": KEY, "anthropic-version": "2023-06-01"})


class DropSweep(unittest.TestCase):
    def test_close_at_every_offset(self):
        """Close the connection after byte N of a page response, for every N of the headers
        and a dense stride of the body: each case succeeds after one retry with the exact
        records, or the run fails loudly."""
        head, body = first_page_bytes()
        stride = 1 if os.environ.get("AMBC_SWEEP_FULL") else 7
        offsets = list(range(0, head)) + list(range(head, head + body, stride))
        want = Env.store[:LIMIT]
        bad = []
        for n in offsets:
            kind = "reset_after" if n % 5 == 4 else "close_after"
            faults({"fault": kind, "bytes": n})
            r = cli("list", "--limit", str(LIMIT), "--json", "--stats", *FAST)
            if r.returncode != 0 or records(r.stdout) != want or "retries 1," not in r.stderr:
                bad.append((n, kind, r.returncode, r.stderr[-300:]))
        print(f"\n  drop sweep: {len(offsets)} cases ({head} header offsets, body stride "
              f"{stride} over {body} bytes), {len(bad)} failed", file=sys.stderr)
        self.assertEqual(bad, [])

    def test_walk_with_drops_delivers_each_record_once(self):
        """Drops inside pages of a --all walk: every record once, in order."""
        head, body = first_page_bytes()
        items = [{"fault": "close_after", "bytes": head + body // 2}]
        for k in range(3):
            items.append({"fault": "close_after", "bytes": head + (k + 1) * body // 5})
        faults(*items)  # consumed by consecutive requests: retries of one page included
        r = cli("list", "--all", "--limit", str(LIMIT), "--json", "--stats", "--max-retries", "6",
                *FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(records(r.stdout), Env.store)
        self.assertIn("retries 4,", r.stderr)


class Faults(unittest.TestCase):
    def expect_ok_after_retry(self, fault, retries=1):
        faults(fault)
        r = cli("list", "--limit", str(LIMIT), "--json", "--stats", *FAST)
        self.assertEqual(r.returncode, 0, f"{fault}: {r.stderr}")
        self.assertEqual(records(r.stdout), Env.store[:LIMIT])
        self.assertIn(f"retries {retries},", r.stderr)
        return r

    def expect_failure(self, fault, code, text, *extra, page_first=False):
        faults(fault)
        r = cli("list", "--limit", str(LIMIT), "--json", *FAST, *extra)
        self.assertEqual(r.returncode, code, f"{fault}: {r.stderr}")
        self.assertIn(text, r.stderr)
        # Records stream out as they are parsed: what was printed before the fault is a
        # correct prefix of the page (the whole page when the junk follows a complete body),
        # never a wrong, partial or doubled record; the status still reports the break.
        got = records(r.stdout)
        self.assertEqual(got, Env.store[:len(got)])
        if page_first:
            self.assertEqual(got, Env.store[:LIMIT])
        return r

    def test_protocol_violations_are_clear_statuses(self):
        self.expect_failure({"fault": "bad_chunk", "kind": "nonhex"}, 5, "AMBC_ERR_HTTP_CHUNK_SIZE")
        self.expect_failure({"fault": "bad_chunk", "kind": "overflow"}, 5,
                            "AMBC_ERR_HTTP_CHUNK_OVERFLOW")
        self.expect_failure({"fault": "bad_chunk", "kind": "missing_crlf"}, 5,
                            "AMBC_ERR_HTTP_CHUNK_FRAMING")
        self.expect_failure({"fault": "conflicting_length"}, 5, "AMBC_ERR_HTTP_CONFLICTING_LENGTH")
        self.expect_failure({"fault": "huge_headers", "bytes": 100000}, 5,
                            "AMBC_ERR_HTTP_HEADERS_TOO_LARGE")
        self.expect_failure({"fault": "body_longer", "extra": 7}, 5, "AMBC_ERR_HTTP_EXTRA_DATA",
                            page_first=True)
        self.expect_failure({"fault": "invalid_json"}, 5, "AMBC_ERR_JSON_INVALID")

    def test_short_body_is_a_dropped_connection(self):
        self.expect_ok_after_retry({"fault": "body_shorter", "missing": 10})

    def test_html_502_keeps_its_status(self):
        r = self.expect_failure({"fault": "html", "status": 502, "times": 3}, 4, "HTTP 502")
        self.assertIn("no API error body", r.stderr)
        self.expect_ok_after_retry({"fault": "html", "status": 502})

    def test_overloaded_and_rate_limited_are_retried(self):
        self.expect_ok_after_retry({"fault": "status", "status": 529, "type": "overloaded_error"})
        self.expect_ok_after_retry({"fault": "status", "status": 429, "type": "rate_limit_error",
                                    "retry_after_ms": "5"})

    def test_should_retry_header_decides(self):
        self.expect_failure({"fault": "status", "status": 500, "type": "api_error",
                             "should_retry": "false"}, 4, "HTTP 500")
        self.expect_ok_after_retry({"fault": "status", "status": 400,
                                    "type": "invalid_request_error", "should_retry": "true"})

    def test_mid_handshake_close(self):
        self.expect_failure({"fault": "handshake_close"}, 3, "AMBC_ERR_TLS_HANDSHAKE",
                            "--max-retries", "0")
        self.expect_ok_after_retry({"fault": "handshake_close"})

    def test_drip_one_byte_at_a_time(self):
        faults({"fault": "drip", "interval_ms": 1})
        r = cli("list", "--limit", "1", "--json", "--stats")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(records(r.stdout), Env.store[:1])
        self.assertIn("retries 0,", r.stderr)


def create_file(name, n, text_bytes=8):
    """A JSONL file of n create requests whose user text is text_bytes long."""
    path = os.path.join(Env.tmp, name)
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"custom_id": f"req-{i}", "params": {
                "model": "claude-sonnet-4-5", "max_tokens": 16,
                "messages": [{"role": "user", "content": "x" * text_bytes}]}}) + "\n")
    return path


def capture_create_head(path):
    """The bytes of the CLI's create request head, captured by a one-shot TLS server on
    loopback (the head's length depends on the port and the body's length, so it is taken
    from the wire, not computed)."""
    import socket
    import ssl
    import threading
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(Env.tmp, "server.pem"), os.path.join(Env.tmp, "server.key"))
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    got = {}

    def serve():
        conn, _ = ls.accept()
        with ctx.wrap_socket(conn, server_side=True) as t:
            data = b""
            while b"\r\n\r\n" not in data:
                data += t.recv(65536)
            got["head"] = data[:data.index(b"\r\n\r\n") + 4]
    th = threading.Thread(target=serve)
    th.start()
    cli("create", path, "--max-retries", "0", *FAST, port=ls.getsockname()[1])
    th.join(30)
    ls.close()
    return got["head"]


class CreateFaults(unittest.TestCase):
    """Create under request-side faults (issue 12): a create is retried only when no batch can
    have been made, so no fault makes a second batch in the default (safe) mode, and a lost
    answer is reported as such (exit 3), never as success or as a plain network error.
    A mock of its own: the batches made here must not show up in the other classes' lists."""

    @classmethod
    def setUpClass(cls):
        cls.mock = MockServer(Env.tmp, "create-faults", [
            "--cert", os.path.join(Env.tmp, "server.pem"), "--key",
            os.path.join(Env.tmp, "server.key"), "--batches", "3", "--api-key", KEY], cafile=Env.ca)
        Env.servers.append(cls.mock)

    def faults(self, *items):
        self.mock.clear_faults()
        self.mock.add_faults(*items)

    def run_create(self, path, *extra):
        before = {b["id"] for b in self.mock.created_batches()}
        r = cli("create", path, "--json", "--stats", "--max-retries", "3", *FAST, *extra,
                port=self.mock.port)
        new = [b for b in self.mock.created_batches() if b["id"] not in before]
        return r, new

    def check_safe(self, r, new, what):
        """The invariant of safe mode: success with the one batch made, or 'outcome unknown'
        with at most the one batch; never two, never a batch hidden behind a plain error."""
        if r.returncode == 0:
            self.assertEqual(len(new), 1, f"{what}: {r.stderr}")
            self.assertEqual(records(r.stdout)[0]["id"], new[0]["id"], what)
            return "ok"
        self.assertEqual(r.returncode, 3, f"{what}: {r.stderr}")
        self.assertIn("the batch may exist", r.stderr, what)
        self.assertLessEqual(len(new), 1, what)
        return "unknown"

    def test_drop_at_every_head_offset_and_through_the_body(self):
        path = create_file("small.jsonl", 3)
        head = capture_create_head(path)
        body = os.path.getsize(path) + 64  # upper bound: the wrapper adds {"requests":[...]}
        stride = 1 if os.environ.get("AMBC_SWEEP_FULL") else 5
        offsets = list(range(0, len(head) + 1)) + list(range(len(head) + 1, len(head) + body, stride))
        seen = {"ok": 0, "unknown": 0}
        for n in offsets:
            self.faults({"fault": "drop_request", "after_bytes": n,
                         "how": "rst" if n % 3 == 2 else "fin",
                         "path_prefix": "/v1/messages/batches"})
            r, new = self.run_create(path)
            kind = self.check_safe(r, new, f"drop at {n}")
            # the dropped attempt made nothing: a batch exists only when a retry made it
            self.assertEqual(len(new), 1 if kind == "ok" else 0, f"drop at {n}: {r.stderr}")
            if kind == "ok":
                self.assertIn("retries 1,", r.stderr)
            seen[kind] += 1
        print(f"\n  create drop sweep: {len(offsets)} offsets ({len(head)} B head, body stride "
              f"{stride}): {seen['unknown']} 'outcome unknown', {seen['ok']} retried to success, "
              f"0 duplicates", file=sys.stderr)

    def test_failed_upload_is_retried_and_makes_one_batch(self):
        """A 32 MB body cannot sit in the socket buffers: the drop fails the client's write,
        nothing can have been made, so safe mode retries, and exactly one batch results."""
        path = create_file("big.jsonl", 256, text_bytes=128 * 1024)
        head = capture_create_head(path)
        for n, how in ((len(head) + 10, "rst"), (len(head) + 5_000_000, "rst"),
                       (len(head) - 1, "fin")):
            self.faults({"fault": "drop_request", "after_bytes": n, "how": how})
            # the mock reads and hashes 32 MB before it answers: on a loaded machine that takes
            # longer than FAST's 2 s idle timeout, which would turn the test into a timeout one
            r, new = self.run_create(path, "--io-timeout-ms", "60000")
            self.assertEqual(r.returncode, 0, f"drop at {n} ({how}): {r.stderr[-500:]}")
            self.assertEqual(len(new), 1)
            self.assertEqual(records(r.stdout)[0]["id"], new[0]["id"])
            self.assertIn("retries 1,", r.stderr)

    def test_lost_answer_is_outcome_unknown_not_a_second_batch(self):
        path = create_file("small.jsonl", 3)
        cases = [{"fault": "lose_response"}, {"fault": "lose_response", "how": "rst"},
                 {"fault": "cut_response", "bytes": 0}, {"fault": "cut_response", "bytes": 40},
                 {"fault": "cut_response", "bytes": 300}]
        for fault in cases:
            self.faults(fault)
            r, new = self.run_create(path)
            self.assertEqual(r.returncode, 3, f"{fault}: {r.stderr}")
            self.assertIn("AMBC_ERR_OUTCOME_UNKNOWN", r.stderr)
            self.assertEqual(len(new), 1, f"{fault}: the handled request made its batch")
            self.assertIn("retries 0,", r.stderr)

    def test_sdk_mode_retries_a_lost_answer_and_duplicates(self):
        """What the SDKs do (and why safe is the default): the lost answer is retried and the
        one body makes two batches, the mock's body hashes show it."""
        path = create_file("small.jsonl", 3)
        self.faults({"fault": "lose_response"})
        r, new = self.run_create(path, "--create-retry", "sdk")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(new), 2)
        self.assertEqual(new[0]["sha256"], new[1]["sha256"])

    def test_statuses_follow_the_retry_rule(self):
        path = create_file("small.jsonl", 3)
        # 529 and 429 say nothing was made: retried, one batch
        for st, typ in ((529, "overloaded_error"), (429, "rate_limit_error"), (503, "api_error")):
            self.faults({"fault": "status", "status": st, "type": typ, "retry_after_ms": "1"})
            r, new = self.run_create(path)
            self.assertEqual(r.returncode, 0, f"{st}: {r.stderr}")
            self.assertEqual(len(new), 1)
            self.assertIn("retries 1,", r.stderr)
        # a 500 may come after the batch was made: safe mode does not retry it ...
        self.faults({"fault": "status_after_handling", "status": 500, "type": "api_error"})
        r, new = self.run_create(path)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("HTTP 500", r.stderr)
        self.assertEqual(len(new), 1)
        self.assertIn("retries 0,", r.stderr)
        # ... and x-should-retry: false is obeyed even for a 529
        self.faults({"fault": "status", "status": 529, "type": "overloaded_error",
                "should_retry": "false"})
        r, new = self.run_create(path)
        self.assertEqual((r.returncode, len(new)), (4, 0), r.stderr)
        # the SDK mode retries the 500 as the SDKs do
        self.faults({"fault": "status", "status": 500, "type": "api_error"})
        r, new = self.run_create(path, "--create-retry", "sdk")
        self.assertEqual((r.returncode, len(new)), (0, 1), r.stderr)
        self.assertIn("retries 1,", r.stderr)


class Timing(unittest.TestCase):
    """Waits between attempts follow the policy; bounds are wide for a loaded machine."""

    def run_timed(self, *items, extra=()):
        faults(*items)
        r = cli("list", "--limit", "1", "--json", "--stats", *extra)
        return r

    def test_retry_after_seconds(self):
        r = self.run_timed({"fault": "status", "status": 429, "type": "rate_limit_error",
                            "retry_after": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        print(f"\n  retry-after 1 s: {r.elapsed:.3f} s", file=sys.stderr)
        self.assertGreaterEqual(r.elapsed, 1.0)
        self.assertLess(r.elapsed, 2.5)

    def test_retry_after_ms_beats_retry_after(self):
        r = self.run_timed({"fault": "status", "status": 429, "type": "rate_limit_error",
                            "retry_after": "3", "retry_after_ms": "200"})
        self.assertEqual(r.returncode, 0, r.stderr)
        print(f"\n  retry-after-ms 200 (retry-after 3): {r.elapsed:.3f} s", file=sys.stderr)
        self.assertGreaterEqual(r.elapsed, 0.2)
        self.assertLess(r.elapsed, 1.5)

    def test_retry_after_over_cap_falls_back_to_backoff(self):
        r = self.run_timed({"fault": "status", "status": 503, "type": "api_error",
                            "retry_after": "61"})
        self.assertEqual(r.returncode, 0, r.stderr)
        print(f"\n  retry-after 61 (over the cap): {r.elapsed:.3f} s", file=sys.stderr)
        self.assertGreaterEqual(r.elapsed, 0.375)  # 500 ms less at most 25 % jitter
        self.assertLess(r.elapsed, 2.0)

    def test_backoff_grows(self):
        r = self.run_timed({"fault": "status", "status": 529, "type": "overloaded_error",
                            "times": 2})
        self.assertEqual(r.returncode, 0, r.stderr)
        print(f"\n  two backoffs (0.5 s + 1 s less jitter): {r.elapsed:.3f} s", file=sys.stderr)
        self.assertGreaterEqual(r.elapsed, 0.375 + 0.75)
        self.assertLess(r.elapsed, 3.0)

    def test_stalled_server_ends_within_idle_timeout(self):
        r = self.run_timed({"fault": "stall", "before_ms": 5000},
                           extra=("--io-timeout-ms", "500", "--max-retries", "0"))
        print(f"\n  stall, idle timeout 500 ms: {r.elapsed:.3f} s", file=sys.stderr)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AMBC_ERR_NET_TIMEOUT", r.stderr)
        self.assertGreaterEqual(r.elapsed, 0.5)
        self.assertLess(r.elapsed, 1.5)

    def test_total_deadline_holds(self):
        r = self.run_timed({"fault": "stall", "before_ms": 4000, "times": 5},
                           extra=("--io-timeout-ms", "700", "--timeout-ms", "1500",
                                  "--retry-initial-ms", "300", "--max-retries", "5"))
        print(f"\n  stalls, deadline 1.5 s: {r.elapsed:.3f} s", file=sys.stderr)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertLess(r.elapsed, 2.5)
        self.assertGreaterEqual(r.elapsed, 1.0)


class Secrets(unittest.TestCase):
    def test_key_never_printed_at_the_most_verbose_level(self):
        faults({"fault": "status", "status": 529, "type": "overloaded_error"},
               {"fault": "close_after", "bytes": 100})
        r = cli("list", "--all", "--limit", "7", "--json", "--stats", "-vv", *FAST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[debug] request", r.stderr)  # the most verbose level was on
        self.assertNotIn("SECRET", r.stdout + r.stderr)
        bad = cli("list", "-vv", key="sk-ant-wrong-SECRET-key")  # a 401 too
        self.assertEqual(bad.returncode, 4, bad.stderr)
        self.assertNotIn("SECRET", bad.stdout + bad.stderr)


@unittest.skipUnless(shutil.which("valgrind"), "valgrind not installed")
class Valgrind(unittest.TestCase):
    def test_walk_with_faults_under_valgrind(self):
        """The plain CLI under memcheck over a walk with faults: no leak, no invalid access."""
        head, body = first_page_bytes()
        faults({"fault": "close_after", "bytes": head + body // 2},
               {"fault": "status", "status": 529, "type": "overloaded_error"},
               {"fault": "reset_after", "bytes": head // 2},
               {"fault": "stall", "at_byte": head + 10, "ms": 50})
        env = dict(os.environ, ANTHROPIC_API_KEY=KEY,
                   ANTHROPIC_BASE_URL=f"https://localhost:{Env.mock.port}")
        r = subprocess.run(["valgrind", "--error-exitcode=99", "--leak-check=full",
                            "--errors-for-leak-kinds=all", "--quiet", CLI_PLAIN, "list", "--all",
                            "--limit", str(LIMIT), "--json", "--stats", "--max-retries", "6",
                            *FAST, "--ca-file", Env.ca],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertEqual(records(r.stdout), Env.store)
        self.assertIn("retries 3,", r.stderr)  # the 50 ms stall is within the idle timeout
        self.assertNotRegex(r.stderr, r"==\d+==", "valgrind reported something")


class Soak(unittest.TestCase):
    def test_random_faults_no_loss_no_leak(self):
        walks = int(os.environ.get("AMBC_SOAK_WALKS", "20"))
        n = 300
        mock = MockServer(Env.tmp, "soak", [
            "--cert", os.path.join(Env.tmp, "server.pem"), "--key",
            os.path.join(Env.tmp, "server.key"), "--batches", str(n), "--api-key", KEY,
            "--random-faults", "0.1", "--fault-seed", "7"], cafile=Env.ca)
        self.addCleanup(mock.stop)
        want = [{k: b[k] for k in KNOWN}
                for b in map(json.loads, dump_store("--batches", str(n)).splitlines())]
        r = cli("list", "--all", "--limit", "3", "--json", "--stats", "--repeat", str(walks),
                "--max-retries", "6", *FAST, port=mock.port, timeout=1200, binary=CLI_PLAIN)
        st = mock.stats()
        print(f"\n  soak: {walks} walks, {st['requests']} requests, {st['faults_applied']} faults; "
              f"{r.stderr.strip().splitlines()[-1]}", file=sys.stderr)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(records(r.stdout), want * walks)  # nothing lost, nothing twice
        self.assertGreater(st["faults_applied"], walks)
        line = r.stderr.strip().splitlines()[-1]
        fds = line.split("fds ")[1]
        self.assertEqual(fds.split("->")[0], fds.split("->")[1], "no descriptor leaked")
        rss0 = int(line.split("after first run ")[1].split(",")[0])
        rss1 = int(line.split("at end ")[1].split(",")[0])
        self.assertLess(rss1 - rss0, 256, "RSS must not grow with the number of requests")


if __name__ == "__main__":
    unittest.main()
