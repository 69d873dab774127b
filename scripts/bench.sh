#!/bin/sh
# Benchmarks (not part of the test suite; figures go to docs/performance.md):
#  1. parse: pages of 20, 100 and 1000 batches, ambc vs jsmn over the whole page (alone and
#     after the same validation ambc does) vs cJSON, with memory per approach, then
#     instruction counts under callgrind (stable on a busy box);
#  2. memory versus page size: docs/memory-vs-page-size.png (gnuplot);
#  3. end to end: ambc vs the official TypeScript SDK listing 5000 batches from the mock;
#  4. create: ambc vs the same SDK creating a batch of 100,000 requests (~100 MB) on the mock;
#  5. results: the line mapper alone from memory, then ambc vs the same SDK reading a 1 GB-class
#     results file (100,000 lines of 10 kB) and files of one line of 1, 4 and 16 MiB.
#
# --install-only: install what the benchmarks need and stop (what tests/scripts checks).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
# Node.js and npm for the official TypeScript SDK, gnuplot for the plot (Debian packages), only
# what is missing: a node or npm already on PATH (NodeSource, nvm) is used as it is, and npm is
# never asked of apt beside a NodeSource nodejs, which bundles it.
"$root/scripts/install_missing.sh" nodejs:node npm:npm gnuplot-nox:gnuplot
[ "${1:-}" != "--install-only" ] || exit 0
"$root/scripts/build.sh"
bin="$root/build/bin"
for n in 20 100 1000; do "$bin/bench_parse" "$n" 21; echo; done
"$bin/bench_parse" --compact 1000 21; echo # the page without whitespace, as the API sends it
echo "instructions per 1000-batch page (callgrind, 3 rounds each, page generation subtracted):"
base=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/bench_parse" 1000 3 none 2>&1 \
       | sed -n 's/.*Collected : //p')
for a in ambc jsmn strict cjson; do
    t=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/bench_parse" 1000 3 "$a" 2>&1 \
        | sed -n 's/.*Collected : //p')
    echo "  $a: $(( (t - base) / 3 ))"
done
echo
/usr/bin/python3 "$root/tests/bench/plot_memory.py" "$bin/bench_parse" "$root/docs/memory-vs-page-size.png"
echo
node_dir="$root/build/bench/node"
mkdir -p "$node_dir"
if [ ! -d "$node_dir/node_modules/@anthropic-ai/sdk" ]; then
    (cd "$node_dir" && npm install --no-audit --no-fund --silent --save-exact @anthropic-ai/sdk@1.14.0)
fi
/usr/bin/python3 "$root/tests/bench/bench_e2e.py" "$bin/ambc" "$node_dir" 5 5000
echo
# 4. create: ambc vs the SDK creating one batch of 100,000 requests (about 100 MB) from the
#    same JSONL file on the mock; 3 alternating runs, bodies checked equal as JSON
/usr/bin/python3 "$root/tests/bench/bench_create.py" "$bin/ambc" "$node_dir" 3 100000
echo
# 5. results: the line mapper from memory (1.2 GB of 10 kB lines, one 78 MB line, 2 M short
#    lines), then both clients on the mock, 3 alternating runs, records and text bytes checked
"$bin/bench_results_parse" 100000 10000 3
"$bin/bench_results_parse" 1 67108864 3
"$bin/bench_results_parse" 2000000 20 3
/usr/bin/python3 "$root/tests/bench/bench_results.py" "$bin/ambc" "$node_dir" 3
