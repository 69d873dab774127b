"""What the QEMU tests share: building the firmware, a private network namespace with the mock API
and an SNTP server in it, running the firmware in QEMU, reading its `ambc-fw:` measurements.

QEMU's user networking takes the guest's 10.0.2.2:PORT (TCP and UDP) to the namespace's
127.0.0.1:PORT, so every server here listens on the namespace's loopback. Each server is stopped
by its own pid and the namespace is deleted by Netns.close(), whatever happens.
"""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AMBC_ROOT") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))
import mockctl  # noqa: E402

SKIP = 77
ICOUNT = os.environ.get("AMBC_QEMU_ICOUNT", "5")
QEMU_TIMEOUT = 90


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def require_tools():
    """qemu-system-arm, arm-none-eabi-gcc and ip, else skip; returns qemu's path."""
    qemu = shutil.which("qemu-system-arm")
    if qemu is None:
        skip("qemu-system-arm not installed (Debian qemu-system-arm; scripts/setup.sh)")
    if shutil.which("arm-none-eabi-gcc") is None:
        skip("arm-none-eabi-gcc not installed (Debian gcc-arm-none-eabi)")
    if shutil.which("ip") is None:
        skip("iproute2's ip not installed: no network namespaces")
    return qemu


def fw_dir_for(cli):
    return os.environ.get("AMBC_QEMU_FW") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(cli))), "qemu-fw")


def build_firmware(fw_dir, targets=(), defs=()):
    """Configure (once, or again with `defs`: -D definitions such as AMBC_FW_RING_SIZE=2048),
    then build (incremental) the default images and `targets`. The POST_BUILD step of fw.elf
    fails on any malloc."""
    deps = os.environ.get("AMBC_DEPS_DIR") or os.path.join(os.path.dirname(fw_dir), "deps")
    if defs or not os.path.exists(os.path.join(fw_dir, "CMakeCache.txt")):
        r = run(["cmake", "-S", os.path.join(ROOT, "boards", "qemu-mps2-an385"), "-B", fw_dir,
                 "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(ROOT, "cmake", "toolchains",
                                                          "arm-none-eabi.cmake"),
                 "-DAMBC_CPU=cortex-m3", "-DAMBC_DEPS_DIR=" + deps,
                 *("-D" + d for d in defs)], timeout=300)
        if r.returncode != 0:
            print(r.stdout)
            if "could not fetch the Debian source package" in r.stdout:
                skip("lwIP/mbedTLS Debian source packages could not be fetched (no apt mirror)")
            sys.exit("firmware configure failed")
    jobs = "-j%d" % (os.cpu_count() or 2)
    for target in ("all", *targets):
        r = run(["cmake", "--build", fw_dir, "--target", target, "--", jobs], timeout=900)
        if r.returncode != 0:
            print(r.stdout)
            sys.exit(f"firmware build failed ({target})")
    return os.path.join(fw_dir, "fw.elf")


def pem_to_der(pem_path, der_path):
    """The firmware takes DER only (no PEM code on the device)."""
    with open(pem_path) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    with open(der_path, "wb") as f:
        f.write(der)
    return der_path


class Netns:
    """A private network namespace with only its loopback up; deleted by close()."""

    def __init__(self):
        self.name = f"ambc-qemu-{os.getpid()}"
        self.created = False
        r = run(["ip", "netns", "add", self.name])
        if r.returncode != 0:
            skip(f"cannot create a network namespace ({r.stdout.strip()}): needs root")
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


class Sntp:
    """tests/qemu/sntp_server.py on the namespace's 127.0.0.1:123 (the guest's 10.0.2.2:123)."""

    def __init__(self, ns, work, offset=0.0):
        self.log = os.path.join(work, "sntp.log")
        # `ip netns exec` execs python, so this pid is the server's own
        self.proc = subprocess.Popen(ns.cmd(sys.executable, os.path.join(HERE, "sntp_server.py"),
                                            "--offset", str(offset)),
                                     stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        for _ in range(500):
            if "LISTEN" in open(self.log).read():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"sntp_server.py died: {open(self.log).read()}")
            time.sleep(0.01)
        self.stop()
        raise AssertionError("sntp_server.py did not start")

    def answers(self):
        return open(self.log).read().count("ANSWER")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def start_mock(ns, work, name, cert, key, *args):
    """The mock API over TLS with this certificate chain, inside the namespace."""
    return mockctl.MockServer(work, name, ["--cert", cert, "--key", key, *args], prefix=ns.cmd())


class Lab:
    """A work directory, a namespace, an SNTP server in it (unless sntp=False; its time off by
    `offset` seconds) and the mocks started with mock(); close() stops each by its pid and
    deletes the rest, whatever happened. A context manager."""

    def __init__(self, sntp=True, offset=0.0):
        self.work = tempfile.mkdtemp(prefix="ambc-qemu-")
        self.ns = None
        self.sntp = None
        self.mocks = []
        try:
            self.ns = Netns()
            self.sntp = Sntp(self.ns, self.work, offset) if sntp else None
        except (AssertionError, SystemExit):
            self.close()
            raise

    def mock(self, name, cert, key, *args):
        m = start_mock(self.ns, self.work, name, cert, key, *args)
        self.mocks.append(m)
        return m

    def test_certs(self):
        """tests/mock/gen_certs.sh's chain: (ca.der for the firmware's ca=, server.pem, .key)."""
        certs = os.path.join(self.work, "certs")
        mockctl.gen_certs(certs)
        return (pem_to_der(os.path.join(certs, "ca.pem"), os.path.join(self.work, "ca.der")),
                os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))

    def close(self):
        for m in self.mocks:
            m.stop()
        self.mocks = []
        if self.sntp is not None:
            self.sntp.stop()
            self.sntp = None
        if self.ns is not None:
            self.ns.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def qemu_run(ns, qemu, fw, append, timeout=QEMU_TIMEOUT):
    """Run the firmware to its exit; returns (CompletedProcess, wall seconds)."""
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
    """Every key=value of the `ambc-fw:` lines, as ints (later lines win)."""
    m = {}
    for line in lines:
        if line.startswith("ambc-fw: ") and "=" in line:
            for word in line.split()[2:]:
                k, _, v = word.partition("=")
                if v.lstrip("-").isdigit():
                    m[k] = int(v)
    return m


def instructions(us):
    """Emulated microseconds to instructions: under -icount shift=N one instruction takes
    2^N ns of emulated time."""
    if ICOUNT == "off":
        raise AssertionError("instruction counts need -icount (AMBC_QEMU_ICOUNT)")
    return us * 1000 // (1 << int(ICOUNT))


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
