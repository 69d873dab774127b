"""Self-test of the mock Message Batches API server (unittest + http.client + ssl only).

Run from the repository root:  /usr/bin/python3 -m unittest tests/mock/test_mock.py -v

Certificates come from gen_certs.sh in a temporary directory; each server is mock_api.py started as
a subprocess on port 0 on 127.0.0.1, found through --port-file, and stopped by its pid (SIGTERM,
then SIGKILL) in class cleanups, which run even when a test or setUpClass fails.
"""

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "mock_api.py")
GEN_CERTS = os.path.join(HERE, "gen_certs.sh")
PYTHON = sys.executable or "/usr/bin/python3"
HOST = "127.0.0.1"
API_KEY = "test-key"
AUTH = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
BETA = "message-batches-2024-09-24"

ID_RE = re.compile(r"^msgbatch_[0-9A-Za-z]{24}$")
REQ_ID_RE = re.compile(r"^req_[0-9A-Za-z]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
NULLABLE = ("ended_at", "cancel_initiated_at", "archived_at", "results_url")
RECORD_KEYS = {"id", "type", "processing_status", "request_counts", "created_at", "expires_at",
               *NULLABLE}
COUNT_KEYS = {"processing", "succeeded", "errored", "canceled", "expired"}


class MockServer:
    """mock_api.py as a subprocess; stop() ends exactly that process, by its pid."""

    def __init__(self, workdir, name, args):
        self.port_file = os.path.join(workdir, f"{name}.port")
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([PYTHON, MOCK, "--host", HOST, "--port", "0",
                                      "--port-file", self.port_file, *args],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = self._wait_port()

    def _wait_port(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mock_api.py exited with {self.proc.returncode}: "
                                   + open(self.log_path, errors="replace").read())
            try:
                with open(self.port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    return int(text)
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        raise RuntimeError("mock_api.py did not write its port file in time")

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def dump_store(*args):
    out = subprocess.run([PYTHON, MOCK, "--dump-store", *args], check=True,
                         stdout=subprocess.PIPE, timeout=30).stdout
    return out


def read_raw_response(f):
    """Parse one HTTP/1.1 response from a binary file object, keeping framing details."""
    status_line = f.readline()
    if not status_line:
        return None
    version, status, _ = status_line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers = {}
    while True:
        line = f.readline().decode("latin-1").rstrip("\r\n")
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    chunks = []
    if headers.get("transfer-encoding") == "chunked":
        assert "content-length" not in headers
        body = b""
        while True:
            size_line = f.readline().decode("ascii").rstrip("\r\n")
            size_text, _, ext = size_line.partition(";")
            size = int(size_text, 16)
            chunks.append((size_text, ext))
            if size == 0:
                assert f.readline() == b"\r\n"          # no trailers from the mock
                break
            body += f.read(size)
            assert f.read(2) == b"\r\n"
    else:
        body = f.read(int(headers["content-length"]))
    return {"version": version, "status": int(status), "headers": headers, "body": body,
            "chunks": chunks}


def raw_request(path, extra=None, method="GET"):
    headers = {"Host": f"{HOST}", **AUTH, **(extra or {})}
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class MockApiTest(unittest.TestCase):
    BATCHES = 5000

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, cls.certs], check=True, timeout=30)
        tls = ["--cert", os.path.join(cls.certs, "server.pem"),
               "--key", os.path.join(cls.certs, "server.key")]
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.certs, "ca.pem"))

        cls.main = MockServer(cls.tmp, "main", [*tls, "--batches", str(cls.BATCHES), "--seed", "1"])
        cls.addClassCleanup(cls.main.stop)
        cls.closing = MockServer(cls.tmp, "closing", [*tls, "--batches", "30", "--chunked",
                                                      "always", "--max-requests-per-conn", "3"])
        cls.addClassCleanup(cls.closing.stop)
        cls.plain = MockServer(cls.tmp, "plain", ["--batches", "30", "--chunked", "never"])
        cls.addClassCleanup(cls.plain.stop)

        cls.dump_bytes = dump_store("--batches", str(cls.BATCHES), "--seed", "1")
        cls.dump_lines = cls.dump_bytes.decode("utf-8").splitlines()
        cls.dump = [json.loads(line) for line in cls.dump_lines]

    # -- helpers ------------------------------------------------------------------------------

    def connect(self, server=None, ctx=None):
        server = server or self.main
        return http.client.HTTPSConnection(HOST, server.port, context=ctx or self.ctx, timeout=10)

    def get(self, conn, path, headers=AUTH, method="GET"):
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp, json.loads(body)

    def stats(self, conn, reset=False):
        resp, body = self.get(conn, "/_mock/reset-stats" if reset else "/_mock/stats", {},
                              method="POST" if reset else "GET")
        self.assertEqual(resp.status, 200)
        return body

    def raw_tls(self, server=None, hostname=HOST):
        sock = socket.create_connection((HOST, (server or self.main).port), timeout=10)
        return self.ctx.wrap_socket(sock, server_hostname=hostname)

    def assert_api_error(self, resp, body, status, etype):
        self.assertEqual(resp.status, status)
        self.assertEqual(set(body), {"type", "error", "request_id"})
        self.assertEqual(body["type"], "error")
        self.assertEqual(body["error"]["type"], etype)
        self.assertIsInstance(body["error"]["message"], str)
        rid = resp.getheader("request-id")
        self.assertRegex(rid, REQ_ID_RE)
        self.assertEqual(body["request_id"], rid)
        self.assertEqual(resp.getheader("content-type"), "application/json")

    def walk(self, conn, cursor_key, start_id, limit, flavour_query="", headers=AUTH):
        pages = []
        cursor = start_id
        while True:
            q = {"limit": str(limit)}
            if cursor is not None:
                q[cursor_key] = cursor
            path = "/v1/messages/batches?" + urllib.parse.urlencode(q) + flavour_query
            resp, page = self.get(conn, path, headers)
            self.assertEqual(resp.status, 200, page)
            self.assertEqual(set(page), {"data", "has_more", "first_id", "last_id"})
            data = page["data"]
            self.assertLessEqual(len(data), limit)
            if data:
                self.assertEqual(page["first_id"], data[0]["id"])
                self.assertEqual(page["last_id"], data[-1]["id"])
            else:
                self.assertIsNone(page["first_id"])
                self.assertIsNone(page["last_id"])
            pages.append(data)
            if not page["has_more"]:
                return pages
            self.assertEqual(len(data), limit)
            cursor = page["last_id"] if cursor_key == "after_id" else page["first_id"]

    # -- the store ----------------------------------------------------------------------------

    def test_store_deterministic(self):
        self.assertEqual(dump_store("--batches", str(self.BATCHES), "--seed", "1"),
                         self.dump_bytes)
        self.assertNotEqual(dump_store("--batches", "50", "--seed", "2"),
                            b"\n".join(self.dump_bytes.split(b"\n")[:50]) + b"\n")

    def test_store_shape_and_coherence(self):
        recs = self.dump
        self.assertEqual(len(recs), self.BATCHES)
        ids = [r["id"] for r in recs]
        self.assertEqual(len(set(ids)), len(ids))
        seen_status, seen_null, seen_set, orders = set(), set(), set(), set()
        unknown = 0
        prev_created = None
        for r in recs:
            self.assertRegex(r["id"], ID_RE)
            self.assertTrue(RECORD_KEYS <= set(r))
            extra = set(r) - RECORD_KEYS
            if extra:
                unknown += 1
                self.assertTrue(any(isinstance(r[k], (dict, list)) for k in extra))
            orders.add(tuple(r))
            self.assertEqual(r["type"], "message_batch")
            self.assertEqual(set(r["request_counts"]), COUNT_KEYS)
            for v in r["request_counts"].values():
                self.assertIs(type(v), int)
                self.assertTrue(0 <= v <= 100000)
            for k in ("created_at", "expires_at", "ended_at", "cancel_initiated_at",
                      "archived_at"):
                if r[k] is not None:
                    self.assertRegex(r[k], TS_RE)
            for k in NULLABLE:
                (seen_null if r[k] is None else seen_set).add(k)
            status = r["processing_status"]
            seen_status.add(status)
            # Timestamps in this format compare correctly as strings.
            created = r["created_at"]
            if prev_created is not None:
                self.assertLess(created, prev_created)
            prev_created = created
            self.assertEqual(_us(r["expires_at"]) - _us(created), 86_400_000_000)
            counts = r["request_counts"]
            if status == "ended":
                self.assertIsNotNone(r["ended_at"])
                self.assertEqual(r["results_url"],
                                 f"https://api.anthropic.com/v1/messages/batches/{r['id']}/results")
                self.assertEqual(counts["processing"], 0)
                self.assertGreater(r["ended_at"], created)
            else:
                self.assertIsNone(r["ended_at"])
                self.assertIsNone(r["results_url"])
                self.assertIsNone(r["archived_at"])
                self.assertGreater(counts["processing"], 0)
            if status == "canceling":
                self.assertIsNotNone(r["cancel_initiated_at"])
            if status == "in_progress":
                self.assertIsNone(r["cancel_initiated_at"])
            if r["cancel_initiated_at"] is not None:
                self.assertGreater(r["cancel_initiated_at"], created)
                if r["ended_at"] is not None:
                    self.assertGreaterEqual(r["ended_at"], r["cancel_initiated_at"])
            if counts["canceled"]:
                self.assertIsNotNone(r["cancel_initiated_at"])
            if r["archived_at"] is not None:
                self.assertGreater(r["archived_at"], r["ended_at"])
        self.assertEqual(seen_status, {"in_progress", "canceling", "ended"})
        self.assertEqual(seen_null, set(NULLABLE))
        self.assertEqual(seen_set, set(NULLABLE))
        self.assertGreaterEqual(unknown, self.BATCHES // 97)
        self.assertGreater(len(orders), 10)
        self.assertTrue(any(sum(r["request_counts"].values()) == 100000 for r in recs))

    # -- auth, headers, errors -----------------------------------------------------------------

    def test_auth_failures(self):
        conn = self.connect()
        cases = [
            {},                                                         # no credentials at all
            {"anthropic-version": "2023-06-01"},                        # no key
            {"x-api-key": "wrong", "anthropic-version": "2023-06-01"},  # wrong key
            {"authorization": "Bearer wrong", "anthropic-version": "2023-06-01"},
            {"x-api-key": API_KEY},                                     # no anthropic-version
            {"authorization": f"Bearer {API_KEY}"},
        ]
        for headers in cases:
            for path in ("/v1/messages/batches", "/v1/messages/batches/" + self.dump[0]["id"]):
                with self.subTest(headers=headers, path=path):
                    resp, body = self.get(conn, path, headers)
                    self.assert_api_error(resp, body, 401, "authentication_error")
        for headers in (AUTH, {"authorization": f"Bearer {API_KEY}",
                               "anthropic-version": "2026-10-21"}):
            resp, body = self.get(conn, "/v1/messages/batches?limit=1", headers)
            self.assertEqual(resp.status, 200)
            self.assertRegex(resp.getheader("request-id"), REQ_ID_RE)
        conn.close()

    def test_request_ids_unique(self):
        conn = self.connect()
        ids = set()
        for i in range(30):
            resp, _ = self.get(conn, "/v1/messages/batches?limit=1" if i % 2 else "/nope")
            ids.add(resp.getheader("request-id"))
        self.assertEqual(len(ids), 30)
        conn.close()

    def test_limit_validation(self):
        conn = self.connect()
        for bad in ("0", "1001", "-1", "abc", "1.5", "", "%20%35", "99999999999999999999"):
            with self.subTest(limit=bad):
                resp, body = self.get(conn, f"/v1/messages/batches?limit={bad}")
                self.assert_api_error(resp, body, 400, "invalid_request_error")
        for limit, expect in ((None, 20), ("1", 1), ("1000", 1000), ("%31%30", 10)):
            q = "" if limit is None else f"?limit={limit}"
            resp, body = self.get(conn, "/v1/messages/batches" + q)
            self.assertEqual(resp.status, 200)
            self.assertEqual([r["id"] for r in body["data"]],
                             [r["id"] for r in self.dump[:expect]])
            self.assertTrue(body["has_more"])
        a, b = self.dump[5]["id"], self.dump[9]["id"]
        resp, body = self.get(conn, f"/v1/messages/batches?after_id={a}&before_id={b}")
        self.assert_api_error(resp, body, 400, "invalid_request_error")
        for key in ("after_id", "before_id"):
            resp, body = self.get(conn, f"/v1/messages/batches?{key}=msgbatch_doesnotexist")
            self.assert_api_error(resp, body, 400, "invalid_request_error")
        conn.close()

    def test_not_found(self):
        conn = self.connect()
        for method, path in (("GET", "/v1/messages/batches/msgbatch_doesnotexist"),
                             ("GET", "/v1/other"), ("GET", "/"),
                             ("POST", "/v1/messages/batches/x/frobnicate"),
                             ("GET", "/v1/messages/batches/a/b/c")):
            with self.subTest(path=path):
                resp, body = self.get(conn, path, method=method)
                self.assert_api_error(resp, body, 404, "not_found_error")
        conn.close()

    # -- list and retrieve ----------------------------------------------------------------------

    def test_forward_walk_matches_dump(self):
        conn = self.connect()
        pages = self.walk(conn, "after_id", None, 97)
        got = [rec for page in pages for rec in page]
        self.assertEqual(len(pages), -(-self.BATCHES // 97))
        # Same objects, same key order (dicts keep the order they were parsed in).
        self.assertEqual([list(r.items()) for r in got], [list(r.items()) for r in self.dump])
        # Past the end: an empty page.
        resp, page = self.get(conn, f"/v1/messages/batches?after_id={self.dump[-1]['id']}")
        self.assertEqual(page, {"data": [], "has_more": False, "first_id": None,
                                "last_id": None})
        conn.close()

    def test_backward_walk_matches_dump(self):
        conn = self.connect()
        pages = self.walk(conn, "before_id", self.dump[-1]["id"], 97)
        for page in pages:       # each page newest first
            self.assertEqual(page, sorted(page, key=lambda r: r["created_at"], reverse=True))
        got = [rec for page in reversed(pages) for rec in page]
        self.assertEqual(got, self.dump[:-1])
        resp, page = self.get(conn, f"/v1/messages/batches?before_id={self.dump[0]['id']}")
        self.assertEqual(page, {"data": [], "has_more": False, "first_id": None,
                                "last_id": None})
        # before_id close to the top: only what is newer.
        resp, page = self.get(conn, f"/v1/messages/batches?limit=10&before_id={self.dump[3]['id']}")
        self.assertEqual(page["data"], self.dump[:3])
        self.assertFalse(page["has_more"])
        resp, page = self.get(conn, f"/v1/messages/batches?limit=2&before_id={self.dump[3]['id']}")
        self.assertEqual(page["data"], self.dump[1:3])
        self.assertTrue(page["has_more"])
        conn.close()

    def test_retrieve(self):
        conn = self.connect()
        for i in (0, 1, 2, 3, 100, 196, self.BATCHES - 1):
            rid = self.dump[i]["id"]
            resp, body = self.get(conn, f"/v1/messages/batches/{rid}")
            self.assertEqual(resp.status, 200)
            self.assertEqual(list(body.items()), list(self.dump[i].items()))
        quoted = urllib.parse.quote(self.dump[7]["id"], safe="")
        quoted = quoted.replace("_", "%5F")
        resp, body = self.get(conn, f"/v1/messages/batches/{quoted}")
        self.assertEqual(body, self.dump[7])
        resp, body = self.get(conn, f"/v1/messages/batches?limit=3&after_id={quoted}")
        self.assertEqual(body["data"], self.dump[8:11])
        conn.close()

    def test_beta_flavour(self):
        conn = self.connect()
        for headers in (AUTH, {**AUTH, "anthropic-beta": "some-other-beta"},
                        {**AUTH, "anthropic-beta": "message-batches-2024-09-24x"}):
            for path in ("/v1/messages/batches?beta=true",
                         f"/v1/messages/batches/{self.dump[2]['id']}?beta=true"):
                with self.subTest(headers=headers, path=path):
                    resp, body = self.get(conn, path, headers)
                    self.assert_api_error(resp, body, 400, "invalid_request_error")
        for beta in (BETA, f"other-2025-01-01, {BETA}", f"{BETA},x"):
            headers = {**AUTH, "anthropic-beta": beta}
            resp, body = self.get(conn, "/v1/messages/batches?limit=5&beta=true", headers)
            self.assertEqual(resp.status, 200)
            self.assertEqual(body["data"], self.dump[:5])
        headers = {**AUTH, "anthropic-beta": BETA}
        pages = self.walk(conn, "after_id", self.dump[-250]["id"], 100, "&beta=true", headers)
        self.assertEqual([r for p in pages for r in p], self.dump[-249:])
        resp, body = self.get(conn, f"/v1/messages/batches/{self.dump[2]['id']}?beta=true",
                              headers)
        self.assertEqual(body, self.dump[2])
        conn.close()

    # -- framing and connections ------------------------------------------------------------------

    def test_framing_override(self):
        sock = self.raw_tls()
        f = sock.makefile("rb")
        path = "/v1/messages/batches?limit=300"
        for mode in ("chunked", "length", "chunked", "length"):
            sock.sendall(raw_request(path, {"x-mock-framing": mode}))
            r = read_raw_response(f)
            self.assertEqual(r["status"], 200)
            if mode == "chunked":
                self.assertEqual(r["headers"]["transfer-encoding"], "chunked")
                self.assertNotIn("content-length", r["headers"])
                self.assertGreater(len(r["chunks"]), 2)
            else:
                self.assertNotIn("transfer-encoding", r["headers"])
                self.assertEqual(int(r["headers"]["content-length"]), len(r["body"]))
            self.assertEqual(json.loads(r["body"])["data"], self.dump[:300])
        sock.sendall(raw_request(path, {"x-mock-framing": "bogus"}))
        r = read_raw_response(f)
        self.assertEqual(r["status"], 400)
        sock.close()

    def test_random_framing_parses(self):
        sock = self.raw_tls()
        f = sock.makefile("rb")
        modes, sizes, exts, upper = set(), set(), 0, 0
        for i in range(24):
            path = f"/v1/messages/batches?limit=150&after_id={self.dump[i * 150]['id']}"
            sock.sendall(raw_request(path))
            r = read_raw_response(f)
            self.assertEqual(r["status"], 200)
            chunked = r["headers"].get("transfer-encoding") == "chunked"
            modes.add("chunked" if chunked else "length")
            for size_text, ext in r["chunks"]:
                sizes.add(int(size_text, 16))
                exts += ext == "ext=1"
                upper += size_text != size_text.lower()
            for size_text, _ in r["chunks"][:-1]:
                self.assertTrue(1 <= int(size_text, 16) <= 4096)
            self.assertEqual(r["chunks"][-1:] if chunked else [], [("0", "")] if chunked else [])
            self.assertEqual(json.loads(r["body"])["data"],
                             self.dump[i * 150 + 1:i * 150 + 151])
        self.assertEqual(modes, {"chunked", "length"})
        self.assertGreater(len(sizes), 20)
        self.assertGreater(exts, 0)
        sock.close()

    def test_keep_alive_and_stats(self):
        admin = self.connect()
        self.stats(admin, reset=True)
        conn = self.connect()
        for i in range(5):
            resp, _ = self.get(conn, f"/v1/messages/batches/{self.dump[i]['id']}")
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("connection"), "keep-alive")
        # Reading the stats over the same connection: the mock's own endpoints are not counted.
        self.assertEqual(self.stats(conn), {"connections": 1, "handshakes": 1, "requests": 5})
        self.assertEqual(self.stats(conn), {"connections": 1, "handshakes": 1, "requests": 5})
        before = self.stats(admin, reset=True)
        self.assertEqual(before, {"connections": 1, "handshakes": 1, "requests": 5})
        self.assertEqual(self.stats(admin), {"connections": 0, "handshakes": 0, "requests": 0})
        conn.close()
        admin.close()

    def test_untrusted_or_wrong_host_not_counted_as_handshake(self):
        admin = self.connect()
        self.stats(admin, reset=True)
        other = ssl.create_default_context(cafile=os.path.join(self.certs, "other-ca.pem"))
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.get(self.connect(ctx=other), "/v1/messages/batches")
        sock = socket.create_connection((HOST, self.main.port), timeout=10)
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.ctx.wrap_socket(sock, server_hostname="wrong.example")
        sock.close()
        ok = self.raw_tls(hostname="localhost")     # the certificate's DNS name also works
        ok.close()
        time.sleep(0.2)                             # let the server threads see the failures
        self.assertEqual(self.stats(admin), {"connections": 3, "handshakes": 1, "requests": 0})
        admin.close()

    def test_client_connection_close_honoured(self):
        sock = self.raw_tls()
        f = sock.makefile("rb")
        sock.sendall(raw_request("/v1/messages/batches?limit=2"))
        r = read_raw_response(f)
        self.assertEqual(r["headers"]["connection"], "keep-alive")
        sock.sendall(raw_request("/v1/messages/batches?limit=2", {"Connection": "close"}))
        r = read_raw_response(f)
        self.assertEqual(r["status"], 200)
        self.assertEqual(r["headers"]["connection"], "close")
        self.assertEqual(f.read(), b"")            # then the server closes (close_notify, FIN)
        sock.close()

    def test_max_requests_per_connection(self):
        sock = self.raw_tls(self.closing)
        f = sock.makefile("rb")
        for i in range(3):
            sock.sendall(raw_request("/v1/messages/batches?limit=4"))
            r = read_raw_response(f)
            self.assertEqual(r["status"], 200)
            self.assertEqual(r["headers"]["transfer-encoding"], "chunked")   # --chunked always
            self.assertEqual(r["headers"]["connection"], "keep-alive" if i < 2 else "close")
        self.assertEqual(f.read(), b"")
        sock.close()

        admin = self.connect(self.closing)
        self.stats(admin, reset=True)
        conn = self.connect(self.closing)
        for i in range(7):       # http.client reopens after each "connection: close"
            resp, body = self.get(conn, "/v1/messages/batches?limit=1")
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("connection"), "close" if i % 3 == 2 else "keep-alive")
        conn.close()
        self.assertEqual(self.stats(admin), {"connections": 3, "handshakes": 3, "requests": 7})
        admin.close()

    def test_plain_http_length_framing(self):
        conn = http.client.HTTPConnection(HOST, self.plain.port, timeout=10)
        seen = []
        for q in ("limit=30", "limit=7", "limit=7&after_id={}"):
            if "{}" in q:
                q = q.format(seen[6]["id"])
            conn.request("GET", "/v1/messages/batches?" + q, headers=AUTH)
            resp = conn.getresponse()
            self.assertIsNone(resp.getheader("transfer-encoding"))      # --chunked never
            self.assertIsNotNone(resp.getheader("content-length"))
            page = json.loads(resp.read())
            seen = seen or page["data"]
        self.assertEqual(page["data"], seen[7:14])
        self.assertEqual(seen, [json.loads(x) for x in
                                dump_store("--batches", "30").decode().splitlines()])
        # x-mock-framing still overrides --chunked never.
        conn.request("GET", "/v1/messages/batches", headers={**AUTH, "x-mock-framing": "chunked"})
        resp = conn.getresponse()
        self.assertEqual(resp.getheader("transfer-encoding"), "chunked")
        self.assertEqual(len(json.loads(resp.read())["data"]), 20)
        self.assertEqual(self.stats(conn), {"connections": 1, "handshakes": 0, "requests": 4})
        conn.close()


def _us(ts):
    """'2024-08-20T18:37:24.100435Z' -> integer microseconds (for exact arithmetic)."""
    import datetime
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")
    return (t - datetime.datetime(1970, 1, 1)) // datetime.timedelta(microseconds=1)


if __name__ == "__main__":
    unittest.main()
