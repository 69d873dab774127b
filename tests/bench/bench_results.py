"""Results: `ambc results ID --summary --json` against the official TypeScript SDK
(@anthropic-ai/sdk, `for await (const r of await client.messages.batches.results(id))`:
sdk_results.mjs --count), both reading the same results files from the mock over TLS on
loopback. The 1 GB-class file: 100,000 lines of 10 kB of text (MB/s and records/s; RUNS
alternating runs, median). Then files of one line each, of every size in SIZES (one run each):
how each client's time and RAM grow with the line size. Wall time, CPU time, peak RSS (GNU time
-v); MB/s and records/s from the wall time; and the mock's own time to serve each file to a
reader that only counts bytes (the ceiling of any client here). Both clients must report the
same number of records and the same total of text bytes.

The SDK's line decoder copies its whole buffer on every read and searches it from the start for
a newline: its time grows with the square of the line size (a 64 MiB line takes it tens of
minutes), so the default SIZES stop at 16 MiB; add 67108864 to see it.

usage: bench_results.py CLI NODE_DIR [runs=3] [many_lines=100000] [many_bytes=10000]
                        [SIZES=1048576,4194304,16777216]
(exit 77 without node, the SDK in NODE_DIR or GNU time)
"""
import http.client
import json
import os
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, gen_certs  # noqa: E402

from benchlib import parse_time_v, require_sdk  # noqa: E402

KEY = "test-key"


def api(port, ca, method, path, body=None):
    conn = http.client.HTTPSConnection("localhost", port, timeout=600,
                                       context=ssl.create_default_context(cafile=ca))
    headers = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
    if body is not None:
        headers["content-type"] = "application/json"
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    return conn, conn.getresponse()


def create(port, ca, n, text_bytes):
    reqs = [{"custom_id": f"r{i:06d}", "params": {
        "model": "claude-sonnet-4-5", "max_tokens": 100,
        "messages": [{"role": "user", "content": "hi"}],
        "mock": {"blocks": ["text"], "text_bytes": text_bytes}}} for i in range(n)]
    conn, resp = api(port, ca, "POST", "/v1/messages/batches", {"requests": reqs})
    batch = json.loads(resp.read())
    conn.close()
    assert resp.status == 200, batch
    return batch["id"]


def serve_time(port, ca, batch_id):
    """(seconds, bytes) for the mock to serve the file to a reader that only counts bytes."""
    conn, resp = api(port, ca, "GET", f"/v1/messages/batches/{batch_id}")
    url = json.loads(resp.read())["results_url"]
    conn.close()
    t0 = time.monotonic()
    conn, resp = api(port, ca, "GET", url[url.index("/v1/"):])
    n = 0
    while True:
        chunk = resp.read(1 << 20)
        if not chunk:
            break
        n += len(chunk)
    conn.close()
    return time.monotonic() - t0, n


def main():
    cli, node_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    args = [int(a) for a in sys.argv[3:6]]
    runs, many_lines, many_bytes = args + [3, 100_000, 10_000][len(args):]
    sizes = [int(a) for a in (sys.argv[6] if len(sys.argv) > 6 else
                              "1048576,4194304,16777216").split(",")]
    sdk_pkg = require_sdk(node_dir, os.path.join(HERE, "sdk_results.mjs"),
                          "ctest -R integration.results_sdk")
    tmp = tempfile.mkdtemp(prefix="ambc-bench-results-")
    mock = None
    try:
        gen_certs(tmp)
        ca = os.path.join(tmp, "ca.pem")
        mock = MockServer(tmp, "results", ["--cert", os.path.join(tmp, "server.pem"),
                                           "--key", os.path.join(tmp, "server.key"),
                                           "--api-key", KEY, "--batches", "3",
                                           "--results-base", "auto", "--chunked", "never",
                                           "--batch-duration-ms", "1000",
                                           # the SDK stalls over 30 s (the default) reading
                                           # a 64 MiB line: its socket must stay open
                                           "--idle-timeout", "3600"], cafile=ca)
        # name: (lines, text bytes per line, runs)
        files = {"many": (many_lines, many_bytes, runs)}
        files.update({f"1x{size}": (1, size, 1) for size in sizes})
        ids = {name: create(mock.port, ca, n, size) for name, (n, size, _) in files.items()}
        mock.advance(60_000)
        env = dict(os.environ, ANTHROPIC_API_KEY=KEY,
                   ANTHROPIC_BASE_URL=f"https://localhost:{mock.port}", NODE_EXTRA_CA_CERTS=ca)
        tfile = os.path.join(tmp, "time.txt")
        summaries = os.path.join(tmp, "summaries.jsonl")
        table = []
        for name, (n, size, file_runs) in files.items():
            served, nbytes = serve_time(mock.port, ca, ids[name])   # also warms the mock
            served = min(served, serve_time(mock.port, ca, ids[name])[0])
            print(f"{name}: {n} lines of {size} text bytes, file {nbytes / 1e6:.1f} MB; the "
                  f"mock serves it in {served:.2f} s to a reader that only counts bytes")
            cmds = {
                "ambc": [cli, "results", ids[name], "--summary", "--json", "-o", summaries,
                         "--ca-file", ca],
                "ts-sdk": ["node", os.path.join(node_dir, "sdk_results.mjs"), ids[name],
                           "--count"],
            }
            rows = {k: [] for k in cmds}
            for r in range(file_runs):
                for client, cmd in cmds.items():
                    p = subprocess.run(["/usr/bin/time", "-v", "-o", tfile, *cmd], env=env,
                                       cwd=node_dir, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, timeout=7200)
                    if p.returncode != 0:
                        sys.exit(f"{client} failed ({p.returncode}): {p.stderr[-2000:]}")
                    if client == "ambc":
                        with open(summaries) as f:
                            got = [json.loads(line) for line in f]
                        records, text = len(got), sum(s["text_bytes"] for s in got)
                    else:
                        m = re.match(r"records (\d+) text_bytes (\d+)", p.stdout)
                        records, text = int(m.group(1)), int(m.group(2))
                    if (records, text) != (n, n * size):
                        sys.exit(f"FAIL: {client} read {records} records, {text} text bytes; "
                                 f"expected {n}, {n * size}")
                    wall, cpu, rss = parse_time_v(tfile)
                    rows[client].append((wall, cpu, rss))
                    print(f"  run {r + 1} {client:7} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
                          f"max RSS {rss:8d} KB", flush=True)
            for client, rs in rows.items():
                w, c, rss = (statistics.median(col) for col in zip(*rs))
                table.append((name, client, w, c, rss, nbytes / 1e6 / w, n / w))
        node_version = subprocess.check_output(["node", "--version"], text=True).strip()
        with open(sdk_pkg) as f:
            sdk_version = json.load(f)["version"]
        print(f"\nmany: median of {runs} alternating runs; 1xN (one line of N text bytes): one "
              f"run. Mock over TLS on loopback (node {node_version}, @anthropic-ai/sdk "
              f"{sdk_version}); both read every record and the same text bytes")
        print(f"{'file':10} {'client':7} {'wall s':>8} {'cpu s':>8} {'max RSS KB':>11} "
              f"{'MB/s':>8} {'records/s':>10}")
        for name, client, w, c, rss, mbs, rps in table:
            print(f"{name:10} {client:7} {w:8.2f} {c:8.2f} {rss:11.0f} {mbs:8.1f} {rps:10.0f}")
    finally:
        if mock is not None:
            mock.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
