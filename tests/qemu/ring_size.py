#!/usr/bin/env python3
"""How large must the raw lwIP port's receive ring be? A measurement, not a test.

usage: ring_size.py BUILD_DIR [SIZE ...]   (default sizes 1024 1460 2048 2920 4096 5840 6144)

The port announces only the ring's free space as its TCP window (issue 5), so any ring works;
the question is what a smaller one costs. For each size the firmware (BUILD_DIR/qemu-fw-ring,
-DAMBC_FW_RING_SIZE: only main.c is rebuilt) lists 1000 batches in one page from the mock
(470 KB of TLS records, 16 KB each) and 57 batches in pages of 10, AMBC_RING_RUNS times each
(default 2); printed per size:
the emulated time of the walk and of its parts (mbedTLS's work, time in TCP: lwIP and waiting),
Ethernet frames received, lwIP's pbuf pool high-water mark and TCP drops. lwIP's TCP_WND is
4 * 1460 = 5840 on this board.
"""
import os
import sys

from qemu_env import Lab, build_firmware, measurements, qemu_run, require_tools

SIZES = [1024, 1460, 2048, 2920, 4096, 5840, 6144]
RUNS = int(os.environ.get("AMBC_RING_RUNS", "2"))


def build(build_dir, size):
    return build_firmware(os.path.join(build_dir, "qemu-fw-ring"),
                          defs=(f"AMBC_FW_RING_SIZE={size}",))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    qemu = require_tools()
    build_dir = os.path.abspath(argv[1])
    sizes = [int(x) for x in argv[2:]] or SIZES
    with Lab() as lab:
        ca, pem, key = lab.test_certs()
        page = lab.mock("page", pem, key, "--batches", "1000", "--chunked", "never")
        walk = lab.mock("walk", pem, key, "--batches", "57")
        print("| ring | walk | emulated ms | of which mbedTLS | in TCP | frames in | "
              "pbuf pool max | TCP drops |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            fw = build(build_dir, size)
            for name, mock, limit in (("1000 in 1 page", page, 1000),
                                      ("57 in 6 pages", walk, 10)):
                for _ in range(RUNS):
                    r, _ = qemu_run(lab.ns, qemu, fw, f"port={mock.port} ca={ca} limit={limit}")
                    m = measurements(r.stdout.splitlines())
                    if r.returncode != 0 or m.get("ring_bytes") != size:
                        print(r.stdout[-2000:])
                        return 1
                    print(f"| {size} | {name} | {m['walk_us'] / 1000:.0f} | "
                          f"{(m['tls_cpu_us']) / 1000:.0f} | {m['net_us'] / 1000:.0f} | "
                          f"{m['eth_rx']} | {m['pbuf_pool_max']} | {m['tcp_drop']} |",
                          flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
