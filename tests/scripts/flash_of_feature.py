#!/usr/bin/env python3
"""Flash a feature switch adds to the core: the `full` profile on Cortex-M4 -Os built with and
without one Kconfig bool (the same core/*.c, flags and section accounting as footprint.py),
and the files that differ.

Usage: flash_of_feature.py ROOT BUILD [SYMBOL=AMBC_OP_RESULTS]
(ROOT and BUILD absolute, or relative to the current directory)
"""
import glob
import os
import subprocess
import sys

root, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
symbol = sys.argv[3] if len(sys.argv) > 3 else "AMBC_OP_RESULTS"
sys.path.insert(0, os.path.join(root, "tests", "scripts"))
import footprint  # noqa: E402

tot = {}
for name, extra in (("with", ""), ("without", f"# CONFIG_{symbol} is not set\n")):
    d = os.path.join(build, "flash-of-feature", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(root, "configs", "full.defconfig")) as f:
        dc = f.read() + extra
    with open(os.path.join(d, "defconfig"), "w") as f:
        f.write(dc)
    env = dict(os.environ, KCONFIG_CONFIG=os.path.join(d, ".config"), srctree=root)
    subprocess.run([sys.executable, "-m", "defconfig", "--kconfig", os.path.join(root, "Kconfig"),
                    os.path.join(d, "defconfig")], check=True, env=env, cwd=d,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "genconfig", "--header-path",
                    os.path.join(d, "ambc_kconfig.h"), os.path.join(root, "Kconfig")],
                   check=True, env=env, cwd=d)
    inc = ["-I", os.path.join(root, "include"), "-I", d, "-I", os.path.join(root, "core"),
           "-isystem", os.path.join(build, "jsmn"), '-DAMBC_KCONFIG_HEADER="ambc_kconfig.h"']
    t = r = 0
    per = {}
    for src in sorted(glob.glob(os.path.join(root, "core", "*.c"))):
        obj = os.path.join(d, os.path.basename(src) + ".o")
        subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-Os", *footprint.FLAGS, *inc,
                        "-c", src, "-o", obj], check=True)
        a, b = footprint.section_sizes("arm-none-eabi-size", obj)
        per[os.path.basename(src)] = (a, b)
        t += a
        r += b
    tot[name] = (t, r, per)
(wt, wr, wp), (ot, orr, op) = tot["with"], tot["without"]
print(f"full profile, Cortex-M4 -Os, .text + .rodata: with {symbol} {wt} + {wr} = {wt + wr} B; "
      f"without {ot} + {orr} = {ot + orr} B; it adds {wt - ot} B .text + {wr - orr} B .rodata "
      f"= {wt + wr - ot - orr} B")
for f in sorted(wp):
    if wp[f] != op[f]:
        print(f"  {f}: .text {op[f][0]} -> {wp[f][0]}, .rodata {op[f][1]} -> {wp[f][1]}")
