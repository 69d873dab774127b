#!/bin/sh
# The whole test suite: install what is missing, build, run every ctest test.
# (unit, ASan+UBSan, valgrind, fuzz smoke runs, Cortex-M cross build, ports, integration)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j2 "$@"
