"""Worst-case stack of every public core call, from GCC's -fcallgraph-info=su graphs.

usage: stack_bound.py BUDGET_BYTES FILE.ci...

Each node carries its frame size (-fstack-usage); the bound of a function is its frame plus
the largest bound among its callees. The core has no recursion, so this is a true bound:
a cycle, or a frame GCC calls "dynamic", fails the check. Calls through function pointers
go to the callbacks the core itself installs (listed in INDIRECT below); the application's
own callbacks (on_batch) and the port's functions (stream, clock) are outside the core and
are reported as "+ app" / "+ port", to be added by whoever knows them. The mapping is by
file, not by call site, so a path may combine callbacks that never meet at run time (the
error parser's scanner reaching the page parser's handler): an over-estimate, still a bound. libc string
functions (memcpy, strlen, ...) are leaves not in the graph and counted as 0.
"""
import re
import sys
from collections import defaultdict

# file -> callbacks its indirect calls can reach inside the core
INDIRECT = {
    "json_scan.c": ["page.c:on_event", "api_error.c:on_event"],
    "page.c": ["client.c:to_array", "client.c:to_one", "+ app"],
    "http_response.c": ["client.c:on_headers", "client.c:on_body"],
    "client.c": ["+ port"],
    "stream.c": ["+ port"],
}

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def short(title):
    return title.rsplit("/", 1)[-1]


def load(files):
    frame, edges, dynamic, home = {}, defaultdict(set), [], {}
    for path in files:
        text = open(path).read()
        for title, label in NODE.findall(text):
            m = re.search(r"\\n(\d+) bytes \(([^)]*)\)", label)
            where = re.search(r"\\n([^\\]*?):\d+:\d+", label)
            if m and where:
                home[short(title)] = where.group(1).rsplit("/", 1)[-1]
            if m:
                frame[short(title)] = int(m.group(1))
                if m.group(2) != "static":
                    dynamic.append(f"{short(title)} ({m.group(2)})")
        for src, dst in EDGE.findall(text):
            src, dst = short(src), short(dst)
            if dst == "__indirect_call":
                for target in INDIRECT.get(home.get(src, src.split(":")[0]), ["+ unknown"]):
                    edges[src].add(target)
            else:
                edges[src].add(dst)
    return frame, edges, dynamic


def bound(fn, frame, edges, memo, path):
    if fn in memo:
        return memo[fn]
    if fn in path:
        raise SystemExit("FAIL: recursion through " + " -> ".join(path + [fn]))
    best, best_path, extern = 0, [], set()
    for callee in edges.get(fn, ()):
        if callee.startswith("+ "):
            extern.add(callee[2:])
            continue
        if callee not in frame:   # a libc leaf or a function outside the graph
            continue
        b, p, e = bound(callee, frame, edges, memo, path + [fn])
        extern |= e
        if b > best:
            best, best_path = b, p
    memo[fn] = (frame.get(fn, 0) + best, [fn] + best_path, extern)
    return memo[fn]


def public_bounds(files):
    """[(public call, bound bytes, deepest path, callees outside the core)], deepest first."""
    frame, edges, dynamic = load(files)
    if dynamic:
        raise SystemExit("FAIL: dynamic stack frames: " + ", ".join(dynamic))
    memo, rows = {}, []
    for fn in sorted(f for f in frame if f.startswith("ambc_") and ":" not in f):
        b, p, ext = bound(fn, frame, edges, memo, [])
        rows.append((fn, b, p, ext))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def main():
    budget = int(sys.argv[1])
    rows = public_bounds(sys.argv[2:])
    worst = max(r[1] for r in rows)
    print(f"{'public call':36} {'bound':>6}  deepest path (+ outside the core)")
    for fn, b, p, ext in rows:
        extra = (" + " + ", ".join(sorted(ext))) if ext else ""
        print(f"{fn:36} {b:6d}  {' > '.join(x.split(':')[-1] for x in p)}{extra}")
    print(f"worst: {worst} bytes (budget {budget})")
    if worst > budget:
        raise SystemExit(f"FAIL: a public call may use {worst} bytes of stack, over {budget}")


if __name__ == "__main__":
    main()
