"""scripts/install_missing.sh, setup.sh and bench.sh --install-only ask apt for exactly what is
missing, and never for npm beside a NodeSource nodejs: run against stand-ins for apt-get,
dpkg-query, sudo and id on a PATH of their own, so this machine's packages are never touched.

The stand-in dpkg-query answers from a package table each case sets; the stand-in apt-get
records its calls and, like the real one, refuses npm while an installed package Provides it
(NodeSource's nodejs does). Commands such as node are empty executables on the PATH.

usage: test_setup_scripts.py ROOT      (run by ctest as build.setup_scripts)
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPTS = os.path.join(ROOT, "scripts")
NODESOURCE = ("nodejs", "20.20.2-1nodesource1", "nodejs-dev, nodejs-doc, nodejs-legacy, npm")
TOOLS = ("grep", "sed", "tr", "dirname", "env")

FAKE_DPKG_QUERY = r'''#!/usr/bin/python3
import os, sys
table = [line.rstrip("\n").split("|") for line in open(os.environ["FAKE_DPKG"]) if line.strip()]
fmt = next(a[3:] for a in sys.argv[1:] if a.startswith("-f="))
names = [a for a in sys.argv[1:] if not a.startswith("-")]
rows = [r for r in table if not names or r[0] in names]
if names and not rows:
    sys.stderr.write(f"dpkg-query: no packages found matching {names[0]}\n")
    sys.exit(1)
for name, version, provides in rows:
    out = fmt.replace("${Status}", "install ok installed").replace("${Package}", name)
    out = out.replace("${Version}", version).replace("${Provides}", provides)
    sys.stdout.write(out.replace("\\n", "\n"))
'''
FAKE_APT_GET = r'''#!/usr/bin/python3
import os, sys
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write("apt-get " + " ".join(sys.argv[1:]) + "\n")
table = [line.split("|") for line in open(os.environ["FAKE_DPKG"]) if line.strip()]
provided = {p.strip() for r in table for p in r[2].split(",")}
if "install" in sys.argv and "npm" in sys.argv[1:] and "npm" in provided:
    sys.stderr.write("E: Unable to correct problems, you have held broken packages.\n")
    sys.exit(100)
'''
FAKE_SUDO = '#!/bin/sh\necho "sudo" >> "$FAKE_LOG"\nexec "$@"\n'
FAKE_ID = '#!/bin/sh\necho "$FAKE_UID"\n'


def setup_packages():
    with open(os.path.join(SCRIPTS, "setup.sh")) as f:
        text = f.read()
    return re.search(r'^PACKAGES="([^"]*)"', text, re.M).group(1).replace("\\\n", " ").split()


class Machine:
    """A PATH with the stand-ins, the given commands, and a dpkg table."""

    def __init__(self, installed=(), commands=(), uid=0):
        self.dir = tempfile.mkdtemp(prefix="ambc-setup-")
        self.bin = os.path.join(self.dir, "bin")
        os.makedirs(self.bin)
        for name, text in (("dpkg-query", FAKE_DPKG_QUERY), ("apt-get", FAKE_APT_GET),
                           ("sudo", FAKE_SUDO), ("id", FAKE_ID)):
            self.write(name, text)
        for name in commands:
            self.write(name, "#!/bin/sh\nexit 0\n")
        for tool in TOOLS:
            os.symlink(shutil.which(tool), os.path.join(self.bin, tool))
        self.dpkg = os.path.join(self.dir, "dpkg")
        with open(self.dpkg, "w") as f:
            for p in installed:
                name, version, provides = p if isinstance(p, tuple) else (p, "1.0", "")
                f.write(f"{name}|{version}|{provides}\n")
        self.log = os.path.join(self.dir, "log")
        open(self.log, "w").close()
        self.uid = uid

    def write(self, name, text):
        path = os.path.join(self.bin, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def run(self, *cmd, dry=False):
        env = {"PATH": self.bin, "FAKE_DPKG": self.dpkg, "FAKE_LOG": self.log,
               "FAKE_UID": str(self.uid), "HOME": self.dir}
        if dry:
            env["AMBC_SETUP_DRY_RUN"] = "1"
        p = subprocess.run(["/bin/sh", *cmd], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
        with open(self.log) as f:
            return p.returncode, p.stdout, f.read().splitlines()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def installs(log):
    """The package lists apt-get was asked to install."""
    return [line.split("--no-install-recommends")[1].split() for line in log
            if line.startswith("apt-get") and " install " in line]


class InstallMissing(unittest.TestCase):
    script = os.path.join(SCRIPTS, "install_missing.sh")

    def case(self, specs, **machine):
        m = Machine(**machine)
        self.addCleanup(m.close)
        return m.run(self.script, *specs)

    def test_nothing_missing_runs_no_apt(self):
        rc, out, log = self.case(["cmake", "nodejs:node"], installed=["cmake"],
                                 commands=["node"])
        self.assertEqual((rc, log), (0, []), out)

    def test_only_the_missing_ones(self):
        rc, out, log = self.case(["cmake", "valgrind", "clang", "qemu-system-arm"],
                                 installed=["cmake", "clang"])
        self.assertEqual(rc, 0, out)
        self.assertEqual(log[0], "apt-get update -qq")
        self.assertEqual(installs(log), [["valgrind", "qemu-system-arm"]])

    def test_command_on_path_counts_as_present(self):
        # node and npm from nvm or a tarball: no Debian package, nothing asked of apt for them
        rc, out, log = self.case(["nodejs:node", "npm:npm", "gnuplot-nox:gnuplot"],
                                 commands=["node", "npm"])
        self.assertEqual((rc, installs(log)), (0, [["gnuplot-nox"]]), out)

    def test_nodesource_nodejs_npm_never_asked(self):
        # NodeSource's nodejs bundles npm: only gnuplot is missing (the bench.sh failure)
        rc, out, log = self.case(["nodejs:node", "npm:npm", "gnuplot-nox:gnuplot"],
                                 installed=[NODESOURCE], commands=["node", "npm"])
        self.assertEqual((rc, installs(log)), (0, [["gnuplot-nox"]]), out)

    def test_nodesource_npm_not_on_path_still_not_asked(self):
        # its npm off PATH: apt would refuse Debian's npm beside it, so it is not asked for
        rc, out, log = self.case(["nodejs:node", "npm:npm", "gnuplot-nox:gnuplot"],
                                 installed=[NODESOURCE], commands=["node"])
        self.assertEqual((rc, installs(log)), (0, [["gnuplot-nox"]]), out)
        self.assertIn("npm is provided by an installed package", out)

    def test_bare_debian_gets_nodejs_and_npm(self):
        rc, out, log = self.case(["nodejs:node", "npm:npm", "gnuplot-nox:gnuplot"])
        self.assertEqual((rc, installs(log)), (0, [["nodejs", "npm", "gnuplot-nox"]]), out)

    def test_not_root_uses_sudo(self):
        rc, out, log = self.case(["valgrind"], uid=1000)
        self.assertEqual(rc, 0, out)
        self.assertEqual(log, ["sudo", "apt-get update -qq", "sudo",
                               "apt-get install -y -qq --no-install-recommends valgrind"])

    def test_dry_run_installs_nothing(self):
        m = Machine()
        self.addCleanup(m.close)
        rc, out, log = m.run(self.script, "valgrind", "nodejs:node", dry=True)
        self.assertEqual((rc, log), (0, []), out)
        self.assertIn("would install valgrind nodejs", out)


class Scripts(unittest.TestCase):
    """setup.sh and bench.sh themselves, through install_missing.sh."""

    def test_setup_installs_only_the_missing(self):
        pkgs = setup_packages()
        self.assertIn("pkg-config", pkgs)
        m = Machine(installed=[p for p in pkgs if p not in ("cmake", "pkg-config")])
        self.addCleanup(m.close)
        rc, out, log = m.run(os.path.join(SCRIPTS, "setup.sh"))
        self.assertEqual((rc, installs(log)), (0, [["cmake", "pkg-config"]]), out)
        m2 = Machine(installed=pkgs)
        self.addCleanup(m2.close)
        rc, out, log = m2.run(os.path.join(SCRIPTS, "setup.sh"))
        self.assertEqual((rc, log), (0, []), out)

    def bench(self, installed, commands):
        m = Machine(installed=setup_packages() + installed, commands=commands)
        self.addCleanup(m.close)
        return m.run(os.path.join(SCRIPTS, "bench.sh"), "--install-only")

    def test_bench_on_a_nodesource_machine(self):
        rc, out, log = self.bench([NODESOURCE], ["node", "npm"])
        self.assertEqual((rc, installs(log)), (0, [["gnuplot-nox"]]), out)

    def test_bench_with_node_and_npm_from_elsewhere(self):
        # nvm or a tarball: no nodejs package, but node and npm work
        rc, out, log = self.bench([], ["node", "npm", "gnuplot"])
        self.assertEqual((rc, log), (0, []), out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
