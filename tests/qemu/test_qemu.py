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
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AMBC_ROOT") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))
import mockctl  # noqa: E402

SKIP = 77
BATCHES = int(os.environ.get("AMBC_QEMU_BATCHES", "57"))
LIMIT = int(os.environ.get("AMBC_QEMU_LIMIT", "10"))
ICOUNT = os.environ.get("AMBC_QEMU_ICOUNT", "5")
CREATE = 5  # requests in the batch the firmware creates
QEMU_TIMEOUT = 60


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def build_firmware(fw_dir):
    """Configure once, then build (incremental). The POST_BUILD step fails on any malloc."""
    deps = os.environ.get("AMBC_DEPS_DIR") or os.path.join(os.path.dirname(fw_dir), "deps")
    if not os.path.exists(os.path.join(fw_dir, "CMakeCache.txt")):
        r = run(["cmake", "-S", os.path.join(ROOT, "boards", "qemu-mps2-an385"), "-B", fw_dir,
                 "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(ROOT, "cmake", "toolchains",
                                                          "arm-none-eabi.cmake"),
                 "-DAMBC_CPU=cortex-m3", "-DAMBC_DEPS_DIR=" + deps], timeout=300)
        if r.returncode != 0:
            print(r.stdout)
            if "could not fetch the Debian source package" in r.stdout:
                skip("lwIP/mbedTLS Debian source packages could not be fetched (no apt mirror)")
            sys.exit("firmware configure failed")
    r = run(["cmake", "--build", fw_dir, "--", "-j%d" % (os.cpu_count() or 2)], timeout=600)
    if r.returncode != 0:
        print(r.stdout)
        sys.exit("firmware build failed")
    # The size and no-malloc reports of the last link, for the log.
    report = os.path.join(fw_dir, "size_report.txt")
    if os.path.exists(report):
        print(open(report).read())
    return os.path.join(fw_dir, "fw.elf")


class Netns:
    """A private network namespace with only its loopback up; deleted by close()."""

    def __init__(self):
        self.name = f"ambc-qemu-{os.getpid()}"
        self.created = False
        r = run(["ip", "netns", "add", self.name])
        if r.returncode != 0:
            skip(f"cannot create a network namespace ({r.stdout.strip()}): needs root / CAP_SYS_ADMIN")
        self.created = True
        r = run(["ip", "netns", "exec", self.name, "ip", "link", "set", "lo", "up"])
        if r.returncode != 0:
            self.close()
            skip(f"cannot use the network namespace: {r.stdout.strip()}")

    def cmd(self, *argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def close(self):
        if self.created:
            run(["ip", "netns", "delete", self.name])
            self.created = False


def cli_records(ns, cli, port, ca):
    env = dict(os.environ, ANTHROPIC_API_KEY="test-key",
               ANTHROPIC_BASE_URL=f"https://localhost:{port}")
    r = subprocess.run(ns.cmd(cli, "list", "--all", "--limit", str(LIMIT), "--json", "--ca-file",
                              ca), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"CLI failed ({r.returncode}): {r.stderr}")
    return r.stdout.splitlines()


def qemu_run(ns, qemu, fw, port, ca, extra="", timeout=QEMU_TIMEOUT):
    append = f"port={port} ca={ca} key=test-key limit={LIMIT} create={CREATE}{extra}"
    cmd = ns.cmd(qemu, "-M", "mps2-an385", "-cpu", "cortex-m3", "-nographic", "-monitor", "none",
                 "-serial", "stdio", "-semihosting-config", "enable=on,target=native",
                 "-kernel", fw, "-append", append,
                 "-netdev", "user,id=n0,net=10.0.2.0/24", "-net", "nic,netdev=n0,model=lan9118")
    if ICOUNT != "off":
        cmd += ["-icount", "shift=" + ICOUNT]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:  # subprocess.run has killed QEMU (its own pid)
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
        raise AssertionError(f"QEMU still running after {timeout} s; its output:\n"
                             f"{out or ''}") from None
    return r, time.monotonic() - t0


def measurements(lines):
    m = {}
    for line in lines:
        if line.startswith("ambc-fw: ") and "=" in line:
            for word in line.split()[2:]:
                k, _, v = word.partition("=")
                m[k] = int(v)
    return m


def ns_control(ns, port, ca, path):
    """GET a /_mock/ control endpoint from inside the namespace (the mock listens only there)."""
    code = ("import json, ssl, sys, urllib.request\n"
            "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
            "print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=10).read().decode())")
    r = subprocess.run(ns.cmd(sys.executable, "-c", code, f"https://localhost:{port}{path}", ca),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"control GET {path} failed: {r.stderr}")
    return json.loads(r.stdout)


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
    qemu = shutil.which("qemu-system-arm")
    if qemu is None:
        skip("qemu-system-arm not installed (Debian qemu-system-arm; scripts/setup.sh)")
    if shutil.which("arm-none-eabi-gcc") is None:
        skip("arm-none-eabi-gcc not installed (Debian gcc-arm-none-eabi)")
    if shutil.which("ip") is None:
        skip("iproute2's ip not installed: no network namespaces")
    cli = os.environ.get("AMBC_CLI")
    if not cli or not os.access(cli, os.X_OK):
        skip("the Linux CLI (AMBC_CLI) is not built")
    fw_dir = os.environ.get("AMBC_QEMU_FW") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(cli))), "qemu-fw")
    fw = build_firmware(fw_dir)

    work = tempfile.mkdtemp(prefix="ambc-qemu-")
    ns = Netns()
    mock = None
    try:
        certs = os.path.join(work, "certs")
        mockctl.gen_certs(certs)
        ca = os.path.join(certs, "ca.pem")
        # `ip netns exec` execs the server, so the pid MockServer holds is the server's own
        mock = mockctl.MockServer(work, "mock", [
            "--cert", os.path.join(certs, "server.pem"), "--key", os.path.join(certs, "server.key"),
            "--batches", str(BATCHES)], prefix=ns.cmd())
        r, wall = qemu_run(ns, qemu, fw, mock.port, ca)
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
        ns.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL:", e)
        sys.exit(1)
