#!/usr/bin/env python3
"""The emulated board: ambc's firmware on QEMU mps2-an385 creates a batch, waits for it to end,
then lists every batch from the mock API over verified TLS; the batch must be exactly the
requests the firmware wrote (the mock keeps the body it received; Python's json reads it), and
the records must equal the POSIX CLI's for the same walk, run after the firmware's.

Steps: build the firmware (or reuse it; incremental), make a private network namespace, start
the mock API over TLS on the namespace's loopback, run the CLI and then QEMU inside it (QEMU's
user networking takes the guest's 10.0.2.2:PORT to the namespace's 127.0.0.1:PORT), compare.
The mock is stopped by its pid and the namespace deleted whatever happens.

Exit status: 0 pass, 1 fail, 77 skipped (the reason is printed): no qemu-system-arm, no
arm-none-eabi-gcc, no CLI, network namespaces not allowed, or lwIP/mbedTLS sources not
fetchable. Environment:
  AMBC_ROOT      the source tree (default: two levels up)
  AMBC_CLI       the Linux CLI (build/bin/ambc)
  AMBC_QEMU_FW   firmware build directory (default: <AMBC_CLI's build>/qemu-fw)
  AMBC_DEPS_DIR  where Debian sources are unpacked (shared with other build trees)
  AMBC_QEMU_BATCHES / AMBC_QEMU_LIMIT   store size and page size (default 57 and 10: six
                 pages, the last one partial)
  AMBC_QEMU_ICOUNT  QEMU's `-icount shift=N`: one instruction takes 2^N ns of emulated time, so
                 the emulated times the firmware reports count instructions, not host speed.
                 Default 5 (31 MIPS, about what a 25-50 MHz Cortex-M3 executes); "off" lets
                 QEMU's virtual clock follow the host's (the CPU then runs at host speed)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from qemu_env import (ICOUNT, Netns, Sntp, build_firmware, fw_dir_for, measurements,  # noqa
                      mockctl, ns_control, pem_to_der, qemu_run, require_tools, skip)

BATCHES = int(os.environ.get("AMBC_QEMU_BATCHES", "57"))
LIMIT = int(os.environ.get("AMBC_QEMU_LIMIT", "10"))
CREATE = 5  # requests in the batch the firmware creates


def cli_records(ns, cli, port, ca):
    env = dict(os.environ, ANTHROPIC_API_KEY="test-key",
               ANTHROPIC_BASE_URL=f"https://localhost:{port}")
    r = subprocess.run(ns.cmd(cli, "list", "--all", "--limit", str(LIMIT), "--json", "--ca-file",
                              ca), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"CLI failed ({r.returncode}): {r.stderr}")
    return r.stdout.splitlines()


def check_created(ctl, out):
    """The firmware's create and wait: one new batch, made of what reading_source() writes."""
    created = [json.loads(line.split(" ", 1)[1]) for line in out if line.startswith("created: ")]
    ended = [json.loads(line.split(" ", 1)[1]) for line in out if line.startswith("ended: ")]
    made = ctl("/_mock/batches")["batches"]
    if len(created) != 1 or len(ended) != 1 or len(made) != 1:
        raise AssertionError(f"one batch created and waited for: {created} {ended} {made}")
    if created[0]["id"] != made[0]["id"] or ended[0]["id"] != made[0]["id"]:
        raise AssertionError(f"the firmware's batch is not the mock's: {created} {made}")
    if ended[0]["processing_status"] != "ended" or \
            ended[0]["request_counts"]["succeeded"] != CREATE:
        raise AssertionError(f"the wait did not end with every request done: {ended[0]}")
    body = json.loads(ctl(f"/_mock/batches/{made[0]['id']}/request")["body"])
    want = [{"custom_id": f"reading-{i:03d}", "params": {
        "model": "claude-haiku-4-5", "max_tokens": 64,
        "system": "You read sensor values. Answer \"ok\" or \"check\".",
        "messages": [{"role": "user",
                      "content": f"Vibration (mm/s): {(i * 7) // 10 % 10}.{(i * 7) % 10}"}]}}
        for i in range(CREATE)]
    if body != {"requests": want}:
        raise AssertionError(f"the create body is not what the firmware wrote: {body}")
    return made[0]["id"]


def main():
    qemu = require_tools()
    cli = os.environ.get("AMBC_CLI")
    if not cli or not os.access(cli, os.X_OK):
        skip("the Linux CLI (AMBC_CLI) is not built")
    fw_dir = fw_dir_for(cli)
    fw = build_firmware(fw_dir)

    work = tempfile.mkdtemp(prefix="ambc-qemu-")
    ns = Netns()
    mock = sntp = None
    try:
        certs = os.path.join(work, "certs")
        mockctl.gen_certs(certs)
        ca = os.path.join(certs, "ca.pem")
        sntp = Sntp(ns, work)
        # `ip netns exec` execs the server, so the pid MockServer holds is the server's own
        mock = mockctl.MockServer(work, "mock", [
            "--cert", os.path.join(certs, "server.pem"), "--key", os.path.join(certs, "server.key"),
            "--batches", str(BATCHES)], prefix=ns.cmd())
        # the host CA file, the test option: the mock's test CA instead of the roots in flash
        append = (f"port={mock.port} ca={pem_to_der(ca, os.path.join(work, 'ca.der'))} "
                  f"key=test-key limit={LIMIT} create={CREATE}")
        r, wall = qemu_run(ns, qemu, fw, append)
        out = r.stdout.splitlines()
        print("\n".join(line for line in out if not line.startswith("{")))
        if r.stderr.strip():
            print("qemu stderr:", r.stderr.strip())
        if r.returncode != 0:
            raise AssertionError(f"firmware exit status {r.returncode}")
        records = [line for line in out if line.startswith("{")]
        new_id = check_created(lambda path: ns_control(ns, mock.port, ca, path), out)
        expected = cli_records(ns, cli, mock.port, ca)
        if len(expected) != BATCHES + 1 or json.loads(expected[0])["id"] != new_id:
            raise AssertionError(f"the CLI listed {len(expected)} batches, the store has "
                                 f"{BATCHES} and the new one first")
        if records != expected:
            for i, (a, b) in enumerate(zip(records, expected)):
                if a != b:
                    print(f"first difference at record {i}:\n  fw:  {a}\n  cli: {b}")
                    break
            raise AssertionError(f"firmware records ({len(records)}) differ from the CLI's "
                                 f"({len(expected)})")
        m = measurements(out)
        pages = (BATCHES + 1 + LIMIT - 1) // LIMIT
        if m.get("records") != BATCHES + 1 or m.get("pages") != pages:
            raise AssertionError(f"measurements disagree: {m}")
        if m.get("arena_in_use_at_end") != 0:
            raise AssertionError("mbedTLS arena not empty after ambc_tls_free")
        summary = (f"batch of {CREATE} created ({m['create_ms']} ms) and waited for "
                   f"({m['polls']} polls, {m['wait_ms']} ms), body as written; "
                   f"records compared equal: {len(records)} ({pages} pages of {LIMIT}); "
                   f"handshakes {m['handshakes']}; emulated walk {m['walk_ms']} ms, first record "
                   f"after {m['first_record_ms']} ms (icount shift {ICOUNT}; QEMU wall {wall:.1f} s); arena peak {m['arena_peak']} of "
                   f"{m['arena_size']} B; stack {m['stack_used']} of {m['stack_size']} B")
        print("PASS:", summary)
        with open(os.path.join(fw_dir, "measurements.txt"), "w") as f:
            f.write("\n".join(line for line in out if line.startswith("ambc-fw:")) + "\n")
            f.write(summary + "\n")
        return 0
    except AssertionError:
        if mock is not None:
            mock.stop()
            print("mock log:\n" + open(os.path.join(work, "mock.log"), errors="replace").read()[-3000:])
            mock = None
        raise
    finally:
        if mock is not None:
            mock.stop()
        if sntp is not None:
            sntp.stop()
        ns.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL:", e)
        sys.exit(1)
