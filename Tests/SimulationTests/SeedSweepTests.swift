import PaxosCore
import Simulator
import Testing

/// Hundreds of seeds with every fault kind on: no violation may appear, and
/// every kind of fault and event must actually have been exercised.
@Suite("Simulated clusters under faults")
struct SeedSweepTests {
    static let seedsPerSize = 250

    @Test("clusters keep agreement, durability, linearizable reads and liveness", arguments: [3, 5])
    func sweep(nodes: Int) {
        let summary = SimRunner.run(nodes: nodes, firstSeed: 10_000, count: Self.seedsPerSize)
        if let (options, violation) = summary.firstFailure {
            Issue.record("\(violation)\nreplay: \(options.replayCommand) --trace")
        }
        #expect(summary.violations == 0)
        #expect(summary.seeds == Self.seedsPerSize)
        #expect(summary.missing.isEmpty, "never exercised: \(summary.missing)")
        // Too few of a kind is a failing run, not a pass.
        let c = summary.counters
        #expect(c.crashes >= summary.seeds, "crashes: \(c.crashes)")
        #expect(c.partitions >= summary.seeds, "partitions: \(c.partitions)")
        #expect(c.oneWayCuts >= summary.seeds / 2, "one-way cuts: \(c.oneWayCuts)")
        #expect(c.wipes >= summary.seeds / 2, "wipes: \(c.wipes)")
        #expect(c.leaderChanges >= summary.seeds, "leader changes: \(c.leaderChanges)")
        #expect(c.compactions >= summary.seeds, "compactions: \(c.compactions)")
        #expect(c.snapshotTransfers >= summary.seeds / 10, "snapshot transfers: \(c.snapshotTransfers)")
        #expect(c.readsAnswered >= summary.seeds * 5, "reads: \(c.readsAnswered)")
        // Five nodes spend more of a run below quorum (two may be wiped at once, storms).
        #expect(c.writesAcked >= summary.seeds * (nodes == 3 ? 20 : 10), "writes: \(c.writesAcked)")
        // Half the 5-node seeds start with 3 members and add and remove some.
        if nodes == 5 { #expect(c.memberChanges >= summary.seeds / 4, "member changes: \(c.memberChanges)") }
    }

    @Test("a seed replays exactly")
    func replay() {
        let options = SimOptions.derived(seed: 4242, nodes: 3)
        var a = Simulation(options: options)
        var b = Simulation(options: options)
        let ra = a.run()
        let rb = b.run()
        #expect(a.counters == b.counters)
        #expect((try? ra.get()) != nil)
        #expect((try? rb.get()) != nil)
    }
}
