#!/usr/bin/env bash
# Linearizability under faults, against the real binaries (issue 5):
#   scripts/chaos.sh [--nodes 3|5] [--duration SECONDS] [--faults kill,pause,partition] [--seed S]
# Builds release paxosd and paxos-chaos if needed, then runs paxos-chaos:
# a cluster on free loopback ports with every peer link behind a
# fault-injecting proxy, concurrent clients on every node, a nemesis that
# kills, pauses and partitions, and a linearizability check of the history.
# Prints the fault log, operation counts, faults, the longest write
# unavailability and `linearizable: yes|no|unknown`; exits non-zero unless yes.
# Logs, data, history.jsonl and report.txt stay in the run directory it names
# (default run/chaos-SEED-TIME). `scripts/chaos.sh --help` lists every option.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${PAXOSKV_BIN_DIR:-$ROOT/.build/release}"

stale() {
    [[ ! -x "$BIN/$1" ]] || [[ -n "$(find "$ROOT/Sources" "$ROOT/Package.swift" -newer "$BIN/$1" -print -quit)" ]]
}

if [[ -z "${PAXOSKV_BIN_DIR:-}" ]] && { stale paxosd || stale paxos-chaos; }; then
    echo "chaos.sh: building release binaries (swift build -c release --static-swift-stdlib)..." >&2
    # shellcheck source=release-build.sh
    source "$ROOT/scripts/release-build.sh"
    release_build "$ROOT" paxosd paxos-chaos || { echo "chaos.sh: build failed" >&2; exit 2; }
fi
[[ -x "$BIN/paxosd" && -x "$BIN/paxos-chaos" ]] || { echo "chaos.sh: no paxosd and paxos-chaos in $BIN" >&2; exit 2; }

cd "$ROOT"
exec "$BIN/paxos-chaos" --paxosd "$BIN/paxosd" "$@"
