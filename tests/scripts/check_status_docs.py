#!/usr/bin/env python3
"""The two views of the statuses agree: what each call says it returns, and what status.h says
returns each status.

- Every public function that returns ambc_status_t (include/ambc/*.h and the ports' headers)
  lists its statuses with `@retval AMBC_...` lines, AMBC_OK included; a `@ref GROUP` to a
  `@defgroup GROUP` block of `@retval` lines adds that group's statuses.
- Under each status in status.h, a `Returned by:` list names the calls (`ambc_x()`) that
  return it ("none" when no call does).
- The check fails when a call documents no status, names a status that does not exist, or
  when the two views differ for any status. `--write` rewrites the `Returned by:` lists of
  status.h from the calls' lists.

Usage: check_status_docs.py ROOT [--write]
"""
import glob
import os
import re
import sys

DOC_FN = re.compile(r"/\*\*((?:(?!\*/).)*?)\*/\s*((?:[\w ]+\s)?ambc_status_t\s+(ambc_\w+)\s*\()",
                    re.S)
DOC = re.compile(r"/\*\*(.*?)\*/", re.S)
RETVAL = re.compile(r"@retval\s+(\w+)")
REF = re.compile(r"@ref\s+(\w+)")
ENUM_ITEM = re.compile(r"/\*\*((?:(?!\*/).)*?)\*/\s*(AMBC_\w+)\s*=\s*(-?\d+)\s*,", re.S)
RETURNED_BY = re.compile(r"Returned by:(.*)", re.S)


def headers(root):
    found = sorted(glob.glob(os.path.join(root, "include", "ambc", "*.h")))
    found += sorted(glob.glob(os.path.join(root, "port", "*", "include", "ambc", "*.h")))
    return found


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def calls_view(root, errors):
    """{function: set of statuses} from the headers' doc comments."""
    groups, docs = {}, {}
    for path in headers(root):
        text = read(path)
        for m in DOC.finditer(text):
            g = re.search(r"@defgroup\s+(\w+)", m.group(1))
            if g:
                groups[g.group(1)] = set(RETVAL.findall(m.group(1)))
        for m in DOC_FN.finditer(text):
            docs[m.group(3)] = (os.path.relpath(path, root), m.group(1))
    view = {}
    for fn, (path, doc) in docs.items():
        statuses = set(RETVAL.findall(doc))
        for ref in REF.findall(doc):
            statuses |= groups.get(ref, set())
        if "AMBC_OK" not in statuses:
            errors.append(f"{path}: {fn}() lists no @retval AMBC_OK (every status it returns)")
        view[fn] = statuses
    return view, groups


def status_view(root):
    """{status: (value, set of functions or None when the doc has no list)} from status.h."""
    text = read(os.path.join(root, "include", "ambc", "status.h"))
    view = {}
    for m in ENUM_ITEM.finditer(text):
        rb = RETURNED_BY.search(m.group(1))
        fns = set(re.findall(r"(ambc_\w+)\(\)", rb.group(1))) if rb else None
        view[m.group(2)] = (int(m.group(3)), fns)
    return view


def wrap(names, indent):
    lines, line = [], indent + "Returned by:"
    for i, name in enumerate(names):
        word = f" {name}()" + ("," if i + 1 < len(names) else ".")
        if len(line) + len(word) > 97:  # room for the closing " */"
            lines.append(line)
            line = indent + "    " + word.lstrip()
        else:
            line += word
    lines.append(line)
    return "\n".join(lines)


def write(root, calls):
    path = os.path.join(root, "include", "ambc", "status.h")
    text = read(path)

    def repl(m):
        doc, name = m.group(1), m.group(2)
        fns = sorted(fn for fn, sts in calls.items() if name in sts)
        rb = re.search(r"\n(\s*\*\s*)Returned by:.*", doc, re.S)
        if rb is None or name == "AMBC_OK":
            return m.group(0)
        indent = rb.group(1)
        new = wrap(fns, indent) if fns else indent + "Returned by: none."
        return m.group(0).replace(doc, doc[:rb.start()] + "\n" + new + " ")

    with open(path, "w", encoding="utf-8") as f:
        f.write(ENUM_ITEM.sub(repl, text))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    root = sys.argv[1]
    errors = []
    calls, groups = calls_view(root, errors)
    if "--write" in sys.argv[2:]:
        write(root, calls)
    statuses = status_view(root)
    for fn, sts in sorted(calls.items()):
        for st in sorted(sts - set(statuses)):
            errors.append(f"{fn}(): @retval {st} is not a status in status.h")
    for g, sts in sorted(groups.items()):
        for st in sorted(sts - set(statuses)):
            errors.append(f"group {g}: @retval {st} is not a status in status.h")
    for st, (_, listed) in sorted(statuses.items(), key=lambda kv: -kv[1][0]):
        if st == "AMBC_OK":
            continue
        by_calls = {fn for fn, sts in calls.items() if st in sts}
        if listed is None:
            errors.append(f"status.h: {st} has no 'Returned by:' list")
            continue
        for fn in sorted(listed - set(calls)):
            errors.append(f"status.h: {st} names {fn}(), which is no documented ambc_status_t call")
        for fn in sorted(by_calls - listed):
            errors.append(f"{st}: {fn}() lists it (@retval), status.h does not list {fn}()")
        for fn in sorted((listed & set(calls)) - by_calls):
            errors.append(f"{st}: status.h lists {fn}(), whose doc has no @retval {st}")
    for e in errors:
        print("FAIL " + e)
    pairs = sum(len(s) for s in calls.values())
    print(f"status docs: {len(calls)} calls, {len(statuses)} statuses, {pairs} call/status pairs;"
          f" {len(errors)} disagreements")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
