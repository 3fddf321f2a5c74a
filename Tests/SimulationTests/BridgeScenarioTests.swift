import PaxosCore
import Simulator
import Testing

/// A "bridge" partition cuts only the link between the leader and a lower
/// node; the others still reach both. The cut-off node stops hearing the
/// leader and campaigns. Without leader stickiness the middle nodes promise
/// its higher ballot, the leader steps down, re-campaigns higher, and the
/// two duel for as long as the bridge lasts.
@Suite("Leader stickiness across a bridge partition")
struct BridgeScenarioTests {
    struct Outcome {
        var changesDuringBridge: Int
        var changesAfterHeal: Int
        var leaderAtEnd: NodeID?
        var writes: Int
        var committed: Int
        var notCommitted: [String]
    }

    /// Leader = highest id; cut only the link between node 1 and the leader
    /// for `bridgeMs` while the nodes that still reach the leader write every
    /// 50 ms (node 1 reaches no leader, so its clients get -NOQUORUM), then heal.
    static func bridge(nodes: Int, bridgeMs: UInt64 = 5_000) throws -> Outcome {
        var sim = Simulation.quiet(nodes: nodes)
        let top = NodeID(nodes)
        try sim.advance(to: 5_000) { $0.leader == top }
        #expect(sim.leader == top)
        let warm = try sim.write(at: top)
        try sim.advance(to: sim.nowMs + 1_000) { $0.outcome(of: warm) == "ok" }
        #expect(sim.outcome(of: warm) == "ok")

        let changesBefore = sim.counters.leaderChanges
        let start = sim.nowMs
        sim.cutLink(1, top)
        var ids: [RequestID] = []
        var writer = 0
        let writers = Array(2...top)
        var t = start
        while t + 50 <= start + bridgeMs {
            // Only writes with a second left to finish are judged before the heal.
            if t + 1_000 <= start + bridgeMs {
                ids.append(try sim.write(at: writers[writer % writers.count]))
                writer += 1
            }
            t += 50
            try sim.advance(to: t)
        }
        let changesDuringBridge = sim.counters.leaderChanges - changesBefore
        let leaderAtEnd = sim.leader
        let notCommitted = ids.map { sim.outcome(of: $0) }.filter { $0 != "ok" }

        sim.healLinks()
        let healedAt = sim.counters.leaderChanges
        try sim.advance(to: sim.nowMs + 3_000)
        let after = try sim.write(at: 2)
        try sim.advance(to: sim.nowMs + 2_000) { $0.outcome(of: after) != "pending" }
        #expect(sim.outcome(of: after) == "ok", "no write commits after the heal")
        return Outcome(changesDuringBridge: changesDuringBridge, changesAfterHeal: sim.counters.leaderChanges - healedAt,
                       leaderAtEnd: leaderAtEnd, writes: ids.count, committed: ids.count - notCommitted.count,
                       notCommitted: notCommitted)
    }

    @Test("link between node 1 and the leader cut for 5 s: the leader stays and writes keep committing", arguments: [3, 5])
    func bridgeKeepsLeader(nodes: Int) throws {
        let o = try Self.bridge(nodes: nodes)
        print("\(nodes) nodes: leader changes during the bridge \(o.changesDuringBridge), after the heal \(o.changesAfterHeal); "
              + "writes committed \(o.committed)/\(o.writes); leader at the end of the bridge \(o.leaderAtEnd.map(String.init) ?? "none")")
        #expect(o.changesDuringBridge <= 1, "leadership flapped \(o.changesDuringBridge) times during the bridge")
        #expect(o.leaderAtEnd == NodeID(nodes))
        #expect(o.notCommitted.isEmpty, "writes not committed during the bridge: \(o.notCommitted)")
        #expect(o.changesAfterHeal <= 2, "leadership flapped \(o.changesAfterHeal) times after the heal")
    }
}
