"""Self-test of the mock Message Batches API server (unittest + http.client + ssl only).

Run from the repository root:  /usr/bin/python3 -m unittest tests/mock/test_mock.py -v

Certificates come from gen_certs.sh in a temporary directory; each server is mock_api.py started as
a subprocess on port 0 on 127.0.0.1, found through --port-file, and stopped by its pid (SIGTERM,
then SIGKILL) in class cleanups, which run even when a test or setUpClass fails.
"""

import hashlib
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mockctl import MockServer, dump_store  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "mock_api.py")
GEN_CERTS = os.path.join(HERE, "gen_certs.sh")
PYTHON = sys.executable or "/usr/bin/python3"
HOST = "127.0.0.1"
API_KEY = "test-key"
AUTH = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
BETA = "message-batches-2024-09-24"
# What the official TypeScript SDK sends (besides Host, Connection and the body's headers).
SDK_HEADERS = {"accept": "application/json", "content-type": "application/json",
               "user-agent": "Anthropic/JS 0.137.0", "x-stainless-lang": "js",
               "x-stainless-package-version": "0.137.0", "x-stainless-os": "Linux",
               "x-stainless-arch": "x64", "x-stainless-runtime": "node",
               "x-stainless-runtime-version": "v20.11.1", "x-stainless-retry-count": "0",
               "x-stainless-timeout": "600", "anthropic-version": "2023-06-01",
               "x-api-key": API_KEY, "anthropic-beta": BETA}

ID_RE = re.compile(r"^msgbatch_[0-9A-Za-z]{24}$")
REQ_ID_RE = re.compile(r"^req_[0-9A-Za-z]{24}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
NULLABLE = ("ended_at", "cancel_initiated_at", "archived_at", "results_url")
RECORD_KEYS = {"id", "type", "processing_status", "request_counts", "created_at", "expires_at",
               *NULLABLE}
COUNT_KEYS = {"processing", "succeeded", "errored", "canceled", "expired"}


def counters(connections, handshakes, requests, faults_applied=0, creates=0, kinds=None):
    """The /_mock/stats object with these values; kinds: "full"/"resumed" per handshake (default:
    every one full)."""
    kinds = ["full"] * handshakes if kinds is None else kinds
    return {"connections": connections, "handshakes": handshakes, "requests": requests,
            "faults_applied": faults_applied, "creates": creates,
            "resumed": kinds.count("resumed"), "handshake_kinds": kinds}


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
                # requests leave "processing" only when the whole batch ends (API reference)
                self.assertGreater(counts["processing"], 0)
                self.assertEqual(sum(counts.values()), counts["processing"])
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
        v1 = {"anthropic-version": "2023-06-01"}
        required = (401, "authentication_error", "x-api-key header is required")
        bad_key = (401, "authentication_error", "invalid x-api-key")
        bad_bearer = (401, "authentication_error", "invalid bearer token in authorization header")
        no_version = (400, "invalid_request_error", "anthropic-version: header is required")
        cases = [
            ({}, required),                                             # no credentials at all
            (v1, required),                                             # no key
            ({"x-api-key": "wrong", **v1}, bad_key),
            ({"authorization": "Bearer wrong", **v1}, bad_bearer),
            ({"authorization": f"Basic {API_KEY}", **v1}, bad_bearer),
            ({"authorization": API_KEY, **v1}, bad_bearer),
            # With both, x-api-key is what counts (even when the bearer token is right).
            ({"x-api-key": "wrong", "authorization": f"Bearer {API_KEY}", **v1}, bad_key),
            ({"x-api-key": "wrong"}, bad_key),                          # 401 before the version
            ({"x-api-key": API_KEY}, no_version),
            ({"authorization": f"Bearer {API_KEY}"}, no_version),
            ({"x-api-key": API_KEY, "anthropic-version": ""}, no_version),
            ({"x-api-key": API_KEY, "anthropic-version": "2023-06-02"},
             (400, "invalid_request_error",
              "anthropic-version: '2023-06-02' is not a valid version")),
            ({"x-api-key": API_KEY, "anthropic-version": "latest"},
             (400, "invalid_request_error", "anthropic-version: 'latest' is not a valid version")),
        ]
        for headers, (status, etype, message) in cases:
            for path in ("/v1/messages/batches", "/v1/messages/batches/" + self.dump[0]["id"]):
                with self.subTest(headers=headers, path=path):
                    resp, body = self.get(conn, path, headers)
                    self.assert_api_error(resp, body, status, etype)
                    self.assertEqual(body["error"]["message"], message)
        for headers in (AUTH, {"authorization": f"Bearer {API_KEY}",
                               "anthropic-version": "2026-10-21"},
                        {"x-api-key": API_KEY, "authorization": "Bearer wrong",
                         "anthropic-version": "2023-06-01"},
                        SDK_HEADERS):
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
        self.assertEqual(self.stats(conn), counters(1, 1, 5))
        self.assertEqual(self.stats(conn), counters(1, 1, 5))
        before = self.stats(admin, reset=True)
        self.assertEqual(before, counters(1, 1, 5))
        self.assertEqual(self.stats(admin), counters(0, 0, 0))
        conn.close()
        admin.close()

    def test_resumed_handshakes_reported(self):
        """A client that offers its last session (TLS 1.2: a ticket) is counted as resumed, one
        that offers none or one the server never issued as full, in handshake order."""
        admin = self.connect()
        self.stats(admin, reset=True)
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2    # the ticket comes with the handshake
        session, reused = None, []
        for _ in range(3):
            sock = ctx.wrap_socket(socket.create_connection((HOST, self.main.port), timeout=10),
                                   server_hostname=HOST, session=session)
            sock.sendall(raw_request("/v1/messages/batches?limit=1", {"Connection": "close"}))
            self.assertEqual(read_raw_response(sock.makefile("rb"))["status"], 200)
            reused.append(sock.session_reused)
            session = sock.session
            sock.close()
        fresh = ctx.wrap_socket(socket.create_connection((HOST, self.main.port), timeout=10),
                                server_hostname=HOST)      # no session offered: a full one
        fresh.close()
        time.sleep(0.2)                             # let the server thread count the last one
        self.assertEqual(reused, [False, True, True])   # what the client saw agrees
        self.assertEqual(self.stats(admin),
                         counters(4, 4, 3, kinds=["full", "resumed", "resumed", "full"]))
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
        self.assertEqual(self.stats(admin), counters(3, 1, 0))
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
        self.assertEqual(self.stats(admin), counters(3, 3, 7))
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
        self.assertEqual(self.stats(conn), counters(1, 0, 4))
        conn.close()


# -- fault injection ------------------------------------------------------------------------------

VOLATILE_RE = re.compile(rb'(?:\r\nDate: ([^\r]*)|\r\nrequest-id: ([^\r]*)|"request_id":"([^"]*)")')


def recv_until_end(sock, limit=10.0):
    """Everything the peer sends until EOF or an error: (bytes, exception or None, recv sizes)."""
    chunks = []
    sock.settimeout(limit)
    try:
        while True:
            got = sock.recv(1 << 20)
            if not got:
                return b"".join(chunks), None, [len(c) for c in chunks]
            chunks.append(got)
    except (OSError, ssl.SSLError) as e:
        return b"".join(chunks), e, [len(c) for c in chunks]


def split_head(data):
    """(head text without its blank line, bytes after the head)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, data[:200]
    return head.decode("latin-1"), rest


def head_fields(head):
    """Status code and {lower-case name: [values]} of a response head."""
    lines = head.split("\r\n")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split(" ")[1]), fields


def dechunk(data):
    """Decode a complete chunked body (no trailers): (body, bytes after it)."""
    body = b""
    while True:
        line, _, data = data.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if size == 0:
            assert data[:2] == b"\r\n", data[:10]
            return body, data[2:]
        body += data[:size]
        assert data[size:size + 2] == b"\r\n"
        data = data[size + 2:]


def dumps(obj):
    """The mock's serialization of a record (compact, UTF-8)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class FaultInjectionTest(unittest.TestCase):
    """The fault queue and every fault, byte for byte, over plain TCP and TLS."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-faults-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, certs], check=True, timeout=30)
        cls.cafile = os.path.join(certs, "ca.pem")
        cls.ctx = ssl.create_default_context(cafile=cls.cafile)
        tls = ["--cert", os.path.join(certs, "server.pem"),
               "--key", os.path.join(certs, "server.key")]
        cls.tls = MockServer(cls.tmp, "tls", [*tls, "--batches", "30"], cafile=cls.cafile)
        cls.addClassCleanup(cls.tls.stop)
        cls.plain = MockServer(cls.tmp, "plain", ["--batches", "30", "--chunked", "never"])
        cls.addClassCleanup(cls.plain.stop)
        rnd = ["--batches", "30", "--chunked", "never", "--random-faults", "0.4"]
        cls.rnd = []
        for name, seed in (("rnd-a", "7"), ("rnd-b", "7"), ("rnd-c", "8")):
            server = MockServer(cls.tmp, name, [*rnd, "--fault-seed", seed])
            cls.addClassCleanup(server.stop)
            cls.rnd.append(server)
        cls.silent = MockServer(cls.tmp, "silent", ["--batches", "30", "--silent-close-after", "2"])
        cls.addClassCleanup(cls.silent.stop)
        cls.silent_tls = MockServer(cls.tmp, "silent-tls", [*tls, "--batches", "30",
                                                            "--silent-close-after", "2"])
        cls.addClassCleanup(cls.silent_tls.stop)
        cls.dump = [json.loads(x) for x in dump_store("--batches", "30").decode().splitlines()]
        cls.one = "/v1/messages/batches/" + cls.dump[3]["id"]     # a small response

    def setUp(self):
        for server in (self.tls, self.plain):
            self.assertEqual(server.clear_faults(), [])

    # -- helpers ------------------------------------------------------------------------------

    def plain_sock(self):
        return socket.create_connection((HOST, self.plain.port), timeout=10)

    def tls_sock(self, ragged_eof_is_error=True):
        sock = socket.create_connection((HOST, self.tls.port), timeout=10)
        return self.ctx.wrap_socket(sock, server_hostname=HOST,
                                    suppress_ragged_eofs=not ragged_eof_is_error)

    def read_response(self, sock, buf=b""):
        """One response read from `sock` (Content-Length framing or chunked), nothing more:
        (status, {lower-case name: value}, body, bytes read past the response)."""
        while b"\r\n\r\n" not in buf:
            got = sock.recv(65536)
            self.assertTrue(got, "EOF inside a response head")
            buf += got
        head, _, rest = buf.partition(b"\r\n\r\n")
        status, fields = head_fields(head.decode("latin-1"))
        fields = {k: v[-1] for k, v in fields.items()}
        if fields.get("transfer-encoding") == "chunked":
            while True:
                try:
                    body, after = dechunk(rest)
                    return status, fields, body, after
                except (AssertionError, ValueError, IndexError):
                    got = sock.recv(65536)
                    self.assertTrue(got, "EOF inside a chunked body")
                    rest += got
        length = int(fields["content-length"])
        while len(rest) < length:
            got = sock.recv(65536)
            self.assertTrue(got, "EOF inside a body")
            rest += got
        return status, fields, rest[:length], rest[length:]

    def tls_exchange(self, path=None, extra=None):
        """One request over TLS with the TLS layer in memory, so that the TCP ending stays
        visible: (plaintext received, close_notify seen?, "fin" or "rst")."""
        sock = socket.create_connection((HOST, self.tls.port), timeout=10)
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = self.ctx.wrap_bio(inc, out, server_hostname=HOST)

        def flush():
            data = out.read()
            if data:
                sock.sendall(data)

        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                flush()
                data = sock.recv(65536)
                self.assertTrue(data, "EOF during the handshake")
                inc.write(data)
        flush()
        tls.write(raw_request(path or self.one, extra))
        flush()
        plain, notified, answered, end = b"", False, False, None
        while end is None:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                end = "rst"
                break
            if not data:
                end = "fin"
                break
            inc.write(data)
            try:
                while not notified:
                    got = tls.read(65536)
                    plain += got
                    notified = not got          # b"" (or SSLZeroReturnError): close_notify
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLZeroReturnError:
                notified = True
            if notified and not answered:
                answered = True
                try:
                    tls.unwrap()                # answer with our close_notify
                except ssl.SSLError:
                    pass
                flush()
        sock.close()
        return plain, notified, end

    def exchange(self, sock, path=None, extra=None):
        """Send one request, read until the server ends the connection, close."""
        try:
            sock.sendall(raw_request(path or self.one, extra))
            return recv_until_end(sock)
        finally:
            sock.close()

    def reference(self, path=None):
        """The plain server's normal answer to `path` (length framing): its exact bytes."""
        sock = self.plain_sock()
        f = sock.makefile("rb")
        sock.sendall(raw_request(path or self.one))
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += f.readline()
        status, fields = head_fields(head.decode("latin-1")[:-4])
        data = head + f.read(int(fields["content-length"][0]))
        sock.close()
        return data

    def assert_same_response(self, got, full):
        """`got` equals `full` (or its start), except for Date and request-id values."""
        self.assertLessEqual(len(got), len(full))
        mask = bytearray(full[:len(got)])
        got = bytearray(got)
        for m in VOLATILE_RE.finditer(full):
            a, b = m.span(m.lastindex)
            mask[a:b] = got[a:b] = b"?" * len(mask[a:b])
        self.assertEqual(bytes(got), bytes(mask))

    def faulty(self, server, *faults):
        queue = server.add_faults(list(faults))
        self.assertGreaterEqual(len(queue), len(faults))
        return queue

    # -- the queue ------------------------------------------------------------------------------

    def test_queue_order_times_and_prefix(self):
        srv = self.tls
        conn = http.client.HTTPSConnection(HOST, srv.port, context=self.ctx, timeout=10)
        conn.connect()              # before the connection fault is queued: does not take it

        def status(path):
            conn.request("GET", path, headers=AUTH)
            resp = conn.getresponse()
            resp.read()
            return resp.status

        # An answer on this connection means the server has finished its side of the handshake,
        # so reset_stats() below cannot race it: under TLS 1.3 connect() returns before the
        # server has read the client's Finished, and a clean CI run once counted that
        # handshake after the reset.
        self.assertEqual(status("/_mock/stats"), 200)
        queue = self.faulty(srv, {"fault": "status", "status": 500, "times": 2},
                            {"fault": "status", "status": 503, "type": "api_error",
                             "path_prefix": "/v1/messages/batches/msgbatch_"},
                            {"fault": "handshake_stall", "ms": 1, "path_prefix": "/ignored"},
                            {"fault": "status", "status": 429})
        self.assertEqual(queue, [
            {"fault": "status", "status": 500, "type": "api_error", "times": 2,
             "path_prefix": "/v1/messages/batches"},
            {"fault": "status", "status": 503, "type": "api_error", "times": 1,
             "path_prefix": "/v1/messages/batches/msgbatch_"},
            {"fault": "handshake_stall", "ms": 1, "times": 1},
            {"fault": "status", "status": 429, "type": "rate_limit_error", "times": 1,
             "path_prefix": "/v1/messages/batches"}])
        self.assertEqual(srv.faults(), queue)        # /_mock/ requests consume nothing
        srv.reset_stats()
        self.assertEqual(status("/_mock/stats"), 200)
        self.assertEqual(status("/not/under/the/prefix"), 404)                    # no match
        self.assertEqual(status("/v1/messages/batches?limit=1"), 500)
        self.assertEqual(len(srv.faults()), 4)
        self.assertEqual(srv.faults()[0]["times"], 1)
        self.assertEqual(status("/v1/messages/batches?limit=1"), 500)
        self.assertEqual(status("/v1/messages/batches?limit=1"), 429)            # skips the 503
        self.assertEqual(status("/v1/messages/batches?limit=1"), 200)
        self.assertEqual(status(self.one), 503)
        self.assertEqual(status(self.one), 200)
        self.assertEqual(srv.faults(), [{"fault": "handshake_stall", "ms": 1, "times": 1}])
        self.assertEqual(srv.stats(), counters(0, 0, 7, 4))   # stats did not count /_mock/
        self.assertEqual(srv.clear_faults(), [])
        self.assertEqual(srv.faults(), [])
        self.assertEqual(status("/v1/messages/batches?limit=1"), 200)
        self.assertEqual(srv.reset_stats(), counters(0, 0, 8, 4))
        self.assertEqual(srv.stats()["faults_applied"], 0)
        conn.close()

    def test_invalid_faults_rejected(self):
        bad = [
            {"fault": "nope"}, {"bytes": 3}, "close_after", {"fault": "close_after"},
            {"fault": "close_after", "bytes": -1}, {"fault": "close_after", "bytes": "3"},
            {"fault": "close_after", "bytes": 3, "typo": 1}, {"fault": "stall"},
            {"fault": "stall", "before_ms": 1, "ms": 2}, {"fault": "stall", "at_byte": 3},
            {"fault": "drip"}, {"fault": "bad_chunk", "kind": "other"},
            {"fault": "status"}, {"fault": "status", "status": 42},
            {"fault": "close_after", "bytes": 1, "times": 0},
            {"fault": "close_after", "bytes": 1, "path_prefix": "v1"},
            {"fault": "html", "status": True}, {"fault": "handshake_stall"},
            {"fault": "late_bytes", "delay_ms": 1}, {"fault": "late_bytes", "data": "x"},
            {"fault": "late_bytes", "data": "", "delay_ms": 1},
            {"fault": "late_bytes", "data": "\u00e9", "delay_ms": 1},
            {"fault": "extra_response"}, {"fault": "idle_close"},
            {"fault": "idle_close", "after_ms": 1, "how": "close"},
            {"fault": "body", "status": 200}, {"fault": "body", "body": "x"},
            {"fault": "body", "status": 200, "body": 3},
            {"fault": "body", "status": 200, "body": "", "headers": ["x"]},
            {"fault": "body", "status": 200, "body": "", "headers": {"Content-Length": "1"}},
            {"fault": "body", "status": 200, "body": "", "headers": {"bad name": "1"}},
            {"fault": "body", "status": 200, "body": "", "headers": {"x": "\n"}},
        ]
        for fault in bad:
            with self.subTest(fault=fault):
                status, body = self.tls.control("POST", "/_mock/faults",
                                                [{"fault": "invalid_json"}, fault])
                self.assertEqual(status, 400)
                self.assertEqual(body["error"]["type"], "invalid_request_error")
                self.assertEqual(self.tls.faults(), [])          # all or nothing
        for body in ("{", "3", '"x"'):
            status, _ = self.tls.control("POST", "/_mock/faults", json.loads(body)
                                         if body != "{" else None)
            if body == "{":
                continue
            self.assertEqual(status, 400)
        status, _ = self.plain.control("POST", "/_mock/faults", [{"fault": "handshake_close"}])
        self.assertEqual(status, 400)                             # plain server: no TLS
        self.assertEqual(self.tls.add_faults({"fault": "handshake_close", "times": 2}),
                         [{"fault": "handshake_close", "times": 2}])
        self.assertEqual(self.tls.add_faults({"fault": "status", "status": 429,
                                              "retry_after": 2, "should_retry": True}),
                         [{"fault": "handshake_close", "times": 2},
                          {"fault": "status", "status": 429, "retry_after": "2",
                           "should_retry": "true", "type": "rate_limit_error", "times": 1,
                           "path_prefix": "/v1/messages/batches"}])

    # -- cutting the connection ---------------------------------------------------------------

    def test_close_after(self):
        full = self.reference()
        for n in (0, 1, 17, len(full) - 1, len(full), len(full) + 100):
            with self.subTest(n=n):
                self.faulty(self.plain, {"fault": "close_after", "bytes": n})
                data, err, _ = self.exchange(self.plain_sock())
                self.assertIsNone(err)                           # FIN, not RST
                self.assertEqual(len(data), min(n, len(full)))
                self.assert_same_response(data, full)
        # TLS: exactly N plaintext bytes, then FIN without close_notify.
        self.faulty(self.tls, {"fault": "close_after", "bytes": 23})
        data, notified, end = self.tls_exchange()
        self.assertEqual((data, notified, end), (b"HTTP/1.1 200 OK\r\nDate: ", False, "fin"))
        # A normal Connection: close response ends with close_notify (the helper sees both).
        self.assertEqual(self.tls_exchange(None, {"Connection": "close"})[1:], (True, "fin"))

    def test_reset_after(self):
        full = self.reference()
        for n in (0, 40, len(full) - 1):
            with self.subTest(n=n):
                self.faulty(self.plain, {"fault": "reset_after", "bytes": n})
                data, err, _ = self.exchange(self.plain_sock())
                self.assertIsInstance(err, ConnectionResetError)
                self.assertEqual(len(data), n)
                self.assert_same_response(data, full)
        self.faulty(self.tls, {"fault": "reset_after", "bytes": 40})
        data, notified, end = self.tls_exchange()
        self.assertEqual((len(data), notified, end), (40, False, "rst"))
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"))

    def test_body_shorter(self):
        full = self.reference()
        self.faulty(self.plain, {"fault": "body_shorter", "missing": 5})
        data, err, _ = self.exchange(self.plain_sock())
        self.assertIsNone(err)
        head, body = split_head(data)
        _, fields = head_fields(head)
        self.assertEqual(int(fields["content-length"][0]), len(body) + 5)
        self.assertEqual(json.loads(body), self.dump[3])
        self.assertEqual(len(data), len(full) + (len(str(len(body) + 5)) - len(str(len(body)))))
        # Under TLS as well (chunked framing of the server overridden), no close_notify.
        self.faulty(self.tls, {"fault": "body_shorter", "missing": 1000})
        data, notified, end = self.tls_exchange()
        head, body = split_head(data)
        _, fields = head_fields(head)
        self.assertNotIn("transfer-encoding", fields)
        self.assertEqual(int(fields["content-length"][0]), len(body) + 1000)
        self.assertEqual(json.loads(body), self.dump[3])
        self.assertEqual((notified, end), (False, "fin"))

    # -- timing ----------------------------------------------------------------------------------

    def test_stall_before(self):
        full = self.reference()
        self.faulty(self.plain, {"fault": "stall", "before_ms": 300})
        sock = self.plain_sock()
        sock.sendall(raw_request(self.one, {"Connection": "close"}))
        t0 = time.monotonic()
        first = sock.recv(1)
        self.assertGreaterEqual(time.monotonic() - t0, 0.28)
        data, err, _ = recv_until_end(sock)
        self.assertIsNone(err)
        head, body = split_head(first + data)
        self.assertEqual(json.loads(body), self.dump[3])
        self.assertEqual(len(first + data), len(full) - len("keep-alive") + len("close"))
        sock.close()

    def test_stall_at_byte(self):
        full = self.reference()
        self.faulty(self.plain, {"fault": "stall", "at_byte": 30, "ms": 300})
        sock = self.plain_sock()
        t0 = time.monotonic()
        sock.sendall(raw_request(self.one))
        data = b""
        while len(data) < 30:
            data += sock.recv(65536)
        self.assertEqual(len(data), 30)
        self.assertLess(time.monotonic() - t0, 0.25)
        data += sock.recv(65536)
        self.assertGreaterEqual(time.monotonic() - t0, 0.28)
        while len(data) < len(full):
            data += sock.recv(65536)
        self.assert_same_response(data, full)
        # The connection is still usable afterwards.
        sock.sendall(raw_request(self.one, {"Connection": "close"}))
        rest, err, _ = recv_until_end(sock)
        self.assertTrue(rest.startswith(b"HTTP/1.1 200 OK\r\n"))
        sock.close()

    def test_drip(self):
        path = "/v1/messages/batches/nope"               # a short 404 response
        full = self.reference(path)
        self.faulty(self.plain, {"fault": "drip", "interval_ms": 2})
        sock = self.plain_sock()
        t0 = time.monotonic()
        sock.sendall(raw_request(path))
        data, sizes = b"", []
        while len(data) < len(full):
            got = sock.recv(65536)
            self.assertTrue(got)
            data += got
            sizes.append(len(got))
        elapsed = time.monotonic() - t0
        self.assert_same_response(data, full)
        self.assertGreaterEqual(elapsed, (len(full) - 1) * 0.002 * 0.9)
        self.assertGreater(sizes.count(1), len(full) * 0.8)    # nearly every read: one byte
        sock.close()

    # -- framing -----------------------------------------------------------------------------

    def test_bad_chunk(self):
        for kind, line in (("nonhex", b"zz"), ("overflow", b"fffffffffffffffffffff")):
            for server, sock in ((self.plain, self.plain_sock), (self.tls, self.tls_sock)):
                with self.subTest(kind=kind, tls=server is self.tls):
                    self.faulty(server, {"fault": "bad_chunk", "kind": kind})
                    data, err, _ = self.exchange(sock())
                    self.assertIsNone(err)                  # then closed (close_notify, FIN)
                    head, rest = split_head(data)
                    _, fields = head_fields(head)
                    self.assertEqual(fields["transfer-encoding"], ["chunked"])
                    self.assertNotIn("content-length", fields)
                    self.assertTrue(rest.startswith(line + b"\r\n"))
                    # Past the bad size line: the first chunk's data, CRLF, the other chunks.
                    rest = rest[len(line) + 2:]
                    body = dumps(self.dump[3])
                    # (The first chunk holds at most 16 bytes: the violation comes early.)
                    self.assertTrue(any(rest[:k + 2] == body[:k] + b"\r\n"
                                        and dechunk(rest[k + 2:]) == (body[k:], b"")
                                        for k in range(1, 17)))
        # missing_crlf: the data of the first chunk is followed by the next size line.
        for server, sock in ((self.plain, self.plain_sock), (self.tls, self.tls_sock)):
            with self.subTest(kind="missing_crlf", tls=server is self.tls):
                self.faulty(server, {"fault": "bad_chunk", "kind": "missing_crlf"})
                data, err, _ = self.exchange(sock(), "/v1/messages/batches?limit=10")
                self.assertIsNone(err)
                head, rest = split_head(data)
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                self.assertTrue(0 < size <= 16)        # the violation comes early in the body
                self.assertNotEqual(rest[size:size + 2], b"\r\n")
                body, after = dechunk(b"%x\r\n" % size + rest[:size] + b"\r\n" + rest[size:])
                self.assertEqual(after, b"")
                self.assertEqual(json.loads(body)["data"], self.dump[:10])
        # http.client refuses the bad size line.
        self.faulty(self.tls, {"fault": "bad_chunk", "kind": "nonhex"})
        conn = http.client.HTTPSConnection(HOST, self.tls.port, context=self.ctx, timeout=10)
        conn.request("GET", self.one, headers=AUTH)
        resp = conn.getresponse()
        with self.assertRaises((http.client.HTTPException, ValueError)):
            resp.read()
        conn.close()

    def test_conflicting_length(self):
        for server, sock in ((self.plain, self.plain_sock), (self.tls, self.tls_sock)):
            with self.subTest(tls=server is self.tls):
                self.faulty(server, {"fault": "conflicting_length"})
                data, err, _ = self.exchange(sock(), "/v1/messages/batches?limit=8",
                                             {"Connection": "close"})
                head, rest = split_head(data)
                _, fields = head_fields(head)
                self.assertEqual(fields["transfer-encoding"], ["chunked"])
                body, after = dechunk(rest)
                self.assertEqual(after, b"")
                self.assertEqual(fields["content-length"], [str(len(body))])
                self.assertNotEqual(len(rest), len(body))
                self.assertEqual(json.loads(body)["data"], self.dump[:8])

    def test_huge_headers(self):
        full = self.reference()
        full_head, full_body = split_head(full)
        for n in (250, 20000, 1_000_000):
            with self.subTest(n=n):
                self.faulty(self.plain, {"fault": "huge_headers", "bytes": n})
                sock = self.plain_sock()
                data, err, _ = self.exchange(sock, None, {"Connection": "close"})
                head, body = split_head(data)
                self.assertEqual(len(head), len(full_head) + n - len("keep-alive") + len("close"))
                self.assertEqual(body, full_body)
                fillers = [x for x in head.split("\r\n") if x.startswith("x-filler-")]
                self.assertEqual(len(fillers), -(-n // 100))
                for k, line in enumerate(fillers, 1):
                    self.assertRegex(line, rf"^x-filler-{k}: [a-z0-9]+$")
                    self.assertLessEqual(len(line) + 2, 130)
                self.assertEqual(sum(len(x) + 2 for x in fillers), n)

    def test_body_longer(self):
        self.faulty(self.plain, {"fault": "body_longer", "extra": 7})
        sock = self.plain_sock()
        f = sock.makefile("rb")
        sock.sendall(raw_request(self.one, {"x-mock-framing": "chunked"}))
        r = read_raw_response(f)
        self.assertNotIn("transfer-encoding", r["headers"])       # Content-Length framing
        self.assertEqual(json.loads(r["body"]), self.dump[3])
        self.assertEqual(f.read(7), b"JUNK-AF")
        # The connection stays open: the junk comes before the next response.
        sock.sendall(raw_request(self.one))
        r = read_raw_response(f)
        self.assertEqual(r["status"], 200)
        self.assertEqual(json.loads(r["body"]), self.dump[3])
        sock.close()

    def test_invalid_json(self):
        # Length framing, list page: a doubled comma between two batch objects.
        self.faulty(self.plain, {"fault": "invalid_json"})
        path = "/v1/messages/batches?limit=6"
        data, err, _ = self.exchange(self.plain_sock(), path, {"Connection": "close"})
        head, body = split_head(data)
        _, fields = head_fields(head)
        self.assertEqual(int(fields["content-length"][0]), len(body))
        with self.assertRaises(ValueError):
            json.loads(body)
        self.assertEqual(body.count(b"},,{"), 1)
        self.assertEqual(json.loads(body.replace(b"},,{", b"},{"))["data"], self.dump[:6])
        # A single object and an error object; chunked framing over TLS (http.client decodes it).
        for path in (self.one, "/v1/messages/batches/nope"):
            with self.subTest(path=path):
                self.faulty(self.tls, {"fault": "invalid_json"})
                conn = http.client.HTTPSConnection(HOST, self.tls.port, context=self.ctx,
                                                   timeout=10)
                conn.request("GET", path, headers={**AUTH, "x-mock-framing": "chunked"})
                resp = conn.getresponse()
                self.assertEqual(resp.getheader("transfer-encoding"), "chunked")
                body = resp.read()
                with self.assertRaises(ValueError):
                    json.loads(body)
                self.assertEqual(body.count(b",,"), 1)
                fixed = json.loads(body.replace(b",,", b",", 1))
                if path == self.one:
                    self.assertEqual(fixed, self.dump[3])
                else:
                    self.assertEqual(fixed["error"]["type"], "not_found_error")
                conn.close()

    # -- error responses ---------------------------------------------------------------------------

    def test_html(self):
        conn = http.client.HTTPSConnection(HOST, self.tls.port, context=self.ctx, timeout=10)
        self.faulty(self.tls, {"fault": "html"}, {"fault": "html", "status": 504})
        for status, reason in ((502, "Bad Gateway"), (504, "Gateway Timeout")):
            conn.request("GET", self.one, headers=AUTH)
            resp = conn.getresponse()
            self.assertEqual((resp.status, resp.reason), (status, reason))
            self.assertEqual(resp.getheader("content-type"), "text/html")
            self.assertIsNone(resp.getheader("request-id"))
            self.assertEqual(resp.read(), f"<html><body><h1>{status} {reason}</h1></body></html>"
                             .encode())
        conn.request("GET", self.one, headers=AUTH)           # same connection, normal again
        self.assertEqual(json.loads(conn.getresponse().read()), self.dump[3])
        conn.close()

    def test_status(self):
        conn = http.client.HTTPSConnection(HOST, self.tls.port, context=self.ctx, timeout=10)
        cases = [
            ({"fault": "status", "status": 429, "type": "rate_limit_error", "retry_after": "1",
              "retry_after_ms": "250.5", "should_retry": "true"},
             "rate_limit_error", {"retry-after": "1", "retry-after-ms": "250.5",
                                  "x-should-retry": "true"}),
            ({"fault": "status", "status": 529}, "overloaded_error", {}),
            ({"fault": "status", "status": 500, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"},
             "api_error", {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}),
            ({"fault": "status", "status": 400, "should_retry": "true", "message": "try again"},
             "invalid_request_error", {"x-should-retry": "true"}),
            ({"fault": "status", "status": 503, "type": "new_error_type", "should_retry": "false"},
             "new_error_type", {"x-should-retry": "false"}),
        ]
        self.faulty(self.tls, *[c[0] for c in cases])
        for fault, etype, present in cases:
            with self.subTest(fault=fault):
                conn.request("GET", "/v1/messages/batches", headers=AUTH)
                resp = conn.getresponse()
                body = json.loads(resp.read())
                self.assertEqual(resp.status, fault["status"])
                self.assertEqual(set(body), {"type", "error", "request_id"})
                self.assertEqual(body["type"], "error")
                self.assertEqual(body["error"]["type"], etype)
                self.assertEqual(body["error"]["message"], fault.get("message",
                                                                     body["error"]["message"]))
                self.assertRegex(resp.getheader("request-id"), REQ_ID_RE)
                self.assertEqual(body["request_id"], resp.getheader("request-id"))
                for name in ("retry-after", "retry-after-ms", "x-should-retry"):
                    self.assertEqual(resp.getheader(name), present.get(name))
        conn.close()

    # -- after the response: keep-alive traps ----------------------------------------------------

    def socks(self):
        return ((self.plain, self.plain_sock), (self.tls, self.tls_sock))

    def test_late_bytes(self):
        late = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nLATE"
        for server, mk in self.socks():
            with self.subTest(tls=server is self.tls):
                self.faulty(server, {"fault": "late_bytes", "data": late, "delay_ms": 400})
                sock = mk()
                sock.sendall(raw_request(self.one))
                status, fields, body, extra = self.read_response(sock)
                t0 = time.monotonic()
                self.assertEqual((status, extra), (200, b""))
                self.assertEqual(fields["connection"], "keep-alive")
                self.assertEqual(json.loads(body), self.dump[3])
                sock.settimeout(0.25)                       # nothing in the first 250 ms
                with self.assertRaises(socket.timeout):
                    sock.recv(65536)
                sock.settimeout(5)
                got = b""
                while len(got) < len(late):
                    data = sock.recv(65536)
                    self.assertTrue(data)
                    got += data
                self.assertGreaterEqual(time.monotonic() - t0, 0.38)
                self.assertEqual(got, late.encode())
                # The connection stays open and serves the next request.
                sock.sendall(raw_request(self.one))
                status, _, body, extra = self.read_response(sock)
                self.assertEqual((status, json.loads(body), extra), (200, self.dump[3], b""))
                sock.close()

    def test_extra_response(self):
        ids = {r["id"] for r in self.dump}
        for server, mk in self.socks():
            with self.subTest(tls=server is self.tls):
                self.faulty(server, {"fault": "extra_response", "delay_ms": 300})
                sock = mk()
                sock.sendall(raw_request("/v1/messages/batches?limit=2"))
                status, _, body, extra = self.read_response(sock)
                t0 = time.monotonic()
                self.assertEqual((status, extra), (200, b""))
                self.assertEqual(json.loads(body)["data"], self.dump[:2])
                status, fields, body, extra = self.read_response(sock)
                self.assertGreaterEqual(time.monotonic() - t0, 0.28)
                self.assertEqual((status, extra), (200, b""))
                self.assertEqual(fields["content-type"], "application/json")
                self.assertEqual(fields["connection"], "keep-alive")
                self.assertRegex(fields["request-id"], REQ_ID_RE)
                self.assertEqual(int(fields["content-length"]), len(body))
                page = json.loads(body)
                self.assertFalse(page["has_more"])
                self.assertEqual(len(page["data"]), 1)
                rec = page["data"][0]
                self.assertEqual(set(rec), RECORD_KEYS)
                self.assertRegex(rec["id"], ID_RE)
                self.assertNotIn(rec["id"], ids)
                self.assertEqual((page["first_id"], page["last_id"]), (rec["id"], rec["id"]))
                sock.sendall(raw_request(self.one))
                status, _, body, _ = self.read_response(sock)
                self.assertEqual((status, json.loads(body)), (200, self.dump[3]))
                sock.close()

    def test_idle_close(self):
        # Plain, FIN: keep-alive announced, then EOF once the connection sat idle 300 ms.
        self.faulty(self.plain, {"fault": "idle_close", "after_ms": 300})
        sock = self.plain_sock()
        sock.sendall(raw_request(self.one))
        status, fields, _, _ = self.read_response(sock)
        t0 = time.monotonic()
        self.assertEqual((status, fields["connection"]), (200, "keep-alive"))
        self.assertEqual(sock.recv(65536), b"")
        self.assertGreaterEqual(time.monotonic() - t0, 0.28)
        sock.close()
        # Plain, RST.
        self.faulty(self.plain, {"fault": "idle_close", "after_ms": 200, "how": "rst"})
        sock = self.plain_sock()
        sock.sendall(raw_request(self.one))
        self.assertEqual(self.read_response(sock)[1]["connection"], "keep-alive")
        with self.assertRaises(ConnectionResetError):
            sock.recv(65536)
        sock.close()
        # TLS: FIN without close_notify, or RST.
        for how, end in (("fin", "fin"), ("rst", "rst")):
            with self.subTest(how=how):
                self.faulty(self.tls, {"fault": "idle_close", "after_ms": 200, "how": how})
                t0 = time.monotonic()
                data, notified, got_end = self.tls_exchange()
                self.assertGreaterEqual(time.monotonic() - t0, 0.18)
                head, body = split_head(data)
                self.assertEqual(head_fields(head)[1]["connection"], ["keep-alive"])
                self.assertEqual((notified, got_end), (False, end))
        # A next request within the time: served, and the connection stays up after it.
        self.faulty(self.plain, {"fault": "idle_close", "after_ms": 300})
        sock = self.plain_sock()
        for _ in range(2):
            sock.sendall(raw_request(self.one))
            self.assertEqual(self.read_response(sock)[0], 200)
        time.sleep(0.5)
        sock.sendall(raw_request(self.one))
        self.assertEqual(self.read_response(sock)[0], 200)
        sock.close()

    def test_silent_close_after(self):
        for server in (self.silent, self.silent_tls):
            with self.subTest(tls=server is self.silent_tls):
                server.reset_stats()
                for _ in range(2):
                    sock = socket.create_connection((HOST, server.port), timeout=10)
                    if server is self.silent_tls:
                        sock = self.ctx.wrap_socket(sock, server_hostname=HOST)
                    for _ in range(2):
                        sock.sendall(raw_request(self.one))
                        status, fields, body, extra = self.read_response(sock)
                        self.assertEqual((status, extra), (200, b""))
                        self.assertEqual(fields["connection"], "keep-alive")   # never announced
                    self.assertEqual(sock.recv(65536), b"")                    # then EOF
                    sock.close()
                stats = server.stats()
                self.assertEqual((stats["connections"], stats["requests"]), (2, 4))

    def test_body_fault(self):
        crafted = ('{"data":[{"id":"msgbatch_\\u0000evil","type":"message_batch"}],'
                   '"has_more":false,"first_id":null,"last_id":null,"caf\u00e9":"\u2713"}')
        decoy = ('{"meta":{"type":"info","message":"decoy"},"type":"error",'
                 '"error":{"type":"overloaded_error","message":"real"}}')
        self.faulty(self.plain, {"fault": "body", "status": 200, "body": crafted,
                                 "headers": {"x-custom": "1", "retry-after": "3"}},
                    {"fault": "body", "status": 529, "body": decoy,
                     "content_type": "text/plain; charset=utf-8"},
                    {"fault": "body", "status": 200, "body": "", "path_prefix": "/v1/other"})
        sock = self.plain_sock()
        sock.sendall(raw_request(self.one))
        status, fields, body, extra = self.read_response(sock)
        self.assertEqual((status, body, extra), (200, crafted.encode("utf-8"), b""))
        self.assertEqual(fields["content-type"], "application/json")
        self.assertRegex(fields["request-id"], REQ_ID_RE)
        self.assertIn("date", fields)
        self.assertEqual(fields["connection"], "keep-alive")
        self.assertEqual((fields["x-custom"], fields["retry-after"]), ("1", "3"))
        self.assertEqual(json.loads(body)["data"][0]["id"], "msgbatch_\u0000evil")
        # The server's framing (here forced chunked), any status, the content type given.
        sock.sendall(raw_request("/v1/messages/batches?limit=1", {"x-mock-framing": "chunked"}))
        status, fields, body, extra = self.read_response(sock)
        self.assertEqual((status, body), (529, decoy.encode()))
        self.assertEqual(fields["transfer-encoding"], "chunked")
        self.assertEqual(fields["content-type"], "text/plain; charset=utf-8")
        sock.sendall(raw_request("/v1/other/x"))
        status, fields, body, extra = self.read_response(sock)
        self.assertEqual((status, body, fields["content-length"]), (200, b"", "0"))
        sock.close()
        self.assertEqual(self.plain.faults(), [])
        # Over TLS too, through http.client.
        self.faulty(self.tls, {"fault": "body", "status": 400, "body": decoy})
        conn = http.client.HTTPSConnection(HOST, self.tls.port, context=self.ctx, timeout=10)
        conn.request("GET", self.one, headers=AUTH)
        resp = conn.getresponse()
        self.assertEqual((resp.status, resp.read()), (400, decoy.encode()))
        conn.close()

    # -- walk modes --------------------------------------------------------------------------------

    def set_walk(self, server, mode):
        status, body = server.control("POST", "/_mock/walk", mode)
        self.assertEqual(status, 200, body)
        return body

    def test_walk_cycle(self):
        srv = self.tls
        self.addCleanup(self.set_walk, srv, {"mode": "normal"})
        store_ids = {r["id"] for r in self.dump}
        L = 5
        self.assertEqual(self.set_walk(srv, {"mode": "cycle", "length": L}),
                         {"mode": "cycle", "length": L})
        self.assertEqual(srv.control("GET", "/_mock/walk"), (200, {"mode": "cycle", "length": L}))
        srv.reset_stats()
        conn = http.client.HTTPSConnection(HOST, srv.port, context=self.ctx, timeout=10)
        after_ids = None
        for key, cursor_of in (("after_id", "last_id"), ("before_id", "first_id")):
            with self.subTest(key=key):
                # A before_id walk starts from a cursor: c{L-1}, whose page has first_id c0.
                cursors, cursor = [], None if key == "after_id" else after_ids[-1]
                for _ in range(3 * L):
                    q = "limit=7" + (f"&{key}={cursor}" if cursor else "")
                    conn.request("GET", f"/v1/messages/batches?{q}", headers=AUTH)
                    resp = conn.getresponse()
                    page = json.loads(resp.read())
                    self.assertEqual(resp.status, 200)
                    self.assertTrue(page["has_more"])
                    self.assertEqual(len(page["data"]), 7)
                    for r in page["data"]:
                        self.assertEqual(set(r), RECORD_KEYS)
                        self.assertRegex(r["id"], ID_RE)
                        self.assertNotIn(r["id"], store_ids)
                        self.assertEqual(sum(r["request_counts"].values()),
                                         r["request_counts"]["succeeded"]
                                         + r["request_counts"]["errored"])
                    self.assertEqual(page["first_id"], page["data"][0]["id"])
                    self.assertEqual(page["last_id"], page["data"][-1]["id"])
                    cursor = page[cursor_of]
                    cursors.append(cursor)
                self.assertEqual(len(set(cursors[:L])), L)                   # c0 .. c{L-1}
                self.assertEqual(cursors, cursors[:L] * 3)                   # then c0 again
                if key == "after_id":
                    after_ids = cursors[:L]
                else:
                    self.assertEqual(cursors[:L], after_ids)                 # the same cycle
        # A page with limit=1 is the cursor alone; the first page starts at c0 again.
        conn.request("GET", f"/v1/messages/batches?limit=1&after_id={after_ids[2]}", headers=AUTH)
        self.assertEqual(json.loads(conn.getresponse().read())["last_id"], after_ids[3])
        self.assertEqual(srv.stats()["requests"], 6 * L + 1)                 # pages count
        self.set_walk(srv, {"mode": "normal"})
        conn.request("GET", "/v1/messages/batches?limit=4", headers=AUTH)
        self.assertEqual(json.loads(conn.getresponse().read())["data"], self.dump[:4])
        conn.close()

    def test_walk_endless_and_invalid(self):
        srv = self.plain
        self.addCleanup(self.set_walk, srv, {"mode": "normal"})
        self.assertEqual(self.set_walk(srv, {"mode": "endless"}), {"mode": "endless"})
        conn = http.client.HTTPConnection(HOST, srv.port, timeout=10)
        cursor, cursors = None, []
        for _ in range(40):
            q = "limit=3" + (f"&after_id={cursor}" if cursor else "")
            conn.request("GET", f"/v1/messages/batches?{q}", headers=AUTH)
            page = json.loads(conn.getresponse().read())
            self.assertTrue(page["has_more"])
            self.assertEqual(len(page["data"]), 3)
            cursor = page["last_id"]
            cursors.append(cursor)
        self.assertEqual(len(set(cursors)), 40)                              # never repeats
        conn.request("GET", "/v1/messages/batches?limit=3", headers=AUTH)    # deterministic
        self.assertEqual(json.loads(conn.getresponse().read())["last_id"], cursors[0])
        conn.close()
        for bad in ({"mode": "cycle"}, {"mode": "cycle", "length": 0}, {"mode": "spiral"},
                    {"mode": "cycle", "length": "3"}, {"mode": "endless", "length": 3}, [1]):
            with self.subTest(bad=bad):
                status, body = srv.control("POST", "/_mock/walk", bad)
                self.assertEqual(status, 400)
                self.assertEqual(body["error"]["type"], "invalid_request_error")
        self.assertEqual(srv.control("GET", "/_mock/walk"), (200, {"mode": "endless"}))

    # -- connection faults -------------------------------------------------------------------------

    def test_handshake_close(self):
        srv = self.tls
        srv.reset_stats()            # over the helper's kept connection: no new connection
        self.faulty(srv, {"fault": "handshake_close", "path_prefix": "/anything"},
                    {"fault": "status", "status": 500})
        sock = socket.create_connection((HOST, srv.port), timeout=10)
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.ctx.wrap_socket(sock, server_hostname=HOST)
        sock.close()
        # The request fault was not taken by the connection; the next connection works.
        self.assertEqual([f["fault"] for f in srv.faults()], ["status"])
        sock = self.tls_sock()
        data, err, _ = self.exchange(sock, None, {"Connection": "close"})
        self.assertTrue(data.startswith(b"HTTP/1.1 500 "))
        self.assertEqual(srv.stats(), counters(2, 1, 1, 2))

    def test_handshake_stall(self):
        self.faulty(self.tls, {"fault": "handshake_stall", "ms": 300})
        sock = socket.create_connection((HOST, self.tls.port), timeout=10)
        t0 = time.monotonic()
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.ctx.wrap_socket(sock, server_hostname=HOST)
        self.assertGreaterEqual(time.monotonic() - t0, 0.28)
        sock.close()
        # Plain: the request is swallowed, no byte comes back, then EOF.
        self.plain.reset_stats()
        self.faulty(self.plain, {"fault": "handshake_stall", "ms": 300, "times": 2})
        for _ in range(2):
            sock = self.plain_sock()
            t0 = time.monotonic()
            data, err, _ = self.exchange(sock)
            self.assertGreaterEqual(time.monotonic() - t0, 0.28)
            self.assertEqual((data, err), (b"", None))
            sock.close()
        data, err, _ = self.exchange(self.plain_sock(), None, {"Connection": "close"})
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertEqual(self.plain.stats(), counters(3, 0, 1, 2))

    # -- random faults ---------------------------------------------------------------------------

    def test_random_faults_deterministic(self):
        normal_len = len(self.reference()) - len("keep-alive") + len("close")

        def run(server):
            server.reset_stats()
            outcomes = []
            for _ in range(40):
                sock = socket.create_connection((HOST, server.port), timeout=10)
                data, err, _ = self.exchange(sock, None, {"Connection": "close"})
                if err is None and len(data) == normal_len and data.startswith(b"HTTP/1.1 200 "):
                    outcomes.append("ok")                       # (or stalled)
                elif err is None and data[:13] in (b"HTTP/1.1 429 ", b"HTTP/1.1 529 ",
                                                   b"HTTP/1.1 502 "):
                    head, body = split_head(data)
                    status, fields = head_fields(head)
                    if status == 429:
                        wait = int(fields["retry-after-ms"][0])
                        self.assertTrue(1 <= wait <= 50)
                        self.assertEqual(json.loads(body)["error"]["type"], "rate_limit_error")
                        outcomes.append(f"429/{wait}")
                    elif status == 529:
                        self.assertNotIn("retry-after-ms", fields)
                        self.assertEqual(json.loads(body)["error"]["type"], "overloaded_error")
                        outcomes.append("529")
                    else:
                        self.assertEqual(fields["content-type"], ["text/html"])
                        outcomes.append("502")
                else:
                    self.assertLess(len(data), normal_len)
                    self.assertIn(type(err), (type(None), ConnectionResetError))
                    outcomes.append(f"cut/{len(data)}/{type(err).__name__}")
            return outcomes, server.stats()

        a, sa = run(self.rnd[0])
        b, sb = run(self.rnd[1])
        c, sc = run(self.rnd[2])
        self.assertEqual(a, b)                                  # same seed, same faults
        self.assertEqual(sa, sb)
        self.assertNotEqual(a, c)
        for outcomes, stats in ((a, sa), (c, sc)):
            self.assertEqual(stats["requests"], 40)
            applied = stats["faults_applied"]
            self.assertTrue(6 <= applied <= 28, applied)        # P = 0.4 of 40
            visible = [o for o in outcomes if o != "ok"]
            self.assertLessEqual(len(visible), applied)         # stalls are not visible here
            self.assertGreaterEqual(len({o.split("/")[0] for o in visible}), 2)



# -- hostile JSON ---------------------------------------------------------------------------------

PAGE_KEYS = {"data", "has_more", "first_id", "last_id"}
ERROR_KEYS = {"type", "error", "request_id"}
STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def known_only(obj, role):
    """`obj` restricted to the API's known keys (role: "page", "record" or "error")."""
    if role == "page":
        return {k: ([known_only(r, "record") for r in v] if k == "data" else v)
                for k, v in obj.items() if k in PAGE_KEYS}
    return {k: v for k, v in obj.items() if k in (RECORD_KEYS if role == "record" else ERROR_KEYS)}


def depth(v):
    """Nesting depth in containers (a scalar: 0, {} or []: 1)."""
    if isinstance(v, dict):
        return 1 + max(map(depth, v.values()), default=0)
    if isinstance(v, list):
        return 1 + max(map(depth, v), default=0)
    return 0


def unknown_values(obj, role):
    """The values of the unknown members of a page (top level and records) or a record."""
    known = PAGE_KEYS if role == "page" else RECORD_KEYS
    out = [v for k, v in obj.items() if k not in known]
    if role == "page":
        for r in obj["data"]:
            out += unknown_values(r, "record")
    return out


def walk_values(v):
    yield v
    if isinstance(v, dict):
        for x in v.values():
            yield from walk_values(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk_values(x)


class HostileTest(unittest.TestCase):
    """Hostile JSON (--hostile, x-mock-hostile: 1): the same values, written as other encoders
    and proxies write them, with large unknown members."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-hostile-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, certs], check=True, timeout=30)
        cls.ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        cls.tls = ["--cert", os.path.join(certs, "server.pem"),
                   "--key", os.path.join(certs, "server.key")]
        cls.normal = MockServer(cls.tmp, "normal", [*cls.tls, "--batches", "400"])
        cls.addClassCleanup(cls.normal.stop)
        cls.big = MockServer(cls.tmp, "big", ["--batches", "30", "--hostile",
                                              "--hostile-big", "1000000"])
        cls.addClassCleanup(cls.big.stop)

    def fetch(self, path, headers=None, server=None):
        server = server or self.normal
        if server is self.big:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
        else:
            conn = http.client.HTTPSConnection(HOST, server.port, context=self.ctx, timeout=10)
        conn.request("GET", path, headers={**AUTH, **(headers or {})})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp, body

    def pair(self, path):
        """(normal body, hostile body) of `path`, both as text."""
        _, normal = self.fetch(path)
        _, hostile = self.fetch(path, {"x-mock-hostile": "1"})
        return normal.decode("utf-8"), hostile.decode("utf-8")

    def test_page_decodes_to_the_normal_page(self):
        path = "/v1/messages/batches?limit=100"
        normal, hostile = self.pair(path)
        self.assertNotEqual(normal, hostile)
        got = json.loads(hostile)
        self.assertEqual(known_only(got, "page"), known_only(json.loads(normal), "page"))
        self.assertEqual(len(got["data"]), 100)
        # Deterministic from the seed and the query: the same bytes again, others for another.
        self.assertEqual(self.fetch(path, {"x-mock-hostile": "1"})[1].decode(), hostile)
        other = self.fetch(path + "&x=1", {"x-mock-hostile": "1"})[1].decode()
        self.assertNotEqual(other, hostile)
        self.assertEqual(known_only(json.loads(other), "page"),
                         known_only(json.loads(normal), "page"))
        # x-mock-hostile: 0 is the normal body; a bad value is refused.
        self.assertEqual(self.fetch(path, {"x-mock-hostile": "0"})[1].decode(), normal)
        resp, _ = self.fetch(path, {"x-mock-hostile": "yes"})
        self.assertEqual(resp.status, 400)

    def test_escapes_in_known_keys_and_values(self):
        normal, hostile = self.pair("/v1/messages/batches?limit=100")
        escaped_keys, escaped_values = set(), set()
        known_values = set()
        for r in json.loads(normal)["data"]:
            known_values |= {v for v in r.values() if isinstance(v, str)}
        for tok in STRING_RE.findall(hostile):
            text = json.loads(tok)
            plain = json.dumps(text, ensure_ascii=False)
            if tok == plain:
                continue
            if text in RECORD_KEYS | COUNT_KEYS | PAGE_KEYS:
                escaped_keys.add(text)
            elif text in known_values:
                escaped_values.add(text)
        self.assertGreaterEqual(len(escaped_keys), 8, escaped_keys)
        self.assertIn("processing_status", escaped_keys)
        self.assertIn("message_batch", escaped_values)
        self.assertTrue({"ended", "in_progress", "canceling"} & escaped_values)
        self.assertTrue(any(TS_RE.match(v) for v in escaped_values))
        self.assertTrue(any(v.startswith("https://") for v in escaped_values))
        self.assertIn("\\/", hostile)                                       # URLs: \/
        self.assertRegex(hostile, r"\\u[0-9a-f]*[a-f][0-9a-f]*")            # lower-case hex
        self.assertRegex(hostile, r"\\u[0-9A-F]*[A-F][0-9A-F]*")            # upper-case hex
        self.assertRegex(hostile, r"(?i)\\ud8[0-9a-f]{2}\\udc[0-9a-f]{2}|\\ud83d\\ude")  # pairs
        self.assertRegex(hostile, r'\\[nt"\\]')                              # short escapes
        # A timestamp with an escaped "T" or "Z", as proxies write them.
        self.assertRegex(hostile, r'"\d{4}-[^"]*\\u005[4aA][^"]*"|"[^"]*\\u005[aA]"')
        # Whitespace between tokens (JSON strings hold no raw control characters).
        for ws in ("\n", "\t", "\r\n", " "):
            self.assertIn(ws, hostile)

    def test_large_unknown_members(self):
        normal, hostile = self.pair("/v1/messages/batches?limit=100")
        page = json.loads(hostile)
        unknowns = unknown_values(page, "page")
        self.assertGreater(len(unknowns), 100)
        values = [x for v in unknowns for x in walk_values(v)]
        self.assertTrue(any(isinstance(v, dict) and len(v) >= 16 for v in values))
        self.assertTrue(any(isinstance(v, dict) and len(v) >= 300 for v in values))
        self.assertTrue(any(isinstance(v, str) and len(v) >= 5000 for v in values))
        self.assertTrue(any(isinstance(v, list) and len({type(x) for x in v}) >= 4
                            for v in values))
        self.assertIn(None, unknowns)
        self.assertEqual(max(depth(v) for v in unknowns), 20)         # deep, never deeper
        self.assertLessEqual(depth(page), 3 + 20)                     # page root, data, record
        self.assertGreater(len(hostile), 2 * len(normal))
        # Unknown members in the page's top level too, in random positions, over some pages.
        tops, positions = 0, set()
        for k in range(12):
            _, text = self.fetch(f"/v1/messages/batches?limit=3&k={k}", {"x-mock-hostile": "1"})
            got = json.loads(text)
            extra = [i for i, key in enumerate(got) if key not in PAGE_KEYS]
            tops += len(extra)
            positions |= set(extra)
            for r in got["data"]:
                positions_r = [i for i, key in enumerate(r) if key not in RECORD_KEYS]
                self.assertTrue(positions_r)
        self.assertGreater(tops, 12)
        self.assertGreater(len(positions), 3)

    def test_single_batch_and_error_bodies(self):
        rid = json.loads(self.fetch("/v1/messages/batches?limit=3")[1])["data"][2]["id"]
        normal, hostile = self.pair(f"/v1/messages/batches/{rid}")
        self.assertEqual(known_only(json.loads(hostile), "record"),
                         known_only(json.loads(normal), "record"))
        self.assertTrue(unknown_values(json.loads(hostile), "record"))
        for path in ("/v1/messages/batches/msgbatch_nope", "/v1/messages/batches?limit=0"):
            with self.subTest(path=path):
                resp, body = self.fetch(path, {"x-mock-hostile": "1"})
                text = body.decode()
                got = json.loads(text)
                self.assertEqual(got["request_id"], resp.getheader("request-id"))
                self.assertEqual(set(known_only(got, "error")), ERROR_KEYS)
                self.assertIn(got["error"]["type"], ("not_found_error", "invalid_request_error"))
                self.assertNotEqual(text, json.dumps(got, separators=(",", ":")))
                self.assertIn("\\u", text)

    def test_hostile_big_in_first_record_of_each_page(self):
        seen = []
        after = None
        for _ in range(3):
            q = "limit=10" + (f"&after_id={after}" if after else "")
            resp, body = self.fetch(f"/v1/messages/batches?{q}", server=self.big)
            text = body.decode("utf-8")
            page = json.loads(text)
            big = [t for t in STRING_RE.findall(text) if len(t.encode()) >= 100_000]
            self.assertEqual([len(t.encode()) for t in big], [1_000_000])
            first = page["data"][0]
            self.assertTrue(any(isinstance(v, str) and len(v) > 100_000
                                for k, v in first.items() if k not in RECORD_KEYS))
            for r in page["data"][1:]:
                self.assertFalse(any(isinstance(v, str) and len(v) > 100_000 for v in r.values()))
            seen.append(first["id"])
            after = page["last_id"]
        self.assertEqual(len(set(seen)), 3)
        # --hostile server-wide, x-mock-hostile: 0 turns it off for one request.
        resp, body = self.fetch("/v1/messages/batches?limit=10", {"x-mock-hostile": "0"},
                                server=self.big)
        self.assertLess(len(body), 20_000)
        self.assertEqual(body, dumps(json.loads(body)))



# -- the write side: create, cancel, delete, lifecycle ------------------------------------------


def req_item(cid, mock=None, **params):
    """One create request item: a minimal valid Messages request, plus `params`."""
    p = {"model": "claude-sonnet-4-5", "max_tokens": 64,
         "messages": [{"role": "user", "content": f"Say hello to {cid}"}], **params}
    if mock is not None:
        p["mock"] = mock
    return {"custom_id": cid, "params": p}


def create_body(items):
    return json.dumps({"requests": items}).encode("utf-8")


class BatchesWriteTest(unittest.TestCase):
    """Create (validation, 413 from the edge, recorded bodies), the lifecycle on the mock clock,
    cancel and delete, for created and store batches, both flavours."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-write-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, certs], check=True, timeout=30)
        cls.ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        tls = ["--cert", os.path.join(certs, "server.pem"),
               "--key", os.path.join(certs, "server.key")]
        cls.srv = MockServer(cls.tmp, "write", [*tls, "--batches", "40", "--batch-duration-ms",
                                                "10000", "--results-base", "auto"])
        cls.addClassCleanup(cls.srv.stop)
        cls.plain = MockServer(cls.tmp, "write-plain", ["--batches", "10", "--chunked", "never",
                                                        "--propagation-ms", "2000",
                                                        "--cancel-delay-ms", "2000"])
        cls.addClassCleanup(cls.plain.stop)
        cls.dump = [json.loads(x) for x in dump_store("--batches", "40").decode().splitlines()]

    def setUp(self):
        self.conn = http.client.HTTPSConnection(HOST, self.srv.port, context=self.ctx,
                                                timeout=30)
        self.addCleanup(self.conn.close)

    def api(self, method, path, body=None, headers=None, conn=None):
        """(status, response, parsed JSON body) of one API request."""
        conn = conn or self.conn
        hdrs = {**AUTH, **(headers or {})}
        if body is not None:
            hdrs["content-type"] = "application/json"
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, resp, json.loads(data)

    def create(self, items, conn=None, path="/v1/messages/batches", headers=None):
        status, _, batch = self.api("POST", path, create_body(items), headers, conn)
        self.assertEqual(status, 200, batch)
        return batch

    def get_batch(self, rid):
        status, _, batch = self.api("GET", f"/v1/messages/batches/{rid}")
        self.assertEqual(status, 200, batch)
        return batch

    def assert_coherent(self, batch, n):
        """Counts add up to n and agree with the status; timestamps as the API writes them."""
        self.assertEqual(set(batch), RECORD_KEYS)
        counts = batch["request_counts"]
        self.assertEqual(set(counts), COUNT_KEYS)
        self.assertEqual(sum(counts.values()), n)
        self.assertEqual(_us(batch["expires_at"]) - _us(batch["created_at"]), 86_400_000_000)
        if batch["processing_status"] == "ended":
            self.assertEqual(counts["processing"], 0)
            self.assertRegex(batch["ended_at"], TS_RE)
            self.assertEqual(batch["results_url"], f"https://{HOST}:{self.srv.port}"
                             f"/v1/messages/batches/{batch['id']}/results")
        else:
            self.assertEqual(counts["processing"], n)
            self.assertIsNone(batch["ended_at"])
            self.assertIsNone(batch["results_url"])
        self.assertIsNone(batch["archived_at"])

    # -- create ----------------------------------------------------------------------------------

    def test_create_validation(self):
        before = len(self.srv.created_batches())
        ok = req_item("ok")
        bad_params = [
            ("model", {"model": None}, "Field required"),
            ("model", {"model": ""}, "String should have at least 1 character"),
            ("model", {"model": 3}, "Input should be a valid string"),
            ("max_tokens", {"max_tokens": None}, "Field required"),
            ("max_tokens", {"max_tokens": 0}, "Input should be greater than or equal to 1"),
            ("max_tokens", {"max_tokens": "5"}, "Input should be a valid integer"),
            ("max_tokens", {"max_tokens": 1.5}, "Input should be a valid integer"),
            ("max_tokens", {"max_tokens": True}, "Input should be a valid integer"),
            ("messages", {"messages": None}, "Field required"),
            ("messages", {"messages": []}, "List should have at least 1 item"),
            ("messages", {"messages": "hi"}, "Input should be a valid list"),
            ("messages.0", {"messages": [1]}, "Input should be a valid dictionary"),
            ("messages.0.role", {"messages": [{"role": "system", "content": "x"}]},
             "Input should be 'user' or 'assistant'"),
            ("messages.1.content", {"messages": [{"role": "user", "content": "x"},
                                                 {"role": "assistant"}]}, "Field required"),
            ("messages.0.content", {"messages": [{"role": "user", "content": 3}]},
             "Input should be a valid string or list"),
            ("system", {"system": 3}, "Input should be a valid string or list"),
            ("stream", {"stream": True}, "Streaming is not supported"),
            ("mock.colour", {"mock": {"colour": 1}}, "Extra inputs are not permitted"),
            ("mock.result", {"mock": {"result": "great"}}, "Input should be"),
            ("mock.text_bytes", {"mock": {"text_bytes": -1}}, "Input should be an integer"),
            ("mock.blocks", {"mock": {"blocks": ["image"]}}, "Input should be a list"),
        ]
        cases = [
            (b"{", "Request body is not valid JSON"),
            (b"\xff\xfe", "Request body is not valid JSON"),
            (b"[]", "Input should be a valid dictionary"),
            (b"{}", "requests: Field required"),
            (create_body([]), "requests: List should have at least 1 item after validation"),
            (json.dumps({"requests": [ok], "extra": 1}).encode(),
             "extra: Extra inputs are not permitted"),
            (json.dumps({"requests": {"a": ok}}).encode(),
             "requests: Input should be a valid list"),
            (json.dumps({"requests": [0] * 100_001}).encode(),
             "requests: List should have at most 100000 items after validation, not 100001"),
            (create_body([ok, 5]), "requests.1: Input should be a valid dictionary"),
            (create_body([ok, {"params": ok["params"]}]), "requests.1.custom_id: Field required"),
            (create_body([{"custom_id": "a"}]), "requests.0.params: Field required"),
            (create_body([dict(ok, extra=1)]), "requests.0.extra: Extra inputs are not permitted"),
            (create_body([req_item("x" * 65)]),
             "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"),
            (create_body([req_item("")]), "requests.0.custom_id: String should match pattern"),
            (create_body([req_item("a b")]), "requests.0.custom_id: String should match pattern"),
            (create_body([req_item("caf\u00e9")]),
             "requests.0.custom_id: String should match pattern"),
            (create_body([req_item("a\n")]), "requests.0.custom_id: String should match pattern"),
            (create_body([{"custom_id": 7, "params": ok["params"]}]),
             "requests.0.custom_id: Input should be a valid string"),
            (create_body([ok, {"custom_id": "p", "params": []}]),
             "requests.1.params: Input should be a valid dictionary"),
            # A duplicate far into a large batch is named by its index.
            (create_body([req_item(f"r{i}") for i in range(79_999)] + [req_item("r123")]),
             "requests.79999.custom_id: Duplicate custom_id 'r123'"),
        ]
        for field, change, message in bad_params:
            params = {k: v for k, v in {**ok["params"], **change}.items() if v is not None}
            cases.append((create_body([ok, {"custom_id": "b", "params": params}]),
                          f"requests.1.params.{field}: {message}"))
        for body, message in cases:
            with self.subTest(message=message):
                status, resp, err = self.api("POST", "/v1/messages/batches", body)
                self.assertEqual(status, 400, err)
                self.assertEqual(err["type"], "error")
                self.assertEqual(err["error"]["type"], "invalid_request_error")
                self.assertTrue(err["error"]["message"].startswith(message),
                                err["error"]["message"])
                self.assertEqual(err["request_id"], resp.getheader("request-id"))
        self.assertEqual(len(self.srv.created_batches()), before)          # nothing created
        # The edges of what is valid.
        valid = [req_item("A-z_09" + "x" * 58), req_item("s", system="be brief", stream=False),
                 req_item("l", system=[{"type": "text", "text": "x"}], temperature=0.2,
                          messages=[{"role": "user", "content": [{"type": "text", "text": "x"}]},
                                    {"role": "assistant", "content": "y"},
                                    {"role": "user", "content": "z"}])]
        batch = self.create(valid)
        self.assertEqual(batch["request_counts"]["processing"], 3)

    def test_create_then_lifecycle_on_the_clock(self):
        n = 10
        items = [req_item(f"c-{i}", {"result": "errored"} if i in (3, 7) else None)
                 for i in range(n)]
        t0 = self.srv.clock()["now_us"]
        batch = self.create(items)
        self.assertRegex(batch["id"], ID_RE)
        self.assertNotIn(batch["id"], {r["id"] for r in self.dump})
        self.assertEqual(batch["processing_status"], "in_progress")
        self.assertIsNone(batch["cancel_initiated_at"])
        self.assert_coherent(batch, n)
        created = _us(batch["created_at"])
        self.assertTrue(t0 <= created <= self.srv.clock()["now_us"])
        self.assertGreater(batch["created_at"], self.dump[0]["created_at"])
        # Newest first: the new batch heads the list, before every store batch.
        _, _, page = self.api("GET", "/v1/messages/batches?limit=3")
        self.assertEqual(page["first_id"], batch["id"])
        self.assertEqual(page["data"][0], batch)
        self.assertEqual(self.get_batch(batch["id"]), batch)
        # D = 10 s: in_progress, every request processing, until the 10th second.
        elapsed = self.srv.clock()["now_us"] - created
        self.srv.advance(9000 - elapsed / 1000)
        for step in range(8):
            got = self.get_batch(batch["id"])
            self.assert_coherent(got, n)
            if step == 0:
                self.assertEqual(got["processing_status"], "in_progress")
            if got["processing_status"] == "ended":
                break
            self.srv.advance(300)
        self.assertEqual(got["processing_status"], "ended")
        self.assertEqual(got["request_counts"], {"processing": 0, "succeeded": 8, "errored": 2,
                                                 "canceled": 0, "expired": 0})
        self.assertEqual(_us(got["ended_at"]), created + 10_000_000)
        self.assertEqual(got["created_at"], batch["created_at"])
        # A second batch comes before the first.
        second = self.create([req_item("only")])
        _, _, page = self.api("GET", "/v1/messages/batches?limit=2")
        self.assertEqual([r["id"] for r in page["data"]], [second["id"], batch["id"]])
        self.assertGreater(second["created_at"], batch["created_at"])

    def test_expired_requests(self):
        batch = self.create([req_item("e0"), req_item("e1", {"result": "expired"}),
                             req_item("e2")])
        self.srv.advance(20_000)
        self.assertEqual(self.get_batch(batch["id"])["processing_status"], "in_progress")
        self.srv.advance(86_400_000)
        got = self.get_batch(batch["id"])
        self.assert_coherent(got, 3)
        self.assertEqual(got["request_counts"], {"processing": 0, "succeeded": 2, "errored": 0,
                                                 "canceled": 0, "expired": 1})
        self.assertEqual(got["ended_at"], got["expires_at"])

    def test_cancel(self):
        n = 10                  # request i finishes at (i + 1) s
        batch = self.create([req_item(f"k{i}") for i in range(n)])
        rid = batch["id"]
        elapsed = self.srv.clock()["now_us"] - _us(batch["created_at"])
        self.srv.advance(4500 - elapsed / 1000)
        status, _, canceling = self.api("POST", f"/v1/messages/batches/{rid}/cancel")
        self.assertEqual(status, 200)
        self.assertEqual(canceling["processing_status"], "canceling")
        self.assert_coherent(canceling, n)
        cancel_at = _us(canceling["cancel_initiated_at"])
        self.assertLessEqual(cancel_at, self.srv.clock()["now_us"])
        self.assertEqual(self.get_batch(rid), canceling)
        status, _, again = self.api("POST", f"/v1/messages/batches/{rid}/cancel")
        self.assertEqual((status, again), (200, canceling))                # still canceling
        self.srv.advance(300)
        self.assertEqual(self.get_batch(rid)["processing_status"], "canceling")
        self.srv.advance(300)
        got = self.get_batch(rid)
        self.assert_coherent(got, n)
        self.assertEqual(got["request_counts"], {"processing": 0, "succeeded": 4, "errored": 0,
                                                 "canceled": 6, "expired": 0})
        self.assertEqual(_us(got["ended_at"]), cancel_at + 500_000)
        status, _, err = self.api("POST", f"/v1/messages/batches/{rid}/cancel")
        self.assertEqual((status, err["error"]["type"]), (400, "invalid_request_error"))
        status, _, err = self.api("POST", "/v1/messages/batches/msgbatch_nope/cancel")
        self.assertEqual((status, err["error"]["type"]), (404, "not_found_error"))

    def test_cancel_store_batches(self):
        running = next(r for r in self.dump[10:] if r["processing_status"] == "in_progress")
        status, _, got = self.api("POST", f"/v1/messages/batches/{running['id']}/cancel")
        self.assertEqual(status, 200)
        total = sum(running["request_counts"].values())
        self.assertEqual(got["processing_status"], "canceling")
        self.assertEqual(list(got), list(running))                     # same key order
        self.assert_coherent(dict(got, results_url=None), total)
        self.srv.advance(600)
        got = self.get_batch(running["id"])
        self.assertEqual(got["processing_status"], "ended")
        self.assert_coherent(got, total)
        self.assertGreater(got["request_counts"]["canceled"], 0)
        self.assertEqual(got["created_at"], running["created_at"])
        # Canceling already: answered as is. Ended: 400.
        canceling = next(r for r in self.dump if r["processing_status"] == "canceling")
        status, _, got = self.api("POST", f"/v1/messages/batches/{canceling['id']}/cancel")
        self.assertEqual((status, got), (200, dict(canceling, results_url=None)))
        ended = next(r for r in self.dump if r["processing_status"] == "ended")
        status, _, err = self.api("POST", f"/v1/messages/batches/{ended['id']}/cancel")
        self.assertEqual((status, err["error"]["type"]), (400, "invalid_request_error"))

    def test_delete(self):
        batch = self.create([req_item("d0"), req_item("d1")])
        rid = batch["id"]
        status, _, err = self.api("DELETE", f"/v1/messages/batches/{rid}")
        self.assertEqual((status, err["error"]["type"]), (400, "invalid_request_error"))
        self.assertIn("in_progress", err["error"]["message"])
        self.srv.advance(10_000)
        self.assertEqual(self.get_batch(rid)["processing_status"], "ended")
        status, _, gone = self.api("DELETE", f"/v1/messages/batches/{rid}")
        self.assertEqual((status, gone), (200, {"id": rid, "type": "message_batch_deleted"}))
        for method, path in (("GET", f"/v1/messages/batches/{rid}"),
                             ("DELETE", f"/v1/messages/batches/{rid}"),
                             ("POST", f"/v1/messages/batches/{rid}/cancel")):
            status, _, err = self.api(method, path)
            self.assertEqual((status, err["error"]["type"]), (404, "not_found_error"))
        _, _, page = self.api("GET", "/v1/messages/batches?limit=1000")
        ids = [r["id"] for r in page["data"]]
        self.assertNotIn(rid, ids)
        # A store batch: gone from the list; its neighbour's cursor and its own still work.
        ended = [r for r in self.dump if r["processing_status"] == "ended"][3]
        k = self.dump.index(ended)
        status, _, _ = self.api("DELETE", f"/v1/messages/batches/{ended['id']}")
        self.assertEqual(status, 200)
        _, _, page = self.api("GET", "/v1/messages/batches?limit=2&after_id="
                              + self.dump[k - 1]["id"])
        self.assertEqual([r["id"] for r in page["data"]], [self.dump[k + 1]["id"],
                                                          self.dump[k + 2]["id"]])
        _, _, page = self.api("GET", f"/v1/messages/batches?limit=1&after_id={ended['id']}")
        self.assertEqual(page["data"][0]["id"], self.dump[k + 1]["id"])
        _, _, page = self.api("GET", "/v1/messages/batches?limit=2&before_id="
                              + self.dump[k + 1]["id"])
        self.assertEqual([r["id"] for r in page["data"]], [self.dump[k - 2]["id"],
                                                          self.dump[k - 1]["id"]])
        _, _, page = self.api("GET", "/v1/messages/batches?limit=1000")
        self.assertEqual(len(page["data"]), len(ids) - 1)
        status, _, err = self.api("DELETE", "/v1/messages/batches/msgbatch_nope")
        self.assertEqual(status, 404)
        running = next(r for r in self.dump if r["processing_status"] == "canceling")
        status, _, err = self.api("DELETE", f"/v1/messages/batches/{running['id']}")
        self.assertEqual(status, 400)

    def test_beta_flavour_everywhere(self):
        beta = {"anthropic-beta": BETA}
        for method, path, body in (
                ("POST", "/v1/messages/batches?beta=true", create_body([req_item("b")])),
                ("POST", f"/v1/messages/batches/{self.dump[0]['id']}/cancel?beta=true", None),
                ("DELETE", f"/v1/messages/batches/{self.dump[2]['id']}?beta=true", None)):
            with self.subTest(method=method, path=path):
                before = len(self.srv.created_batches())
                status, _, err = self.api(method, path, body)
                self.assertEqual((status, err["error"]["type"]), (400, "invalid_request_error"))
                self.assertEqual(len(self.srv.created_batches()), before)
        batch = self.create([req_item("b")], path="/v1/messages/batches?beta=true",
                            headers={**beta, **SDK_HEADERS})
        status, _, got = self.api("POST", f"/v1/messages/batches/{batch['id']}/cancel?beta=true",
                                  headers=beta)
        self.assertEqual((status, got["processing_status"]), (200, "canceling"))
        self.srv.advance(600)
        status, _, got = self.api("DELETE", f"/v1/messages/batches/{batch['id']}?beta=true",
                                  headers=beta)
        self.assertEqual((status, got["type"]), (200, "message_batch_deleted"))

    def test_hostile_and_faults_apply(self):
        self.conn.request("POST", "/v1/messages/batches", body=create_body([req_item("h")]),
                          headers={**AUTH, "x-mock-hostile": "1"})
        resp = self.conn.getresponse()
        text = resp.read().decode()
        got = json.loads(text)
        self.assertIn("\\u", text)
        self.assertGreater(len(set(got) - RECORD_KEYS), 0)
        self.assertEqual(self.get_batch(got["id"]), known_only(got, "record"))
        # A status fault replaces the answer: nothing is created.
        before = len(self.srv.created_batches())
        self.srv.add_faults({"fault": "status", "status": 529})
        status, _, err = self.api("POST", "/v1/messages/batches", create_body([req_item("f")]))
        self.assertEqual((status, err["error"]["type"]), (529, "overloaded_error"))
        self.assertEqual(len(self.srv.created_batches()), before)
        # A cut answer: the batch exists (the request was handled), the client saw half.
        self.srv.add_faults({"fault": "close_after", "bytes": 40})
        sock = socket.create_connection((HOST, self.srv.port), timeout=10)
        sock = self.ctx.wrap_socket(sock, server_hostname=HOST)
        body = create_body([req_item("g")])
        sock.sendall(f"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\nx-api-key: {API_KEY}\r\n"
                     f"anthropic-version: 2023-06-01\r\ncontent-length: {len(body)}\r\n\r\n"
                     .encode() + body)
        data, err = b"", None
        try:
            while True:
                got = sock.recv(65536)
                if not got:
                    break
                data += got
        except ssl.SSLError as e:
            err = e
        sock.close()
        self.assertEqual(len(data), 40)
        self.assertEqual(len(self.srv.created_batches()), before + 1)

    def test_recorded_request_bodies(self):
        body = create_body([req_item("r1"), req_item("r2")]).replace(b",", b", ")
        status, _, batch = self.api("POST", "/v1/messages/batches", body)
        self.assertEqual(status, 200)
        got = self.srv.create_request(batch["id"])
        self.assertEqual(got, {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
                               "body": body.decode()})
        # A chunked request body is recorded decoded.
        sock = socket.create_connection((HOST, self.plain.port), timeout=10)
        parts = [body[:10], body[10:11], body[11:]]
        chunked = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
        sock.sendall(b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\nx-api-key: test-key\r\n"
                     b"anthropic-version: 2023-06-01\r\ntransfer-encoding: chunked\r\n\r\n"
                     + chunked)
        f = sock.makefile("rb")
        r = read_raw_response(f)
        sock.close()
        self.assertEqual(r["status"], 200, r["body"])
        rid = json.loads(r["body"])["id"]
        self.assertEqual(self.plain.create_request(rid)["sha256"], hashlib.sha256(body).hexdigest())
        status, _ = self.plain.control("GET", "/_mock/batches/msgbatch_nope/request")
        self.assertEqual(status, 404)

    def test_large_create_body(self):
        # 100 MB over TLS: 1,000 requests of 100 kB each, UTF-8 as it is (not \u escaped).
        filler = "lorem ipsum dolor sit amet " * 3700 + "\u00e9\u4e2d\U0001F600 \"q\" \\ \n"
        item = json.dumps(req_item("@ID@", messages=[{"role": "user", "content": filler}]),
                          ensure_ascii=False).encode("utf-8")
        body = (b'{"requests":[' + b",".join(item.replace(b"@ID@", b"big-%d" % i)
                                              for i in range(1000)) + b"]}")
        self.assertGreater(len(body), 100_000_000)
        t0 = time.monotonic()
        status, _, batch = self.api("POST", "/v1/messages/batches", body)
        elapsed = time.monotonic() - t0
        self.assertEqual(status, 200, batch)
        self.assertEqual(batch["request_counts"]["processing"], 1000)
        self.assertLess(elapsed, 30)
        got = self.srv.create_request(batch["id"])
        self.assertEqual(got, {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
                               "body": None})                        # over 16 MB: not kept

    def test_too_large_from_the_edge(self):
        before = len(self.plain.created_batches())
        for server, sent in ((self.plain, 0), (self.plain, 1_000_000), (self.srv, 1_000_000)):
            with self.subTest(sent=sent, tls=server is self.srv):
                sock = socket.create_connection((HOST, server.port), timeout=10)
                if server is self.srv:
                    sock = self.ctx.wrap_socket(sock, server_hostname=HOST)
                sock.sendall(b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\n"
                             b"x-api-key: test-key\r\nanthropic-version: 2023-06-01\r\n"
                             b"content-type: application/json\r\n"
                             b"content-length: 268435457\r\n\r\n" + b"{" + b" " * sent)
                data, err, _ = recv_until_end(sock)
                sock.close()
                head, body = split_head(data)
                status, fields = head_fields(head)
                self.assertEqual(status, 413)
                self.assertEqual(fields["content-type"], ["text/html"])
                self.assertEqual(fields["connection"], ["close"])
                self.assertNotIn("request-id", fields)
                self.assertEqual(int(fields["content-length"][0]), len(body))
                self.assertIn(b"<h1>413 Request Entity Too Large</h1>", body)
                with self.assertRaises(ValueError):
                    json.loads(body)
        # Exactly 256 MB is not refused by the edge (a short body: the client gave up).
        sock = socket.create_connection((HOST, self.plain.port), timeout=10)
        sock.sendall(b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\n"
                     b"content-length: 268435456\r\n\r\n{")
        sock.shutdown(socket.SHUT_WR)
        self.assertEqual(recv_until_end(sock)[:2], (b"", None))
        sock.close()
        self.assertEqual(len(self.plain.created_batches()), before)

    def test_short_body_creates_nothing(self):
        before = len(self.plain.created_batches())
        body = create_body([req_item("s")])
        sock = socket.create_connection((HOST, self.plain.port), timeout=10)
        sock.sendall(b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\nx-api-key: test-key\r\n"
                     b"anthropic-version: 2023-06-01\r\ncontent-length: %d\r\n\r\n" % len(body)
                     + body[:-1])
        sock.shutdown(socket.SHUT_WR)                    # FIN one byte short
        self.assertEqual(recv_until_end(sock)[:2], (b"", None))
        sock.close()
        self.assertEqual(len(self.plain.created_batches()), before)
        # The same body whole creates one.
        conn = http.client.HTTPConnection(HOST, self.plain.port, timeout=10)
        status, _, _ = self.api("POST", "/v1/messages/batches", body, conn=conn)
        conn.close()
        self.assertEqual(status, 200)
        self.assertEqual(len(self.plain.created_batches()), before + 1)

    def test_propagation_delay(self):
        conn = http.client.HTTPConnection(HOST, self.plain.port, timeout=10)
        batch = self.create([req_item("p")], conn=conn)
        status, _, err = self.api("GET", f"/v1/messages/batches/{batch['id']}", conn=conn)
        self.assertEqual((status, err["error"]["type"]), (404, "not_found_error"))
        _, _, page = self.api("GET", "/v1/messages/batches?limit=1", conn=conn)
        self.assertEqual(page["first_id"], batch["id"])                  # listed already
        self.plain.advance(2000)
        status, _, got = self.api("GET", f"/v1/messages/batches/{batch['id']}", conn=conn)
        self.assertEqual(status, 200)
        self.assertEqual(got["id"], batch["id"])
        conn.close()

    def test_cancel_delay_option(self):
        conn = http.client.HTTPConnection(HOST, self.plain.port, timeout=10)
        batch = self.create([req_item(f"c{i}") for i in range(4)], conn=conn)   # D = 2 s
        self.plain.advance(1100)                           # requests 0 and 1 have finished
        status, _, got = self.api("POST", f"/v1/messages/batches/{batch['id']}/cancel",
                                  conn=conn)
        self.assertEqual((status, got["processing_status"]), (200, "canceling"))
        cancel_at = _us(got["cancel_initiated_at"])
        self.plain.advance(1800)                           # --cancel-delay-ms 2000
        status, _, got = self.api("GET", f"/v1/messages/batches/{batch['id']}", conn=conn)
        self.assertEqual(got["processing_status"], "canceling")
        self.plain.advance(300)
        status, _, got = self.api("GET", f"/v1/messages/batches/{batch['id']}", conn=conn)
        self.assertEqual(got["processing_status"], "ended")
        self.assertEqual(_us(got["ended_at"]), cancel_at + 2_000_000)
        self.assertEqual(got["request_counts"], {"processing": 0, "succeeded": 2, "errored": 0,
                                                 "canceled": 2, "expired": 0})
        conn.close()

    def test_clock_endpoint(self):
        a = self.plain.clock()
        self.assertEqual(set(a), {"now", "now_us", "offset_ms"})
        b = self.plain.advance(1500.5)
        self.assertAlmostEqual(b["offset_ms"] - a["offset_ms"], 1500.5, places=3)
        self.assertGreaterEqual(b["now_us"] - a["now_us"], 1_500_500)
        self.assertRegex(b["now"], TS_RE)
        for bad in ({"advance_ms": -1}, {"advance_ms": "1"}, {"advance": 1}, [1],
                    {"advance_ms": True}):
            with self.subTest(bad=bad):
                status, err = self.plain.control("POST", "/_mock/clock", bad)
                self.assertEqual(status, 400)
        self.assertEqual(self.plain.clock()["offset_ms"], b["offset_ms"])



# -- results (JSONL) ------------------------------------------------------------------------------

LINE_KEYS = {"custom_id", "result"}
RESULT_KEYS = {"succeeded": {"type", "message"}, "errored": {"type", "error"},
               "canceled": {"type"}, "expired": {"type"}}
MESSAGE_KEYS = {"id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"}
USAGE_KEYS = {"input_tokens", "output_tokens", "cache_creation_input_tokens",
              "cache_read_input_tokens"}
BLOCK_KEYS = {"text": {"type", "text"}, "thinking": {"type", "thinking", "signature"},
              "tool_use": {"type", "id", "name", "input"}}


def known_line(line):
    """A results line restricted to its known keys (unknown members dropped at every level)."""
    result = line["result"]
    out = {k: line[k] for k in LINE_KEYS}
    r = {k: result[k] for k in RESULT_KEYS[result["type"]]}
    if "message" in r:
        msg = {k: r["message"][k] for k in MESSAGE_KEYS}
        msg["usage"] = {k: msg["usage"][k] for k in USAGE_KEYS}
        msg["content"] = [{k: b[k] for k in BLOCK_KEYS[b["type"]]} for b in msg["content"]]
        r["message"] = msg
    out["result"] = r
    return out


def utf8_widths(text):
    return {len(c.encode("utf-8")) for c in text}


class ResultsTest(unittest.TestCase):
    """Results files: shapes, sizes, order, line endings, framing, digests, hostile lines,
    faults in the middle of the body, speed."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-results-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, certs], check=True, timeout=30)
        cls.ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        tls = ["--cert", os.path.join(certs, "server.pem"),
               "--key", os.path.join(certs, "server.key")]
        cls.srv = MockServer(cls.tmp, "results", [*tls, "--batches", "60", "--results-base",
                                                  "auto", "--batch-duration-ms", "100"])
        cls.addClassCleanup(cls.srv.stop)
        cls.plain = MockServer(cls.tmp, "results-plain", [
            "--batches", "10", "--chunked", "never", "--results-base", "auto",
            "--batch-duration-ms", "100", "--results-crlf", "--results-no-final-newline",
            "--propagation-ms", "60000",
            "--results-mock", 'shaped-1={"blocks":["tool_use","text"],"text_bytes":12345}'])
        cls.addClassCleanup(cls.plain.stop)
        cls.rnd = MockServer(cls.tmp, "results-rnd", ["--batches", "60", "--chunked", "never",
                                                      "--random-faults", "0.6"])
        cls.addClassCleanup(cls.rnd.stop)
        cls.dump = [json.loads(x) for x in dump_store("--batches", "60").decode().splitlines()]
        cls.mixed_items = [
            req_item("plain-0"),
            req_item("err-1", {"result": "errored", "error_type": "overloaded_error",
                               "error_message": "busy \"now\""}),
            req_item("big-2", {"blocks": ["thinking", "text", "tool_use"], "text_bytes": 3000,
                               "thinking_bytes": 2000, "tool_input_bytes": 5000}),
            req_item("tiny-3", {"text_bytes": 0, "blocks": ["text"], "stop_reason": "max_tokens"}),
            req_item("one-4", {"text_bytes": 1}, model="claude-haiku-4-5"),
            req_item("five-5", {"text_bytes": 5, "blocks": ["text", "text"]}),
            req_item("none-6", {"blocks": []}),
            req_item("tool-7", {"blocks": ["tool_use"]}),
        ] + [req_item(f"d-{i}") for i in range(8, 40)]
        cls.mixed = cls.make_batch(cls.srv, cls.mixed_items)

    @classmethod
    def make_batch(cls, server, items, end=True):
        """Create a batch on `server` (a fresh connection) and, if `end`, let it end."""
        if server is cls.plain:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        else:
            conn = http.client.HTTPSConnection(HOST, server.port, context=cls.ctx, timeout=30)
        conn.request("POST", "/v1/messages/batches", body=create_body(items),
                     headers={**AUTH, "content-type": "application/json"})
        resp = conn.getresponse()
        batch = json.loads(resp.read())
        conn.close()
        assert resp.status == 200, batch
        if end:
            server.advance(200 if server is cls.srv else 61_000)
        return batch

    def fetch(self, rid, headers=None, server=None, path=None):
        """(status, headers dict, body bytes) of GET results over a raw socket."""
        server = server or self.srv
        sock = socket.create_connection((HOST, server.port), timeout=30)
        if server is self.srv:
            sock = self.ctx.wrap_socket(sock, server_hostname=HOST)
        path = path or f"/v1/messages/batches/{rid}/results"
        sock.sendall(raw_request(path, {"Accept": "application/binary", "Connection": "close",
                                        **(headers or {})}))
        data, err, _ = recv_until_end(sock, 60)
        sock.close()
        self.assertIsNone(err)
        head, body = split_head(data)
        status, fields = head_fields(head)
        fields = {k: v[-1] for k, v in fields.items()}
        if fields.get("transfer-encoding") == "chunked":
            body, after = dechunk(body)
            self.assertEqual(after, b"")
        else:
            self.assertEqual(int(fields["content-length"]), len(body))
        return status, fields, body

    def lines(self, body):
        self.assertTrue(body.endswith(b"\n"))
        return [json.loads(x) for x in body[:-1].split(b"\n")]

    def test_lines_match_what_was_submitted(self):
        status, fields, body = self.fetch(self.mixed["id"])
        self.assertEqual(status, 200)
        self.assertEqual(fields["content-type"], "application/x-jsonl")
        self.assertRegex(fields["request-id"], REQ_ID_RE)
        lines = self.lines(body)
        ids = [x["custom_id"] for x in lines]
        submitted = [i["custom_id"] for i in self.mixed_items]
        self.assertEqual(sorted(ids), sorted(submitted))                # each exactly once
        self.assertNotEqual(ids, submitted)                            # not in request order
        self.assertEqual(self.fetch(self.mixed["id"])[2], body)        # deterministic
        by_id = {x["custom_id"]: x for x in lines}
        batch = json.loads(self.fetch_batch(self.mixed["id"]))
        kinds = [x["result"]["type"] for x in lines]
        counts = batch["request_counts"]
        for kind in ("succeeded", "errored", "canceled", "expired"):
            self.assertEqual(kinds.count(kind), counts[kind])
        unknown = 0
        for x in lines:
            self.assertEqual(known_line(x), known_line(x))             # all known keys present
            unknown += (json.dumps(known_line(x), sort_keys=True)
                        != json.dumps(x, sort_keys=True))
            r = x["result"]
            if r["type"] != "succeeded":
                continue
            msg = r["message"]
            self.assertRegex(msg["id"], r"^msg_[0-9A-Za-z]{24}$")
            self.assertEqual((msg["type"], msg["role"]), ("message", "assistant"))
            for k in USAGE_KEYS:
                self.assertIs(type(msg["usage"][k]), int)
        self.assertGreater(unknown, 3)                                  # unknown members too
        err = by_id["err-1"]["result"]
        self.assertEqual(set(known_line(by_id["err-1"])["result"]), {"type", "error"})
        self.assertEqual(err["error"]["type"], "error")
        self.assertEqual(err["error"]["error"], {"type": "overloaded_error",
                                                 "message": "busy \"now\""})
        self.assertRegex(err["error"]["request_id"], REQ_ID_RE)
        big = by_id["big-2"]["result"]["message"]
        self.assertEqual([b["type"] for b in big["content"]], ["thinking", "text", "tool_use"])
        self.assertEqual(big["model"], "claude-sonnet-4-5")
        self.assertEqual(big["stop_reason"], "tool_use")
        thinking, text, tool = big["content"]
        self.assertEqual(len(thinking["thinking"].encode("utf-8")), 2000)
        self.assertGreater(len(thinking["signature"]), 50)
        self.assertEqual(len(text["text"].encode("utf-8")), 3000)
        self.assertTrue(text["text"].startswith("[big-2] "))
        self.assertEqual(utf8_widths(text["text"]) & {2, 3, 4}, {2, 3, 4})
        for c in ('"', "\\", "\n", "\t", "\u0001"):
            self.assertIn(c, text["text"])
        self.assertRegex(tool["id"], r"^toolu_[0-9A-Za-z]{24}$")
        self.assertIsInstance(tool["input"], dict)
        self.assertGreaterEqual(depth(tool["input"]), 4)
        self.assertGreaterEqual(len(json.dumps(tool["input"], ensure_ascii=False)), 4500)
        raw_line = [x for x in body.split(b"\n") if b'"big-2"' in x][0]
        for esc in (b'\\"', b"\\\\", b"\\n", b"\\t", b"\\u0001"):
            self.assertIn(esc, raw_line)
        self.assertEqual(by_id["tiny-3"]["result"]["message"]["content"],
                         [{"type": "text", "text": ""}])
        self.assertEqual(by_id["tiny-3"]["result"]["message"]["stop_reason"], "max_tokens")
        self.assertEqual(by_id["one-4"]["result"]["message"]["content"][0]["text"], "[")
        self.assertEqual(by_id["one-4"]["result"]["message"]["model"], "claude-haiku-4-5")
        self.assertEqual([b["text"] for b in by_id["five-5"]["result"]["message"]["content"]],
                         ["[five"] * 2)
        self.assertEqual(by_id["none-6"]["result"]["message"]["content"], [])
        self.assertEqual(by_id["tool-7"]["result"]["message"]["stop_reason"], "tool_use")
        # The defaults vary the blocks over many requests.
        seen = {tuple(b["type"] for b in x["result"]["message"]["content"])
                for x in lines if x["custom_id"].startswith("d-")}
        self.assertGreater(len(seen), 1)

    def fetch_batch(self, rid):
        conn = http.client.HTTPSConnection(HOST, self.srv.port, context=self.ctx, timeout=30)
        conn.request("GET", f"/v1/messages/batches/{rid}", headers=AUTH)
        data = conn.getresponse().read()
        conn.close()
        return data

    def test_results_url_and_sdk_flow(self):
        batch = json.loads(self.fetch_batch(self.mixed["id"]))
        url = urllib.parse.urlsplit(batch["results_url"])
        self.assertEqual((url.scheme, url.netloc), ("https", f"{HOST}:{self.srv.port}"))
        # The TypeScript SDK's results(): GET results_url, Accept: application/binary, the
        # beta header but no ?beta=true; ?beta=true is accepted too.
        conn = http.client.HTTPSConnection(HOST, self.srv.port, context=self.ctx, timeout=30)
        for path, extra in ((url.path, {"anthropic-beta": BETA}),
                            (url.path + "?beta=true", {"anthropic-beta": BETA})):
            conn.request("GET", path, headers={**SDK_HEADERS, "accept": "application/binary",
                                               **extra})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            self.assertEqual(len(resp.read().split(b"\n")), len(self.mixed_items) + 1)
        conn.request("GET", url.path + "?beta=true", headers=AUTH)
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 400)
        conn.close()

    def test_results_mock_option_shapes_requests_without_one(self):
        """--results-mock gives its shape to the requests of that custom_id that ask for none
        (the firmware cannot write the extension); one that asks keeps its own; a bad shape
        stops the server at its start."""
        batch = self.make_batch(self.plain, [req_item("shaped-1"), req_item("shaped-2"),
                                             req_item("shaped-1x", {"text_bytes": 3})])
        _, _, body = self.fetch(batch["id"], server=self.plain)
        lines = {x["custom_id"]: x for x in map(json.loads, body.split(b"\r\n"))}
        content = lines["shaped-1"]["result"]["message"]["content"]
        self.assertEqual([b["type"] for b in content], ["tool_use", "text"])
        self.assertEqual(len(content[1]["text"].encode()), 12345)
        self.assertEqual(len(lines["shaped-1x"]["result"]["message"]["content"][0]["text"]
                             .encode()), 3)
        self.assertLess(sum(len(b.get("text", "").encode())
                            for b in lines["shaped-2"]["result"]["message"]["content"]), 12345)
        bad = subprocess.run([sys.executable, MOCK, "--port", "0", "--results-mock",
                              'x={"blocks":["texts"]}'], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--results-mock", bad.stderr)

    def test_results_errors(self):
        running = self.make_batch(self.srv, [req_item("r")], end=False)
        for rid, status, etype in ((running["id"], 400, "invalid_request_error"),
                                   ("msgbatch_nope", 404, "not_found_error")):
            with self.subTest(rid=rid):
                got, fields, body = self.fetch(rid)
                self.assertEqual((got, json.loads(body)["error"]["type"]), (status, etype))
                self.assertEqual(fields["content-type"], "application/json")
        status, _, _ = self.fetch(running["id"], path=f"/_mock/batches/{running['id']}"
                                                      "/results-digest")
        self.assertEqual(status, 400)
        status, _, _ = self.fetch(running["id"], path="/_mock/batches/msgbatch_nope"
                                                      "/results-digest")
        self.assertEqual(status, 404)
        # Deleted: 404. Store batches still processing: 400.
        gone = self.make_batch(self.srv, [req_item("g")])
        conn = http.client.HTTPSConnection(HOST, self.srv.port, context=self.ctx, timeout=30)
        conn.request("DELETE", f"/v1/messages/batches/{gone['id']}", headers=AUTH)
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        self.assertEqual(self.fetch(gone["id"])[0], 404)
        store_running = next(r for r in self.dump if r["processing_status"] == "in_progress")
        self.assertEqual(self.fetch(store_running["id"])[0], 400)
        # While a new batch propagates (--propagation-ms), results answer 404 too.
        fresh = self.make_batch(self.plain, [req_item("p")], end=False)
        self.plain.advance(1000)                         # ended (100 ms) but still propagating
        self.assertEqual(self.fetch(fresh["id"], server=self.plain)[0], 404)
        self.plain.advance(60_000)
        self.assertEqual(self.fetch(fresh["id"], server=self.plain)[0], 200)

    def test_store_batch_results(self):
        ended = [r for r in self.dump if r["processing_status"] == "ended"
                 and 5 < sum(r["request_counts"].values()) < 3000]
        rec = ended[0]
        status, _, body = self.fetch(rec["id"])
        self.assertEqual(status, 200)
        lines = self.lines(body)
        total = sum(rec["request_counts"].values())
        self.assertEqual(sorted(x["custom_id"] for x in lines),
                         [f"req-{i:06d}" for i in range(total)])
        kinds = [x["result"]["type"] for x in lines]
        for kind in ("succeeded", "errored", "canceled", "expired"):
            self.assertEqual(kinds.count(kind), rec["request_counts"][kind])
        # A store batch canceled through the API has results once ended.
        running = [r for r in self.dump if r["processing_status"] == "in_progress"][-1]
        conn = http.client.HTTPSConnection(HOST, self.srv.port, context=self.ctx, timeout=30)
        conn.request("POST", f"/v1/messages/batches/{running['id']}/cancel", headers=AUTH)
        self.assertEqual(conn.getresponse().read() and 200, 200)
        conn.close()
        self.srv.advance(600)
        status, _, body = self.fetch(running["id"])
        self.assertEqual(status, 200)
        kinds = [x["result"]["type"] for x in self.lines(body)]
        self.assertEqual(len(kinds), sum(running["request_counts"].values()))
        self.assertGreater(kinds.count("canceled"), 0)

    def test_line_endings_and_framing(self):
        rid = self.mixed["id"]
        _, fields, lf = self.fetch(rid, {"x-mock-framing": "length"})
        self.assertNotIn("transfer-encoding", fields)
        _, fields, chunked = self.fetch(rid, {"x-mock-framing": "chunked"})
        self.assertEqual(fields["transfer-encoding"], "chunked")
        self.assertEqual(chunked, lf)
        n = len(self.mixed_items)
        self.assertEqual(lf.count(b"\n"), n)
        self.assertNotIn(b"\r", lf)
        _, _, crlf = self.fetch(rid, {"x-mock-results-crlf": "1"})
        self.assertEqual(crlf, lf.replace(b"\n", b"\r\n"))
        _, _, last = self.fetch(rid, {"x-mock-results-final-newline": "0"})
        self.assertEqual(last, lf[:-1])
        _, _, both = self.fetch(rid, {"x-mock-results-crlf": "1",
                                      "x-mock-results-final-newline": "0"})
        self.assertEqual(both, crlf[:-2])
        self.assertEqual(self.fetch(rid, {"x-mock-results-crlf": "2"})[0], 400)
        # Server options: --results-crlf --results-no-final-newline (and headers override them).
        b = self.make_batch(self.plain, [req_item(f"x{i}") for i in range(5)])
        _, _, body = self.fetch(b["id"], server=self.plain)
        self.assertEqual(body.count(b"\r\n"), 4)
        self.assertFalse(body.endswith(b"\n"))
        _, _, body = self.fetch(b["id"], {"x-mock-results-crlf": "0",
                                          "x-mock-results-final-newline": "1"}, server=self.plain)
        self.assertEqual((body.count(b"\n"), body.count(b"\r")), (5, 0))

    def test_digest(self):
        rid = self.mixed["id"]
        for headers in ({}, {"x-mock-hostile": "1", "x-mock-results-crlf": "1"}):
            with self.subTest(headers=headers):
                _, _, body = self.fetch(rid, headers)
                ending = b"\r\n" if headers else b"\n"
                raw = body[:-len(ending)].split(ending)
                status, _, digest = self.fetch(rid, headers,
                                               path=f"/_mock/batches/{rid}/results-digest")
                self.assertEqual(status, 200)
                digest = json.loads(digest)
                self.assertEqual(digest["bytes"], len(body))
                self.assertEqual(digest["line_ending"], "crlf" if headers else "lf")
                self.assertEqual([d["custom_id"] for d in digest["lines"]],
                                 [json.loads(x)["custom_id"] for x in raw])
                self.assertEqual([d["sha256"] for d in digest["lines"]],
                                 [hashlib.sha256(x).hexdigest() for x in raw])
                self.assertEqual([d["bytes"] for d in digest["lines"]], [len(x) for x in raw])
                # The same through mockctl (query parameters instead of headers).
                self.assertEqual(self.srv.results_digest(rid, hostile=bool(headers),
                                                         crlf=bool(headers)), digest)

    def test_hostile_lines(self):
        rid = self.mixed["id"]
        _, _, normal = self.fetch(rid)
        _, _, hostile = self.fetch(rid, {"x-mock-hostile": "1"})
        self.assertNotEqual(normal, hostile)
        self.assertEqual(self.fetch(rid, {"x-mock-hostile": "1"})[2], hostile)   # deterministic
        self.assertNotIn(b"\r", hostile)                          # no CR or LF inside a line
        h_lines, n_lines = self.lines(hostile), self.lines(normal)
        self.assertEqual([known_line(x) for x in h_lines], [known_line(x) for x in n_lines])
        text = hostile.decode("utf-8")
        known = LINE_KEYS | MESSAGE_KEYS | USAGE_KEYS | {"type", "text", "thinking", "error"}
        escaped = {json.loads(tok) for tok in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', text)
                   if json.loads(tok) in known and tok != json.dumps(json.loads(tok))}
        self.assertGreater(len(escaped), 8, escaped)                  # escapes in known keys
        self.assertRegex(text, r"(?i)\\ud8[0-9a-f]{2}\\udc[0-9a-f]{2}")   # surrogate pairs
        self.assertIn("\t", text)
        self.assertGreater(sum(len(set(x) - LINE_KEYS) for x in h_lines), len(h_lines) // 2)

    def test_big_lines_and_speed(self):
        # One 64 MB line, whole and exact; then a 1 GB file at a useful rate (plain TCP).
        b = self.make_batch(self.plain, [req_item("huge", {"text_bytes": 64 << 20}),
                                         req_item("small")])
        _, fields, body = self.fetch(b["id"], {"x-mock-results-crlf": "0",
                                               "x-mock-results-final-newline": "1"},
                                     server=self.plain)
        lines = self.lines(body)
        text = {x["custom_id"]: x for x in lines}["huge"]["result"]["message"]["content"][0]
        self.assertEqual(len(text["text"].encode("utf-8")), 64 << 20)
        del lines, text, body
        b = self.make_batch(self.plain, [req_item(f"g{i}", {"text_bytes": 64 << 20,
                                                            "blocks": ["text"]})
                                         for i in range(16)])
        sock = socket.create_connection((HOST, self.plain.port), timeout=30)
        sock.sendall(raw_request(f"/v1/messages/batches/{b['id']}/results",
                                 {"Connection": "close"}))
        buf = bytearray(1 << 20)
        t0 = time.monotonic()
        got = sock.recv_into(buf)
        head_end = bytes(buf[:got]).find(b"\r\n\r\n")
        _, fields = head_fields(bytes(buf[:head_end]).decode("latin-1"))
        first = bytes(buf[head_end + 4:got])
        total, newlines = got - head_end - 4, first.count(b"\n")
        while True:
            n = sock.recv_into(buf)
            if not n:
                break
            total += n
            newlines += buf.count(b"\n", 0, n)
        elapsed = time.monotonic() - t0
        sock.close()
        self.assertEqual(total, int(fields["content-length"][0]))
        self.assertGreater(total, 1 << 30)
        self.assertEqual(newlines, 15)                      # 16 lines, no final newline
        self.assertTrue(first.startswith(b'{"custom_id":"g'))
        rate = total / elapsed / 1e6
        self.assertGreater(rate, 100, f"{rate:.0f} MB/s")

    def test_random_faults_on_results(self):
        rec = next(r for r in self.dump if r["processing_status"] == "ended"
                   and 200 < sum(r["request_counts"].values()) < 3000)
        path = f"/v1/messages/batches/{rec['id']}/results"
        full = None
        outcomes = set()
        for _ in range(30):
            sock = socket.create_connection((HOST, self.rnd.port), timeout=30)
            sock.sendall(raw_request(path, {"Connection": "close"}))
            data, err, _ = recv_until_end(sock, 30)
            sock.close()
            head, sep, body = data.partition(b"\r\n\r\n")
            status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else None
            if status == 200 and sep and len(body) == int(head_fields(head.decode())[1]
                                                         ["content-length"][0]):
                full = full or body
                self.assertEqual(body, full)
                outcomes.add("ok")
            elif status in (429, 502, 529):
                outcomes.add(status)
            else:                                           # cut inside the response
                self.assertIn(type(err), (type(None), ConnectionResetError))
                outcomes.add("cut")
        self.assertIn("ok", outcomes)
        self.assertIn("cut", outcomes)
        self.assertGreater(len(outcomes), 2)
        self.assertEqual(len(self.lines(full)), sum(rec["request_counts"].values()))

    def test_faults_in_the_middle_of_the_body(self):
        b = self.make_batch(self.plain, [req_item("m", {"text_bytes": 2_000_000})])
        path = f"/v1/messages/batches/{b['id']}/results"
        _, _, full = self.fetch(b["id"], server=self.plain)
        self.assertGreater(len(full), 2_000_000)

        def one(fault, extra=None):
            self.plain.add_faults(fault)
            sock = socket.create_connection((HOST, self.plain.port), timeout=30)
            sock.sendall(raw_request(path, {"Connection": "close", **(extra or {})}))
            t0 = time.monotonic()
            data, err, _ = recv_until_end(sock, 30)
            sock.close()
            return data, err, time.monotonic() - t0

        n = 1_000_000
        data, err, _ = one({"fault": "close_after", "bytes": n})
        self.assertEqual((len(data), err), (n, None))
        head, body = split_head(data)
        self.assertTrue(full.startswith(body))
        data, err, _ = one({"fault": "reset_after", "bytes": n})
        self.assertEqual(len(data), n)
        self.assertIsInstance(err, ConnectionResetError)
        data, err, elapsed = one({"fault": "stall", "at_byte": n, "ms": 400})
        self.assertIsNone(err)
        self.assertGreaterEqual(elapsed, 0.38)
        self.assertEqual(split_head(data)[1], full)
        data, err, _ = one({"fault": "body_shorter", "missing": 10})
        head, body = split_head(data)
        self.assertEqual(int(head_fields(head)[1]["content-length"][0]), len(full) + 10)
        self.assertEqual(body, full)
        data, err, _ = one({"fault": "body_longer", "extra": 5})
        self.assertEqual(split_head(data)[1], full + b"JUNK-")
        data, err, _ = one({"fault": "invalid_json"})
        body = split_head(data)[1]
        self.assertEqual(len(body), len(full) + 1)
        with self.assertRaises(ValueError):
            json.loads(body.split(b"\r\n")[0])
        for kind in ("nonhex", "missing_crlf"):
            data, err, _ = one({"fault": "bad_chunk", "kind": kind})
            head, body = split_head(data)
            self.assertIn("Transfer-Encoding: chunked", head)
            if kind == "nonhex":
                self.assertTrue(body.startswith(b"zz\r\n"))
            else:
                self.assertEqual(body[:4 + 16], b"10\r\n" + full[:16])
                self.assertNotEqual(body[4 + 16:4 + 18], b"\r\n")
        data, err, _ = one({"fault": "conflicting_length"})
        head, body = split_head(data)
        self.assertEqual(head_fields(head)[1]["content-length"], [str(len(full))])
        self.assertEqual(dechunk(body), (full, b""))
        # drip on a short results file: one byte per write.
        small = self.make_batch(self.plain, [req_item("s", {"text_bytes": 10})])
        self.plain.add_faults({"fault": "drip", "interval_ms": 1})
        sock = socket.create_connection((HOST, self.plain.port), timeout=30)
        sock.sendall(raw_request(f"/v1/messages/batches/{small['id']}/results",
                                 {"Connection": "close"}))
        data, err, sizes = recv_until_end(sock, 30)
        sock.close()
        self.assertGreater(sizes.count(1), len(data) * 0.8)
        self.assertEqual(json.loads(split_head(data)[1])["custom_id"], "s")


# -- request-side faults and faults that follow the handling ---------------------------------------


class Wire:
    """One client connection whose TCP ending stays visible: plain, or TLS with the TLS layer in
    memory (ssl.MemoryBIO). send() reports a failed write instead of raising; wait_end() reads
    until the server's FIN or RST, or a timeout."""

    def __init__(self, port, ctx=None):
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.plain = b""
        self.notified = False           # TLS close_notify received
        self.end = None                 # "fin" or "rst" once seen
        self.tls = None
        if ctx is None:
            return
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.out, server_hostname=HOST)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("EOF during the handshake")
                self.inc.write(data)
        self._flush()

    def _flush(self):
        data = self.out.read()
        if data:
            self.sock.sendall(data)

    def send(self, data):
        """None when every byte was written, else the write's exception."""
        try:
            if self.tls is None:
                self.sock.sendall(data)
            else:
                for i in range(0, len(data), 1 << 20):
                    self.tls.write(data[i:i + (1 << 20)])
                    self._flush()
        except (BrokenPipeError, ConnectionResetError) as e:
            return e
        return None

    def wait_end(self, timeout=10.0):
        """Read until the server's FIN or RST (self.end), or `timeout` s of silence (end None).
        Returns self.end; the plaintext received accumulates in self.plain."""
        self.sock.settimeout(timeout)
        while self.end is None:
            try:
                data = self.sock.recv(1 << 20)
            except ConnectionResetError:
                self.end = "rst"
                break
            except socket.timeout:
                return None
            if not data:
                self.end = "fin"
                break
            if self.tls is None:
                self.plain += data
                continue
            self.inc.write(data)
            was = self.notified
            try:
                while not self.notified:
                    got = self.tls.read(1 << 20)
                    self.plain += got
                    self.notified = not got     # b"" (or SSLZeroReturnError): close_notify
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLZeroReturnError:
                self.notified = True
            if self.notified and not was:
                try:
                    self.tls.unwrap()           # answer with our close_notify
                except ssl.SSLError:
                    pass
                try:
                    self._flush()
                except OSError:
                    pass
        return self.end

    def close(self):
        self.sock.close()


class RequestSideFaultTest(unittest.TestCase):
    """drop_request (reads a request up to byte N, then FIN or RST; nothing handled, nothing
    answered), lose_response, cut_response, status_after_handling (handled, then the answer is
    lost, cut or replaced), the creates counter, and which faults handle the request."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ambc-mock-reqfaults-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        certs = os.path.join(cls.tmp, "certs")
        subprocess.run(["bash", GEN_CERTS, certs], check=True, timeout=30)
        cls.ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
        tls = ["--cert", os.path.join(certs, "server.pem"),
               "--key", os.path.join(certs, "server.key")]
        cls.srv = MockServer(cls.tmp, "reqfaults", [*tls, "--batches", "10", "--chunked",
                                                    "never"])
        cls.addClassCleanup(cls.srv.stop)
        cls.plain = MockServer(cls.tmp, "reqfaults-plain", ["--batches", "10"])
        cls.addClassCleanup(cls.plain.stop)
        cls.serial = 0

    def setUp(self):
        for server in (self.srv, self.plain):
            self.assertEqual(server.clear_faults(), [])
            server.reset_stats()

    def unique_body(self, n=2, filler=""):
        """A valid create body never sent before (its SHA-256 is new)."""
        type(self).serial += 1
        tag = f"u{os.getpid()}-{self.serial}"
        return create_body([req_item(f"{tag}-{i}", system=filler) for i in range(n)])

    @staticmethod
    def create_request(body, extra=None, chunked=None):
        """(head bytes, whole request bytes) of a create; chunked: the body's pieces."""
        lines = ["POST /v1/messages/batches HTTP/1.1", "Host: localhost",
                 f"x-api-key: {API_KEY}", "anthropic-version: 2023-06-01",
                 "content-type: application/json", *(extra or [])]
        if chunked is None:
            lines.append(f"content-length: {len(body)}")
            wire = body
        else:
            lines.append("transfer-encoding: chunked")
            wire = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in chunked) + b"0\r\n\r\n"
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head, head + wire

    def wire(self, server=None):
        server = server or self.srv
        w = Wire(server.port, self.ctx if server is self.srv else None)
        self.addCleanup(w.close)
        return w

    def created(self, server=None):
        return (server or self.srv).created_batches()

    def assert_no_answer(self, w, how):
        self.assertEqual(w.wait_end(), how)
        self.assertEqual(w.plain, b"")
        self.assertFalse(w.notified)            # no close_notify either

    # -- drop_request ----------------------------------------------------------------------------

    def test_drop_request_anywhere_creates_nothing_answers_nothing(self):
        body = self.unique_body()
        head, req = self.create_request(body)
        line = req.index(b"\r\n") + 2
        offsets = [0, 1, line - 1, line, line + 1, len(head) - 2, len(head) - 1, len(head),
                   len(head) + 1, len(head) + len(body) // 2, len(req) - 1, len(req),
                   len(req) + 1, len(req) + 10_000]
        before = self.created()
        for i, n in enumerate(offsets):
            how = ("fin", "rst")[i % 2]
            with self.subTest(after_bytes=n, how=how):
                self.srv.add_faults({"fault": "drop_request", "after_bytes": n, "how": how})
                w = self.wire()
                w.send(req)                     # may fail once the server has closed
                self.assert_no_answer(w, how)
                w.close()
        self.assertEqual(self.created(), before)
        self.assertEqual(self.srv.faults(), [])
        st = self.srv.stats()
        self.assertEqual((st["creates"], st["requests"], st["faults_applied"]),
                         (0, len(offsets), len(offsets)))
        # The same request without a fault creates its batch: the drops were not "bad bodies".
        w = self.wire()
        self.assertIsNone(w.send(self.create_request(body, ["Connection: close"])[1]))
        w.wait_end()
        self.assertTrue(w.plain.startswith(b"HTTP/1.1 200 OK\r\n"), w.plain[:100])
        self.assertEqual(self.srv.stats()["creates"], 1)

    def test_drop_request_reads_exactly_up_to_byte_n(self):
        """The server closes when byte N arrives, not before: N-1 bytes sent, it waits."""
        body = self.unique_body()
        head, req = self.create_request(body)
        line = req.index(b"\r\n") + 2
        chunked_head, chunked = self.create_request(body, chunked=[body[:7], body[7:]])
        cases = [(self.srv, req, line + 5, "fin"),               # inside the headers
                 (self.srv, req, len(head) + 10, "rst"),         # inside the body
                 (self.srv, req, len(req) - 1, "fin"),           # one byte before its end
                 (self.plain, req, len(head) + 1, "rst"),
                 (self.plain, chunked, len(chunked_head) + 5, "fin"),     # in a chunk line
                 (self.plain, chunked, len(chunked) - 3, "fin")]          # in the last chunk
        for server, data, n, how in cases:
            with self.subTest(tls=server is self.srv, n=n, size=len(data), how=how):
                server.add_faults({"fault": "drop_request", "after_bytes": n, "how": how})
                w = self.wire(server)
                self.assertIsNone(w.send(data[:n - 1]))
                self.assertIsNone(w.wait_end(0.3))               # still reading
                self.assertIsNone(w.send(data[n - 1:n]))
                t0 = time.monotonic()
                self.assert_no_answer(w, how)
                self.assertLess(time.monotonic() - t0, 2.0)
                w.close()
        self.assertEqual((self.srv.stats()["creates"], self.plain.stats()["creates"]), (0, 0))

    def test_expect_continue(self):
        """Expect: 100-continue: a drop inside the head comes before the 100 Continue, one in the
        body after it; lose_response sends the 100 Continue (not part of the response), then
        nothing."""
        body = self.unique_body()
        head, req = self.create_request(body, ["Expect: 100-continue"])
        cont = b"HTTP/1.1 100 Continue\r\n\r\n"
        for fault, interim in (({"fault": "drop_request", "after_bytes": len(head) - 1}, b""),
                               ({"fault": "drop_request", "after_bytes": len(head) + 9}, cont),
                               ({"fault": "lose_response"}, cont)):
            with self.subTest(fault=fault):
                self.srv.add_faults(fault)
                w = self.wire()
                self.assertIsNone(w.send(head))
                if interim:
                    self.assertIsNone(w.wait_end(0.3))
                    self.assertEqual(w.plain, interim)
                    self.assertIsNone(w.send(body))
                self.assertEqual(w.wait_end(), "fin")
                self.assertEqual(w.plain, interim)
        self.assertEqual(self.created()[0]["sha256"], hashlib.sha256(body).hexdigest())
        self.assertEqual(self.srv.stats()["creates"], 1)

    def test_drop_request_mid_body_fails_the_clients_write(self):
        """A body far larger than the socket buffers: the client's write fails (the server
        closed after byte N), its read sees the FIN or the RST; nothing created."""
        filler = "x" * (1 << 20)
        body = self.unique_body(32, filler)                      # 32 MB
        head, req = self.create_request(body)
        for how in ("fin", "rst"):
            with self.subTest(how=how):
                self.srv.add_faults({"fault": "drop_request", "after_bytes": len(head) + 100_000,
                                     "how": how})
                w = self.wire()
                err = w.send(req)
                self.assertIsInstance(err, (BrokenPipeError, ConnectionResetError))
                # (Once a write has met the RST, Linux reports the end to reads as EOF.)
                self.assertIn(w.wait_end(), ("fin", "rst"))
                self.assertEqual(w.plain, b"")
                w.close()
        self.assertEqual(self.srv.stats()["creates"], 0)

    def test_drop_request_queue_rules(self):
        """FIFO with the other request faults, times, path_prefix; never on /_mock/; a request
        a drop took is never answered, even when its head is bad or too large."""
        srv = self.srv
        body = self.unique_body()
        head, req = self.create_request(body)
        srv.add_faults({"fault": "status", "status": 503},
                       {"fault": "drop_request", "after_bytes": 0, "times": 2},
                       {"fault": "drop_request", "after_bytes": 0,
                        "path_prefix": "/v1/messages/batches/msgbatch_"},
                       {"fault": "drop_request", "after_bytes": 0, "path_prefix": "/"})
        self.assertEqual(srv.faults()[1], {"fault": "drop_request", "after_bytes": 0,
                                           "how": "fin", "times": 2,
                                           "path_prefix": "/v1/messages/batches"})
        self.assertEqual(srv.stats()["requests"], 0)             # /_mock/: never taken
        # 1: the 503 comes first (a drop behind it waits); not handled.
        w = self.wire()
        w.send(req.replace(b"content-type", b"Connection: close\r\ncontent-type"))
        w.wait_end()
        self.assertTrue(w.plain.startswith(b"HTTP/1.1 503 "), w.plain[:40])
        # 2, 3: the drop, twice.
        for _ in range(2):
            w = self.wire()
            w.send(req)
            self.assert_no_answer(w, "fin")
        # 4: a list request does not match the msgbatch_ prefix: the "/" drop takes it.
        w = self.wire()
        w.send(raw_request("/v1/messages/batches?limit=1"))
        self.assert_no_answer(w, "fin")
        # 5: a retrieve takes the msgbatch_ one.
        w = self.wire()
        w.send(raw_request("/v1/messages/batches/msgbatch_x"))
        self.assert_no_answer(w, "fin")
        self.assertEqual(srv.faults(), [])
        self.assertEqual(srv.stats()["creates"], 0)
        # A head the server would refuse (bad header line, over the edge's limit): no answer.
        for bad in (b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n",
                    b"POST /v1/messages/batches HTTP/1.1\r\nHost: x\r\n"
                    b"content-length: 268435457\r\n\r\n{"):
            srv.add_faults({"fault": "drop_request", "after_bytes": 1 << 30})
            w = self.wire()
            w.send(bad)
            self.assert_no_answer(w, "fin")
        # Queued while a request is being read (after its request line): it takes the drop
        # once read whole, and is dropped all the same.
        w = self.wire()
        w.send(req[:len(head) + 5])
        time.sleep(0.2)
        srv.add_faults({"fault": "drop_request", "after_bytes": 5})
        w.send(req[len(head) + 5:])
        self.assert_no_answer(w, "fin")
        # Keep-alive: the request before the dropped one is answered, then the drop.
        srv.add_faults({"fault": "drop_request", "after_bytes": 3,
                        "path_prefix": "/v1/messages/batches/msgbatch_"})
        w = self.wire()
        w.send(raw_request("/v1/messages/batches?limit=1")
               + raw_request("/v1/messages/batches/msgbatch_y"))
        self.assertEqual(w.wait_end(), "fin")
        self.assertTrue(w.plain.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertEqual(w.plain.count(b"HTTP/1.1 "), 1)
        st = srv.stats()
        self.assertEqual((st["requests"], st["faults_applied"], st["creates"]), (10, 9, 0))

    # -- faults that follow the handling ----------------------------------------------------------

    def test_lose_response(self):
        for server, how in ((self.srv, "fin"), (self.srv, "rst"), (self.plain, "fin")):
            with self.subTest(tls=server is self.srv, how=how):
                before = {b["id"] for b in self.created(server)}
                body = self.unique_body()
                head, req = self.create_request(body)
                fault = {"fault": "lose_response"} if how == "fin" else \
                    {"fault": "lose_response", "how": "rst"}
                server.reset_stats()
                server.add_faults(fault)
                w = self.wire(server)
                self.assertIsNone(w.send(req))
                self.assert_no_answer(w, how)
                w.close()
                new = [b for b in self.created(server) if b["id"] not in before]
                self.assertEqual(len(new), 1)                    # exactly one batch
                self.assertEqual(new[0]["sha256"], hashlib.sha256(body).hexdigest())
                self.assertEqual((new[0]["requests"], new[0]["body_bytes"]), (2, len(body)))
                self.assertEqual(server.stats()["creates"], 1)

    def test_cut_response(self):
        srv = self.srv
        body = self.unique_body()
        _, req = self.create_request(body)
        srv.add_faults({"fault": "cut_response", "bytes": 30})
        w = self.wire()
        self.assertIsNone(w.send(req))
        self.assertEqual(w.wait_end(), "fin")
        self.assertEqual(len(w.plain), 30)
        self.assertTrue(w.plain.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertFalse(w.notified)                             # FIN without close_notify
        self.assertEqual(self.created()[0]["sha256"], hashlib.sha256(body).hexdigest())
        # bytes past the response: the whole answer, then FIN; the batch it names exists.
        body = self.unique_body()
        _, req = self.create_request(body)
        srv.add_faults({"fault": "cut_response", "bytes": 1_000_000})
        w = self.wire()
        w.send(req)
        self.assertEqual(w.wait_end(), "fin")
        self.assertFalse(w.notified)
        head, rest = split_head(w.plain)
        status, fields = head_fields(head)
        self.assertEqual((status, fields["connection"]), (200, ["keep-alive"]))
        self.assertEqual(len(rest), int(fields["content-length"][0]))
        self.assertEqual(json.loads(rest)["id"], self.created()[0]["id"])
        self.assertEqual(srv.stats()["creates"], 2)

    def test_status_after_handling(self):
        srv = self.srv
        conn = http.client.HTTPSConnection(HOST, srv.port, context=self.ctx, timeout=10)
        self.addCleanup(conn.close)

        def post(body):
            conn.request("POST", "/v1/messages/batches", body=body,
                         headers={**AUTH, "content-type": "application/json"})
            resp = conn.getresponse()
            return resp, json.loads(resp.read())

        body = self.unique_body()
        srv.add_faults({"fault": "status_after_handling", "status": 503, "retry_after_ms": 20,
                        "should_retry": True, "message": "try later"},
                       {"fault": "status_after_handling", "status": 529},
                       {"fault": "status", "status": 503})
        self.assertEqual(srv.faults()[1]["type"], "overloaded_error")
        resp, err = post(body)
        self.assertEqual(resp.status, 503)
        self.assertEqual(err["error"], {"type": "api_error", "message": "try later"})
        self.assertEqual(err["request_id"], resp.getheader("request-id"))
        self.assertEqual((resp.getheader("retry-after-ms"), resp.getheader("x-should-retry")),
                         ("20", "true"))
        self.assertEqual(self.created()[0]["sha256"], hashlib.sha256(body).hexdigest())
        body2 = self.unique_body()
        resp, err = post(body2)                                  # same connection: kept alive
        self.assertEqual((resp.status, err["error"]["type"]), (529, "overloaded_error"))
        self.assertEqual(self.created()[0]["sha256"], hashlib.sha256(body2).hexdigest())
        # The plain status fault still does not handle: nothing created.
        n = len(self.created())
        resp, err = post(self.unique_body())
        self.assertEqual(resp.status, 503)
        self.assertEqual(len(self.created()), n)
        self.assertEqual(srv.stats()["creates"], 2)
        # A retrieve that takes status_after_handling: answered with the error.
        srv.add_faults({"fault": "status_after_handling", "status": 500})
        conn.request("GET", "/v1/messages/batches/" + self.created()[0]["id"], headers=AUTH)
        resp = conn.getresponse()
        self.assertEqual((resp.status, json.loads(resp.read())["error"]["type"]),
                         (500, "api_error"))

    def test_invalid_request_side_faults_rejected(self):
        bad = [{"fault": "drop_request"}, {"fault": "drop_request", "after_bytes": -1},
               {"fault": "drop_request", "after_bytes": 1.5},
               {"fault": "drop_request", "after_bytes": 1, "how": "close"},
               {"fault": "drop_request", "after_bytes": 1, "bytes": 1},
               {"fault": "lose_response", "bytes": 1}, {"fault": "lose_response", "how": "x"},
               {"fault": "cut_response"}, {"fault": "cut_response", "bytes": -1},
               {"fault": "status_after_handling"},
               {"fault": "status_after_handling", "status": 42},
               {"fault": "status_after_handling", "status": 500, "body": "x"}]
        for fault in bad:
            with self.subTest(fault=fault):
                status, body = self.srv.control("POST", "/_mock/faults", [fault])
                self.assertEqual(status, 400)
                self.assertEqual(self.srv.faults(), [])
        self.assertEqual(self.srv.add_faults({"fault": "drop_request", "after_bytes": 1 << 30},
                                             {"fault": "lose_response"}),
                         [{"fault": "drop_request", "after_bytes": 1 << 30, "how": "fin",
                           "times": 1, "path_prefix": "/v1/messages/batches"},
                          {"fault": "lose_response", "how": "fin", "times": 1,
                           "path_prefix": "/v1/messages/batches"}])

    # -- handled or not, for every request fault ---------------------------------------------------

    HANDLED = [
        ({"fault": "close_after", "bytes": 20}, True),
        ({"fault": "reset_after", "bytes": 20}, True),
        ({"fault": "stall", "before_ms": 10}, True),
        ({"fault": "stall", "at_byte": 20, "ms": 10}, True),
        ({"fault": "drip", "interval_ms": 0}, True),
        ({"fault": "bad_chunk", "kind": "nonhex"}, True),
        ({"fault": "conflicting_length"}, True),
        ({"fault": "huge_headers", "bytes": 1000}, True),
        ({"fault": "body_longer", "extra": 10}, True),
        ({"fault": "body_shorter", "missing": 10}, True),
        ({"fault": "invalid_json"}, True),
        ({"fault": "late_bytes", "data": "x", "delay_ms": 10}, True),
        ({"fault": "extra_response", "delay_ms": 10}, True),
        ({"fault": "idle_close", "after_ms": 10}, True),
        ({"fault": "cut_response", "bytes": 20}, True),
        ({"fault": "lose_response"}, True),
        ({"fault": "status_after_handling", "status": 429}, True),
        ({"fault": "html"}, False),
        ({"fault": "status", "status": 429}, False),
        ({"fault": "body", "status": 200, "body": "{}"}, False),
        ({"fault": "drop_request", "after_bytes": 1 << 20}, False),
    ]

    def test_which_faults_handle_the_request(self):
        """Each request fault on a create, over TLS: a batch exists afterwards exactly when the
        documentation says the fault handles the request; creates counts exactly that."""
        expected = 0
        for fault, handled in self.HANDLED:
            with self.subTest(fault=fault["fault"]):
                body = self.unique_body()
                # Connection: close, so that every answer ends the connection (the faults that
                # follow a response then do not act; the handling comes before them anyway).
                _, req = self.create_request(body, ["Connection: close"])
                self.srv.add_faults(fault)
                w = self.wire()
                w.send(req)
                self.assertIsNotNone(w.wait_end())
                w.close()
                shas = [b["sha256"] for b in self.created()]
                self.assertEqual(hashlib.sha256(body).hexdigest() in shas, handled)
                expected += handled
        self.assertEqual(self.srv.stats()["creates"], expected)

    def test_creates_and_no_duplicates_after_a_sweep(self):
        """A sweep of faults over creates, each body sent until the mock says 200 (a naive
        retrying client): the batches list shows, by body hash, which bodies were created twice."""
        srv = self.plain
        before = {b["id"] for b in self.created(srv)}
        faults = [{"fault": "drop_request", "after_bytes": 150}, {"fault": "lose_response"},
                  {"fault": "status", "status": 529}, {"fault": "cut_response", "bytes": 5},
                  {"fault": "status_after_handling", "status": 503}]
        bodies = []
        for fault in faults:
            body = self.unique_body()
            bodies.append(body)
            _, req = self.create_request(body, ["Connection: close"])
            srv.add_faults(fault)
            for attempt in range(3):
                w = self.wire(srv)
                w.send(req)
                w.wait_end()
                w.close()
                if w.plain.startswith(b"HTTP/1.1 200 OK\r\n"):
                    break
        new = [b for b in self.created(srv) if b["id"] not in before]
        self.assertEqual(srv.stats()["creates"], len(new))
        per_body = [sum(b["sha256"] == hashlib.sha256(x).hexdigest() for b in new)
                    for x in bodies]
        # drop and status: once (retried safely); lose, cut, status_after_handling: twice.
        self.assertEqual(per_body, [1, 2, 1, 2, 2])
        for b in new:
            self.assertEqual((b["requests"], b["deleted"]), (2, False))
            self.assertRegex(b["created_at"], TS_RE)


def _us(ts):
    """'2024-08-20T18:37:24.100435Z' -> integer microseconds (for exact arithmetic)."""
    import datetime
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")
    return (t - datetime.datetime(1970, 1, 1)) // datetime.timedelta(microseconds=1)


if __name__ == "__main__":
    unittest.main()
