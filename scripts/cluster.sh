#!/usr/bin/env bash
# Runs a local PaxosKV cluster from config/cluster3.conf or config/cluster5.conf
# (DESIGN.md Part 1, "Scripts"). Logs and pid files live in run/, data in data/.
# Only the processes named in run/nodeN.pid are ever signalled, and only
# while that pid still runs paxosd with that --id.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/run"
START_DEADLINE_S="${PAXOSKV_START_DEADLINE_S:-20}"
STOP_DEADLINE_S="${PAXOSKV_STOP_DEADLINE_S:-10}"

usage() {
    cat <<'EOF'
usage: scripts/cluster.sh COMMAND

  start [3|5]   build release binaries if needed, start the nodes of
                config/clusterN.conf (default 3) in the background, wait
                until a leader is elected and print `kvctl status`; when
                no node has data yet (a new cluster) each starts with
                --bootstrap, so a majority forms the cluster
  stop          SIGTERM every node and wait for it to exit
  status        which nodes run (pid, running/paused), then `kvctl status`
  kill ID       SIGKILL node ID (a crash: kill -9)
  restart ID    start node ID again (stopping it first if it runs)
  pause ID      SIGSTOP node ID
  resume ID     SIGCONT node ID
  add ID        grow the running cluster by node ID: write its [node.ID]
                section (peer 71ID, client 64ID, metrics 94ID on
                127.0.0.1) into run/cluster.conf, start it with --join,
                then `kvctl member add`; waits until it votes
  remove ID     `kvctl member remove ID` (a leader hands over first); the
                node exits, its section leaves run/cluster.conf
  wipe          stop, then delete data/ and run/

After add or remove the cluster's config is run/cluster.conf (the
committed membership lives in the data directories; the file only says
where nodes listen). Logs: run/nodeN.log; pid files: run/nodeN.pid. Set PAXOSKV_BIN_DIR to use
prebuilt binaries instead of building them. Set PAXOSKV_TRACE=1 for start,
restart and add to trace each node to run/traceN.jsonl (paxosd --trace), then
draw them: kvctl trace render run/trace*.jsonl -o chart.svg. The live page of
node N is at its metrics address, e.g. http://127.0.0.1:9401/.
EOF
}

die() {
    echo "cluster.sh: $*" >&2
    exit 2
}

# The config the cluster was started with (remembered in run/config).
config_file() {
    if [[ -f "$RUN/config" ]]; then
        cat "$RUN/config"
    else
        echo "$ROOT/config/cluster3.conf"
    fi
}

node_ids() {
    sed -n 's/^[[:space:]]*\[node\.\([0-9][0-9]*\)\][[:space:]]*\(#.*\)\{0,1\}$/\1/p' "$1"
}

# The data directory of node ID in CONF (its `data = "..."`, relative to CONF).
data_dir() {
    local conf="$1" id="$2" path
    path="$(awk -v want="[node.$id]" '
        /^[[:space:]]*\[/ { sub(/[[:space:]]*(#.*)?$/, ""); gsub(/^[[:space:]]+/, ""); section = $0; next }
        section == want && /^[[:space:]]*data[[:space:]]*=/ { sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit }' "$conf")"
    [[ -n "$path" ]] || return 1
    if [[ "$path" == /* ]]; then echo "$path"; else echo "$(dirname "$conf")/$path"; fi
}

# True when no node of CONF has a log segment or a snapshot: a brand-new
# cluster, whose nodes may start with --bootstrap.
all_data_empty() {
    local conf="$1" id dir
    for id in $(node_ids "$conf"); do
        dir="$(data_dir "$conf" "$id")" || return 1
        [[ -z "$(find "$dir" \( -name '*.wal' -o -name '*.snap' \) -print -quit 2>/dev/null)" ]] || return 1
    done
}

bin_dir() {
    if [[ -n "${PAXOSKV_BIN_DIR:-}" ]]; then
        echo "$PAXOSKV_BIN_DIR"
    else
        echo "$ROOT/.build/release"
    fi
}

# Builds paxosd and kvctl unless both exist and are newer than every source file.
build_if_needed() {
    local dir
    dir="$(bin_dir)"
    if [[ -n "${PAXOSKV_BIN_DIR:-}" ]]; then
        [[ -x "$dir/paxosd" && -x "$dir/kvctl" ]] || die "PAXOSKV_BIN_DIR=$dir has no paxosd and kvctl"
        return
    fi
    if [[ -x "$dir/paxosd" && -x "$dir/kvctl" ]] &&
        [[ -z "$(find "$ROOT/Sources" "$ROOT/Package.swift" -newer "$dir/paxosd" -print -quit)" ]] &&
        [[ -z "$(find "$ROOT/Sources" "$ROOT/Package.swift" -newer "$dir/kvctl" -print -quit)" ]]; then
        return
    fi
    echo "cluster.sh: building release binaries (swift build -c release --static-swift-stdlib)..." >&2
    # shellcheck source=release-build.sh
    source "$ROOT/scripts/release-build.sh"
    release_build "$ROOT" paxosd kvctl || die "build failed"
}

kvctl() {
    "$(bin_dir)/kvctl" --config "$(config_file)" "$@"
}

pid_file() { echo "$RUN/node$1.pid"; }

# The pid of node ID when its pid file names a live paxosd started with
# --id ID; nothing (and status 1) otherwise, so a reused pid is never touched.
live_pid() {
    local id="$1" file pid
    file="$(pid_file "$id")"
    [[ -f "$file" ]] || return 1
    pid="$(cat "$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/comm" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == "paxosd" ]] || return 1
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "$id" || return 1
    echo "$pid"
}

# "paused" for a stopped process (state T), else "running".
process_state() {
    local state
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
    if [[ "$state" == "T" ]]; then echo paused; else echo running; fi
}

check_id() {
    local id="$1" conf
    conf="$(config_file)"
    [[ "$id" =~ ^[0-9]+$ ]] || die "node ID must be a number, got '$id'"
    node_ids "$conf" | grep -qx -- "$id" || die "no node $id in $conf"
}

# start_node ID [--bootstrap]
start_node() {
    local id="$1" conf pid
    shift
    conf="$(config_file)"
    if pid="$(live_pid "$id")"; then
        echo "node $id already runs (pid $pid)"
        return
    fi
    mkdir -p "$RUN"
    echo "--- $(date -u +%Y-%m-%dT%H:%M:%SZ) cluster.sh starts node $id" >>"$RUN/node$id.log"
    # PAXOSKV_TRACE=1: each node appends its protocol events to run/traceN.jsonl.
    local trace=()
    if [[ -n "${PAXOSKV_TRACE:-}" ]]; then trace=(--trace "$RUN/trace$id.jsonl"); fi
    # setsid: the node outlives this shell and a Ctrl-C in the terminal.
    setsid "$(bin_dir)/paxosd" --config "$conf" --id "$id" "${trace[@]}" "$@" >>"$RUN/node$id.log" 2>&1 </dev/null &
    echo $! >"$(pid_file "$id")"
    echo "started node $id (pid $!, log run/node$id.log)"
}

# SIGTERM node ID and wait; SIGKILL only if it outlives the deadline.
stop_node() {
    local id="$1" pid waited=0
    pid="$(live_pid "$id")" || {
        rm -f "$(pid_file "$id")"
        return
    }
    kill -TERM "$pid"
    kill -CONT "$pid" 2>/dev/null || true # a paused node must run to see SIGTERM
    while kill -0 "$pid" 2>/dev/null && ((waited < STOP_DEADLINE_S * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null && live_pid "$id" >/dev/null; then
        echo "node $id (pid $pid) still runs after ${STOP_DEADLINE_S}s: SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pid_file "$id")"
    echo "stopped node $id"
}

signal_node() {
    local id="$1" signal="$2" pid
    pid="$(live_pid "$id")" || die "node $id is not running (no live paxosd in run/node$id.pid)"
    kill "-$signal" "$pid"
}

# Waits until `kvctl status` sees a leader (it exits 0 then) or the deadline passes.
wait_for_leader() {
    local deadline=$((SECONDS + START_DEADLINE_S)) id
    while ((SECONDS < deadline)); do
        if kvctl --timeout 1 status >/dev/null 2>&1; then
            return 0
        fi
        for id in $(node_ids "$(config_file)"); do
            if [[ -f "$(pid_file "$id")" ]] && ! live_pid "$id" >/dev/null; then
                echo "cluster.sh: node $id exited; the end of run/node$id.log:" >&2
                tail -n 5 "$RUN/node$id.log" >&2 || true
                rm -f "$(pid_file "$id")"
            fi
        done
        sleep 0.5
    done
    return 1
}

cmd_start() {
    local size="${1:-3}" conf id
    [[ "$size" == 3 || "$size" == 5 ]] || die "start takes 3 or 5, got '$size'"
    conf="$ROOT/config/cluster$size.conf"
    # A cluster grown or shrunk with add/remove starts again from its own config.
    if [[ $# -eq 0 && "$(config_file)" == "$RUN/cluster.conf" && -f "$RUN/cluster.conf" ]]; then conf="$RUN/cluster.conf"; fi
    [[ -f "$conf" ]] || die "missing $conf"
    if [[ -f "$RUN/config" && "$(cat "$RUN/config")" != "$conf" ]]; then
        for id in $(node_ids "$(config_file)"); do
            if live_pid "$id" >/dev/null; then die "a cluster from $(cat "$RUN/config") runs: stop it first"; fi
        done
    fi
    build_if_needed
    mkdir -p "$RUN"
    echo "$conf" >"$RUN/config"
    # A brand-new cluster forms once a majority runs; otherwise an empty
    # data directory is a wiped node's, which catches up before it votes.
    local fresh=()
    if all_data_empty "$conf"; then fresh=(--bootstrap); fi
    for id in $(node_ids "$conf"); do start_node "$id" "${fresh[@]}"; done
    if wait_for_leader; then
        kvctl status
    else
        kvctl --timeout 1 status || true
        echo "cluster.sh: no leader within ${START_DEADLINE_S}s (logs in run/)" >&2
        exit 1
    fi
}

# The cluster's own copy of its config (run/cluster.conf), made on the first add or remove.
local_config() {
    local conf
    conf="$(config_file)"
    if [[ "$conf" != "$RUN/cluster.conf" ]]; then
        mkdir -p "$RUN"
        cp "$conf" "$RUN/cluster.conf"
        echo "$RUN/cluster.conf" >"$RUN/config"
    fi
    echo "$RUN/cluster.conf"
}

member_line() {
    kvctl --timeout 2 member list 2>/dev/null | awk -v id="$1" '$1 == id'
}

cmd_add() {
    local id="$1" conf peer client deadline
    [[ "$id" =~ ^[0-9]+$ ]] && ((id >= 1 && id <= 99)) || die "add takes a node ID 1...99, got '$id'"
    if node_ids "$(config_file)" | grep -qx -- "$id"; then die "node $id is already in $(config_file)"; fi
    kvctl --timeout 2 status >/dev/null 2>&1 || die "the cluster has no leader: start it first"
    conf="$(local_config)"
    peer="127.0.0.1:71$(printf %02d "$id")"
    client="127.0.0.1:64$(printf %02d "$id")"
    printf '\n[node.%s]\npeer   = "%s"\nclient = "%s"\ndata   = "../data/node%s"\nmetrics = "127.0.0.1:94%02d"\n' \
        "$id" "$peer" "$client" "$id" "$id" >>"$conf"
    start_node "$id" --join
    kvctl member add "$id" "$peer" "$client" || die "member add failed (node $id runs as a learner; see run/node$id.log)"
    deadline=$((SECONDS + START_DEADLINE_S))
    while ((SECONDS < deadline)); do
        if member_line "$id" | grep -q ' voter '; then
            kvctl member list
            return 0
        fi
        sleep 0.5
    done
    kvctl member list || true
    die "node $id was added but does not vote after ${START_DEADLINE_S}s (see run/node$id.log)"
}

cmd_remove() {
    local id="$1" conf pid waited=0
    check_id "$id"
    conf="$(local_config)"
    pid="$(live_pid "$id" || true)"
    kvctl member remove "$id" || die "member remove failed"
    # A removed node exits by itself (status 0).
    while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && ((waited < STOP_DEADLINE_S * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$(pid_file "$id")"
    # Drop the [node.ID] section, up to the next section.
    awk -v want="[node.$id]" '
        /^[[:space:]]*\[/ { line = $0; sub(/[[:space:]]*(#.*)?$/, "", line); gsub(/^[[:space:]]+/, "", line); skip = (line == want) }
        !skip' "$conf" >"$conf.tmp" && mv "$conf.tmp" "$conf"
    echo "removed node $id"
    kvctl member list
}

cmd_stop() {
    local id
    for id in $(node_ids "$(config_file)"); do stop_node "$id"; done
}

cmd_status() {
    local id pid
    for id in $(node_ids "$(config_file)"); do
        if pid="$(live_pid "$id")"; then
            echo "node $id: $(process_state "$pid") (pid $pid)"
        else
            echo "node $id: not running"
        fi
    done
    if [[ -x "$(bin_dir)/kvctl" ]]; then
        echo
        kvctl --timeout 1 status || true
    fi
}

main() {
    local command="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$command" in
    start)
        [[ $# -le 1 ]] || die "start takes at most one argument (3 or 5)"
        cmd_start "$@"
        ;;
    stop | status | wipe)
        [[ $# -eq 0 ]] || die "$command takes no arguments"
        case "$command" in
        stop) cmd_stop ;;
        status) cmd_status ;;
        wipe)
            cmd_stop
            rm -rf "$ROOT/data" "$RUN"
            echo "removed data/ and run/"
            ;;
        esac
        ;;
    add | remove)
        [[ $# -eq 1 ]] || die "$command takes a node ID"
        build_if_needed
        if [[ "$command" == add ]]; then cmd_add "$1"; else cmd_remove "$1"; fi
        ;;
    kill | restart | pause | resume)
        [[ $# -eq 1 ]] || die "$command takes a node ID"
        check_id "$1"
        case "$command" in
        kill)
            signal_node "$1" KILL
            rm -f "$(pid_file "$1")"
            echo "killed node $1 (SIGKILL)"
            ;;
        restart)
            [[ -x "$(bin_dir)/paxosd" ]] || die "no paxosd binary in $(bin_dir): run 'scripts/cluster.sh start' first"
            stop_node "$1"
            start_node "$1"
            ;;
        pause)
            signal_node "$1" STOP
            echo "paused node $1 (SIGSTOP)"
            ;;
        resume)
            signal_node "$1" CONT
            echo "resumed node $1 (SIGCONT)"
            ;;
        esac
        ;;
    -h | --help | help)
        usage
        ;;
    "")
        usage >&2
        exit 2
        ;;
    *)
        echo "cluster.sh: unknown command '$command'" >&2
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
