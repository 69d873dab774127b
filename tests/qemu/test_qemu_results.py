#!/usr/bin/env python3
"""The emulated board streams a batch's results, one line larger than its whole RAM.

The firmware (QEMU mps2-an385, 4 MiB of RAM) creates a batch of 5 requests, waits for it to
end, then downloads its results with `results=1` and prints each line's summary and the SHA-256
of its text, joined from the chunks as they pass (results_demo.c). The mock gives one request a
text of 4.5 MiB (`--results-mock`), so that line is larger than all the board's RAM. Python's
json reads the same file (downloaded inside the namespace) and must agree on every line: custom_id,
type, stop reason, block count, output tokens, text bytes and the text's SHA-256.

Steps as tests/qemu/test_qemu.py (with qemu_env.py's helpers): build the firmware, a private network
namespace, the mock over TLS on its loopback, QEMU inside it; everything stopped by its pid and
the namespace deleted whatever happens. Exit status: 0 pass, 1 fail, 77 skipped (the reason is
printed). Environment as test_qemu.py (AMBC_CLI, AMBC_QEMU_FW, AMBC_DEPS_DIR, AMBC_QEMU_ICOUNT).
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_env as tq  # noqa: E402

BOARD_RAM = 4 << 20            # mps2_an385.ld: RAM 4M
BIG_TEXT = BOARD_RAM + (512 << 10)
SHAPE = {"blocks": ["thinking", "text"], "text_bytes": BIG_TEXT, "thinking_bytes": 3000}
QEMU_TIMEOUT = 240


def fetch_results(ns, port, ca, batch_id, out_path):
    """The results file, read by Python inside the namespace through results_url."""
    code = ("import json, ssl, sys, urllib.request\n"
            "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
            "h = {'x-api-key': 'test-key', 'anthropic-version': '2023-06-01'}\n"
            "def get(url):\n"
            "    return urllib.request.urlopen(urllib.request.Request(url, headers=h),\n"
            "                                  context=ctx, timeout=60).read()\n"
            "b = json.loads(get(sys.argv[1] + '/v1/messages/batches/' + sys.argv[3]))\n"
            "open(sys.argv[4], 'wb').write(get(b['results_url']))\n")
    r = subprocess.run(ns.cmd(sys.executable, "-c", code, f"https://localhost:{port}", ca,
                              batch_id, out_path),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"fetching the results failed: {r.stderr}")
    with open(out_path, "rb") as f:
        return f.read()


def expected(raw):
    """What the firmware must print for each line of the file, from Python's json."""
    out = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        r = obj["result"]
        m = r.get("message", {})
        text = "".join(b.get("text", "") for b in m.get("content", [])).encode()
        out.append({"line": n, "custom_id": obj["custom_id"], "type": r["type"],
                    "stop_reason": m.get("stop_reason") or "", "blocks": len(m.get("content", [])),
                    "output_tokens": m.get("usage", {}).get("output_tokens", 0),
                    "text_bytes": len(text), "text_sha256": hashlib.sha256(text).hexdigest()})
    return out


def check(out, raw):
    got = [json.loads(line.split(" ", 1)[1]) for line in out if line.startswith("result: ")]
    want = expected(raw)
    if got != want:
        raise AssertionError(f"the firmware's results differ from Python's json:\n"
                             f"  fw:     {got}\n  python: {want}")
    m = tq.measurements(out)
    longest = max(len(line) + 1 for line in raw.split(b"\n") if line)
    if m.get("results_status") != 0 or m.get("results_bytes") != len(raw) or \
            m.get("results_max_line") != longest or longest <= BOARD_RAM:
        raise AssertionError(f"measurements: {m}; file {len(raw)} B, longest line {longest} B")
    # the mapper alone from RAM: 32 copies of one 32 KB line (a text block and a tool_use
    # block whose input is 22 bytes of JSON text); counts exact, or its time means nothing
    rounds = 32
    if m.get("parse_status") != 0 or m.get("parse_results") != rounds or \
            m.get("parse_blocks") != 2 * rounds or \
            m.get("parse_chunk_bytes") != m.get("parse_text_bytes", -1) + 22 * rounds:
        raise AssertionError(f"parse from RAM: {m}")
    return m, longest


def board_run(lab):
    """Build the firmware, start the mock in the lab's namespace (with its SNTP server) and run
    the board with results=1; the lab undoes every start."""
    qemu = tq.require_tools()
    cli = os.environ.get("AMBC_CLI")
    if not cli or not os.access(cli, os.X_OK):
        tq.skip("the Linux CLI (AMBC_CLI) is not built")
    fw_dir = tq.fw_dir_for(cli)
    fw = tq.build_firmware(fw_dir)
    ca_der, cert, key = lab.test_certs()
    ca = os.path.join(lab.work, "certs", "ca.pem")
    mock = lab.mock("mock", cert, key, "--batches", "3", "--results-base", "auto",
                    "--batch-duration-ms", "500",
                    "--results-mock", "reading-001=" + json.dumps(SHAPE))
    append = f"port={mock.port} ca={ca_der} key=test-key limit=10 create=5 results=1"
    r, _ = tq.qemu_run(lab.ns, qemu, fw, append, timeout=QEMU_TIMEOUT)
    out = r.stdout.splitlines()
    print("\n".join(line for line in out if line.startswith(("ambc-fw:", "result: "))))
    if r.returncode != 0:
        log = open(os.path.join(lab.work, "mock.log"), errors="replace").read()[-3000:]
        raise AssertionError(f"firmware exit status {r.returncode}: {r.stderr.strip()}\n{log}")
    ended = [json.loads(line.split(" ", 1)[1]) for line in out if line.startswith("ended: ")]
    if len(ended) != 1:
        raise AssertionError("no batch ended")
    raw = fetch_results(lab.ns, mock.port, ca, ended[0]["id"], os.path.join(lab.work, "results"))
    return out, raw, fw_dir


def main():
    with tq.Lab() as lab:
        out, raw, fw_dir = board_run(lab)
        m, longest = check(out, raw)
        instr = m["results_ms"] * 1e6 / (1 << int(tq.ICOUNT)) if tq.ICOUNT != "off" else 0
        parse = m["parse_ms"] * 1e6 / (1 << int(tq.ICOUNT)) if tq.ICOUNT != "off" else 0
        summary = (f"{len(expected(raw))} results lines equal to Python's json, the longest "
                   f"{longest} B against {BOARD_RAM} B of RAM; {len(raw)} B in "
                   f"{m['results_ms']} emulated ms"
                   + (f" (icount shift {tq.ICOUNT}: {instr / (len(raw) / 1e6) / 1e6:.0f} M "
                      f"instructions per MB, TLS and waits for the host included; the line mapper "
                      f"alone from RAM: {parse / (m['parse_bytes'] / 1e6) / 1e6:.1f} M per MB "
                      f"in {m['parse_ms']} ms for {m['parse_bytes']} B)" if instr else "")
                   + f"; parser {m['results_parser_bytes']} B; stack {m['stack_used']} of "
                     f"{m['stack_size']} B")
        print("PASS:", summary)
        with open(os.path.join(fw_dir, "results_measurements.txt"), "w") as f:
            f.write(summary + "\n")
        return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL:", e)
        sys.exit(1)
