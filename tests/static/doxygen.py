#!/usr/bin/env python3
"""The API reference builds without a single Doxygen warning.

Runs Doxygen with docs/Doxyfile (WARN_NO_PARAMDOC, WARN_IF_UNDOCUMENTED, WARN_IF_DOC_ERROR,
WARN_IF_INCOMPLETE_DOC; no EXTRACT_ALL), writing into OUT, and fails on any warning: an
undocumented public symbol, struct member, parameter or return value, a @param naming no
parameter, a broken reference. Prints every warning and their count.

Usage: doxygen.py ROOT OUT [DOXYGEN]
"""
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    root, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    doxygen = sys.argv[3] if len(sys.argv) > 3 else "doxygen"
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "warnings.txt")
    config = (f"@INCLUDE = {os.path.join(root, 'docs', 'Doxyfile')}\n"
              f"OUTPUT_DIRECTORY = {out}\nWARN_LOGFILE = {log}\n")
    res = subprocess.run([doxygen, "-"], input=config, text=True, cwd=root,
                         capture_output=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"doxygen: exited with {res.returncode}")
    with open(log, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    warnings = [line for line in lines if "warning:" in line or "error:" in line]
    for line in lines:
        print(line.replace(root + os.sep, ""))
    html = os.path.join(out, "html", "index.html")
    if not os.path.exists(html):
        raise SystemExit(f"doxygen: no {html}")
    print(f"doxygen: {len(warnings)} warnings; reference in {os.path.dirname(html)}")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
