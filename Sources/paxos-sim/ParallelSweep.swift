import PaxosCore
import Simulator
import Posix
import Synchronization

/// Runs a range of seeds on `jobs` threads. Each thread takes the next
/// chunk of seeds, runs them with its own counters, and adds them in at the
/// end; the first violation stops every thread after its current seed, and
/// the lowest failing seed found is the one reported (seeds are independent,
/// so the counters and verdict do not depend on the number of jobs unless a
/// seed fails).
struct ParallelSweep: Sendable {
    var nodes: Int
    var firstSeed: UInt64
    var count: Int
    var jobs: Int
    var bugs: Set<Bug>
    var faultMs: UInt64?

    private struct Shared {
        var next = 0
        var done = 0
        var summary = SimSummary()
    }

    static let chunk = 8

    func run(progress: @escaping @Sendable (Int) -> Void) -> SimSummary {
        precondition(jobs >= 1 && count >= 1, "at least one job and one seed")
        let shared = Locked(Shared())
        let stop = Atomic<Bool>(false)
        let sweep = self
        let threads = (0..<jobs).map { _ in
            PosixThread {
                var local = SimSummary()
                while !stop.load(ordering: .relaxed) {
                    let start = shared.withLock { s -> Int in
                        defer { s.next += Self.chunk }
                        return s.next
                    }
                    guard start < sweep.count else { break }
                    for i in start..<min(start + Self.chunk, sweep.count) {
                        if sweep.runOne(index: i, into: &local) {
                            stop.store(true, ordering: .relaxed)
                            break
                        }
                    }
                    let done = shared.withLock { s -> Int in
                        s.done += min(Self.chunk, sweep.count - start)
                        return s.done
                    }
                    progress(done)
                }
                shared.withLock { $0.summary.merge(local) }
            }
        }
        for t in threads { t.join() }
        return shared.withLock { $0.summary }
    }

    /// Runs seed number `index`; returns true when it found a violation.
    func runOne(index: Int, into summary: inout SimSummary) -> Bool {
        var options = SimOptions.derived(seed: firstSeed + UInt64(index), nodes: nodes, bugs: bugs)
        if let faultMs { options.faultMs = faultMs }
        var sim = Simulation(options: options)
        let result = sim.run()
        summary.seeds += 1
        summary.counters.add(sim.counters)
        guard case .failure(let v) = result else { return false }
        summary.violations += 1
        if summary.firstFailure.map({ options.seed < $0.options.seed }) ?? true { summary.firstFailure = (options, v) }
        return true
    }
}

extension SimSummary {
    /// Adds another thread's seeds in; the lower failing seed wins.
    mutating func merge(_ o: SimSummary) {
        seeds += o.seeds
        counters.add(o.counters)
        violations += o.violations
        if let f = o.firstFailure, firstFailure.map({ f.options.seed < $0.options.seed }) ?? true { firstFailure = f }
    }
}
