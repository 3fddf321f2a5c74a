#!/usr/bin/env bash
# Restart and failover times of a loaded 3-node cluster (the performance
# issue's last two targets): a node restarting from its snapshot and log,
# and the first committed write after the leader is killed under load.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<'EOF'
usage: scripts/recovery-bench.sh [--keys N] [--value-size B] [--rounds R] [--keep]

Starts 3 paxosd (release build, or PAXOSKV_BIN_DIR) on free loopback ports
with their data in a temporary directory, SETs N keys (default 1,000,000)
of B bytes (default 100) through the leader, then R times (default 3):
  restart   kill -9 a follower, start it again and time (a) until it
            listens (snapshot loaded, log replayed) and (b) until it has
            applied everything the leader had committed when it was killed;
  failover  with 8 clients writing to the leader and the followers, kill -9
            the leader and time until a write is acknowledged by the new
            leader (default timeouts: heartbeat 50 ms, election 300 ms).
Prints each measurement and the medians. Every process it started is killed
on exit, and the temporary directory removed (--keep: left, with the node
logs, and named).
EOF
}

KEYS=1000000
VALUE_SIZE=100
ROUNDS=3
KEEP=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --keys) KEYS="${2:?--keys needs a value}"; shift 2 ;;
    --value-size) VALUE_SIZE="${2:?--value-size needs a value}"; shift 2 ;;
    --rounds) ROUNDS="${2:?--rounds needs a value}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; echo "recovery-bench.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

if [[ -z "${PAXOSKV_BIN_DIR:-}" ]]; then
    # shellcheck source=release-build.sh
    source "$ROOT/scripts/release-build.sh"
    release_build "$ROOT" paxosd >/dev/null
fi
BIN="$(cd "${PAXOSKV_BIN_DIR:-$ROOT/.build/release}" && pwd)"
[[ -x "$BIN/paxosd" ]] || { echo "recovery-bench.sh: no $BIN/paxosd" >&2; exit 2; }

exec python3 - "$BIN/paxosd" "$KEYS" "$VALUE_SIZE" "$ROUNDS" "$KEEP" <<'PY'
import os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time

paxosd, keys, vsize, rounds, keep = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
work = tempfile.mkdtemp(prefix="recovery-bench.")
procs = {}

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

ports = {i: (free_port(), free_port()) for i in (1, 2, 3)}
with open(os.path.join(work, "cluster.conf"), "w") as f:
    f.write('cluster = "recovery-bench"\n')
    for i, (peer, client) in ports.items():
        f.write('[node.%d]\npeer = "127.0.0.1:%d"\nclient = "127.0.0.1:%d"\ndata = "data/node%d"\n' % (i, peer, client, i))

def start(i):
    log = open(os.path.join(work, "node%d.log" % i), "ab")
    procs[i] = subprocess.Popen([paxosd, "--config", "cluster.conf", "--id", str(i)], cwd=work, stdout=log, stderr=log)

def kill(i):
    p = procs.pop(i, None)
    if p and p.poll() is None:
        p.kill(); p.wait()

def cleanup(*_):
    for i in list(procs): kill(i)
    if keep: print("recovery-bench: kept %s" % work)
    else: shutil.rmtree(work, ignore_errors=True)

signal.signal(signal.SIGTERM, lambda *a: (cleanup(), sys.exit(1)))

def command(i, *args, timeout=2.0):
    """One RESP command on node i's client port; returns the reply line (or bulk) as text, None on error."""
    try:
        with socket.create_connection(("127.0.0.1", ports[i][1]), timeout=timeout) as s:
            s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
            f = s.makefile("rb")
            line = f.readline()
            if line.startswith(b"$"):
                n = int(line[1:])
                return None if n < 0 else f.read(n + 2)[:-2].decode()
            return line.decode().strip()
    except OSError:
        return None

def info(i):
    text = command(i, b"INFO", b"paxos")
    if not text: return {}
    return dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)

def wait(what, cond, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = cond()
        if v: return v
        time.sleep(0.005)
    raise SystemExit("recovery-bench: timed out after %.0f s waiting for %s (logs in %s)" % (limit, what, work))

def leader():
    for i in procs:
        if info(i).get("role") == "leader": return i
    return None

def load(port):
    v = b"v" * vsize
    def worker(lo, hi):
        s = socket.create_connection(("127.0.0.1", port), timeout=60); f = s.makefile("rb")
        for a in range(lo, hi, 500):
            b = min(hi, a + 500)
            s.sendall(b"".join(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$%d\r\n%s\r\n" % (k, vsize, v) for k in range(a, b)))
            for _ in range(a, b):
                r = f.readline()
                if r != b"+OK\r\n": raise SystemExit("recovery-bench: preload got %r" % r)
    step = (keys + 3) // 4
    ts = [threading.Thread(target=worker, args=(lo, min(keys, lo + step))) for lo in range(0, keys, step)]
    for t in ts: t.start()
    for t in ts: t.join()

try:
    for i in ports: start(i)
    L = wait("a leader", leader, 30)
    t0 = time.monotonic(); load(ports[L][1])
    print("preloaded %d keys x %d B through node %d in %.1f s" % (keys, vsize, L, time.monotonic() - t0))
    restarts, caughtUp, failovers = [], [], []
    for r in range(rounds):
        L = wait("a leader", leader, 30)
        F = next(i for i in procs if i != L)
        target = int(info(L)["commit_index"])
        wait("node %d to apply %d" % (F, target), lambda: int(info(F).get("applied_index", 0)) >= target, 60)
        kill(F)
        target = int(info(L)["commit_index"])
        t0 = time.monotonic(); start(F)
        wait("node %d to listen" % F, lambda: command(F, b"PING", timeout=0.2) == "+PONG", 60)
        t1 = time.monotonic()
        wait("node %d to catch up" % F, lambda: int(info(F).get("applied_index", 0)) >= target, 60)
        t2 = time.monotonic()
        snap = info(F).get("snapshot_index", "?")
        restarts.append(t1 - t0); caughtUp.append(t2 - t0)
        print("round %d restart: node %d listens after %.2f s, applied %d (snapshot %s) after %.2f s" % (r + 1, F, t1 - t0, target, snap, t2 - t0))

        # Failover under load: 8 writers, spread over every node; only a
        # write sent after the kill counts (one sent before may have been
        # committed by the old leader).
        stop, acked, errors = threading.Event(), [], []
        def writer(n):
            k = 0
            while not stop.is_set():
                i = (1, 2, 3)[n % 3]
                if i not in procs: i = next(iter(procs))
                sent = time.monotonic()
                reply = command(i, b"SET", b"fo:%d:%d" % (n, k), b"x", timeout=1.0)
                if reply == "+OK": acked.append((sent, time.monotonic()))
                else: errors.append(reply)
                k += 1
        ws = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for w in ws: w.start()
        wait("writes under load", lambda: len(acked) > 50, 10)
        L = wait("a leader", leader, 30)
        t0 = time.monotonic(); kill(L)
        first = wait("a write acknowledged after the kill", lambda: next((done for (sent, done) in list(acked) if sent > t0), None), 30)
        stop.set()
        for w in ws: w.join()
        NL = leader()
        failovers.append(first - t0)
        print("round %d failover: leader %d killed; first write acknowledged %.3f s later (new leader %s)" % (r + 1, L, first - t0, NL))
        start(L)
        wait("node %d back" % L, lambda: command(L, b"PING", timeout=0.2) == "+PONG", 60)
    print("median restart (listening) %.2f s, caught up %.2f s, failover %.3f s over %d rounds" % (
        statistics.median(restarts), statistics.median(caughtUp), statistics.median(failovers), rounds))
finally:
    cleanup()
PY
