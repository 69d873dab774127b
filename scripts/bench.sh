#!/bin/sh
# Benchmarks (not part of the test suite; figures go to docs/performance.md):
#  1. parse: pages of 20, 100 and 1000 batches, ambc vs jsmn over the whole page (alone and
#     after the same validation ambc does) vs cJSON, with memory per approach, then
#     instruction counts under callgrind (stable on a busy box);
#  2. memory versus page size: docs/memory-vs-page-size.png (gnuplot);
#  3. end to end: ambc vs the official TypeScript SDK listing 5000 batches from the mock.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
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
# Node.js and npm for the official TypeScript SDK, gnuplot for the plot (Debian packages)
if ! command -v node >/dev/null || ! command -v npm >/dev/null || ! command -v gnuplot >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        nodejs npm gnuplot-nox >/dev/null
fi
/usr/bin/python3 "$root/tests/bench/plot_memory.py" "$bin/bench_parse" "$root/docs/memory-vs-page-size.png"
echo
node_dir="$root/build/bench/node"
mkdir -p "$node_dir"
if [ ! -d "$node_dir/node_modules/@anthropic-ai/sdk" ]; then
    (cd "$node_dir" && npm install --no-audit --no-fund --silent @anthropic-ai/sdk@1.14.0)
fi
/usr/bin/python3 "$root/tests/bench/bench_e2e.py" "$bin/ambc" "$node_dir" 5 5000
