"""Fail when include/ambc/config.h's fallback defaults disagree with Kconfig.

Runs genconfig on the root Kconfig with no .config (all defaults) and compares
every CONFIG_AMBC_* it emits with the #ifndef defaults of config.h, both ways.
"""
import os, re, subprocess, sys, tempfile

root = os.path.abspath(sys.argv[1])
with tempfile.TemporaryDirectory() as tmp:
    hdr = os.path.join(tmp, "gen.h")
    env = dict(os.environ, KCONFIG_CONFIG=os.path.join(tmp, "none.config"), srctree=root)
    subprocess.run([sys.executable, "-m", "genconfig", "--header-path", hdr,
                    os.path.join(root, "Kconfig")], check=True, env=env, cwd=tmp)
    gen = dict(re.findall(r"^#define (CONFIG_AMBC_\w+) (.+)$", open(hdr).read(), re.M))

text = open(os.path.join(root, "include", "ambc", "config.h")).read()
fallback = dict(re.findall(r"^#ifndef (CONFIG_AMBC_\w+)\n#define \1 (.+)$", text, re.M))

bad = 0
for k in sorted(set(gen) | set(fallback)):
    g, f = gen.get(k), fallback.get(k)
    if g != f:
        print(f"MISMATCH {k}: Kconfig default {g!r}, config.h default {f!r}")
        bad += 1
    else:
        print(f"ok {k} = {g}")
if not gen:
    print("genconfig produced no CONFIG_AMBC_ symbols"); bad += 1
sys.exit(1 if bad else 0)
