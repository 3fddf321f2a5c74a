import PaxosCore
import Simulator
import Testing

@Suite("Proposals at the end of a loop turn")
struct EndOfTurnTests {
    /// Node 3 leading a three-node cluster with its first slot chosen.
    func leader(endOfTurn: Bool) -> Harness {
        Harness.leadingNode3 { $0.proposesAtEndOfTurn = endOfTurn }
    }

    /// The slots and their requests of every accept sent to node 1.
    func accepts(_ outputs: [Output]) -> [(slot: Slot, requests: [RequestID])] {
        outputs.flatMap { $0.messages(to: 1) }.compactMap { m in
            if case .accept(_, let slot, let value, _) = m { return (slot, value.requests.map(\.id)) }
            return nil
        }
    }

    /// Three writes of our clients and one forwarded by node 1, in one turn.
    func turn(_ h: inout Harness) -> [Output] {
        var outputs: [Output] = []
        for serial in 1...3 { outputs.append(h.step(.submit(write(UInt64(serial), origin: 3, serial: UInt64(serial))))) }
        outputs.append(h.receive(.forward(write(9, origin: 1, serial: 1)), from: 1))
        return outputs
    }

    @Test("a turn's writes, local and forwarded, go out in one slot when the turn ends")
    func oneSlotPerTurn() {
        var h = leader(endOfTurn: true)
        #expect(h.replica.role == .leader)
        let during = turn(&h)
        #expect(accepts(during).isEmpty, "proposed before the turn ended: \(accepts(during))")
        let end = h.step(.endOfTurn)
        let sent = accepts([end])
        #expect(sent.count == 1)
        #expect(sent.first?.requests.count == 4)
        #expect(h.step(.endOfTurn).messages.isEmpty, "a second end of turn proposes nothing new")
    }

    @Test("control: without it, each write takes a free slot as it arrives")
    func slotPerWriteWithout() {
        var h = leader(endOfTurn: false)
        let sent = accepts(turn(&h))
        #expect(sent.count == 4)
        #expect(sent.allSatisfy { $0.requests.count == 1 })
    }
}

@Suite("Commit notices at the end of a loop turn")
struct CommitNoticeTests {
    func heartbeats(_ out: Output, to node: NodeID) -> [Slot] {
        out.messages(to: node).compactMap { m in
            if case .heartbeat(_, let commit, _) = m { return commit }
            return nil
        }
    }

    @Test("a turn that chose a slot but sent no accept tells the followers the new commit point")
    func noticeAfterChosen() {
        var h = EndOfTurnTests().leader(endOfTurn: true)
        let b = h.replica.ballot
        h.step(.submit(write(1, origin: 3, serial: 1)))
        h.step(.endOfTurn)                      // slot 2 proposed, with commit 1
        h.persistAll()
        h.receive(.accepted(ballot: b, slot: 2), from: 1)
        #expect(h.replica.commitIndex == 2)
        let end = h.step(.endOfTurn)
        #expect(heartbeats(end, to: 1) == [2])
        #expect(heartbeats(end, to: 2) == [2])
        #expect(heartbeats(h.step(.endOfTurn), to: 1).isEmpty, "nothing new to tell")
    }

    @Test("control: a turn that moved no commit point sends nothing")
    func quietTurn() {
        var h = EndOfTurnTests().leader(endOfTurn: true)
        _ = h.step(.endOfTurn)
        #expect(h.step(.endOfTurn).messages.isEmpty)
    }
}
