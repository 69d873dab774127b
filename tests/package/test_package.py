"""ambc as another project uses it: `cmake --install` into a prefix, then a small program that
lists batches (consumer/consumer.c), built against the installed tree only, once with
find_package(ambc) and once with pkg-config and plain cc, and run against the mock API over
TLS on loopback.

usage: test_package.py install ROOT WORK        configure ambc (tests/package/defconfig),
                                                build, install into WORK/prefix, make certs
       test_package.py find_package ROOT WORK   check the installed tree, build and run the
       test_package.py pkg_config ROOT WORK     consumer the one way or the other

Before building, the installed tree is checked: every public header of the tree is there
(lwip.h aside: the lwIP ports compile with the application's lwIP and are not installed),
each compiles on its own with the package's flags and needs no jsmn.h, the Kconfig header is
the one the libraries were built with, and the three libraries are there. The consumer then
proves the rest: it compiles only with every header it includes and the package's defines,
links only with every library and dependency, sees CONFIG_AMBC_ID_MAX 80 (the defconfig's,
not config.h's default 64) and lists the mock's batches over verified TLS.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from mockctl import MockServer, dump_store, gen_certs  # noqa: E402

KEY = "test-key"
BATCHES = 57  # three pages of 20
ID_MAX = 80   # tests/package/defconfig
LIBS = ("libambc_core.a", "libambc_posix.a", "libambc_mbedtls.a")
NOT_INSTALLED = {"lwip.h"}
CFLAGS = "-std=c99 -Wall -Wextra -Wpedantic -Werror"


def run(cmd, quiet=False, **kw):
    """Run cmd (a list, or a string for sh -c), echoing it unless quiet; fail the test on a
    non-zero exit."""
    shown = cmd if isinstance(cmd, str) else " ".join(cmd)
    if not quiet:
        print(f"$ {shown}", flush=True)
    p = subprocess.run(cmd, shell=isinstance(cmd, str), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        print(p.stdout)
        fail(f"exit {p.returncode}: {shown}")
    return p.stdout


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def ambc_version(root):
    text = open(os.path.join(root, "include", "ambc", "ambc.h")).read()
    return re.search(r'^#define AMBC_VERSION\s+"([0-9.]+)"', text, re.M).group(1)


def install(root, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    build = os.path.join(work, "build")
    # The prefix is given at install time, not at configure time: the package must not bake in
    # the configure-time prefix (/usr/local here, never written).
    run(["cmake", "-S", root, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DAMBC_BUILD_TESTS=OFF",
         "-DAMBC_LWIP=OFF", "-DAMBC_DEFCONFIG=" + os.path.join(HERE, "defconfig")])
    run(["cmake", "--build", build, "-j2"])
    run(["cmake", "--install", build, "--prefix", os.path.join(work, "prefix")])
    gen_certs(os.path.join(work, "certs"))
    prefix = os.path.join(work, "prefix")
    print("installed files:")
    for path in sorted(glob.glob(os.path.join(prefix, "**"), recursive=True)):
        if os.path.isfile(path):
            print("  " + os.path.relpath(path, prefix))


def public_headers(root):
    """Basenames of the tree's public headers: include/ambc/ and every port's include/ambc/."""
    paths = glob.glob(os.path.join(root, "include", "ambc", "*.h"))
    paths += glob.glob(os.path.join(root, "port", "*", "include", "ambc", "*.h"))
    return sorted({os.path.basename(p) for p in paths} - NOT_INSTALLED)


def check_install(root, work, cflags, tag):
    """The installed tree, before any consumer is built. cflags: the package's own flags for
    the core (from pkg-config or the CMake target), so the headers are judged as consumers
    compile them; tag: this test's own folder for its scratch files."""
    prefix = os.path.join(work, "prefix")
    inc = os.path.join(prefix, "include", "ambc")
    missing = [h for h in public_headers(root) if not os.path.isfile(os.path.join(inc, h))]
    if missing:
        fail(f"public headers not installed: {missing}")
    kconfig = os.path.join(inc, "ambc_kconfig.h")
    if not os.path.isfile(kconfig):
        fail("the generated Kconfig header is not installed beside config.h")
    built = open(os.path.join(work, "build", "ambc_kconfig.h")).read()
    if open(kconfig).read() != built:
        fail("the installed ambc_kconfig.h is not the one the libraries were built with")
    if f"#define CONFIG_AMBC_ID_MAX {ID_MAX}\n" not in built:
        fail(f"the build did not take tests/package/defconfig (CONFIG_AMBC_ID_MAX {ID_MAX})")
    for lib in LIBS:
        if not glob.glob(os.path.join(prefix, "lib*", lib)):
            fail(f"{lib} is not installed")
    tus = os.path.join(work, f"headers-{tag}")
    os.makedirs(tus, exist_ok=True)
    for h in public_headers(root):
        # each header on its own, as a consumer compiles it; and what it pulls in
        tu = os.path.join(tus, h.replace(".h", ".c"))
        with open(tu, "w") as f:
            f.write(f"#include <ambc/{h}>\ntypedef int not_empty;\n")
        deps = run(f"cc {CFLAGS} {cflags} -M {tu}", quiet=True).replace("\\\n", " ").split()
        if any(os.path.basename(d) == "jsmn.h" for d in deps):
            fail(f"<ambc/{h}> needs jsmn.h, which is private to the core")
        outside = [d for d in deps if "/ambc/" in d and not d.startswith(prefix)]
        if outside:
            fail(f"<ambc/{h}> reads ambc headers from outside the prefix: {outside}")
        run(f"cc {CFLAGS} {cflags} -fsyntax-only {tu}", quiet=True)
    print(f"installed tree: {len(public_headers(root))} public headers (each compiles alone with "
          f"`cc {CFLAGS} {cflags}`, "
          f"none needs jsmn.h), ambc_kconfig.h as built, {len(LIBS)} libraries")


def run_consumer(exe, work, name, version):
    """Run the consumer against the mock API over TLS and check everything it says."""
    certs = os.path.join(work, "certs")
    store = dump_store("--batches", str(BATCHES)).splitlines()
    want_ids = [json.loads(line)["id"] for line in store]
    mock = MockServer(work, name, ["--cert", os.path.join(certs, "server.pem"),
                                   "--key", os.path.join(certs, "server.key"),
                                   "--batches", str(BATCHES)],
                      cafile=os.path.join(certs, "ca.pem"))
    try:
        before = mock.stats()  # opens the control connection: its handshake is not counted
        env = dict(os.environ, ANTHROPIC_API_KEY=KEY)
        p = subprocess.run([exe, "localhost", str(mock.port), os.path.join(certs, "ca.pem")],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        after = mock.stats()
        stats = {k: after[k] - before[k] for k in ("requests", "handshakes")}
    finally:
        mock.stop()
    if p.returncode != 0:
        fail(f"consumer exited {p.returncode}: {p.stderr}")
    lines = p.stdout.splitlines()
    if lines[0] != f"version {version}":
        fail(f"consumer says {lines[0]!r}, the package is {version}")
    m = re.fullmatch(r"config ID_MAX (\d+) CLIENT_BYTES (\d+)", lines[1])
    if m is None or int(m.group(1)) != ID_MAX:
        fail(f"consumer compiled with {lines[1]!r}: not the installed Kconfig header's "
             f"CONFIG_AMBC_ID_MAX {ID_MAX}")
    ids = [x.split(" ", 1)[1] for x in lines if x.startswith("batch ")]
    if ids != want_ids:
        fail(f"consumer listed {len(ids)} batches, not the mock's {len(want_ids)} in order")
    if lines[-1] != "requests 3 connects 1" or stats["requests"] != 3 or stats["handshakes"] != 1:
        fail(f"expected 3 pages on one TLS connection: consumer {lines[-1]!r}, mock {stats}")
    print(f"{name}: {len(ids)} batches over TLS in 3 requests, 1 handshake; "
          f"ID_MAX {m.group(1)}, sizeof(ambc_client_t) {m.group(2)}")


def find_package(root, work):
    prefix = os.path.join(work, "prefix")
    src = os.path.join(work, "fp-src")
    build = os.path.join(work, "fp-build")
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "consumer"), src)
    cflags = f"-I{prefix}/include " + imported_defines(work, prefix)
    check_install(root, work, cflags, "find_package")
    run(["cmake", "-S", src, "-B", build, "-DCMAKE_PREFIX_PATH=" + prefix,
         "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"])
    run(["cmake", "--build", build])
    run_consumer(os.path.join(build, "consumer"), work, "find_package", ambc_version(root))


def imported_defines(work, prefix):
    """-D flags of ambc::core's INTERFACE_COMPILE_DEFINITIONS in the installed targets file."""
    targets = open(glob.glob(os.path.join(prefix, "lib*", "cmake", "ambc",
                                          "ambcTargets.cmake"))[0]).read()
    block = targets[targets.index("set_target_properties(ambc::core"):]
    m = re.search(r'INTERFACE_COMPILE_DEFINITIONS "([^"]*)"', block[:block.index(")")])
    return " ".join("-D" + d for d in m.group(1).split(";")) if m else ""


def pkg_config(root, work):
    prefix = os.path.join(work, "prefix")
    pcdir = glob.glob(os.path.join(prefix, "lib*", "pkgconfig"))
    if not pcdir:
        fail("no pkg-config directory installed")
    env = dict(os.environ, PKG_CONFIG_PATH=pcdir[0])
    version = run(["pkg-config", "--modversion", "ambc"], env=env).strip()
    if version != ambc_version(root):
        fail(f"ambc.pc says version {version}, ambc.h {ambc_version(root)}")
    check_install(root, work, run(["pkg-config", "--cflags", "ambc"], env=env).strip(),
                  "pkg_config")
    src = os.path.join(work, "pc")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    shutil.copy(os.path.join(HERE, "consumer", "consumer.c"), src)
    # exactly what a user types: plain cc, pkg-config's output word-split by the shell
    run(f"cc {CFLAGS} consumer.c -o consumer $(pkg-config --cflags --libs ambc-posix ambc-mbedtls)",
        cwd=src, env=env)
    run_consumer(os.path.join(src, "consumer"), work, "pkg_config", version)


def main():
    mode, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    {"install": install, "find_package": find_package, "pkg_config": pkg_config}[mode](root, work)
    print("OK")


if __name__ == "__main__":
    main()
