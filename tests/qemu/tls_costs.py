#!/usr/bin/env python3
"""What each addition to the firmware's mbedTLS configuration costs, in flash and arena.

usage: tls_costs.py BUILD_DIR    (BUILD_DIR: the host build, e.g. build; takes about 30 min)

For the product configuration and for each variant that leaves one addition out
(-DAMBC_FW_TLS_VARIANT=AMBC_FW_TLS_NO_<X>, see include/ambc_mbedtls_config.h), it builds fw.elf
in BUILD_DIR/qemu-fw-var-<name> (sharing BUILD_DIR/deps) and measures:
  flash   the image's text + rodata (size_report.py's total) and mbedTLS's own part
  arena   in QEMU, against the mock with tests/mock/gen_certs.sh's ECDSA P-256 chain: the
          arena in use after ambc_tls_init and the peak of one handshake, first with the test CA
          as the only root (ca=, so every variant can run it), then with the product's five
          roots in flash (after init only: the chain is not theirs; "init fails" where the
          roots need what the variant left out)
The cost of an addition is the product's figure minus the variant's. Prints a Markdown table
(docs/tls.md keeps it). Not part of the suite: it rebuilds mbedTLS once per variant.
"""
import os
import subprocess
import sys

from qemu_env import ROOT, Lab, build_firmware, measurements, qemu_run, require_tools

VARIANTS = [  # name, definitions, what leaving it out means
    ("product", "", "the shipped configuration"),
    ("no-rsa", "AMBC_FW_TLS_NO_RSA", "RSA (ECDHE-RSA, RSA certificates, 4096-bit numbers)"),
    ("no-p384", "AMBC_FW_TLS_NO_P384", "P-384"),
    ("no-sha384", "AMBC_FW_TLS_NO_SHA384", "SHA-384 (and with it the AES-256 suites)"),
    ("no-aes256", "AMBC_FW_TLS_NO_AES256", "the AES-256-GCM suites"),
    ("no-sha1", "AMBC_FW_TLS_NO_SHA1", "SHA-1 (only to parse GlobalSign Root CA)"),
    ("no-dates", "AMBC_FW_TLS_NO_DATES", "certificate dates (MBEDTLS_HAVE_TIME_DATE)"),
    ("no-tickets", "AMBC_FW_TLS_NO_TICKETS", "session tickets"),
    ("eager-roots", "AMBC_FW_TLS_EAGER_ROOTS", "the CA callback (roots parsed at init instead)"),
    ("pem", "AMBC_FW_TLS_PEM", "(adds PEM and base64 back: what DER roots save)"),
    ("p256-only", "AMBC_FW_TLS_NO_RSA;AMBC_FW_TLS_NO_P384;AMBC_FW_TLS_NO_SHA384;"
     "AMBC_FW_TLS_NO_AES256;AMBC_FW_TLS_NO_SHA1;AMBC_FW_TLS_NO_DATES;AMBC_FW_TLS_NO_TICKETS;"
     "AMBC_FW_TLS_EAGER_ROOTS;AMBC_FW_TLS_PEM", "all of the above: the first configuration"),
]


def sizes(fw_dir):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "boards", "qemu-mps2-an385",
                                                      "size_report.py"),
                        os.path.join(fw_dir, "fw.map")], stdout=subprocess.PIPE, text=True,
                       check=True)
    rows = {line.split()[0]: line.split() for line in r.stdout.splitlines() if line.strip()}
    return int(rows["total"][3]), int(rows["mbedTLS"][3])


def build(build_dir, name, defs):
    fw_dir = os.path.join(build_dir, f"qemu-fw-var-{name}")
    build_firmware(fw_dir, defs=("AMBC_FW_TLS_VARIANT=" + defs,))
    return fw_dir


def arena(ns, qemu, fw, mock, ca_der):
    out = {}
    for label, extra in (("test CA", f" ca={ca_der}"), ("5 roots", "")):
        r, _ = qemu_run(ns, qemu, fw, f"probe={mock.port}{extra}")
        m = measurements(r.stdout.splitlines())
        ok = "AMBC_ERR_TLS_CA" not in r.stdout
        out[label] = (m.get("arena_after_init"), m.get("full_arena") or m.get("arena_peak"), ok)
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    qemu = require_tools()
    build_dir = os.path.abspath(argv[1])
    built = [(name, what, build(build_dir, name, defs)) for name, defs, what in VARIANTS]
    with Lab() as lab:
        ca_der, pem, key = lab.test_certs()
        mock = lab.mock("mock", pem, key, "--batches", "1")
        rows = []
        for name, what, fw_dir in built:
            flash, mbed = sizes(fw_dir)
            a = arena(lab.ns, qemu, os.path.join(fw_dir, "fw.elf"), mock, ca_der)
            rows.append((name, what, flash, mbed, a))
    base = rows[0]
    print("| configuration | flash | mbedTLS | arena after init / handshake peak "
          "(test CA) | arena after init (5 roots) |")
    print("|---|---:|---:|---:|---:|")
    for name, what, flash, mbed, a in rows:
        init, peak, _ = a["test CA"]
        r_init, _, r_ok = a["5 roots"]
        delta = "" if name == "product" else f" ({flash - base[2]:+,})"
        roots = f"{r_init:,}" if r_ok and r_init is not None else "init fails"
        print(f"| {name}: {what} | {flash:,}{delta} | {mbed:,} | {init:,} / {peak:,} | "
              f"{roots} |")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
