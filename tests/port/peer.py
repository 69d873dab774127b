#!/usr/bin/python3
"""The scripted peer of the port conformance suite (tests/port/conformance.c) and of the TLS
port's zero-timeout tests (test_tls.c).

    peer.py [--host 127.0.0.1] [--tls CERT KEY] [--life SECONDS]

Listens on a port the kernel picks and prints, flushed, one line each:

    LISTEN <port>     the scripted server
    REFUSE <port>     a port nobody listens on (bound, then closed): a connect is refused
    BLACKHOLE <port>  a listener whose accept queue is full and never served: the kernel
                      drops every SYN, so a connect can only time out

Every connection to LISTEN is scripted by the client: after the TLS handshake (with --tls,
over Python's ssl with memory BIOs, so the peer can put any bytes on the wire), the client
sends one line of steps separated by spaces, and the peer runs them in order:

    send:N     N bytes of the pattern (byte i is i % 251), in one write (one TLS record)
    wait:MS    sleep MS milliseconds
    half:N     TLS: one record of N bytes, of which only the first half reaches the wire
               (plain TCP: the first N/2 pattern bytes)
    echo       return every byte received until the client closes
    drain:N    read N bytes, check the pattern, answer "ok N\\n" (or "bad N\\n")
    sink       never read again (the client's sends fill the buffers); ends after --life
    fin        end the stream with a FIN (TLS: no close_notify) and stop
    notify     TLS: close_notify, then the FIN
    rst        abort the connection (an RST) and stop
    hold       read and discard until the client closes (the default last step)

Connections are served in threads; the process runs until killed (tests stop it by pid) or for
--life seconds, whichever comes first. Nothing here sends to any address but the one it was
given to listen on.
"""

import argparse
import select
import socket
import ssl
import struct
import sys
import threading
import time

PATTERN = bytes(i % 251 for i in range(65536 + 251))


def pattern(n, offset=0):
    out = bytearray()
    while len(out) < n:
        start = (offset + len(out)) % 251
        take = min(n - len(out), 65536)
        out += PATTERN[start:start + take]
    return bytes(out)


class Conn:
    """A connection, plain or TLS over memory BIOs (so half a record can be sent)."""

    def __init__(self, sock, ctx):
        self.sock = sock
        self.tls = None
        self.pending = b""  # read past the script line: the first data of the steps
        if ctx is not None:
            self.inc = ssl.MemoryBIO()
            self.out = ssl.MemoryBIO()
            self.tls = ctx.wrap_bio(self.inc, self.out, server_side=True)
            self._handshake()

    def _flush(self):
        data = self.out.read()
        if data:
            self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            self.inc.write_eof()
            return False
        self.inc.write(data)
        return True

    def _handshake(self):
        while True:
            try:
                self.tls.do_handshake()
                self._flush()
                return
            except ssl.SSLWantReadError:
                self._flush()
                if not self._fill():
                    raise EOFError("closed in the handshake")

    def recv(self):
        """Bytes, or b'' at the end of the stream (FIN, close_notify, or a reset)."""
        if self.pending:
            data, self.pending = self.pending, b""
            return data
        if self.tls is None:
            try:
                return self.sock.recv(65536)
            except ConnectionError:
                return b""
        while True:
            try:
                return self.tls.read(65536)
            except ssl.SSLWantReadError:
                self._flush()
                try:
                    if not self._fill():
                        return b""
                except ConnectionError:
                    return b""
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""

    def send(self, data):
        if self.tls is None:
            self.sock.sendall(data)
        else:
            self.tls.write(data)
            self._flush()

    def half(self, n):
        if self.tls is None:
            self.sock.sendall(pattern(n // 2))
            return
        self.tls.write(pattern(n))
        record = self.out.read()
        self.sock.sendall(record[:len(record) // 2])

    def notify(self):
        if self.tls is not None:
            try:
                self.tls.unwrap()
            except ssl.SSLWantReadError:
                pass  # our close_notify is written; the client's answer is not awaited
            self._flush()
        self.sock.shutdown(socket.SHUT_WR)

    def rst(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def read_line(conn):
    line = b""
    while b"\n" not in line:
        data = conn.recv()
        if not data:
            return None
        line += data
    line, conn.pending = line.split(b"\n", 1)
    return line.decode("ascii", "replace")


def run_steps(conn, steps, life):
    for step in steps:
        name, _, arg = step.partition(":")
        n = int(arg) if arg else 0
        if name == "send":
            conn.send(pattern(n))
        elif name == "wait":
            time.sleep(n / 1000.0)
        elif name == "half":
            conn.half(n)
        elif name == "echo":
            while True:
                data = conn.recv()
                if not data:
                    return
                conn.send(data)
        elif name == "drain":
            got = bytearray()
            while len(got) < n:
                data = conn.recv()
                if not data:
                    return
                got += data
            conn.send(f"{'ok' if bytes(got[:n]) == pattern(n) else 'bad'} {len(got)}\n".encode())
        elif name == "sink":
            time.sleep(life)
            return
        elif name == "fin":
            conn.sock.shutdown(socket.SHUT_WR)
            wait_closed(conn.sock, life)
            return
        elif name == "notify":
            conn.notify()
            wait_closed(conn.sock, life)
            return
        elif name == "rst":
            conn.rst()
            return
        elif name == "hold":
            break
        else:
            print(f"peer: unknown step {step!r}", file=sys.stderr, flush=True)
            conn.rst()
            return
    while conn.recv():  # hold: until the client closes
        pass


def wait_closed(sock, life):
    """After our FIN: keep the socket until the client closes too (or life runs out), so the
    client sees an orderly close and not a reset for data it might still send."""
    deadline = time.monotonic() + life
    while time.monotonic() < deadline:
        r, _, _ = select.select([sock], [], [], 0.2)
        if r:
            try:
                if not sock.recv(65536):
                    return
            except OSError:
                return


def serve(sock, ctx, life):
    conn = None
    try:
        sock.settimeout(life)
        conn = Conn(sock, ctx)
        line = read_line(conn)
        if line is not None:
            run_steps(conn, line.split(), life)
    except (OSError, EOFError, ssl.SSLError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--life", type=float, default=120.0)
    a = ap.parse_args()
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((a.host, 0))
    server.listen(16)

    probe = socket.socket()
    probe.bind((a.host, 0))
    refused = probe.getsockname()[1]
    probe.close()

    # Backlog 0 queues one connection; ours fills it, so later SYNs are dropped.
    hole = socket.socket()
    hole.bind((a.host, 0))
    hole.listen(0)
    filler = socket.create_connection((a.host, hole.getsockname()[1]), timeout=5)

    print(f"LISTEN {server.getsockname()[1]}", flush=True)
    print(f"REFUSE {refused}", flush=True)
    print(f"BLACKHOLE {hole.getsockname()[1]}", flush=True)

    end = time.monotonic() + a.life
    server.settimeout(0.5)
    while time.monotonic() < end:
        try:
            sock, _ = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(sock, ctx, a.life), daemon=True).start()
    filler.close()
    hole.close()
    server.close()


if __name__ == "__main__":
    main()
