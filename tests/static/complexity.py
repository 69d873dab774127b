#!/usr/bin/env python3
"""Complexity gate: no function in core/ or port/ over the threshold, except those listed.

Measured with pmccabe (Debian's package) as the modified McCabe cyclomatic complexity: one per
decision, a whole switch counting as one (as coreHTTP's gate counts it), so a byte-level state
machine that dispatches on a switch is judged by the code in its cases, not by their number.

The threshold is 15: McCabe's 10 "with limits as high as 15 used successfully" (NIST SP 500-235,
section 2.5). At 10 a third of the parsers' per-byte helpers would be listed as exceptions,
which would make the list noise; at 15 the exceptions are few, each has a reason, and each
carries its own ceiling, so an excepted function cannot grow either.

The exceptions file has one line per function: `file function ceiling reason...`.

Usage: complexity.py ROOT [EXCEPTIONS]  (prints the distribution; exit 1 on a violation)
"""
import collections
import os
import re
import subprocess
import sys

THRESHOLD = 15
SOURCE_DIRS = ("core", "port")
LINE = re.compile(r"^(\d+)\t(\d+)\t\d+\t\d+\t\d+\t(\S+)\(\d+\): (\S+)$")


def sources(root):
    found = []
    for top in SOURCE_DIRS:
        for base, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            found += [os.path.join(base, f) for f in sorted(files) if f.endswith(".c")]
    return found


def measure(root):
    files = sources(root)
    out = subprocess.run(["pmccabe"] + files, check=True, capture_output=True, text=True,
                         cwd=root).stdout
    funcs = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            raise SystemExit("complexity: cannot read pmccabe line: " + line)
        path = os.path.relpath(m.group(3), root)
        funcs[(path, m.group(4))] = int(m.group(1))
    if not funcs:
        raise SystemExit("complexity: pmccabe measured no function")
    return funcs


def read_exceptions(path):
    exc = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or not parts[2].isdigit():
                raise SystemExit(f"{path}:{n}: want `file function ceiling reason`")
            exc[(parts[0], parts[1])] = int(parts[2])
    return exc


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    root = sys.argv[1]
    exc_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        root, "tests", "static", "complexity_exceptions.txt")
    funcs = measure(root)
    exc = read_exceptions(exc_path)
    dist = collections.Counter(funcs.values())
    print(f"complexity: {len(funcs)} functions in {', '.join(SOURCE_DIRS)}/ (pmccabe, modified"
          f" McCabe); threshold {THRESHOLD}")
    print("distribution (complexity:functions): " +
          " ".join(f"{k}:{dist[k]}" for k in sorted(dist)))
    failed = False
    for key, cc in sorted(funcs.items(), key=lambda kv: -kv[1]):
        if cc <= THRESHOLD:
            continue
        where = f"{key[0]} {key[1]}: {cc}"
        if key not in exc:
            print(f"FAIL {where} > {THRESHOLD}, and not in {os.path.basename(exc_path)}:"
                  " split it, or list it with a reason")
            failed = True
        elif cc > exc[key]:
            print(f"FAIL {where} > its excepted ceiling {exc[key]}")
            failed = True
        else:
            print(f"excepted {where} (ceiling {exc[key]})")
    for key, ceiling in sorted(exc.items()):
        cc = funcs.get(key)
        if cc is None:
            print(f"note: {key[0]} {key[1]} is excepted but no longer exists: remove its line")
        elif cc <= THRESHOLD:
            print(f"note: {key[0]} {key[1]} is {cc} now, within the threshold: remove its line")
        elif cc < ceiling:
            print(f"note: {key[0]} {key[1]} is {cc} now: lower its ceiling from {ceiling}")
    over = sum(1 for cc in funcs.values() if cc > THRESHOLD)
    print(f"complexity: {over} over {THRESHOLD}, {len(exc)} excepted; "
          + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
