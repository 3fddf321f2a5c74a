import Glibc
import PaxosCore
import Posix
import Storage

/// Durable appends per second with `appenders` simulated clients driven by
/// one event-loop thread, as the runtime drives the WAL: each client appends
/// one record and appends its next only once the eventfd says it is durable.
/// Latency: from a record's append to the wake-up that sees it durable.
struct AppendStats {
    var rate: Double
    var p50Ms: Double
    var p99Ms: Double
    var maxMs: Double
}

func measureAppends(base: String, appenders: Int, seconds duration: Double,
                    options: WALOptions = WALOptions()) throws -> AppendStats {
    precondition(appenders > 0 && duration > 0, "bad benchmark parameters")
    let dir = ScratchDirectory(base: base, name: "appends")
    defer { dir.remove() }
    let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: options)
    defer { wal.close() }
    let payload = [UInt8](repeating: 0x61, count: 100)
    var slot: Slot = 0
    func nextRecord() -> Record {
        slot += 1
        return .accept(slot: slot, ballot: Ballot(round: 1, node: 1), value: ballotRecordValue(slot, payload: payload))
    }
    // Each waiting client is the durable count it waits for; durability is a
    // prefix, so they are released in append order (a FIFO).
    var waiting: [UInt64] = Array(1...UInt64(appenders))
    let start = SystemClock.monotonicNs()
    var appendedAt = [UInt64](repeating: start, count: appenders)
    var latencies: [Double] = []
    var head = 0
    wal.append((0..<appenders).map { _ in nextRecord() })
    let deadline = start + UInt64(duration * 1e9)
    var pfd = pollfd(fd: wal.completionFD, events: Int16(POLLIN), revents: 0)
    while SystemClock.monotonicNs() < deadline {
        guard poll(&pfd, 1, 100) > 0 else { continue }
        var counter: UInt64 = 0
        _ = read(wal.completionFD, &counter, 8)
        let durable = wal.durableCount
        let now = SystemClock.monotonicNs()
        var batch: [Record] = []
        while head < waiting.count && waiting[head] <= durable {
            latencies.append(Double(now - appendedAt[head]) / 1e6)
            head += 1
            batch.append(nextRecord())
        }
        guard !batch.isEmpty else { continue }
        var target = wal.appendedCount
        for _ in batch {
            target += 1
            waiting.append(target)
            appendedAt.append(now)
        }
        wal.append(batch)
        if head > 4096 {
            waiting.removeFirst(head)
            appendedAt.removeFirst(head)
            head = 0
        }
    }
    let elapsed = seconds(since: start)
    precondition(!wal.hasFailed, "the WAL failed during the benchmark")
    latencies.sort()
    precondition(!latencies.isEmpty, "no record became durable")
    return AppendStats(rate: Double(wal.durableCount) / elapsed, p50Ms: latencies[latencies.count / 2],
                       p99Ms: latencies[latencies.count * 99 / 100], maxMs: latencies[latencies.count - 1])
}

func runThroughputBench(base: String, runs: Int, seconds duration: Double) throws {
    print("storage-bench: \(runs) runs of \(fixed(duration, 1)) s per case, data in \(base)")
    var latencies: [Double] = []
    var overwriteLatencies: [Double] = []
    var results: [Int: [Double]] = [:]
    let counts = [1, 16, 64]
    for run in 1...runs {
        let probe = ScratchDirectory(base: base, name: "probe")
        let probed = try measureSyncLatency(directory: probe.path)
        latencies.append(probed.appending)
        overwriteLatencies.append(probed.overwriting)
        probe.remove()
        for n in counts {
            let rate = try measureAppends(base: base, appenders: n, seconds: duration).rate
            results[n, default: []].append(rate)
            print("  run \(run): \(n) appenders: \(Int(rate)) appends/s")
        }
        print("  run \(run): fdatasync latency \(fixed(latencies.last!, 3)) ms appending, \(fixed(overwriteLatencies.last!, 3)) ms overwriting")
    }
    let latency = median(latencies)
    print("fdatasync latency (median): \(fixed(latency, 3)) ms = \(Int(1000 / latency)) syncs/s")
    let overwriteLatency = median(overwriteLatencies)
    print("fdatasync latency overwriting a preallocated file (median): \(fixed(overwriteLatency, 3)) ms = \(Int(1000 / overwriteLatency)) syncs/s")
    for n in counts {
        print("durable appends/s with \(n) appenders (median): \(Int(median(results[n]!)))")
    }
    let ratio = median(results[64]!) / median(results[1]!)
    print("64 appenders / 1 appender: \(fixed(ratio, 1))x (target >= 20x)")
}
