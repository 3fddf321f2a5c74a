import PaxosCore
import Posix
import Storage

/// `--rotation`: what a new segment's zero fill costs the records waiting
/// behind it, with the next segment prepared ahead (on the preparer's
/// thread) and created at rotation (on the sync thread): 64 appenders of
/// 100-byte records for 4 s (16 MiB segments fill in about a second).
func runRotationBench(base: String, runs: Int) throws {
    print("storage-bench --rotation: \(runs) runs of 4 s, 64 appenders, 16 MiB segments")
    var results: [Bool: [AppendStats]] = [:]
    for run in 1...runs {
        for ahead in [true, false] {
            var options = WALOptions()
            options.preparesNextSegment = ahead
            let stats = try measureAppends(base: base, appenders: 64, seconds: 4, options: options)
            results[ahead, default: []].append(stats)
            print("  run \(run), \(label(ahead)): \(describe(stats))")
        }
    }
    for ahead in [true, false] {
        let all = results[ahead]!
        let medians = AppendStats(rate: median(all.map(\.rate)), p50Ms: median(all.map(\.p50Ms)),
                                  p99Ms: median(all.map(\.p99Ms)), maxMs: median(all.map(\.maxMs)))
        print("\(label(ahead)) (medians): \(describe(medians))")
    }
}

private func label(_ ahead: Bool) -> String { ahead ? "prepared ahead     " : "created at rotation" }

private func describe(_ stats: AppendStats) -> String {
    "\(Int(stats.rate)) appends/s, p50 \(fixed(stats.p50Ms, 3)) ms, p99 \(fixed(stats.p99Ms, 3)) ms, max \(fixed(stats.maxMs, 1)) ms"
}
