#!/bin/sh
# Figures for `ambc list --all --limit 1000` over the mock's 5000 batches on loopback:
# wall time, peak RSS (GNU time), peak heap (valgrind massif; on Linux Debian's mbedTLS
# allocates from the C heap, ambc itself never does), TLS handshakes and connections.
# usage: scripts/measure_list.sh [batches=5000] [limit=1000]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}
limit=${2:-1000}
cli="$root/build/bin/ambc"
work="$root/build/measure"
mkdir -p "$work"
bash "$root/tests/mock/gen_certs.sh" "$work"
rm -f "$work/port"
/usr/bin/python3 "$root/tests/mock/mock_api.py" --port 0 --batches "$n" --cert "$work/server.pem" \
    --key "$work/server.key" --port-file "$work/port" >/dev/null 2>"$work/mock.log" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true' EXIT INT TERM
while [ ! -s "$work/port" ]; do sleep 0.05; done
export ANTHROPIC_API_KEY=test-key ANTHROPIC_BASE_URL="https://localhost:$(cat "$work/port")"
run() { "$@" list --all --limit "$limit" --json --stats --ca-file "$work/ca.pem"; }

run "$cli" >/dev/null 2>&1 # warm-up
for i in 1 2 3; do
    /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" sh -c \
        "\"$cli\" list --all --limit $limit --json --stats --ca-file \"$work/ca.pem\" >\"$work/out.jsonl\"" \
        2>&1 | tr '\n' ' '
    echo " records $(wc -l <"$work/out.jsonl")"
done
valgrind --tool=massif --pages-as-heap=no --massif-out-file="$work/massif.out" \
    "$cli" list --all --limit "$limit" --json --ca-file "$work/ca.pem" >/dev/null 2>&1
peak=$(grep mem_heap_B "$work/massif.out" | sed 's/mem_heap_B=//' | sort -n | tail -1)
echo "peak heap (massif; mbedTLS, plus libc stdio and the resolver): $peak bytes"
valgrind --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
    "$cli" list --all --limit "$limit" --json --ca-file "$work/ca.pem" 2>&1 >/dev/null \
    | grep -E "total heap usage|ERROR SUMMARY|definitely"
