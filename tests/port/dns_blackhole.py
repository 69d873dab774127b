#!/usr/bin/python3
"""Runs a command where DNS never answers: a private network and mount namespace whose
/etc/resolv.conf names 127.0.0.1, where a UDP server on port 53 reads every query and answers
none (except names with a label "nxdomain": those get "no such name", so a failing lookup can
be tested without asking a resolver outside the namespace).

    dns_blackhole.py [--resolv-options "timeout:1 attempts:1"] -- COMMAND [ARGS...]

Exits with COMMAND's status, after printing (stderr) one last line:

    dns_blackhole: exit RC after SECONDS s, N queries swallowed

or exits 77 (ctest's SKIP) with the reason when it cannot be set up here (not root, no
unshare). Used by port.dns_timeout and integration.dns; importable (run_blackholed()).

How: this process re-runs itself under `unshare --mount --net` (util-linux makes the mount
namespace's propagation private, so the bind mount below stays inside it). Inside: `ip link set
lo up`, bind-mount a temporary resolv.conf over /etc/resolv.conf, serve UDP 127.0.0.1:53 in a
thread, run COMMAND. Everything ends with the namespace when the inner process exits; the
command is a child of the inner process and is waited for. No packet leaves the namespace.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
PY = "/usr/bin/python3"


def skip_reason():
    if os.geteuid() != 0:
        return "needs root (a network and mount namespace)"
    if shutil.which("unshare") is None:
        return "no unshare (util-linux)"
    if shutil.which("ip") is None:
        return "no ip (iproute2)"
    return None


def run_blackholed(cmd, env=None, resolv_options="", timeout=120):
    """Runs cmd in the black hole. Returns (exit status, seconds, queries, stdout, stderr) of
    cmd, or raises RuntimeError with the reason the namespace could not be made."""
    inner = [shutil.which("unshare"), "--mount", "--net", "--", PY, os.path.abspath(__file__),
             "--inner", resolv_options, "--", *cmd]
    r = subprocess.run(inner, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    parts = last.split()
    if not last.startswith("dns_blackhole: exit") or len(parts) < 8:
        raise RuntimeError(f"the black hole could not be set up (exit {r.returncode}): "
                           f"{r.stderr.strip()[-400:]}")
    return int(parts[2]), float(parts[4]), int(parts[6]), r.stdout, r.stderr


def nxdomain(query):
    """The resolver's "no such name" for a query, or None: names with a label "nxdomain" are
    answered so (a lookup that fails, without asking any resolver outside the namespace);
    every other query is swallowed."""
    labels, i = [], 12
    while i < len(query) and query[i] != 0:
        n = query[i]
        labels.append(query[i + 1:i + 1 + n].lower())
        i += 1 + n
    if b"nxdomain" not in labels or len(query) < i + 5:
        return None
    # id, flags QR|RD|RA and RCODE 3 (NXDOMAIN), one question (copied), no records
    return query[:2] + b"\x81\x83" + b"\x00\x01\x00\x00\x00\x00\x00\x00" + query[12:i + 5]


def swallow(sock, count, stop):
    while not stop.is_set():
        try:
            query, peer = sock.recvfrom(4096)
            answer = nxdomain(query)
            if answer is not None:
                sock.sendto(answer, peer)
            else:
                count[0] += 1
        except socket.timeout:
            continue
        except OSError:
            return


def inner(resolv_options, cmd):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmp = tempfile.mkdtemp(prefix="ambc-dns-")
    conf = os.path.join(tmp, "resolv.conf")
    with open(conf, "w") as f:
        f.write("nameserver 127.0.0.1\n")
        if resolv_options:
            f.write(f"options {resolv_options}\n")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    sock.settimeout(0.2)
    count, stop = [0], threading.Event()
    th = threading.Thread(target=swallow, args=(sock, count, stop), daemon=True)
    th.start()
    try:
        subprocess.run(["mount", "--bind", conf, "/etc/resolv.conf"], check=True)
        t0 = time.monotonic()
        rc = subprocess.run(cmd).returncode
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        th.join()
        sock.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"dns_blackhole: exit {rc} after {elapsed:.3f} s, {count[0]} queries swallowed",
          file=sys.stderr, flush=True)
    return rc


def main():
    args = sys.argv[1:]
    if args[:1] == ["--inner"]:
        return inner(args[1], args[3:])
    options = ""
    if args[:1] == ["--resolv-options"]:
        options, args = args[1], args[2:]
    if args[:1] != ["--"] or len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    reason = skip_reason()
    if reason:
        print(f"SKIP: {reason}")
        return SKIP
    try:
        rc, elapsed, queries, out, err = run_blackholed(args[1:], resolv_options=options)
    except RuntimeError as e:
        print(f"SKIP: {e}")
        return SKIP
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main())
