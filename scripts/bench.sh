#!/usr/bin/env bash
# The project's own benchmark: the same load against the leader of a local
# 3-node PaxosKV and against a local redis-server with `appendfsync always`,
# interleaved per workload, in the rows ../shared/bench/versus.sh prints
# (that script is the yardstick; this one needs only this repository).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS=100000
VALUE_SIZE=100
KEYS=100000
REDIS_PORT=6499

usage() {
    cat <<'EOF'
usage: scripts/bench.sh [--requests N] [--value-size B] [--keys K]

Starts the 3-node cluster of config/cluster3.conf with scripts/cluster.sh
unless it runs, runs `kvctl bench` (50% reads) against it, then, when
redis-server and redis-benchmark are installed, runs each workload on a
throwaway redis-server (appendfsync always, port 6499) and at once on the
PaxosKV leader: SET and GET at 1, 16 and 64 clients, SET and GET at 64
clients pipelining 16, and SET at 64 clients through a follower. N requests
per run (default 100,000; 10 x that for the pipelined rows), B-byte values
(100) over K keys (100,000). Prints ops/s, p50 and p99 of each side and the
PaxosKV/Redis ratio. Leaves the cluster running.
EOF
}

die() {
    echo "bench.sh: $*" >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --requests) REQUESTS="${2:?--requests needs a value}"; shift 2 ;;
    --value-size) VALUE_SIZE="${2:?--value-size needs a value}"; shift 2 ;;
    --keys) KEYS="${2:?--keys needs a value}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
done

BIN="${PAXOSKV_BIN_DIR:-$ROOT/.build/release}"
CONFIG="$ROOT/config/cluster3.conf"
KVCTL=("$BIN/kvctl" --config "$CONFIG")

if ! "${KVCTL[@]}" --timeout 2 status >/dev/null 2>&1; then
    "$ROOT/scripts/cluster.sh" start 3
fi

echo "== kvctl bench against PaxosKV"
"${KVCTL[@]}" bench --clients 50 --requests "$REQUESTS" --value-size "$VALUE_SIZE" --keys "$KEYS" --reads 50

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "bench.sh: redis-server/redis-benchmark/redis-cli not installed: no comparison with redis" >&2
    exit 0
fi

# The client ports of the config, and which one the leader listens on.
mapfile -t PORTS < <(sed -n 's/^client *= *"[^:]*:\([0-9]*\)".*/\1/p' "$CONFIG")
role() { redis-cli -p "$1" info paxos 2>/dev/null | tr -d '\r' | sed -n 's/^role://p'; }
LEADER=""
FOLLOWER=""
for port in "${PORTS[@]}"; do
    case "$(role "$port")" in
    leader) LEADER=$port ;;
    follower) FOLLOWER=${FOLLOWER:-$port} ;;
    esac
done
[[ -n "$LEADER" && -n "$FOLLOWER" ]] || die "no leader and follower among client ports ${PORTS[*]}"

REDIS_DIR="$(mktemp -d)"
redis-server --port "$REDIS_PORT" --dir "$REDIS_DIR" --appendonly yes --appendfsync always \
    --save '' --daemonize no >"$REDIS_DIR/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; rm -rf "$REDIS_DIR"' EXIT
for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done

# "rps p50 p99" of one redis-benchmark run (its --csv: test, rps, avg, min, p50, p95, p99, max).
measure() {
    local port="$1" test="$2" clients="$3" pipeline="$4" n="$5"
    redis-benchmark -p "$port" -t "$test" -n "$n" -c "$clients" -P "$pipeline" -d "$VALUE_SIZE" -r "$KEYS" --csv 2>/dev/null |
        awk -F, 'NR > 1 { for (i = 1; i <= NF; i++) gsub(/"/, "", $i); print int($2), $5, $7; exit }'
}

printf '%-18s %7s %12s %8s %8s %12s %8s %8s %8s\n' workload clients "PaxosKV/s" p50 p99 "Redis/s" p50 p99 ratio
row() {
    local name="$1" test="$2" clients="$3" pipeline="$4" port="$5" n="$REQUESTS" paxos redis
    [[ "$pipeline" -gt 1 ]] && n=$((REQUESTS * 10))
    redis="$(measure "$REDIS_PORT" "$test" "$clients" "$pipeline" "$n")"
    paxos="$(measure "$port" "$test" "$clients" "$pipeline" "$n")"
    [[ -n "$paxos" && -n "$redis" ]] || die "could not read the results of $name at $clients clients"
    # shellcheck disable=SC2086
    set -- $paxos $redis
    awk -v w="$name" -v c="$clients" -v p="$1" -v p50="$2" -v p99="$3" -v r="$4" -v r50="$5" -v r99="$6" \
        'BEGIN { printf "%-18s %7d %12d %8.3f %8.3f %12d %8.3f %8.3f %8.2f\n", w, c, p, p50, p99, r, r50, r99, (r > 0 ? p / r : 0) }'
}
for clients in 1 16 64; do row SET set "$clients" 1 "$LEADER"; done
for clients in 1 16 64; do row GET get "$clients" 1 "$LEADER"; done
row "SET -P16" set 64 16 "$LEADER"
row "GET -P16" get 64 16 "$LEADER"
row "SET via follower" set 64 1 "$FOLLOWER"
echo "(leader on port $LEADER, follower row via port $FOLLOWER; p50/p99 in ms; -P16 latencies are per pipelined batch)"
