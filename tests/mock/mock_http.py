"""HTTP/1.1 plumbing of the mock API: the request reader and THE response writer.

write_response applies the request faults (mock_faults.py) byte for byte; the close helpers end a
connection the way a fault or the connection loop asks (close_notify + FIN, FIN only, RST).
"""

import fcntl
import re
import select
import socket
import ssl
import struct
import termios
import time
import urllib.parse

from mock_faults import BAD_CHUNK_FIRST, BAD_CHUNK_SIZE_LINES, corrupt_json, fault_offset, \
    filler_headers, junk_bytes

def split_pieces(pieces, n):
    """(pieces holding the first n bytes, pieces holding the rest), write boundaries kept."""
    before, after, pos = [], [], 0
    for p in pieces:
        if pos + len(p) <= n:
            before.append(p)
        elif pos >= n:
            after.append(p)
        else:
            before.append(p[:n - pos])
            after.append(p[n - pos:])
        pos += len(p)
    return before, after


def send_all(sock, pieces):
    for p in pieces:
        if p:
            sock.sendall(p)


def sleep_ms(ms):
    if ms > 0:
        time.sleep(ms / 1000.0)


def wait_sent(sock, limit=2.0):
    """Wait (at most `limit` s) until the kernel send queue is empty: sent and acknowledged."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            queued = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ,
                                                    b"\0\0\0\0"))[0]
        except (OSError, ValueError):
            return
        if queued == 0:
            return
        time.sleep(0.005)


def close_hard(sock):
    """FIN without TLS close_notify: drop the TLS layer, half-close, drain what the peer still
    sends (so that unread bytes do not turn the close into a reset), close."""
    try:
        sock.settimeout(0.5)
        sock.shutdown(socket.SHUT_WR)       # on an SSLSocket: drops TLS, no close_notify
        for _ in range(64):
            if not sock.recv(65536):
                break
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def close_draining(sock, seconds=3.0):
    """FIN after an early answer (the edge's 413), then drop what the peer still sends for up to
    `seconds`, so that a client still writing its body can finish and read the answer instead of
    meeting a reset."""
    deadline = time.monotonic() + seconds
    try:
        sock.shutdown(socket.SHUT_WR)       # on an SSLSocket: drops TLS, no close_notify
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if not sock.recv(1 << 20):
                break
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def close_now(sock):
    """FIN without TLS close_notify, then close without reading anything more: bytes the peer
    sent that were not read, or sends later, get an RST from the kernel (after the FIN)."""
    try:
        sock.shutdown(socket.SHUT_WR)       # on an SSLSocket: drops TLS, no close_notify
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def close_abort(sock):
    """RST: wait for what was written to leave, then close with SO_LINGER {1, 0}."""
    try:
        wait_sent(sock)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except (OSError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# HTTP plumbing

MAX_REQUEST_LINE = 8192
MAX_HEADER_BYTES = 65536
MAX_HEADERS = 100
MAX_BODY = 256 * 1024 * 1024           # the API's create limit; above it the edge answers 413


class ConnectionGone(Exception):
    """The peer closed, reset or timed out: drop the connection without a response."""


class EdgeTooLarge(Exception):
    """A request body over MAX_BODY: the edge answers 413 (HTML) without reading it, and
    closes. `request`: the parsed head (a Request without body)."""

    def __init__(self, request):
        super().__init__("request body too large")
        self.request = request


class BadRequest(Exception):
    """A request that cannot be parsed: answer with `status` and close."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class LimitReached(Exception):
    """The request reached the byte where a drop_request fault stops reading it."""


class Reader:
    """Buffered reads over a socket (plain or TLS), for request heads and bodies.

    `delivered` counts the bytes handed to the parser on this connection. With `limit` set
    (absolute, in delivered bytes: a drop_request's byte N), the reader never takes a byte past
    it off the connection and raises LimitReached where the parser would need one. With `probe`
    set (a callable, while a request line is read), each fill first waits until the connection
    is readable and then, when probe() is true, takes one byte only: nothing of a request is
    taken off the connection before its request line says which fault applies."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.delivered = 0
        self.limit = None
        self.probe = None

    def _wait_readable(self):
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return
        try:
            readable, _, _ = select.select([self.sock], [], [], self.sock.gettimeout())
        except (OSError, ValueError) as e:
            raise ConnectionGone(str(e)) from None
        if not readable:
            raise ConnectionGone("timed out")

    def _fill(self):
        size = 65536
        if self.limit is not None:
            size = min(size, self.limit - self.delivered - len(self.buf))
            if size <= 0:
                raise LimitReached()
        elif self.probe is not None:
            self._wait_readable()
            if self.probe():
                size = 1
        try:
            data = self.sock.recv(size)
        except (socket.timeout, OSError, ssl.SSLError) as e:
            raise ConnectionGone(str(e)) from None
        if not data:
            raise ConnectionGone("peer closed")
        self.buf += data

    def _deliver(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        self.delivered += n
        return data

    def wait_request(self, timeout):
        """True when bytes of a next request (or the peer's EOF) are here or arrive within
        `timeout` seconds; False when the connection stays idle that long."""
        if self.buf or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()):
            return True
        try:
            readable, _, _ = select.select([self.sock], [], [], timeout)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def readline(self, limit):
        """A CRLF (or bare LF) terminated line without its terminator."""
        start = 0
        while True:
            nl = self.buf.find(b"\n", start)
            if nl >= 0:
                if self.limit is not None and self.delivered + nl + 1 > self.limit:
                    self.skip(self.limit - self.delivered)
                    raise LimitReached()
                line = self._deliver(nl + 1)[:-1]
                return line[:-1] if line.endswith(b"\r") else line
            if len(self.buf) > limit:
                raise BadRequest(431, "header line too long")
            start = len(self.buf)
            self._fill()

    def read(self, n):
        if self.limit is not None and self.delivered + n > self.limit:
            self.skip(self.limit - self.delivered)
            raise LimitReached()
        if n > 1 << 20:
            return self.read_large(n)
        while len(self.buf) < n:
            self._fill()
        return self._deliver(n)

    def skip(self, n):
        """Take n more bytes off the connection and drop them (up to a drop_request's byte N)."""
        while n > 0:
            if not self.buf:
                self._fill()
            n -= len(self._deliver(min(n, len(self.buf))))

    def read_large(self, n):
        """n bytes straight into one buffer (a 100 MB create body arrives at socket speed)."""
        out = bytearray(n)
        view = memoryview(out)
        have = min(n, len(self.buf))
        view[:have] = self.buf[:have]
        del self.buf[:have]
        try:
            while have < n:
                got = self.sock.recv_into(view[have:], min(n - have, 1 << 20))
                if not got:
                    raise ConnectionGone("peer closed")
                have += got
        except (socket.timeout, OSError, ssl.SSLError) as e:
            raise ConnectionGone(str(e)) from None
        finally:
            view.release()
        self.delivered += n
        return bytes(out)


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # list of (lower-case name, value) in arrival order
        self.body = body
        split = urllib.parse.urlsplit(target)
        self.path = split.path
        self.decoded_path = urllib.parse.unquote(split.path)
        self.raw_query = split.query
        self.query = urllib.parse.parse_qsl(split.query, keep_blank_values=True)

    def header(self, name):
        """All values of header `name`, joined by ', ' (RFC 9110 list semantics), or None."""
        values = [v for k, v in self.headers if k == name]
        return ", ".join(values) if values else None

    def param(self, name):
        for k, v in self.query:
            if k == name:
                return v
        return None

    def wants_close(self):
        tokens = [t.strip().lower() for t in (self.header("connection") or "").split(",")]
        if self.version == "HTTP/1.0":
            return "keep-alive" not in tokens
        return "close" in tokens


def read_request(reader, on_line=None, probe=None):
    """Parse one request (head and body). Raises ConnectionGone before the first byte of a
    request or on a broken connection, BadRequest on a malformed one.

    on_line(target): called once the request line is read and valid; returns None, or N: then
    the request is read up to its byte N at most (counted from the first byte of its request
    line), and LimitReached is raised where more would be needed. probe: Reader.probe while the
    request line is read."""
    reader.limit = None
    reader.probe = probe
    try:
        start = reader.delivered
        line = reader.readline(MAX_REQUEST_LINE)
        while line == b"":              # RFC 9112 2.2: ignore empty lines before a request
            start = reader.delivered
            line = reader.readline(MAX_REQUEST_LINE)
    finally:
        reader.probe = None
    try:
        method, target, version = line.decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(400, "malformed request line") from None
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest(505 if version.startswith("HTTP/") else 400, "unsupported HTTP version")
    stop = on_line(target) if on_line is not None else None
    if stop is not None:
        reader.limit = start + stop
        if reader.delivered > reader.limit:     # byte N lies inside the request line
            raise LimitReached()

    headers = []
    total = 0
    while True:
        raw = reader.readline(MAX_HEADER_BYTES)
        total += len(raw) + 2
        if total > MAX_HEADER_BYTES or len(headers) >= MAX_HEADERS:
            raise BadRequest(431, "request header fields too large")
        if raw == b"":
            break
        if raw[:1] in (b" ", b"\t"):
            raise BadRequest(400, "obsolete header line folding")
        name, sep, value = raw.partition(b":")
        if not sep or not name or name != name.strip() or b" " in name:
            raise BadRequest(400, "malformed header line")
        try:
            headers.append((name.decode("ascii").lower(), value.strip(b" \t").decode("latin-1")))
        except UnicodeDecodeError:
            raise BadRequest(400, "malformed header name") from None

    req = Request(method, target, version, headers, b"")
    if version == "HTTP/1.1" and req.header("host") is None:
        raise BadRequest(400, "missing Host header")
    te = req.header("transfer-encoding")
    cl = req.header("content-length")
    if te is not None and cl is not None:
        raise BadRequest(400, "both Transfer-Encoding and Content-Length")
    expect = (req.header("expect") or "").strip().lower()
    has_body = te is not None or cl not in (None, "0")
    if expect == "100-continue" and version == "HTTP/1.1" and has_body:
        try:
            reader.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        except (OSError, ssl.SSLError) as e:
            raise ConnectionGone(str(e)) from None
    if te is not None:
        if te.strip().lower() != "chunked":
            raise BadRequest(501, "unsupported transfer-encoding")
        req.body = read_chunked_body(reader, req)
    elif cl is not None:
        if not re.fullmatch(r"[0-9]{1,12}", cl):
            raise BadRequest(400, "bad Content-Length")
        if int(cl) > MAX_BODY:
            raise EdgeTooLarge(req)
        req.body = reader.read(int(cl))
    return req


def read_chunked_body(reader, req):
    body = bytearray()
    while True:
        size_line = reader.readline(MAX_REQUEST_LINE).split(b";", 1)[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_line):
            raise BadRequest(400, "bad chunk size")
        size = int(size_line, 16)
        if size == 0:
            break
        if len(body) + size > MAX_BODY:
            raise EdgeTooLarge(req)
        body += reader.read(size)
        if reader.read(2) != b"\r\n":
            raise BadRequest(400, "chunk not followed by CRLF")
    while reader.readline(MAX_HEADER_BYTES) != b"":     # trailer fields: ignored
        pass
    return bytes(body)


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
           403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
           413: "Payload Too Large", 429: "Too Many Requests",
           431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
           529: "Overloaded"}


class Framing:
    """How one response is framed: 'length' or 'chunked', plus a PRNG private to this response
    (chunk sizes, extensions, write segmentation) so runs are reproducible."""

    def __init__(self, mode, rng, randomize):
        self.mode = mode
        self.rng = rng
        self.randomize = randomize      # random chunk sizes and write segmentation


# What the connection loop does after write_response: keep serving, close gracefully (TLS
# close_notify, FIN), close hard (FIN, no close_notify), or reset (RST).
# CLOSE_DRAIN: FIN (no close_notify), then read and drop what the peer still sends for a while.
KEEP, CLOSE, CLOSE_HARD, RESET = "keep", "close", "close-hard", "reset"
CLOSE_DRAIN = "close-drain"
# CLOSE_NOW: FIN (no close_notify), then closed at once without reading: the kernel answers
# what the peer still sends (or sent and was not read) with RST.
CLOSE_NOW = "close-now"


class Stream:
    """A response body too large to hold: `length` bytes (known before the first is sent, for
    Content-Length), produced by `pieces()`, an iterator of bytes objects of any sizes."""

    def __init__(self, length, pieces):
        self.length = length
        self.pieces = pieces


def write_response(sock, status, headers, body, framing, fault=None):
    """THE response writer: every response goes out through here.

    status: int; headers: list of (name, value) without framing headers (this function adds
    Content-Length or Transfer-Encoding); body: bytes or a Stream; framing: Framing; fault: a
    request fault (see the top of the file) or None. Builds the exact byte pieces to send (the
    fault may change the body, the head, the framing), then sends them in order (the fault may
    cut, pause or drip them). Returns KEEP, CLOSE, CLOSE_HARD or RESET: what the connection must
    do next.
    """
    if isinstance(body, Stream):
        return write_stream(sock, status, headers, body, framing, fault)
    kind = fault["fault"] if fault else None
    after = KEEP
    mode = framing.mode
    if kind in ("bad_chunk", "conflicting_length"):
        mode = "chunked"
    elif kind in ("body_longer", "body_shorter"):
        mode = "length"
    if kind == "invalid_json":
        body = corrupt_json(body)
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in headers]
    if kind == "huge_headers":
        head += filler_headers(fault["bytes"])
    pieces = []
    if mode == "chunked":
        if kind == "conflicting_length":
            head.append(f"Content-Length: {len(body)}")
        head.append("Transfer-Encoding: chunked")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        chunks = chunk_list(body, framing)
        if kind == "bad_chunk":
            size_line, data, end = chunks[0]
            if len(data) > BAD_CHUNK_FIRST:     # the violation comes early in the body
                chunks[0:1] = [(b"%x" % BAD_CHUNK_FIRST, data[:BAD_CHUNK_FIRST], end),
                               (b"%x" % (len(data) - BAD_CHUNK_FIRST), data[BAD_CHUNK_FIRST:],
                                end)]
                size_line, data, end = chunks[0]
            if fault["kind"] == "missing_crlf":
                end = b""
            else:
                size_line = BAD_CHUNK_SIZE_LINES[fault["kind"]]
            chunks[0] = (size_line, data, end)
            after = CLOSE
        pieces += [size_line + b"\r\n" + data + end for size_line, data, end in chunks]
    else:
        declared = len(body) + (fault["missing"] if kind == "body_shorter" else 0)
        head.append(f"Content-Length: {declared}")
        pieces.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if kind == "body_longer":
            pieces[0] += body + junk_bytes(fault["extra"])
        elif kind == "body_shorter":
            pieces[0] += body
            after = CLOSE_HARD
        elif framing.randomize:
            pieces += segment(body, framing.rng)
        elif body:
            pieces[0] += body

    if kind == "stall" and "before_ms" in fault:
        sleep_ms(fault["before_ms"])
    elif kind == "stall":
        before, rest = split_pieces(pieces, fault_offset(fault, "at_byte", sum(map(len, pieces))))
        send_all(sock, before)
        sleep_ms(fault["ms"])
        pieces = rest
    elif kind in ("close_after", "reset_after"):
        pieces, _ = split_pieces(pieces, fault_offset(fault, "bytes", sum(map(len, pieces))))
        after = CLOSE_HARD if kind == "close_after" else RESET
    elif kind == "drip":
        wire = b"".join(pieces)
        pieces = []
        for i in range(len(wire)):
            if i:
                sleep_ms(fault["interval_ms"])
            sock.sendall(wire[i:i + 1])
    send_all(sock, pieces)
    return after


STREAM_WRITE = 256 * 1024       # a streamed body goes out in writes of about this size


def write_stream(sock, status, headers, body, framing, fault):
    """write_response for a Stream body: the same faults, applied while the body streams.
    Differences from a bytes body: chunk sizes under random framing are 1..16 or 1..1 MiB (not
    1..4096), writes are coalesced to about 256 kB, and invalid_json doubles a comma in the body's
    first piece (a streamed body's middle is never held)."""
    kind = fault["fault"] if fault else None
    mode = framing.mode
    if kind in ("bad_chunk", "conflicting_length"):
        mode = "chunked"
    elif kind in ("body_longer", "body_shorter"):
        mode = "length"
    length = body.length + (1 if kind == "invalid_json" else 0)
    head = stream_head(status, headers, mode, length, fault)

    def body_pieces():
        first = True
        for piece in body.pieces():
            if first and piece and kind == "invalid_json":
                piece = corrupt_json(piece)
            first = first and not piece
            yield piece

    def wire():
        yield head
        if mode == "chunked":
            yield from stream_chunks(coalesce(body_pieces()), framing,
                                     fault if kind == "bad_chunk" else None)
        else:
            yield from body_pieces()
            if kind == "body_longer":
                yield junk_bytes(fault["extra"])

    after = {"bad_chunk": CLOSE, "body_shorter": CLOSE_HARD, "close_after": CLOSE_HARD,
             "reset_after": RESET}.get(kind, KEEP)
    return send_stream(sock, coalesce(wire()), fault, len(head) + length, after)


def stream_head(status, headers, mode, length, fault):
    """The head of a streamed response (framing headers included, as the fault asks)."""
    kind = fault["fault"] if fault else None
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    head += [f"{k}: {v}" for k, v in headers]
    if kind == "huge_headers":
        head += filler_headers(fault["bytes"])
    if mode == "chunked":
        if kind == "conflicting_length":
            head.append(f"Content-Length: {length}")
        head.append("Transfer-Encoding: chunked")
    else:
        missing = fault["missing"] if kind == "body_shorter" else 0
        head.append(f"Content-Length: {length + missing}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")


def send_stream(sock, pieces, fault, total, after):
    """Send `pieces` (about `total` bytes), cut, paused or dripped as `fault` asks; returns
    `after`."""
    kind = fault["fault"] if fault else None
    cut = stall_at = None
    if kind in ("close_after", "reset_after"):
        cut = fault_offset(fault, "bytes", total)
    elif kind == "stall" and "before_ms" in fault:
        sleep_ms(fault["before_ms"])
    elif kind == "stall":
        stall_at = fault_offset(fault, "at_byte", total)
    sent = 0
    for piece in pieces:
        if cut is not None and sent + len(piece) >= cut:
            sock.sendall(piece[:cut - sent])
            return after
        if stall_at is not None and sent + len(piece) > stall_at:
            sock.sendall(piece[:stall_at - sent])
            sleep_ms(fault["ms"])
            piece, sent, stall_at = piece[stall_at - sent:], stall_at, None
        if kind == "drip":
            for i in range(len(piece)):
                if sent or i:
                    sleep_ms(fault["interval_ms"])
                sock.sendall(piece[i:i + 1])
        else:
            sock.sendall(piece)
        sent += len(piece)
    return after


def coalesce(pieces):
    """The same bytes in writes of about STREAM_WRITE (small pieces joined, large ones as is)."""
    buf, size = [], 0
    for p in pieces:
        if not p:
            continue
        if len(p) >= STREAM_WRITE:
            if buf:
                yield b"".join(buf)
                buf, size = [], 0
            yield p
            continue
        buf.append(p)
        size += len(p)
        if size >= STREAM_WRITE:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


def stream_chunks(pieces, framing, bad=None):
    """Chunked encoding of a streamed body: each piece cut into chunks (sizes as write_stream
    says), the size lines varied like chunk_list's, then the last chunk. bad: a bad_chunk fault,
    applied to the first chunk (at most 16 bytes)."""
    rng = framing.rng
    first = True
    for piece in pieces:
        pos = 0
        while pos < len(piece):
            if first and bad is not None:
                size = BAD_CHUNK_FIRST
            elif framing.randomize:
                size = rng.randint(1, 16) if rng.random() < 0.05 else rng.randint(1, 1 << 20)
            else:
                size = len(piece)
            data = piece[pos:pos + size]
            pos += len(data)
            size_text = f"{len(data):x}"
            end = b"\r\n"
            if framing.randomize:
                r = rng.random()
                if r < 0.1:
                    size_text = size_text.upper()
                elif r < 0.15:
                    size_text = "0" + size_text
                if rng.random() < 0.15:
                    size_text += ";ext=1"
            line = size_text.encode("ascii")
            if first and bad is not None:
                if bad["kind"] == "missing_crlf":
                    end = b""
                else:
                    line = BAD_CHUNK_SIZE_LINES[bad["kind"]]
            first = False
            yield line + b"\r\n" + data + end
    yield b"0\r\n\r\n"


def chunk_list(body, framing):
    """Chunked encoding of `body` as (size line, data, b"\r\n") triples, the last chunk last."""
    rng = framing.rng
    out = []
    pos = 0
    while pos < len(body):
        if framing.randomize:
            size = rng.randint(1, 16) if rng.random() < 0.3 else rng.randint(1, 4096)
        else:
            size = 4096
        data = body[pos:pos + size]
        pos += len(data)
        size_text = f"{len(data):x}"
        ext = ""
        if framing.randomize:
            r = rng.random()
            if r < 0.1:
                size_text = size_text.upper()
            elif r < 0.15:
                size_text = "0" + size_text                 # leading zero: valid, uncommon
            if rng.random() < 0.15:
                ext = ";ext=1"
        out.append((f"{size_text}{ext}".encode("ascii"), data, b"\r\n"))
    out.append((b"0", b"", b"\r\n"))                        # last chunk, no trailers
    return out


def segment(data, rng):
    """Split `data` into random-size writes (for partial reads in the client)."""
    out = []
    pos = 0
    while pos < len(data):
        n = rng.randint(1, 4096)
        out.append(data[pos:pos + n])
        pos += n
    return out




def close_gracefully(sock):
    """Send TLS close_notify, half-close, then drain briefly before closing, so that unread
    request bytes do not turn the close into a reset that could destroy the response in flight.
    (After wrap_socket the raw socket object is detached: everything goes through `sock`.)"""
    plain = sock
    try:
        sock.settimeout(0.5)
        if isinstance(sock, ssl.SSLSocket):
            try:
                plain = sock.unwrap()       # close_notify, then wait briefly for the peer's
            except (OSError, ValueError):
                plain = sock                # SSLSocket.shutdown() below drops the TLS layer
        plain.settimeout(0.5)
        plain.shutdown(socket.SHUT_WR)
        for _ in range(64):
            if not plain.recv(65536):
                break
    except (OSError, ValueError):
        pass
    finally:
        for s in (plain, sock):
            try:
                s.close()
            except OSError:
                pass

