"""The TLS heap figure of docs/ram.md, measured by test_tls_heap and compared (or written).

usage: tls_heap_table.py ROOT TEST_TLS_HEAP CERT_DIR --check|--write

Runs TEST_TLS_HEAP (tests/port/test_tls.c built with the counting allocator,
tests/support/heap_count.c) with a 64 KB budget; it fails on its own over the budget or when
bytes remain after ambc_tls_free. --check then fails when the peak moved more than 5 % from
the figure in docs/ram.md's "TLS heap peak" section; --write rewrites that section (the rest
of the file belongs to tests/scripts/ram_table.py, which keeps this section as it is).
"""
import os
import re
import subprocess
import sys

BUDGET = 65536
TOLERANCE = 0.05
MARK = "## TLS heap peak"


def section(peak, allocs):
    return f"""{MARK} (Linux, Debian's mbedTLS 2.28)

**{peak} B** for one client's whole TLS lifetime: `ambc_tls_init`, a verified handshake
(TLS 1.2, ECDHE with the test CA's P-256 certificate, openssl s_server on loopback), GET / and
its ~4 KB answer, close, `ambc_tls_free`. Counted by an allocator wrapper
(`tests/support/heap_count.c`): every `calloc` whose caller lies in libmbedtls, libmbedx509
or libmbedcrypto ({allocs} allocations), and nothing left in use afterwards. Two record buffers
of 16,717 B (in and out, Debian's 16 KB `MBEDTLS_SSL_MAX_CONTENT_LEN`) are 33.4 KB of it; the
rest is bignums and certificates. Budget {BUDGET} B. Reproduce and compare (5 %) with
`ctest -R port.tls_heap -V`; massif's cross-check, which also counts libc's resolver caches
created under the connect, is `ctest -R port.tls_heap_massif -V`.

On a device mbedTLS gets a static arena instead (`MBEDTLS_MEMORY_BUFFER_ALLOC_C`): 22.3 KB
peak on the QEMU board with a 16 KB in and a 2 KB out buffer (`ctest -R qemu.list_walk -V`).
"""


def main():
    root, binary, certs, mode = sys.argv[1:5]
    run = subprocess.run([binary, certs, str(BUDGET)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=60)
    print(run.stdout, end="")
    m = re.search(r"TLS heap peak: (\d+) bytes in (\d+) allocations", run.stdout)
    if run.returncode != 0 or m is None:
        sys.exit("FAIL: the heap measurement failed")
    peak, allocs = int(m.group(1)), int(m.group(2))
    doc = os.path.join(root, "docs", "ram.md")
    text = open(doc).read()
    if MARK not in text:
        sys.exit("FAIL: docs/ram.md has no TLS heap section (run tests/scripts/ram_table.py --write)")
    head = text[:text.index(MARK)]
    if mode == "--write":
        with open(doc, "w") as f:
            f.write(head + section(peak, allocs))
        print(f"wrote {doc}")
        return
    was = re.search(r"\*\*(\d+) B\*\*", text[text.index(MARK):])
    if was is None or abs(peak - int(was.group(1))) > TOLERANCE * int(was.group(1)):
        sys.exit(f"FAIL: TLS heap peak {peak} B, docs/ram.md says "
                 f"{was.group(1) if was else 'nothing'} (run with --write if the change is meant)")
    print(f"OK: within 5 % of docs/ram.md ({was.group(1)} B)")


if __name__ == "__main__":
    main()
