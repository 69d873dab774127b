"""End to end: `ambc list --all --limit 1000 --json` against the official TypeScript SDK
(@anthropic-ai/sdk, auto-pagination, limit 1000), both listing the mock's 5000 batches over
TLS on loopback. Alternating runs; wall time, CPU time, peak RSS (GNU time), TLS handshakes
(mock stats). Fails unless both print the same ids in the same order.

usage: bench_e2e.py CLI NODE_DIR [runs=5] [batches=5000]
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, gen_certs  # noqa: E402

cli, node_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
n = int(sys.argv[4]) if len(sys.argv) > 4 else 5000



# ESM resolves packages from the script's own folder: run it beside node_modules
shutil.copy(os.path.join(HERE, "sdk_list.mjs"), node_dir)
tmp = tempfile.mkdtemp(prefix="ambc-e2e-")
gen_certs(tmp)
ca = os.path.join(tmp, "ca.pem")
mock = MockServer(tmp, "e2e", ["--cert", os.path.join(tmp, "server.pem"), "--key",
                               os.path.join(tmp, "server.key"), "--batches", str(n)],
                  cafile=ca)
try:
    env = dict(os.environ, ANTHROPIC_API_KEY="test-key",
               ANTHROPIC_BASE_URL=f"https://localhost:{mock.port}", NODE_EXTRA_CA_CERTS=ca)
    cmds = {
        "ambc": [cli, "list", "--all", "--limit", "1000", "--json", "--ca-file", ca],
        "ts-sdk": ["node", os.path.join(node_dir, "sdk_list.mjs")],
    }
    results = {k: [] for k in cmds}
    ids = {}
    for r in range(runs):
        for name, cmd in cmds.items():
            s0 = mock.stats()  # kept-alive control connection: adds no handshake
            p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *cmd], env=env,
                               cwd=node_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=600)
            s1 = mock.stats()
            if p.returncode != 0:
                sys.exit(f"{name} failed: {p.stderr[-2000:]}")
            wall, user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
            out = p.stdout.splitlines()
            got = [json.loads(x)["id"] for x in out] if name == "ambc" else out
            ids.setdefault(name, got)
            if got != ids[name]:
                sys.exit(f"{name}: output changed between runs")
            results[name].append((float(wall), float(user) + float(sys_), int(rss),
                                  s1["handshakes"] - s0["handshakes"],
                                  s1["requests"] - s0["requests"]))
    if ids["ambc"] != ids["ts-sdk"] or len(ids["ambc"]) != n:
        sys.exit(f"FAIL: the two clients listed different ids ({len(ids['ambc'])} vs "
                 f"{len(ids['ts-sdk'])})")
    print(f"{n} batches, limit 1000, mock over TLS on loopback, median of {runs} alternating runs")
    print(f"{'client':8} {'wall s':>8} {'cpu s':>8} {'max RSS KB':>11} {'handshakes':>11} {'requests':>9}")
    med = {}
    for name, rows in results.items():
        med[name] = [statistics.median(col) for col in zip(*rows)]
        w, c, rss, hs, rq = med[name]
        print(f"{name:8} {w:8.3f} {c:8.3f} {rss:11.0f} {hs:11.0f} {rq:9.0f}")
    a, t = med["ambc"], med["ts-sdk"]
    print(f"ratios ts-sdk/ambc: wall {t[0] / a[0]:.1f}x, cpu {t[1] / a[1]:.1f}x, "
          f"RSS {t[2] / a[2]:.1f}x; same {n} ids in the same order: yes")
finally:
    mock.stop()
    shutil.rmtree(tmp, ignore_errors=True)
