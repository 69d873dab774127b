#!/usr/bin/env python3
"""Flash and static RAM of the firmware, split by component, from the GNU ld map file.

usage: size_report.py fw.map [fw.elf]

Every input section the linker placed is attributed to the archive or object it came from:
  ambc core   core/ (libambc_core.a)
  ambc ports  port/mbedtls/tls.c and port/lwip/ (libfw_ambc_ports.a)
  board       this folder: start-up, LAN9118 driver, console, entropy, wall clock, meters,
              main.c (with the application's static buffers: mbedTLS arena, lwIP ring,
              client, TLS context, session)
  CA roots    the roots compiled into flash as DER (roots.c, from scripts/ca_roots.py)
  lwIP        lwIP 2.1.3 from the Debian source package (libfw_lwip.a)
  mbedTLS     mbedTLS 2.28.3 from the Debian source package (libfw_mbedtls.a)
  libc        newlib-nano (libc_nano.a) and libgcc
  strings     string literals of every component: the linker merges equal strings across
              objects into one section and the map credits all of it to whichever object
              came first, so they get a row of their own (mostly lwIP's assertion messages)
Flash is text + rodata (+ the vector table and exception index); static RAM is data + bss.
The initial values of .data are also stored in flash (reported on their own line). The main
stack is reserved by the linker script and reported separately.
With fw.elf, the largest RAM symbols are listed too (arm-none-eabi-nm).
"""
import re
import subprocess
import sys

FLASH_SECTIONS = {".vectors": "text", ".text": "text", ".rodata": "rodata", ".ARM.exidx": "rodata"}
RAM_SECTIONS = {".data": "data", ".bss": "bss"}
ORDER = ["ambc core", "ambc ports", "board", "CA roots", "lwIP", "mbedTLS", "libc", "strings",
         "other"]
MERGED_STRINGS = re.compile(r"\.str1\.\d+$")


def component(path):
    if "libambc_core.a" in path:
        return "ambc core"
    if "libfw_ambc_ports.a" in path:
        return "ambc ports"
    if "libfw_lwip.a" in path:
        return "lwIP"
    if "libfw_mbedtls.a" in path:
        return "mbedTLS"
    if re.search(r"roots(-\w+)?\.c\.obj", path):
        return "CA roots"
    if "fw_app.dir" in path or "fw.elf.dir" in path:
        return "board"
    if re.search(r"lib(c|c_nano|g|g_nano|m|gcc)\.a", path):
        return "libc"
    return "other"


def parse(map_path):
    sizes = {c: {"text": 0, "rodata": 0, "data": 0, "bss": 0} for c in ORDER}
    stack = 0
    out_kind = None
    pending = None  # an input section whose address/size/file is on the next line
    in_map = False
    with open(map_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            if line.startswith("Cross Reference Table"):
                break
            m = re.match(r"^(\.[\w.]+|COMMON)\s*(0x[0-9a-f]+)?\s*(0x[0-9a-f]+)?", line)
            if m and not line.startswith(" "):
                name = m.group(1)
                out_kind = FLASH_SECTIONS.get(name) or RAM_SECTIONS.get(name)
                if name == ".stack" and m.group(3):
                    stack = int(m.group(3), 16)
                continue
            if out_kind is None:
                continue
            m = re.match(r"^ (\S+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
            if m is None and pending is not None:
                m2 = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
                if m2:
                    m = (pending, m2.group(1), m2.group(2), m2.group(3))
                pending = None
            elif m is not None:
                m = (m.group(1), m.group(2), m.group(3), m.group(4))
                pending = None
            else:
                m1 = re.match(r"^ (\.[\w.$]+|COMMON)$", line)
                pending = m1.group(1) if m1 else None
                continue
            if m is None:
                continue
            sec, _addr, size, path = m
            size = int(size, 16)
            if size == 0:
                continue
            kind = out_kind
            if sec.startswith(".rodata") and out_kind == "text":
                kind = "rodata"
            comp = "other" if sec == "*fill*" else component(path)
            if MERGED_STRINGS.search(sec):
                comp = "strings"
            sizes[comp][kind] += size
    return sizes, stack


def table(sizes, stack):
    rows = []
    head = f"{'component':<11} {'text':>8} {'rodata':>8} {'flash':>8} {'data':>8} {'bss':>8} {'RAM':>8}"
    rows.append(head)
    rows.append("-" * len(head))
    tot = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for c in ORDER:
        s = sizes[c]
        if not any(s.values()):
            continue
        for k in tot:
            tot[k] += s[k]
        rows.append(f"{c:<11} {s['text']:>8} {s['rodata']:>8} {s['text'] + s['rodata']:>8} "
                    f"{s['data']:>8} {s['bss']:>8} {s['data'] + s['bss']:>8}")
    rows.append("-" * len(head))
    rows.append(f"{'total':<11} {tot['text']:>8} {tot['rodata']:>8} {tot['text'] + tot['rodata']:>8} "
                f"{tot['data']:>8} {tot['bss']:>8} {tot['data'] + tot['bss']:>8}")
    rows.append(f"flash also holds the .data initial values: {tot['data']} bytes "
                f"(image in flash: {tot['text'] + tot['rodata'] + tot['data']} bytes)")
    rows.append(f"main stack reserved by the linker script: {stack} bytes (not in RAM above)")
    return rows


def big_ram_symbols(elf, count=12):
    try:
        out = subprocess.run(["arm-none-eabi-nm", "-S", "--size-sort", "-r", elf], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "bBdD":
            rows.append(f"  {int(parts[1], 16):>8}  {parts[3]}")
        if len(rows) == count:
            break
    return rows


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sizes, stack = parse(sys.argv[1])
    print("Flash (text+rodata) and static RAM (data+bss) by component, bytes:")
    print("\n".join(table(sizes, stack)))
    if len(sys.argv) > 2:
        print("largest static RAM objects:")
        print("\n".join(big_ram_symbols(sys.argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
