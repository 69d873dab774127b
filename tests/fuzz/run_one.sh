#!/bin/sh
# Run one libFuzzer harness for a bounded time over its seed corpus.
# usage: run_one.sh <harness> <seed dir> <seconds>
# New inputs go to a scratch copy in the build tree, never into the repository.
set -eu
bin=$1 seeds=$2 secs=$3
work=$(dirname "$bin")/corpus-$(basename "$bin")
mkdir -p "$work"
[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/crash-" "$work"
