#!/usr/bin/env python3
"""Peak heap of one TLS handshake plus a small exchange, measured with valgrind's massif.

usage: tls_heap.py TEST_TLS CERT_DIR [BUDGET_BYTES]

Runs TEST_TLS (tests/port/test_tls.c) with only test_trusted_round_trip selected: set up a
client, one verified handshake with openssl s_server, GET / and its ~4 KB answer, close,
free. Every massif snapshot is detailed, and in each one the bytes whose allocation stack
passes through port/mbedtls/tls.c are added up; the largest sum is the figure reported (the
rest of the process heap, cmocka, stdio and the resolver, is printed for context). Fails
when the figure is over BUDGET_BYTES (default 65536), so a change that makes TLS hungrier
is noticed.

This is the cross-check (ctest port.tls_heap_massif). The figure of record is ctest
port.tls_heap: test_tls_heap, which counts only what libmbedtls/libmbedx509/libmbedcrypto
take from calloc themselves (tests/support/heap_count.c). The massif figure is some 4 KB
higher because the stack test also catches glibc's resolver and NSS caches, which
getaddrinfo sets up under ambc_tls's connect once per process and keeps until exit.
"""
import os
import re
import subprocess
import sys
import tempfile

NODE = re.compile(r"^\s*n(\d+): (\d+) (.*)$")


def parse(path):
    """Massif snapshots as (total heap bytes, preorder list of (children, bytes, text))."""
    snaps = []
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("snapshot="):
            snaps.append([0, []])
        elif line.startswith("mem_heap_B="):
            snaps[-1][0] = int(line.split("=")[1])
        else:
            m = NODE.match(line)
            if m and snaps:
                snaps[-1][1].append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return snaps


def tls_bytes(tree):
    """Bytes under the first tls.c frame of each branch. A preorder walk: a matching node
    counts once and its subtree is stepped over; any other node just leads to its children,
    which come next in the list."""
    total, i = 0, 0
    while i < len(tree):
        children, size, text = tree[i]
        i += 1
        if "(tls.c:" in text:
            total += size
            left = children
            while left > 0:
                left += tree[i][0] - 1
                i += 1
    return total


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    exe, certs = sys.argv[1], sys.argv[2]
    budget = int(sys.argv[3]) if len(sys.argv) == 4 else 65536
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "massif.out")
        env = dict(os.environ, AMBC_TEST_FILTER="test_trusted_round_trip")
        run = subprocess.run(["valgrind", "--tool=massif", "--detailed-freq=1",
                              "--max-snapshots=100", "--peak-inaccuracy=0.0", "--threshold=0.0",
                              "--massif-out-file=" + out, exe, certs],
                             env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            print(run.stdout + run.stderr)
            return 1
        snaps = parse(out)
    peak_tls = max(tls_bytes(tree) for _, tree in snaps)
    peak_all = max(total for total, _ in snaps)
    print(f"TLS peak heap (allocations through port/mbedtls/tls.c): {peak_tls} B")
    print(f"whole test process peak heap: {peak_all} B")
    if peak_tls == 0 or peak_tls > budget:
        print(f"FAIL: outside 1..{budget} B")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
