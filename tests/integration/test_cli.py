"""The ambc CLI against the mock API over real TLS on loopback, and through nginx.

Run by ctest (integration.cli); by hand:
    AMBC_CLI=build/bin/ambc /usr/bin/python3 -m unittest -v tests/integration/test_cli.py

Every server a test starts (mock_api.py, nginx) it stops by its own pid, even on failure.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import HOST, MockServer, dump_store, gen_certs  # noqa: E402

CLI = os.environ.get("AMBC_CLI", os.path.join(HERE, "..", "..", "build", "bin", "ambc"))
N_BATCHES = int(os.environ.get("AMBC_IT_BATCHES", "5000"))
KEY = "test-key"
KNOWN = ("id", "type", "processing_status", "request_counts", "created_at", "expires_at",
         "ended_at", "cancel_initiated_at", "archived_at", "results_url")


def known_keys(obj):
    """What the CLI prints: the API's ten keys (unknown keys are skipped by design)."""
    return {k: obj[k] for k in KNOWN}


class Env:
    """Certificates and the mock servers, shared by every test of the module."""
    tmp = None
    servers = []


def setUpModule():
    Env.tmp = tempfile.mkdtemp(prefix="ambc-it-")
    gen_certs(Env.tmp)
    Env.ca = os.path.join(Env.tmp, "ca.pem")
    Env.store = [json.loads(line) for line in dump_store("--batches", str(N_BATCHES)).splitlines()]
    Env.main = start_mock("main", ["--cert", cert("server"), "--key", key("server"),
                                   "--batches", str(N_BATCHES)])
    Env.wrong_host = start_mock("wronghost", ["--cert", cert("wrong-host"),
                                              "--key", key("wrong-host"), "--batches", "3"],
                                cafile=False)
    Env.expired = start_mock("expired", ["--cert", cert("expired"), "--key", key("expired"),
                                         "--batches", "3"])
    Env.closing = start_mock("closing", ["--cert", cert("server"), "--key", key("server"),
                                         "--batches", "200", "--max-requests-per-conn", "2"])


def tearDownModule():
    for s in Env.servers:
        s.stop()
    shutil.rmtree(Env.tmp, ignore_errors=True)


def cert(name):
    return os.path.join(Env.tmp, f"{name}.pem")


def key(name):
    return os.path.join(Env.tmp, f"{name}.key")


def start_mock(name, args, cafile=True):
    # the control helpers verify against the test CA; the wrong-host server cannot pass
    # that check (it names wrong.example), so its counters are read unverified
    s = MockServer(Env.tmp, name, args, cafile=Env.ca if cafile else None)
    Env.servers.append(s)
    return s


def run_cli(port, *args, api_key=KEY, ca=None, timeout=300):
    env = dict(os.environ, ANTHROPIC_API_KEY=api_key,
               ANTHROPIC_BASE_URL=f"https://localhost:{port}")
    cmd = [CLI, *args, "--ca-file", ca or Env.ca]
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, text=True)


def parse_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


class ListWalks(unittest.TestCase):
    def walk(self, limit, *extra):
        # the stats requests share one kept-alive connection: they add no handshake between
        before = Env.main.stats()
        r = run_cli(Env.main.port, "list", "--all", "--json", "--stats", "--limit", str(limit),
                    *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        after = Env.main.stats()
        return parse_lines(r.stdout), r.stderr, after["handshakes"] - before["handshakes"]

    def test_forward_walks_equal_store(self):
        want = [known_keys(b) for b in Env.store]
        for limit in (1, 20, 1000):
            with self.subTest(limit=limit):
                t0 = time.monotonic()
                got, err, handshakes = self.walk(limit)
                print(f"\n  limit {limit}: {len(got)} records, {handshakes} handshake(s), "
                      f"{time.monotonic() - t0:.2f} s; {err.strip()}", file=sys.stderr)
                self.assertEqual(len(got), len(want))
                self.assertEqual(got, want)  # every key, every value, in order
                self.assertEqual(handshakes, 1, "one TLS handshake for the whole --all walk")
                self.assertIn("connections 1,", err)

    def test_backward_walk_from_the_oldest(self):
        oldest = Env.store[-1]["id"]
        for limit in (20, 1000):
            with self.subTest(limit=limit):
                got, _, handshakes = self.walk(limit, "--before-id", oldest)
                want = [known_keys(b) for b in Env.store[:-1]]
                # each page is newest first; pages go towards newer batches
                pages = [got[i:i + limit] for i in range(0, len(got), limit)]
                rebuilt = [rec for page in reversed(pages) for rec in page]
                self.assertEqual(len(got), len(want))
                self.assertEqual(rebuilt[-len(want):], want)
                self.assertEqual(handshakes, 1)

    def test_after_id_starts_after(self):
        r = run_cli(Env.main.port, "list", "--json", "--limit", "5", "--after-id",
                    Env.store[9]["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(parse_lines(r.stdout), [known_keys(b) for b in Env.store[10:15]])

    def test_beta_flavour(self):
        r = run_cli(Env.main.port, "list", "--json", "--beta", "--limit", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(parse_lines(r.stdout), [known_keys(b) for b in Env.store[:3]])

    def test_get_one(self):
        b = Env.store[1234 % len(Env.store)]
        r = run_cli(Env.main.port, "get", b["id"], "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(parse_lines(r.stdout), [known_keys(b)])

    def test_table_output(self):
        r = run_cli(Env.main.port, "list", "--limit", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("ID"))
        self.assertEqual(len(lines), 4)
        self.assertIn(Env.store[0]["id"], lines[1])
        self.assertIn(Env.store[0]["processing_status"], lines[1])

    def test_server_closing_connections_is_transparent(self):
        """And each reconnect resumes the TLS session: one full handshake, then abbreviated
        ones, as both ends see it."""
        store = [known_keys(json.loads(x)) for x in dump_store("--batches", "200").splitlines()]
        Env.closing.reset_stats()
        r = run_cli(Env.closing.port, "list", "--all", "--json", "--stats", "--limit", "7")
        kinds = Env.closing.stats()["handshake_kinds"]
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(parse_lines(r.stdout), store)
        self.assertIn("connections 15,", r.stderr)  # 29 pages, 2 requests per connection
        self.assertIn("tls_handshakes 15, tls_resumed 14,", r.stderr)
        # the control helper's own connections come after the CLI's, always full
        self.assertEqual(kinds[:15], ["full"] + ["resumed"] * 14)
        self.assertNotIn("resumed", kinds[15:])


class Errors(unittest.TestCase):
    def test_bad_key_gives_401_with_request_id(self):
        r = run_cli(Env.main.port, "list", api_key="wrong-key")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("HTTP 401", r.stderr)
        self.assertIn("authentication_error", r.stderr)
        self.assertRegex(r.stderr, r"request-id: req_[0-9A-Za-z]{24}")
        self.assertNotIn("wrong-key", r.stderr + r.stdout)

    def test_limit_out_of_range_is_usage(self):
        r = run_cli(Env.main.port, "list", "--limit", "1001")
        self.assertEqual(r.returncode, 2)

    def test_untrusted_ca_refused_before_any_request(self):
        b = Env.main.stats()
        r = run_cli(Env.main.port, "list", ca=cert("other-ca"))
        a = Env.main.stats()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AMBC_ERR_TLS_VERIFY", r.stderr)
        self.assertEqual(a["requests"], b["requests"], "no request reached the server")
        self.assertEqual(a["handshakes"], b["handshakes"], "no handshake completed")

    def test_wrong_hostname_refused_before_any_request(self):
        r = run_cli(Env.wrong_host.port, "list")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AMBC_ERR_TLS_HOSTNAME", r.stderr)
        self.assertEqual(Env.wrong_host.stats()["requests"], 0)

    def test_expired_certificate_refused(self):
        r = run_cli(Env.expired.port, "list")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AMBC_ERR_TLS_EXPIRED", r.stderr)

    def test_nothing_listening(self):
        import socket
        s = socket.socket()
        s.bind((HOST, 0))
        port = s.getsockname()[1]
        s.close()
        env = dict(os.environ, ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=f"https://127.0.0.1:{port}")
        r = subprocess.run([CLI, "list", "--ca-file", Env.ca], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("AMBC_ERR_NET_CONNECT", r.stderr)


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    upstream mock {{ server 127.0.0.1:{upstream}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/server.pem;
        ssl_certificate_key {tmp}/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }}
    }}
}}
"""


@unittest.skipUnless(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"),
                     "nginx not installed (Debian nginx-light)")
class Conventions(unittest.TestCase):
    """--version, --help and usage errors as command-line tools do them (issue 14)."""

    def cli(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        return subprocess.run([CLI, *args], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30, text=True)

    def test_version(self):
        with open(os.path.join(HERE, "..", "..", "include", "ambc", "ambc.h")) as f:
            version = re.search(r'^#define AMBC_VERSION\s+"([^"]+)"', f.read(), re.M).group(1)
        r = self.cli("--version")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, f"ambc {version}\n", ""))

    def test_help_to_stdout_exit_0(self):
        for args in (["--help"], ["-h"], ["list", "--help"], ["create", "--help"]):
            r = self.cli(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertEqual(r.stderr, "", args)
            self.assertTrue(r.stdout.startswith("usage: ambc list"), args)
            self.assertIn("ambc --version | --help", r.stdout)

    def test_usage_error_is_one_line_and_a_hint(self):
        for args, why in (([], "no command"), (["lits"], "unknown command"),
                          (["list", "--limit"], "--limit must be 1..1000"),
                          (["list", "--limit", "0"], "--limit must be 1..1000"),
                          (["list", "--frobnicate"], "unknown or incomplete option"),
                          (["get"], "this command needs a batch id"),
                          (["create"], "create needs a JSONL file")):
            r = self.cli(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(r.stdout, "", args)
            self.assertEqual(r.stderr, f"ambc: {why} (try 'ambc --help')\n", args)


class ThroughNginx(unittest.TestCase):
    """nginx terminates TLS in front of a plain-HTTP mock: a second, real server on the path."""

    @classmethod
    def setUpClass(cls):
        import socket
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        cls.upstream = MockServer(Env.tmp, "upstream", ["--batches", str(N_BATCHES)])
        cls.addClassCleanup(cls.upstream.stop)
        s = socket.socket()
        s.bind((HOST, 0))
        cls.port = s.getsockname()[1]
        s.close()
        conf = os.path.join(Env.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=Env.tmp, upstream=cls.upstream.port, port=cls.port))
        cls.nginx = subprocess.Popen([nginx, "-p", Env.tmp, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cls.addClassCleanup(cls.stop_nginx)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, cls.port), timeout=1).close()
                return
            except OSError:
                if cls.nginx.poll() is not None:
                    raise RuntimeError("nginx exited: " + cls.nginx.stderr.read().decode())
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    @classmethod
    def stop_nginx(cls):
        if cls.nginx.poll() is None:
            os.kill(cls.nginx.pid, 15)  # the master process we started; it ends its worker
            try:
                cls.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(cls.nginx.pid, 9)
                cls.nginx.wait()

    def test_walk_through_nginx_equals_store(self):
        r = run_cli(self.port, "list", "--all", "--json", "--stats", "--limit", "1000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(parse_lines(r.stdout), [known_keys(b) for b in Env.store])
        self.assertIn("connections 1,", r.stderr)

    def test_bad_key_through_nginx(self):
        r = run_cli(self.port, "list", api_key="nope")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("HTTP 401", r.stderr)


if __name__ == "__main__":
    unittest.main()
