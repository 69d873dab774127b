#!/bin/sh
# The demo: build, then list batches with build/bin/ambc.
#  - without ANTHROPIC_API_KEY: start the bundled mock API over TLS on 127.0.0.1 with a test
#    CA made on the spot, list the newest batches, page forward twice, stop the mock;
#  - with ANTHROPIC_API_KEY: list your real batches from https://api.anthropic.com
#    (or ANTHROPIC_BASE_URL) with the system CA bundle.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cli="$root/build/bin/ambc"

if [ -n "${ANTHROPIC_API_KEY:-}" ]; then
    echo "== your batches (newest 20) from ${ANTHROPIC_BASE_URL:-https://api.anthropic.com}"
    exec "$cli" list --limit 20
fi

demo="$root/build/demo"
mkdir -p "$demo"
bash "$root/tests/mock/gen_certs.sh" "$demo"
rm -f "$demo/port"
/usr/bin/python3 "$root/tests/mock/mock_api.py" --host 127.0.0.1 --port 0 --batches 60 \
    --cert "$demo/server.pem" --key "$demo/server.key" --port-file "$demo/port" \
    >/dev/null 2>"$demo/mock.log" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$demo/port" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "mock did not start"; cat "$demo/mock.log"; exit 1; }
    sleep 0.05
done
port=$(cat "$demo/port")
export ANTHROPIC_API_KEY=test-key ANTHROPIC_BASE_URL="https://localhost:$port"

echo "== mock API (60 batches) at $ANTHROPIC_BASE_URL, verified TLS with a test CA"
echo "== page 1: ambc list --limit 5"
"$cli" list --limit 5 --ca-file "$demo/ca.pem"
after=$("$cli" list --limit 5 --json --ca-file "$demo/ca.pem" | tail -n 1 | sed 's/^{"id":"\([^"]*\)".*/\1/')
echo "== page 2: ambc list --limit 5 --after-id $after"
"$cli" list --limit 5 --after-id "$after" --ca-file "$demo/ca.pem"
echo "== every page: ambc list --all --limit 25 --json --stats (first 3 lines shown)"
"$cli" list --all --limit 25 --json --stats --ca-file "$demo/ca.pem" > "$demo/all.jsonl"
head -n 3 "$demo/all.jsonl"
echo "   ... $(wc -l < "$demo/all.jsonl") batches in all"
