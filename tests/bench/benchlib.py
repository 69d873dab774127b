"""What the benchmarks against the official TypeScript SDK share: the skip when node, the SDK
or GNU time is missing, and GNU time -v's figures."""
import os
import re
import shutil
import sys


def require_sdk(node_dir, script, installer):
    """Exit 77 (ctest's skip) unless node, @anthropic-ai/sdk in NODE_DIR and GNU time are here;
    then copy SCRIPT beside node_modules (ESM resolves packages from the script's own folder).
    Returns the SDK's package.json."""
    sdk_pkg = os.path.join(node_dir, "node_modules", "@anthropic-ai", "sdk", "package.json")
    for ok, why in ((shutil.which("node"), "node is not installed"),
                    (os.path.exists(sdk_pkg), f"no @anthropic-ai/sdk in {node_dir} (scripts/"
                                              f"bench.sh or {installer} installs it)"),
                    (os.access("/usr/bin/time", os.X_OK), "GNU time (/usr/bin/time) is missing")):
        if not ok:
            print(f"SKIP: {why}")
            sys.exit(77)
    shutil.copy(script, node_dir)
    return sdk_pkg


def parse_time_v(path):
    """(wall s, CPU s, max RSS KB) from the file of `/usr/bin/time -v -o FILE`."""
    with open(path) as f:
        t = f.read()

    def num(label):
        return re.search(re.escape(label) + r".*?: ([\d.:]+)\s*$", t, re.M).group(1)
    secs = 0.0
    for part in num("Elapsed (wall clock) time").split(":"):
        secs = secs * 60 + float(part)
    return secs, float(num("User time")) + float(num("System time")), int(num("Maximum resident"))
