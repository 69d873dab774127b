#!/bin/sh
# Longer fuzzing: every harness for SECONDS (default 600) each, one after another.
# usage: scripts/fuzz.sh [seconds] [harness-name-filter]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
filter=${2:-}
CC=clang cmake -S "$root/tests/fuzz" -B "$root/build/fuzz" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$root/build/fuzz" -j"$(nproc)"
for h in "$root"/build/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    name=$(basename "$h" | sed 's/^fuzz_//')
    case "$name" in *"$filter"*) ;; *) continue ;; esac
    echo "== $name for ${secs}s"
    "$root/tests/fuzz/run_one.sh" "$h" "$root/tests/fuzz/corpus/$name" "$secs"
done
