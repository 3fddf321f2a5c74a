import PaxosCore
import Simulator
import Testing

@Suite("recovery: an own snapshot that does not decode")
struct RecoveryErrorTests {
    @Test("is an error the runtime can report (paxosd says so and exits), not a trap; a good one restores (control)")
    func unreadableSnapshot() throws {
        let config = CoreConfig(id: 1, members: [1, 2, 3])
        var bad = RecoveredState()
        bad.isEmpty = false
        bad.snapshotIndex = 7
        bad.snapshotData = [1, 2, 3]  // not a SimStateMachine snapshot
        #expect(throws: SnapshotUnreadable.self) {
            _ = try Replica(config: config, stateMachine: SimStateMachine(), recovering: bad)
        }
        var good = bad
        good.snapshotData = SimStateMachine().snapshot()
        let replica = try Replica(config: config, stateMachine: SimStateMachine(), recovering: good)
        #expect(replica.applied == 7)
    }
}
