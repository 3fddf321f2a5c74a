import PaxosCore
import Simulator
import Testing

@Suite("Bully election in a quiet cluster")
struct ElectionScenarioTests {
    static let electionTimeoutMs: UInt64 = 300

    @Test("with no faults the highest id leads and commits")
    func highestLeads() throws {
        var sim = Simulation.quiet(nodes: 3)
        try sim.advance(to: 5_000) { $0.leader != nil }
        #expect(sim.leader == 3)
        let id = try sim.write(at: 1)
        try sim.advance(to: sim.nowMs + 1_000) { $0.outcome(of: id) != "pending" }
        #expect(sim.outcome(of: id) == "ok")
    }

    @Test("after the leader crashes the next-highest leads within two election timeouts")
    func nextHighestTakesOver() throws {
        var sim = Simulation.quiet(nodes: 3)
        try sim.advance(to: 5_000) { $0.leader == 3 }
        let warm = try sim.write(at: 2)
        try sim.advance(to: sim.nowMs + 1_000) { $0.outcome(of: warm) == "ok" }
        let crashedAt = sim.nowMs
        sim.crashNode(3)
        try sim.advance(to: crashedAt + 2 * Self.electionTimeoutMs) { $0.leader == 2 }
        #expect(sim.leader == 2, "no new leader \(sim.nowMs - crashedAt) ms after the crash")
        print("failover took \(sim.nowMs - crashedAt) simulated ms")
        let id = try sim.write(at: 1)
        try sim.advance(to: sim.nowMs + 1_000) { $0.outcome(of: id) != "pending" }
        #expect(sim.outcome(of: id) == "ok")
    }

    @Test("a leader shutting down hands over faster than an election timeout")
    func handOverIsFast() throws {
        var sim = Simulation.quiet(nodes: 3)
        try sim.advance(to: 5_000) { $0.leader == 3 }
        let warm = try sim.write(at: 1)
        try sim.advance(to: sim.nowMs + 1_000) { $0.outcome(of: warm) == "ok" }
        let start = sim.nowMs
        try sim.input(.handOver, to: 3)
        sim.crashNode(3)   // the daemon exits right after; its TAKE-OVER is already on the wire
        try sim.advance(to: start + Self.electionTimeoutMs) { $0.leader == 2 }
        #expect(sim.leader == 2, "no leader \(sim.nowMs - start) ms after the hand-over")
        #expect(sim.nowMs - start < Self.electionTimeoutMs)
        print("hand-over took \(sim.nowMs - start) simulated ms")
    }

    @Test("a restarted higher node catches up, then takes over")
    func restartedHigherNodeBullies() throws {
        var sim = Simulation.quiet(nodes: 3)
        try sim.advance(to: 5_000) { $0.leader == 3 }
        sim.crashNode(3)
        try sim.advance(to: sim.nowMs + 2_000) { $0.leader == 2 }
        for _ in 0..<5 { try sim.write(at: 1) }
        try sim.advance(to: sim.nowMs + 500)
        sim.restartNode(3)
        try sim.advance(to: sim.nowMs + 3_000) { $0.leader == 3 }
        #expect(sim.leader == 3)
        let r3 = try #require(sim.replica(3))
        let r2 = try #require(sim.replica(2))
        #expect(r3.applied >= r2.applied - 1)
    }
}
