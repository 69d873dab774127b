#!/usr/bin/env python3
"""The firmware's TLS as a product ships it, in QEMU: roots in flash, certificate dates, session
resumption, and what each phase costs on the Cortex-M3.

usage: test_tls.py chains [--write]   (ctest qemu.tls_chains)
       test_tls.py dates                (ctest qemu.tls_dates)

chains: for each chain shaped like one api.anthropic.com may present (tls_chains.py: RSA-4096 root
  -> RSA-2048 intermediate -> ECDSA P-256 leaf; P-384 -> P-384 -> P-256; RSA-2048 throughout),
  the firmware image that has that chain's root, and only it, compiled into flash exactly as the
  product's roots are (fw-<chain>.elf: the same application, roots.c made by scripts/ca_roots.py
  from the root's PEM) lists 57 batches from a mock that closes the connection after every
  request: six connections, which must be one full handshake and five resumed ones, as both the
  firmware and the mock count them. Then the product image (fw.elf, the default roots) against a
  test chain: refused with AMBC_ERR_TLS_VERIFY before any request (the mock saw none). Then one
  1000-batch page over one connection. The instruction counts (emulated time under -icount) are
  compared with the table in docs/performance.md ("TLS on the Cortex-M3"), 10 % either way, and
  its byte figures (flash, arena peaks, bytes on the wire) 5 %; --write rewrites the table.
dates: the P-384 chain's image probes four leaves (expired in 2021, expired since the build, not
  valid yet, valid): with an SNTP server refused as expired, expired, not yet valid, and accepted;
  with no SNTP server (the build-time floor) only the one that expired before the build is
  refused, and docs/tls.md says why; the same with an SNTP server ten years behind, whose time
  the firmware refuses (before its build).

Exit status: 0 pass, 1 fail, 77 skipped (as test_qemu.py). Environment as test_qemu.py's.
"""
import datetime
import os
import re
import subprocess
import sys

from qemu_env import (ICOUNT, ROOT, Lab, build_firmware, fw_dir_for, instructions, measurements,
                      ns_control, qemu_run, require_tools, skip)

HERE = os.path.dirname(os.path.abspath(__file__))
CHAINS = {  # name: what the table calls it
    "rsa4096": "RSA-4096 root, RSA-2048 intermediate, ECDSA P-256 leaf",
    "p384": "ECDSA P-384 root and intermediate, P-256 leaf",
    "rsa2048": "RSA-2048 root, intermediate and leaf",
}
BATCHES, LIMIT = 57, 10          # six pages: six connections with --max-requests-per-conn 1
PAGE = 1000
TOLERANCE = 0.10                 # instructions
BYTES_TOLERANCE = 0.05           # flash, arena peaks, bytes on the wire
CLOCK_MHZ = 25                   # the AN385's system clock
DOCS = [os.path.join(ROOT, "docs", "performance.md"),  # the same table in both
        os.path.join(ROOT, "boards", "qemu-mps2-an385", "README.md")]
BEGIN, END = "<!-- tls-costs:begin -->", "<!-- tls-costs:end -->"
STATUS = {0: "AMBC_OK", -103: "AMBC_ERR_TLS_VERIFY", -105: "AMBC_ERR_TLS_EXPIRED",
          -107: "AMBC_ERR_TLS_NOT_YET_VALID"}


def stamp(t):
    return t.strftime("%Y%m%d%H%M%SZ")


def leaf(chains_dir, chain, name, start, end):
    r = subprocess.run([sys.executable, os.path.join(HERE, "tls_chains.py"), "leaf", chains_dir,
                        chain, name, stamp(start), stamp(end)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise AssertionError(r.stdout)
    d = os.path.join(chains_dir, chain)
    return os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key")


def firmware(out_lines, what):
    print(f"--- {what}")
    print("\n".join(line for line in out_lines if not line.startswith("{")))


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


class Rig(Lab):
    """qemu_env's Lab, with the firmware build tree and its test chains."""

    def __init__(self, qemu, fw_dir, sntp=True, offset=0.0):
        super().__init__(sntp, offset)
        self.qemu, self.fw_dir = qemu, fw_dir
        self.chains = os.path.join(fw_dir, "test-chains")

    def stats(self, mock, chain):
        return ns_control(self.ns, mock.port, os.path.join(self.chains, chain, "root.pem"),
                          "/_mock/stats")

    def run(self, image, append, what):
        r, wall = qemu_run(self.ns, self.qemu, os.path.join(self.fw_dir, image), append)
        lines = r.stdout.splitlines()
        firmware(lines, f"{what}: {image} {append} (exit {r.returncode}, wall {wall:.1f} s)")
        return r.returncode, lines, measurements(lines)


def flash_of(fw_dir, image):
    """Total flash (text + rodata) of an image, from its map (size_report.py's total)."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "boards", "qemu-mps2-an385",
                                                      "size_report.py"),
                        os.path.join(fw_dir, image.replace(".elf", ".map"))],
                       stdout=subprocess.PIPE, text=True, check=True)
    total = [line for line in r.stdout.splitlines() if line.startswith("total")][0]
    return int(total.split()[3])


# ---- chains, resumption, the unknown root, the 1000-batch page -------------------------------

def run_chain(rig, chain, now):
    cert, key = leaf(rig.chains, chain, "leaf", now - datetime.timedelta(hours=1),
                     now + datetime.timedelta(days=30))
    mock = rig.mock(f"mock-{chain}", cert, key, "--batches", str(BATCHES),
                    "--max-requests-per-conn", "1")
    rc, lines, m = rig.run(f"fw-{chain}.elf", f"port={mock.port} limit={LIMIT}", chain)
    expect(rc == 0, f"{chain}: firmware exit status {rc}")
    expect("ambc-fw: trust roots=1 source=flash" in lines, f"{chain}: not the root in flash")
    expect("ambc-fw: clock source=sntp" in " ".join(lines), f"{chain}: no SNTP time")
    pages = (BATCHES + LIMIT - 1) // LIMIT
    expect(m["records"] == BATCHES and m["pages"] == pages, f"{chain}: walk {m}")
    st = rig.stats(mock, chain)
    kinds = ["full"] + ["resumed"] * (pages - 1)
    # the stats request itself comes after the walk, on a connection of its own (full)
    expect(st["handshake_kinds"][:pages] == kinds and st["requests"] == pages,
           f"{chain}: the mock saw {st}")
    expect((m["tls_handshakes"], m["tls_resumed"], m["full"]) == (pages, pages - 1, 1),
           f"{chain}: the firmware counted {m}")
    expect(m["arena_in_use_at_end"] == 0, f"{chain}: arena not empty after ambc_tls_free")
    m["flash"] = flash_of(rig.fw_dir, f"fw-{chain}.elf")
    return m


def run_unknown_root(rig, now):
    """The product's roots against a test chain: refused before any request byte."""
    cert, key = leaf(rig.chains, "rsa4096", "leaf-unknown", now - datetime.timedelta(hours=1),
                     now + datetime.timedelta(days=30))
    mock = rig.mock("mock-unknown", cert, key, "--batches", "3")
    rc, lines, m = rig.run("fw.elf", f"port={mock.port}", "a root not in the list")
    st = rig.stats(mock, "rsa4096")
    expect(rc == 3 and any("AMBC_ERR_TLS_VERIFY" in line for line in lines),
           f"unknown root: exit {rc}, not refused as untrusted")
    expect("ambc-fw: trust roots=5 source=flash" in lines, "fw.elf: not its five roots")
    # the stats request is the one connection and handshake the mock completed
    expect(st["connections"] == 2 and st["handshakes"] == 1 and st["requests"] == 0,
           f"unknown root: the mock saw {st}")
    return m


def run_page(rig, now):
    cert, key = leaf(rig.chains, "rsa4096", "leaf-page", now - datetime.timedelta(hours=1),
                     now + datetime.timedelta(days=30))
    mock = rig.mock("mock-page", cert, key, "--batches", str(PAGE), "--chunked", "never")
    rc, lines, m = rig.run("fw-rsa4096.elf", f"port={mock.port} limit={PAGE}", "1000-batch page")
    expect(rc == 0 and m["records"] == PAGE and m["pages"] == 1, f"page: exit {rc}, {m}")
    return m


def figures(chains, page, fw_dir):
    """The table's rows: (what, instructions or None, extra text)."""
    rows = []
    for c, m in chains.items():
        rows.append((f"full handshake, {CHAINS[c]}", instructions(m["full_cpu_us"]),
                     f"arena peak {m['full_arena']} B ({m['arena_peak_bound']} B with block "
                     f"headers, whole run); flash {m['flash']} B (fw-{c}.elf)"))
    res_us = sum(m["resumed_cpu_us"] for m in chains.values())
    res_n = sum(m["tls_resumed"] for m in chains.values())
    res_arena = max(m["resumed_arena"] for m in chains.values())
    rows.append(("resumed handshake (mean over the three chains)",
                 instructions(res_us // res_n), f"{res_n} of them; arena peak {res_arena} B"))
    recs = page["app_records_in"]
    rows.append(("1000-batch page: TLS (decrypt and authenticate its records)",
                 instructions(page["record_cpu_us"]),
                 f"{recs} records, {page['wire_received']} B on the wire"))
    rows.append(("1000-batch page: ambc (HTTP, JSON scan, record mapping)",
                 instructions(page["client_us"]), "printing the records not counted"))
    rows.append(("per batch record: TLS + ambc", instructions(
        (page["record_cpu_us"] + page["client_us"]) // PAGE), ""))
    rows.append(("per TLS record received (up to 16 KB)",
                 instructions(page["record_cpu_us"] // recs), ""))
    walk = chains["rsa4096"]
    rows.append((f"bytes per walk ({BATCHES} batches, {LIMIT} a page, a connection each)", None,
                 f"sent {walk['wire_sent']} B, received {walk['wire_received']} B on the wire "
                 f"(TLS records); HTTP {walk['app_sent']} / {walk['app_received']} B"))
    return rows


def render(rows):
    out = [BEGIN, "| phase | instructions | at %d MHz | notes |" % CLOCK_MHZ, "|---|---:|---:|---|"]
    for what, n, note in rows:
        if n is None:
            out.append(f"| {what} | | | {note} |")
        else:
            out.append(f"| {what} | {n:,} | {n / (CLOCK_MHZ * 1000):,.1f} ms | {note} |")
    out.append(END)
    return "\n".join(out)


def check_tables(rows, write):
    bad = []
    for doc in DOCS:
        bad += [f"{os.path.relpath(doc, ROOT)}: {b}" for b in check_table(doc, rows, write)]
    if bad:
        raise AssertionError("figures moved more than the tolerance (instructions 10 %, bytes "
                             "5 %; test_tls.py chains --write rewrites the tables):\n  " +
                             "\n  ".join(bad))


def check_table(doc, rows, write):
    """The differences between the measured rows and doc's table (none after write)."""
    text = open(doc).read()
    if BEGIN not in text:
        return [f"no {BEGIN} table"]
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    if write:
        with open(doc, "w") as f:
            f.write(head + render(rows) + tail)
        print(f"wrote the table in {doc}")
        return []
    table = {}
    for line in rest.split(END, 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("phase", "---"):
            n = int(cells[1].replace(",", "")) if re.fullmatch(r"[\d,]+", cells[1]) else None
            table[cells[0]] = (n, sizes_in(cells[3]))
    bad = []
    for what, n, note in rows:
        if what not in table:
            bad.append(f"{what}: not in the table")
            continue
        want_n, want_b = table[what]
        got_b = sizes_in(note)
        if (n is None) != (want_n is None) or (n is not None and off(n, want_n, TOLERANCE)):
            bad.append(f"{what}: measured {n} instructions, table {want_n}")
        elif len(got_b) != len(want_b) or any(off(g, w, BYTES_TOLERANCE)
                                                for g, w in zip(got_b, want_b)):
            bad.append(f"{what}: measured bytes {got_b}, table {want_b}")
        else:
            print(f"ok {what}: {n} instructions (table {want_n}), bytes {got_b} "
                  f"(table {want_b})")
    return bad


def sizes_in(note):
    """The byte figures of a row's notes (arena peaks, flash, bytes on the wire), in order."""
    return [int(x) for x in re.findall(r"(\d+) B\b", note)]


def off(got, want, tolerance):
    return abs(got - want) > tolerance * want


def chains_main(qemu, fw_dir, write):
    if ICOUNT == "off":
        skip("instruction counts need -icount")
    rig = Rig(qemu, fw_dir)
    try:
        now = datetime.datetime.now(datetime.timezone.utc)
        got = {c: run_chain(rig, c, now) for c in CHAINS}
        run_unknown_root(rig, now)
        page = run_page(rig, now)
        rows = figures(got, page, fw_dir)
        print(render(rows))
        full = instructions(got["rsa4096"]["full_cpu_us"])
        resumed = instructions(got["rsa4096"]["resumed_cpu_us"] // got["rsa4096"]["tls_resumed"])
        print(f"PASS: each chain verified from its root in flash, 1 full + 5 resumed handshakes "
              f"each; full/resumed (RSA-4096 chain) {full:,} / {resumed:,} instructions = "
              f"{full / resumed:.0f}x; unknown root refused before any request")
        check_tables(rows, write)
    finally:
        rig.close()


# ---- certificate dates ------------------------------------------------------------------------

def build_floor(fw_dir):
    text = open(os.path.join(fw_dir, "ambc_build_time.h")).read()
    return int(re.search(r"AMBC_FW_BUILD_TIME (\d+)u", text).group(1))


def date_leaves(rig, now, floor):
    """name -> (port, status with SNTP, status with the floor only)."""
    day = datetime.timedelta(days=1)
    floor_t = datetime.datetime.fromtimestamp(floor, datetime.timezone.utc)
    specs = [("expired_2021", datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc),
              datetime.datetime(2021, 2, 1, tzinfo=datetime.timezone.utc), -105, -105),
             ("not_yet_valid", now + 30 * day, now + 60 * day, -107, 0),
             ("valid", now - datetime.timedelta(hours=1), now + 30 * day, 0, 0)]
    if (now - floor_t).total_seconds() > 600:   # expired after the build, before now
        gone = floor_t + (now - floor_t) / 2
        specs.insert(1, ("expired_since_build", gone - 30 * day, gone, -105, 0))
    else:
        print("note: built less than 10 minutes into the UTC day: no leaf can expire between "
              "the floor and now; that case is left out of this run")
    out = {}
    for name, start, end, with_sntp, with_floor in specs:
        cert, key = leaf(rig.chains, "p384", name, start, end)
        mock = rig.mock(f"mock-{name}", cert, key, "--batches", "1")
        out[name] = (mock.port, with_sntp, with_floor)
    return out


def probe(rig, leaves, sntp, what):
    ports = ",".join(str(p) for p, _, _ in leaves.values())
    extra = "" if sntp else " sntp_wait=500"
    rc, lines, m = rig.run("fw-p384.elf", f"probe={ports}{extra}", what)
    expect(rc == 0, f"probe run: exit {rc}")
    expect(f"ambc-fw: clock source={'sntp' if sntp else 'floor'}" in " ".join(lines),
           "the firmware's clock source is not the one this run is about")
    got = {}
    for line in lines:
        mm = re.match(r"ambc-fw: probe port=(\d+) status=(-?\d+)", line)
        if mm:
            got[int(mm.group(1))] = int(mm.group(2))
    bad = []
    for name, (port, with_sntp, with_floor) in leaves.items():
        want = with_sntp if sntp else with_floor
        status = got.get(port)
        print(f"  {name}: {STATUS.get(status, status)} (want {STATUS[want]})")
        if status != want:
            bad.append(name)
    expect(not bad, f"wrong status for {bad}")
    return m


def dates_main(qemu, fw_dir):
    """Three runs: SNTP time; no SNTP server; an SNTP server ten years behind (an attacker
    winding the clock back to revive expired certificates), which must be refused for the
    floor."""
    now = datetime.datetime.now(datetime.timezone.utc)
    floor = build_floor(fw_dir)
    runs = [("SNTP time", True, 0.0), ("no SNTP: build-time floor", None, 0.0),
            ("SNTP ten years behind: refused, the floor stands", True, -3650 * 86400.0)]
    for what, server, offset in runs:
        rig = Rig(qemu, fw_dir, sntp=server is not None, offset=offset)
        try:
            leaves = date_leaves(rig, now, floor)
            trusted = server is not None and offset == 0.0
            m = probe(rig, leaves, trusted, "dates, " + what)
            if server is not None:
                expect(rig.sntp.answers() >= 1, "the SNTP server was never asked")
            expect((m["sntp_refused"] >= 1) == (offset < 0),
                   f"SNTP answers refused: {m['sntp_refused']}")
        finally:
            rig.close()
    print("PASS: certificate dates: with SNTP expired and not-yet-valid leaves refused with "
          "their own statuses, a valid one accepted; with the floor only, the leaf that expired "
          "before the build refused, the rest accepted (docs/tls.md)")


def main(argv):
    if len(argv) < 2 or argv[1] not in ("chains", "dates"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    qemu = require_tools()
    cli = os.environ.get("AMBC_CLI") or os.path.join(ROOT, "build", "bin", "ambc")
    fw_dir = fw_dir_for(cli)
    build_firmware(fw_dir, targets=("fw_test_images",))
    if argv[1] == "chains":
        chains_main(qemu, fw_dir, "--write" in argv)
    else:
        dates_main(qemu, fw_dir)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except AssertionError as e:
        print("FAIL:", e)
        sys.exit(1)
