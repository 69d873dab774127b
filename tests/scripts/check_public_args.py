#!/usr/bin/env python3
"""Every public call of the core is in the argument test.

tests/unit/test_public_args.c calls each function declared in include/ambc/*.h with NULL (or an
out-of-range value) for the arguments the header requires, and checks the documented answer.
This script lists the prototypes and fails when one is not called there, so a new public call
cannot land without its argument checks being tested.

Usage: check_public_args.py ROOT
"""
import glob
import os
import re
import sys

PROTO = re.compile(r"^[A-Za-z_][\w \*]*?\b(ambc_\w+)\s*\([^;{]*?\)\s*;", re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def prototypes(root):
    names = set()
    for path in sorted(glob.glob(os.path.join(root, "include", "ambc", "*.h"))):
        with open(path, encoding="utf-8") as f:
            text = COMMENT.sub("", f.read())
        for m in PROTO.finditer(text):
            if not m.group(0).startswith("typedef"):
                names.add(m.group(1))
    return names


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "tests", "unit", "test_public_args.c"), encoding="utf-8") as f:
        test = COMMENT.sub("", f.read())
    called = set(re.findall(r"\b(ambc_\w+)\s*\(", test))
    names = prototypes(root)
    missing = sorted(names - called)
    print("public calls: %d, in test_public_args.c: %d" % (len(names), len(names & called)))
    for name in missing:
        print("FAIL: %s is not called with bad arguments in tests/unit/test_public_args.c" % name)
    if not names:
        print("FAIL: no prototype found: the header parse is broken")
    return 1 if missing or not names else 0


if __name__ == "__main__":
    sys.exit(main())
