#!/usr/bin/env python3
"""MISRA C:2012 findings of core/ and port/ (cppcheck's misra addon), against a baseline.

Runs Debian's cppcheck with its misra.py addon over every translation unit of core/ and port/
(each with the include paths and defines its build uses), keeps the findings located in this
repository (core/, port/, include/: not in lwIP's or the C library's headers), writes the full
report to BUILD/misra/report.txt and compares the count per rule with
tests/static/misra_baseline.txt:

- a rule whose count grew, or a rule not in the baseline: FAIL (fix the new finding);
- a rule whose count fell: a note asking to lower the baseline (--write does it).

The rule texts are not shipped with cppcheck (MISRA sells them), so findings are reported by
rule number only. Deviations are not recorded here: the baseline is what the code has today,
and it may only shrink.

Usage: misra.py ROOT BUILD [--write]
"""
import collections
import os
import re
import shutil
import subprocess
import sys

FINDING = re.compile(r"^(.+):(\d+):misra-c2012-(\d+\.\d+)$")


def units(root, build):
    """(name, files, cppcheck arguments) for each group of sources built alike."""
    common = ["-I", os.path.join(root, "include"), "-I", build,
              '-DAMBC_KCONFIG_HEADER="ambc_kconfig.h"']

    def port_inc(name):
        return ["-I", os.path.join(root, "port", name, "include")]  # <ambc/NAME.h>

    def c_files(d):
        d = os.path.join(root, d)
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".c"))

    lwip = os.path.join(root, "port", "lwip")
    groups = [
        ("core", c_files("core"), common + ["-I", os.path.join(build, "jsmn")]),
        ("posix", c_files("port/posix"), common + port_inc("posix") +
         ["-D_POSIX_C_SOURCE=200809L"]),
        ("mbedtls", c_files("port/mbedtls"), common + port_inc("mbedtls")),
        ("lwip-sockets", [os.path.join(lwip, "sockets.c"), os.path.join(lwip, "clock.c")],
         common + port_inc("lwip") + ["-DNO_SYS=0"]),
        ("lwip-raw", [os.path.join(lwip, "raw.c")], common + port_inc("lwip") + ["-DNO_SYS=1"]),
    ]
    return [(n, [f for f in files if os.path.exists(f)], args) for n, files, args in groups]


def run(root, build):
    out_dir = os.path.join(build, "misra")
    os.makedirs(out_dir, exist_ok=True)
    findings = []
    for name, files, args in units(root, build):
        if not files:
            continue
        cache = os.path.join(out_dir, "cache-" + name)
        os.makedirs(cache, exist_ok=True)
        cmd = ["cppcheck", "--quiet", "--addon=misra", "--std=c99", "-j2",
               "--cppcheck-build-dir=" + cache, "--template={file}:{line}:{id}"] + args + files
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
        if res.returncode != 0:
            sys.stderr.write(res.stderr)
            raise SystemExit(f"misra: cppcheck failed on {name} ({res.returncode})")
        for line in res.stderr.splitlines():
            m = FINDING.match(line.strip())
            if not m:
                continue
            path = os.path.relpath(os.path.realpath(os.path.join(root, m.group(1))), root)
            if path.split(os.sep)[0] in ("core", "port", "include"):
                findings.append((path, int(m.group(2)), m.group(3)))
    findings = sorted(set(findings))  # a header's finding is reported once, not per includer
    with open(os.path.join(out_dir, "report.txt"), "w", encoding="utf-8") as f:
        for path, line, rule in findings:
            f.write(f"{path}:{line}: misra-c2012-{rule}\n")
    return findings


def rule_key(rule):
    return tuple(int(x) for x in rule.split("."))


def read_baseline(path):
    base = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if len(line) == 2:
                    base[line[0]] = int(line[1])
    return base


def write_baseline(path, counts):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# MISRA C:2012 findings per rule in core/ and port/ (tests/static/misra.py,\n"
                "# cppcheck's misra addon). May only shrink: lower a count when findings are\n"
                "# fixed (misra.py ROOT BUILD --write); a count that grows fails the suite.\n")
        for rule in sorted(counts, key=rule_key):
            f.write(f"{rule} {counts[rule]}\n")
        f.write(f"# total {sum(counts.values())}\n")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    root, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if shutil.which("cppcheck") is None:
        print("SKIP: cppcheck not installed")
        return 77
    baseline_path = os.path.join(root, "tests", "static", "misra_baseline.txt")
    findings = run(root, build)
    counts = collections.Counter(rule for _, _, rule in findings)
    if "--write" in sys.argv[3:]:
        write_baseline(baseline_path, counts)
    base = read_baseline(baseline_path)
    failed = False
    for rule in sorted(set(counts) | set(base), key=rule_key):
        now, was = counts.get(rule, 0), base.get(rule, 0)
        mark = ""
        if now > was:
            mark = "  FAIL: grew; see " + os.path.join(build, "misra", "report.txt")
            failed = True
        elif now < was:
            mark = "  note: fell; lower the baseline (misra.py ROOT BUILD --write)"
        print(f"rule {rule:>6}: {now:4d} (baseline {was}){mark}")
    total = sum(counts.values())
    print(f"misra: {total} findings in {len(counts)} rules (baseline {sum(base.values())}); "
          + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
