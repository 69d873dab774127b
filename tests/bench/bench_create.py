"""Create: `ambc create FILE.jsonl` against the official TypeScript SDK
(@anthropic-ai/sdk, `client.messages.batches.create({requests})` after reading the same file:
sdk_create.mjs), both creating one batch of 100,000 requests (about 100 MB) on the mock over
TLS on loopback. Alternating runs; wall time, CPU time, peak RSS (GNU time -v), and what the mock
received: each body's request count, its SHA-256 against the bytes each client must have sent,
and the two bodies equal as JSON (Python's json, request by request).

usage: bench_create.py CLI NODE_DIR [runs=3] [requests=100000]
(exit 77 without node, the SDK in NODE_DIR or GNU time)

The file is deterministic (seeded): realistic Messages params of about 1 KB each (system
prompts, multi-turn conversations, content blocks, tools, sampling options), texts in several
languages with JSON escapes (quotes, backslashes, newlines, tabs, \\uXXXX in one line of ten).
Its lines are compact, so ambc's body (params passed on raw) is exactly the lines, comma-joined,
in {"requests":[...]}; the SDK's is JSON.stringify of the parsed requests, which node computes
here for the check. The mock keeps a hash of bodies this big, not the body.

Both wall times include the mock's own work on the body (it parses and checks the whole
create before it answers): printed separately as "mock check".
"""
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, gen_certs  # noqa: E402

from benchlib import parse_time_v, require_sdk  # noqa: E402

HEAD, TAIL = b'{"requests":[', b"]}"

WORDS = {
    "en": "the sensor reported a reading of degrees while the door was open and the fan kept "
          "running through the night so please summarise what happened".split(),
    "fr": "le capteur a signalé une température élevée pendant que la porte était ouverte et "
          "le ventilateur a continué à tourner toute la nuit".split(),
    "de": "der Sensor meldete eine erhöhte Temperatur während die Tür offen war und der "
          "Lüfter die ganze Nacht lief bitte zusammenfassen".split(),
    "ja": ("センサー が 高い 温度 を 報告 しました ドア が 開いて いる 間 ファン は "
           "夜通し 回って いました").split(),
    "mix": ["naïve", "café", "Zürich", "Øresund", "ĳssel", "Ωmega", "π≈3.14", "✓", "☃", "😀",
            "𝄞", "🌦", "—", "«quoted»", "‘single’", "“double”"],
}
EXTRAS = ['"quoted"', "back\\slash", "C:\\Users\\dev\\log.txt", "tab\there", "line\nbreak",
          "{json: \"inside\"}", "<tag attr='x'>", "50 % off", "\u00e9\u0301", "\u2028sep"]
MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")


def text(rng, nbytes):
    """About nbytes of UTF-8 prose in one language, with escapes here and there."""
    lang = rng.choice(("en", "en", "fr", "de", "ja"))
    out, size = [], 0
    while size < nbytes:
        w = rng.choice(WORDS[lang]) if rng.random() < 0.9 else rng.choice(
            WORDS["mix"] + EXTRAS)
        out.append(w)
        size += len(w.encode("utf-8")) + 1
    return " ".join(out)


def request(rng, i):
    """One realistic create request, about 1 KB of JSON."""
    p = {"model": rng.choice(MODELS), "max_tokens": rng.choice((256, 512, 1024, 4096))}
    kind = i % 5
    if kind in (0, 3):
        p["system"] = text(rng, 120)
    if kind == 1:
        p["system"] = [{"type": "text", "text": text(rng, 150),
                        "cache_control": {"type": "ephemeral"}}]
    msgs = [{"role": "user", "content": text(rng, rng.randint(350, 800))}]
    if kind == 2:
        msgs += [{"role": "assistant", "content": text(rng, 150)},
                 {"role": "user", "content": [{"type": "text", "text": text(rng, 150)}]}]
    if kind == 4:
        p["tools"] = [{"name": "record_reading", "description": text(rng, 60),
                       "input_schema": {"type": "object", "required": ["value"], "properties": {
                           "value": {"type": "number"}, "unit": {"type": "string",
                                                                 "enum": ["°C", "°F", "%"]}}}}]
        p["tool_choice"] = {"type": "auto"}
    p["messages"] = msgs
    if i % 3 == 0:
        p["temperature"] = rng.choice((0.2, 0.5, 0.7))
    if i % 7 == 0:
        p["stop_sequences"] = ["\n\nHuman:", "</answer>"]
    if i % 4 == 0:
        p["metadata"] = {"user_id": f"user-{i % 997:04d}"}
    return {"custom_id": f"req-{i:07d}", "params": p}


def generate(path, n, seed=20251):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(request(rng, i), ensure_ascii=(i % 10 == 9),
                               separators=(",", ":")) + "\n")


# node: what the SDK sends for this file, JSON.stringify({requests}) (read as sdk_create.mjs
# reads it): its SHA-256 and size on the first line, then each request's own JSON.stringify,
# one per line (the body is exactly those, comma-joined, in the envelope; checked below)
SDK_BODY_JS = r"""
import fs from 'node:fs';
import readline from 'node:readline';
import crypto from 'node:crypto';
const requests = [];
for await (const line of readline.createInterface({ input: fs.createReadStream(process.argv[2]),
                                                    crlfDelay: Infinity })) {
  if (line.trim() !== '') requests.push(JSON.parse(line));
}
const body = Buffer.from(JSON.stringify({ requests }), 'utf8');
const out = fs.createWriteStream(process.argv[3]);
out.write(crypto.createHash('sha256').update(body).digest('hex') + ' ' + body.length + '\n');
for (const r of requests) out.write(JSON.stringify(r) + '\n');
out.end();
"""


def main():
    cli, node_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
    sdk_pkg = require_sdk(node_dir, os.path.join(HERE, "sdk_create.mjs"),
                          "ctest -R integration.create_sdk")
    tmp = tempfile.mkdtemp(prefix="ambc-bench-create-")
    mock = None
    try:
        path = os.path.join(tmp, "requests.jsonl")
        t0 = time.monotonic()
        generate(path, n)
        size = os.path.getsize(path)
        print(f"{n} requests, {size / 1e6:.1f} MB ({path}, generated in "
              f"{time.monotonic() - t0:.1f} s)")
        # the bytes each client must send, hashed as they would be received
        ambc_hash = hashlib.sha256(HEAD)
        ambc_bytes = len(HEAD) + len(TAIL)
        with open(path, "rb") as f:
            for k, line in enumerate(f):
                line = line.rstrip(b"\n")
                ambc_hash.update((b"," if k else b"") + line)
                ambc_bytes += len(line) + (1 if k else 0)
        ambc_hash.update(TAIL)
        sdk_lines = os.path.join(tmp, "sdk-requests.jsonl")
        js = os.path.join(node_dir, "bench_sdk_body.mjs")
        with open(js, "w") as f:
            f.write(SDK_BODY_JS)
        subprocess.run(["node", js, path, sdk_lines], check=True, cwd=node_dir, timeout=600)
        with open(sdk_lines, "rb") as f:
            sdk_sha, sdk_bytes = f.readline().split()
            sdk_sha, sdk_bytes = sdk_sha.decode(), int(sdk_bytes)
            check, count, same = hashlib.sha256(HEAD), 0, True
            with open(path, "rb") as g:
                for k, (a, b) in enumerate(zip(g, f)):
                    check.update((b"," if k else b"") + b.rstrip(b"\n"))
                    same = same and json.loads(a) == json.loads(b)
                    count += 1
            check.update(TAIL)
        if check.hexdigest() != sdk_sha or count != n:
            sys.exit("FAIL: node's per-request lines do not make its body")
        if not same:
            sys.exit("FAIL: the SDK's serialisation differs from the file as JSON")

        gen_certs(tmp)
        ca = os.path.join(tmp, "ca.pem")
        mock = MockServer(tmp, "create", ["--cert", os.path.join(tmp, "server.pem"),
                                          "--key", os.path.join(tmp, "server.key"),
                                          "--batches", "3", "--batch-duration-ms", "3600000"],
                          cafile=ca)
        env = dict(os.environ, ANTHROPIC_API_KEY="test-key",
                   ANTHROPIC_BASE_URL=f"https://localhost:{mock.port}", NODE_EXTRA_CA_CERTS=ca)
        cmds = {
            "ambc": [cli, "create", path, "--json", "--stats", "--ca-file", ca],
            "ts-sdk": ["node", os.path.join(node_dir, "sdk_create.mjs"), path],
        }
        want = {"ambc": (ambc_hash.hexdigest(), ambc_bytes), "ts-sdk": (sdk_sha, sdk_bytes)}
        rows = {k: [] for k in cmds}
        tfile = os.path.join(tmp, "time.txt")
        for r in range(runs):
            for name, cmd in cmds.items():
                s0 = mock.stats()
                p = subprocess.run(["/usr/bin/time", "-v", "-o", tfile, *cmd], env=env,
                                   cwd=node_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, timeout=900)
                s1 = mock.stats()
                if p.returncode != 0:
                    sys.exit(f"{name} failed ({p.returncode}): {p.stderr[-2000:]}")
                bid = json.loads(p.stdout)["id"] if name == "ambc" else p.stdout.strip()
                held = {b["id"]: b for b in mock.created_batches()}[bid]
                got = mock.create_request(bid)
                if held["requests"] != n or (got["sha256"], got["bytes"]) != want[name]:
                    sys.exit(f"FAIL: {name}'s body as received: {held['requests']} requests, "
                             f"{got['bytes']} bytes, sha256 {got['sha256']}; expected {n}, "
                             f"{want[name]}")
                wall, cpu, rss = parse_time_v(tfile)
                rows[name].append((wall, cpu, rss, s1["handshakes"] - s0["handshakes"],
                                   s1["requests"] - s0["requests"]))
                print(f"  run {r + 1} {name:7} wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
                      f"max RSS {rss:8d} KB", flush=True)

        # the mock's share of each wall time: its parse and check of one body
        sys.path.insert(0, os.path.join(HERE, "..", "mock"))
        from mock_create import validate_create
        with open(path, "rb") as f:
            body = HEAD + b",".join(f.read().splitlines()) + TAIL
        t0 = time.process_time()
        validate_create(body)
        mock_check = time.process_time() - t0
        del body

        node_version = subprocess.check_output(["node", "--version"], text=True).strip()
        with open(sdk_pkg) as f:
            sdk_version = json.load(f)["version"]
        print(f"\n{n} requests, file {size / 1e6:.1f} MB, mock over TLS on loopback, median of "
              f"{runs} alternating runs (node {node_version}, @anthropic-ai/sdk {sdk_version})")
        print(f"{'client':8} {'wall s':>8} {'cpu s':>8} {'max RSS KB':>11} {'handshakes':>11} "
              f"{'requests':>9} {'body bytes':>11}")
        med = {}
        for name, rs in rows.items():
            med[name] = [statistics.median(col) for col in zip(*rs)]
            w, c, rss, hs, rq = med[name]
            print(f"{name:8} {w:8.2f} {c:8.2f} {rss:11.0f} {hs:11.0f} {rq:9.0f} "
                  f"{want[name][1]:11d}")
        a, t = med["ambc"], med["ts-sdk"]
        print(f"ratios ts-sdk/ambc: wall {t[0] / a[0]:.1f}x, cpu {t[1] / a[1]:.1f}x, "
              f"RSS {t[2] / a[2]:.0f}x")
        print(f"mock check of one body (parse + validate, in both wall times): "
              f"{mock_check:.1f} s CPU")
        print(f"received: ambc {n} requests, {want['ambc'][1]} bytes = the file's lines; "
              f"ts-sdk {n} requests, {want['ts-sdk'][1]} bytes = JSON.stringify; "
              f"equal as JSON, request by request: yes")
    finally:
        if mock is not None:
            mock.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
