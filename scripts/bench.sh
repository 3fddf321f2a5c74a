#!/usr/bin/env bash
# Same load against a 3-node PaxosKV and a local redis-server with
# `appendfsync always`, then the throughput ratio (DESIGN.md Part 5).
# A skeleton: it drives both with redis-benchmark when that is installed,
# and always runs `kvctl bench` against PaxosKV.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS=50
REQUESTS=100000
VALUE_SIZE=100
KEYS=10000
REDIS_PORT=6499

usage() {
    cat <<'EOF'
usage: scripts/bench.sh [--clients N] [--requests N] [--value-size B] [--keys K]

Starts a 3-node cluster with scripts/cluster.sh unless one runs, runs
`kvctl bench` (50% reads) against it, and, when redis-server and
redis-benchmark are installed, runs redis-benchmark SET/GET against node 1
and against a throwaway redis-server (appendfsync always, port 6499) and
prints PaxosKV/redis throughput ratios. Leaves the cluster running.
EOF
}

die() {
    echo "bench.sh: $*" >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --clients) CLIENTS="${2:?--clients needs a value}"; shift 2 ;;
    --requests) REQUESTS="${2:?--requests needs a value}"; shift 2 ;;
    --value-size) VALUE_SIZE="${2:?--value-size needs a value}"; shift 2 ;;
    --keys) KEYS="${2:?--keys needs a value}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
done

BIN="${PAXOSKV_BIN_DIR:-$ROOT/.build/release}"
KVCTL=("$BIN/kvctl" --config "$ROOT/config/cluster3.conf")

if ! "${KVCTL[@]}" --timeout 2 status >/dev/null 2>&1; then
    "$ROOT/scripts/cluster.sh" start 3
fi

echo "== kvctl bench against PaxosKV"
"${KVCTL[@]}" bench --clients "$CLIENTS" --requests "$REQUESTS" --value-size "$VALUE_SIZE" --keys "$KEYS" --reads 50

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    echo "bench.sh: redis-server/redis-benchmark not installed: no comparison with redis" >&2
    exit 0
fi

# Requests per second of one redis-benchmark test ("SET" or "GET") on PORT.
rps() {
    local port="$1" test="$2"
    redis-benchmark -p "$port" -t "${test,,}" -n "$REQUESTS" -c "$CLIENTS" -d "$VALUE_SIZE" -r "$KEYS" --csv -q |
        awk -F'","' -v t="$test" 'index($1, t) { gsub(/"/, "", $2); print int($2); exit }'
}

REDIS_DIR="$(mktemp -d)"
redis-server --port "$REDIS_PORT" --dir "$REDIS_DIR" --appendonly yes --appendfsync always \
    --save '' --daemonize no >"$REDIS_DIR/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; rm -rf "$REDIS_DIR"' EXIT
for _ in $(seq 50); do
    redis-benchmark -p "$REDIS_PORT" -t ping -n 1 -q >/dev/null 2>&1 && break
    sleep 0.1
done

for test in SET GET; do
    paxos="$(rps 6401 "$test")"
    redis="$(rps "$REDIS_PORT" "$test")"
    [[ -n "$paxos" && -n "$redis" && "$redis" -gt 0 ]] || die "could not read $test results"
    awk -v t="$test" -v p="$paxos" -v r="$redis" \
        'BEGIN { printf "%s: PaxosKV %d req/s, redis (appendfsync always) %d req/s, ratio %.2f\n", t, p, r, p / r }'
done
