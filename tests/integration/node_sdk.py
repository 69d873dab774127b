"""The official TypeScript SDK as an oracle: @anthropic-ai/sdk at the version the project
compares with, installed with npm into the build tree (AMBC_NODE_DIR, the folder
scripts/bench.sh uses) when missing. Shared by test_create.py and test_results.py."""

import json
import os
import shutil
import subprocess
import unittest

SDK_VERSION = "1.14.0"
BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench")


def ensure_sdk(node_dir, scripts):
    """node_dir (absolute) holding the SDK, with `scripts` (file names in tests/bench) copied
    beside node_modules (ESM resolves packages from a script's own folder); the calling test
    is skipped when node, npm or the SDK cannot be had."""
    if not node_dir:
        raise unittest.SkipTest("AMBC_NODE_DIR is not set (ctest sets it to <build>/bench/node)")
    node_dir = os.path.abspath(node_dir)
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise unittest.SkipTest(f"{tool} is not installed: the SDK comparison needs Node.js")
    pkg = os.path.join(node_dir, "node_modules", "@anthropic-ai", "sdk", "package.json")
    if not os.path.exists(pkg):
        os.makedirs(node_dir, exist_ok=True)
        p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--save-exact",
                            f"@anthropic-ai/sdk@{SDK_VERSION}"], cwd=node_dir,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=300)
        if p.returncode != 0 or not os.path.exists(pkg):
            raise unittest.SkipTest(f"npm could not install @anthropic-ai/sdk@{SDK_VERSION} "
                                    f"into {node_dir}: {p.stdout[-500:]}")
    with open(pkg) as f:
        version = json.load(f)["version"]
    if version != SDK_VERSION:
        raise unittest.SkipTest(f"{node_dir} holds @anthropic-ai/sdk {version}, not "
                                f"{SDK_VERSION}: remove its node_modules to reinstall")
    for script in scripts:
        shutil.copy(os.path.join(BENCH, script), node_dir)
    return node_dir
