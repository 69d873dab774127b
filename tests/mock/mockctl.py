"""Start and stop the mock API from tests: one process per server, stopped by its own pid.

Shared by tests/mock/test_mock.py (the mock's self-test), tests/integration (the client
against the mock, directly, through nginx and under faults), tests/lwip and tests/qemu (the
mock inside a private network namespace), and tests/bench.
"""

import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "mock_api.py")
GEN_CERTS = os.path.join(HERE, "gen_certs.sh")
PYTHON = sys.executable or "/usr/bin/python3"
HOST = "127.0.0.1"


def gen_certs(outdir):
    """CA, server (localhost, 127.0.0.1, ::1), other CA, wrong-host, expired and future certs."""
    subprocess.run(["bash", GEN_CERTS, outdir], check=True, timeout=60)


class MockServer:
    """mock_api.py as a subprocess; stop() ends exactly that process, by its pid.

    Control helpers (stats, faults: see the top of mock_api.py) talk to the server over one
    keep-alive connection, opened on first use and kept, so that they do not themselves consume
    queued connection faults (handshake_close, handshake_stall) - except when that connection has
    to be reopened (the server closed it: idle timeout, --max-requests-per-conn). Under TLS they
    verify the server against `cafile` when given; otherwise (loopback, own test server) they do
    not verify it.
    """

    def __init__(self, workdir, name, args, cafile=None, host=HOST, prefix=(), pid_file=None):
        """host: the address to bind (0.0.0.0 inside a private namespace); prefix: a command
        the server runs under that execs it (`ip netns exec NS`), so the pid held is still the
        server's own; pid_file: where to write that pid for a process that must stop it."""
        self.args = list(args)
        self.tls = "--cert" in self.args
        self.cafile = cafile
        self.host = HOST if host == "0.0.0.0" else host
        self._ctl = None
        self.port_file = os.path.join(workdir, f"{name}.port")
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([*prefix, PYTHON, MOCK, "--host", host, "--port", "0",
                                      "--port-file", self.port_file, *args],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        if pid_file is not None:
            with open(pid_file, "w") as f:
                f.write(f"{self.proc.pid}\n")
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

    # -- control endpoints -------------------------------------------------------------------

    def _context(self):
        if self.cafile:
            return ssl.create_default_context(cafile=self.cafile)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE     # control channel to our own loopback server only
        return ctx

    def _connect(self):
        if not self.tls:
            return http.client.HTTPConnection(self.host, self.port, timeout=10)
        return http.client.HTTPSConnection(self.host, self.port, context=self._context(),
                                           timeout=10)

    def response_sizes(self, path, headers):
        """(header bytes, body bytes) of the response to GET path on a fresh keep-alive
        connection, exactly as a client receives it; needs Content-Length framing
        (--chunked never). Queued faults are cleared first so the response is a clean one."""
        self.clear_faults()
        raw = socket.create_connection((self.host, self.port), timeout=10)
        s = self._context().wrap_socket(raw, server_hostname="localhost") if self.tls else raw
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{lines}\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int([h.split(b":")[1] for h in head.split(b"\r\n")
                      if h.lower().startswith(b"content-length:")][0])
        while len(body) < length:
            body += s.recv(65536)
        s.close()
        return len(head) + 4, length

    def control(self, method, path, body=None):
        """(status, parsed JSON body) of a /_mock/ request."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {} if data is None else {"content-type": "application/json"}
        for attempt in (0, 1):
            if self._ctl is None:
                self._ctl = self._connect()
            try:
                self._ctl.request(method, path, body=data, headers=headers)
                resp = self._ctl.getresponse()
                payload = resp.read()
                break
            except (http.client.HTTPException, OSError):
                # The server closed the idle connection (--idle-timeout) before reading the
                # request, or a TLS write met its close: reopen once.
                self._ctl.close()
                self._ctl = None
                if attempt:
                    raise
        return resp.status, json.loads(payload)

    def _ok(self, method, path, body=None):
        status, payload = self.control(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status} {payload}")
        return payload

    def stats(self):
        return self._ok("GET", "/_mock/stats")

    def reset_stats(self):
        """Zero the counters; returns their values before."""
        return self._ok("POST", "/_mock/reset-stats")

    def add_faults(self, *faults):
        """Queue fault objects (dicts, or lists of them); returns the queue."""
        flat = []
        for f in faults:
            flat += f if isinstance(f, list) else [f]
        return self._ok("POST", "/_mock/faults", flat)

    def faults(self):
        return self._ok("GET", "/_mock/faults")

    def clear_faults(self):
        return self._ok("DELETE", "/_mock/faults")

    def set_walk(self, mode, length=None):
        """List walk mode: "normal", "endless" or "cycle" (with `length`)."""
        body = {"mode": mode} if length is None else {"mode": mode, "length": length}
        return self._ok("POST", "/_mock/walk", body)

    def clock(self):
        """{"now": RFC 3339, "now_us": int, "offset_ms": float}: the mock clock."""
        return self._ok("GET", "/_mock/clock")

    def advance(self, ms):
        """Move the mock clock forward by `ms` milliseconds; returns the clock."""
        return self._ok("POST", "/_mock/clock", {"advance_ms": ms})

    def created_batches(self):
        """Every batch created through the API since start, newest first, deleted ones too:
        {"id", "requests", "deleted", "body_bytes", "sha256" (of the create body as received),
        "created_at", "processing_status"}. The same sha256 twice: one body made two batches."""
        return self._ok("GET", "/_mock/batches")["batches"]

    def create_request(self, batch_id):
        """{"sha256", "bytes", "body"} of the create request that made `batch_id`."""
        return self._ok("GET", f"/_mock/batches/{batch_id}/request")

    def results_digest(self, batch_id, hostile=None, crlf=None, final_newline=None):
        """Per line of the batch's results file, in served order: {"custom_id", "sha256",
        "bytes"} (line ending excluded), and the whole body's "bytes", for the file as served
        with these x-mock-results-* choices (None: the server's default)."""
        q = {k: "1" if v else "0" for k, v in (("hostile", hostile), ("crlf", crlf),
                                               ("final_newline", final_newline)) if v is not None}
        path = f"/_mock/batches/{batch_id}/results-digest"
        if q:
            path += "?" + "&".join(f"{k}={v}" for k, v in q.items())
        return self._ok("GET", path)

    def stop(self):
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()



def dump_store(*args):
    """The mock's store as JSON Lines bytes, newest first."""
    return subprocess.run([PYTHON, MOCK, "--dump-store", *args], check=True,
                          stdout=subprocess.PIPE, timeout=60).stdout
