import PaxosCore
import Testing

/// Every follower reports the leader it follows once per change, however it
/// learned of it (a COORDINATOR first, or a heartbeat or accept): the
/// leader-change metric, the log and the live page count these events.
@Suite("following a new leader is reported")
struct LeaderEventTests {
    @Test("after the leader is killed, each survivor that follows the new leader says so")
    func followersReportNewLeader() throws {
        var c = ScriptedCluster(nodes: 3)
        c.run(ms: 3_000, until: { $0.leader != nil })
        let first = try #require(c.leader)
        let survivors = c.ids.filter { $0 != first }
        c.crash(first)
        c.events = []
        c.run(ms: 3_000, until: { $0.leader != nil && $0.leader != first })
        let next = try #require(c.leader)
        for id in survivors where id != next {
            let reported = c.events.contains { $0.0 == id && $0.1 == .followingLeader(next) }
            #expect(reported, "node \(id) follows node \(next) without saying so: \(c.events.filter { $0.0 == id })")
        }
    }
}
