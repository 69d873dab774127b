"""Fail when include/ambc/config.h's fallback defaults disagree with Kconfig.

Runs genconfig on the root Kconfig with no .config (all defaults) and compares
every CONFIG_AMBC_* it emits with the #ifndef defaults of config.h, both ways: the
numbers one by one, the feature switches (bools on by default) against the block
config.h uses when no Kconfig tool made the configuration.
"""
import json, os, re, subprocess, sys, tempfile

root = os.path.abspath(sys.argv[1])
with tempfile.TemporaryDirectory() as tmp:
    hdr = os.path.join(tmp, "gen.h")
    env = dict(os.environ, KCONFIG_CONFIG=os.path.join(tmp, "none.config"), srctree=root)
    subprocess.run([sys.executable, "-m", "genconfig", "--header-path", hdr,
                    os.path.join(root, "Kconfig")], check=True, env=env, cwd=tmp)
    gen = dict(re.findall(r"^#define (CONFIG_AMBC_\w+) (.+)$", open(hdr).read(), re.M))

# Ranges (issue 16): Kconfig's `range lo hi` and its help's "Range lo..hi", config.h's
# comment "Range lo..hi" and its #error check must all say the same.
DUMP = """
import json, sys, kconfiglib
k = kconfiglib.Kconfig(sys.argv[1], warn=False)
out = {}
for s in k.unique_defined_syms:
    if s.type == kconfiglib.INT and s.ranges:
        lo, hi, _ = s.ranges[0]
        help_ = " ".join(n.help or "" for n in s.nodes)
        out["CONFIG_" + s.name] = [int(lo.str_value), int(hi.str_value), " ".join(help_.split())]
# a symbol whose `depends on` is unmet with all defaults is not emitted: its own default
hidden = {"CONFIG_" + s.name: s.defaults[0][0].str_value for s in k.unique_defined_syms
          if s.defaults and kconfiglib.expr_value(s.direct_dep) == 0}
print(json.dumps([out, hidden]))
"""
env = dict(os.environ, srctree=root)
ranges, hidden = json.loads(subprocess.run([sys.executable, "-c", DUMP, os.path.join(root, "Kconfig")],
                                   check=True, env=env, stdout=subprocess.PIPE, text=True).stdout)

text = open(os.path.join(root, "include", "ambc", "config.h")).read()
fallback = dict(re.findall(r"^#ifndef (CONFIG_AMBC_\w+)\n#define \1 (.+)$", text, re.M))
# the feature switches: one block, used only when no Kconfig tool made the configuration
block = re.search(r"^#ifndef CONFIG_AMBC_KCONFIG\n(.*?)^#endif", text, re.M | re.S)
if block is None:
    print("config.h has no '#ifndef CONFIG_AMBC_KCONFIG' block of feature defaults")
    sys.exit(1)
fallback.update(re.findall(r"^#define (CONFIG_AMBC_\w+) +(\S+)(?: +/\*.*\*/)?$", block.group(1), re.M))
gen.pop("CONFIG_AMBC_KCONFIG", None)  # the marker itself, never back-filled

bad = 0
for k in sorted(set(gen) | set(fallback)):
    g, f = gen.get(k, hidden.get(k)), fallback.get(k)
    if g != f:
        print(f"MISMATCH {k}: Kconfig default {g!r}, config.h default {f!r}")
        bad += 1
    else:
        print(f"ok {k} = {g}" + (" (its `depends on` is unmet by default)" if k in hidden else ""))
if not gen:
    print("genconfig produced no CONFIG_AMBC_ symbols"); bad += 1

for k, (lo, hi, help_) in sorted(ranges.items()):
    want = f"Range {lo}..{hi}"
    if want not in help_:
        print(f"RANGE {k}: Kconfig says range {lo} {hi} but its help does not say '{want}'")
        bad += 1
    m = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*#ifndef " + k + r"\n", text, re.S)
    doc = " ".join(m.group(1).replace("*", " ").split()) if m else ""
    if want not in doc:
        print(f"RANGE {k}: config.h's comment does not say '{want}'")
        bad += 1
    low = f"{k} < {lo} || " if lo > 0 else ""
    check = f"#if {low}{k} > {hi}\n#error \"{k} must be in {lo}..{hi}\""
    if check not in text:
        print(f"RANGE {k}: config.h lacks exactly: {check!r}")
        bad += 1
print(f"{len(ranges)} ranges compared (Kconfig range, Kconfig help, config.h comment and check)")
sys.exit(1 if bad else 0)
