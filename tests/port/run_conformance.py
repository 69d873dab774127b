#!/usr/bin/python3
"""Runs the port conformance suite (conformance.c) for one port against tests/port/peer.py.

    run_conformance.py posix DRIVER [-- PREFIX...]
    run_conformance.py tls DRIVER CERT_DIR [-- PREFIX...]
    run_conformance.py lwip DRIVER

PREFIX (e.g. valgrind and its options) is put before the driver. posix and tls run the peer
on 127.0.0.1. lwip makes a private network namespace with a TAP device (named after this pid,
as tests/lwip does), runs the peer on the namespace's side of the TAP device and the driver,
whose lwIP stack sits on the device, inside it; it needs root and /dev/net/tun, and otherwise
exits 77 (SKIP) saying why. The peer is always stopped by its pid and the namespace deleted.
"""

import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lwip"))
import test_lwip  # noqa: E402  (namespace helpers)

SKIP = 77
PEER = os.path.join(HERE, "peer.py")
PY = "/usr/bin/python3"


def start_peer(prefix, host, tls_dir=None):
    cmd = [*prefix, PY, PEER, "--host", host]
    if tls_dir:
        cmd += ["--tls", os.path.join(tls_dir, "server.pem"), os.path.join(tls_dir, "server.key")]
    peer = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    ports = {}
    for _ in range(3):
        line = peer.stdout.readline().split()
        if len(line) != 2:
            stop(peer)
            raise RuntimeError("peer.py did not start")
        ports[line[0]] = line[1]
    return peer, [host, ports["LISTEN"], ports["REFUSE"], ports["BLACKHOLE"]]


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_local(kind, driver, rest):
    prefix = rest[rest.index("--") + 1:] if "--" in rest else []
    certs = rest[0] if kind == "tls" else None
    peer, args = start_peer([], "127.0.0.1", certs)
    try:
        extra = [os.path.join(certs, "ca.pem")] if certs else []
        return subprocess.run([*prefix, driver, *extra, *args], timeout=240).returncode
    finally:
        stop(peer)


def run_lwip(driver):
    reason = test_lwip.skip_reason_tap()
    if reason:
        print(f"SKIP: {reason}")
        return SKIP
    ns = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    peer = None
    try:
        try:
            test_lwip.remove_stale_namespaces()
            ns, tap = test_lwip.make_namespace(os.getpid())
        except PermissionError as e:
            print(f"SKIP: cannot make a network namespace here: {e}")
            return SKIP
        print(f"namespace {ns}, TAP {tap}", flush=True)
        inside = ["ip", "netns", "exec", ns]
        peer, args = start_peer(inside, test_lwip.SERVER_IP)
        lwip_ip = "192.168.77.4"
        return subprocess.run([*inside, driver, tap, lwip_ip, *args], timeout=240).returncode
    finally:
        if peer is not None:
            stop(peer)
        if ns is not None:
            test_lwip.run("ip", "netns", "del", ns, check=False)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("posix", "tls", "lwip"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, driver, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if kind == "lwip":
        return run_lwip(driver)
    return run_local(kind, driver, rest)


if __name__ == "__main__":
    sys.exit(main())
