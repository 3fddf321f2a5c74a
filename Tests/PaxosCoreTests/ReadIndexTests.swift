import PaxosCore
import Simulator
import Testing

@Suite("Read index")
struct ReadIndexTests {
    /// Node 3 leading a three-node cluster with its first slot committed.
    func leader() -> Harness { Harness.leadingNode3() }

    @Test("a read is answered only after a heartbeat round sent after it arrived is acknowledged by a majority")
    func readWaitsForRound() throws {
        var h = leader()
        #expect(h.replica.role == .leader)
        #expect(h.replica.applied == 1)
        let b = h.replica.ballot
        let rid = RequestID(origin: 3, serial: 99)
        let out = h.step(.read(rid, payload: []))
        #expect(out.replies.isEmpty)
        // The round in flight was sent before the read: its ack must not serve it,
        // but it releases the next round.
        let stale = h.receive(.heartbeatAck(ballot: b, seq: 1), from: 1)
        #expect(stale.replies.isEmpty)
        let seq = try #require(stale.messages(to: 1).compactMap { m -> UInt64? in
            if case .heartbeat(_, _, let s) = m { return s } else { return nil }
        }.last)
        #expect(seq == 2)
        let answered = h.receive(.heartbeatAck(ballot: b, seq: seq), from: 1)
        #expect(answered.replies.map(\.0) == [rid])
    }

    @Test("a deposed leader does not answer reads")
    func deposedLeaderRefuses() {
        var h = leader()
        let b = h.replica.ballot
        let rid = RequestID(origin: 3, serial: 100)
        h.step(.read(rid, payload: []))
        h.receive(.reject(ballot: b, promised: ballot(b.round + 1, 2)), from: 1)
        #expect(h.replica.role == .follower)
        let late = h.receive(.heartbeatAck(ballot: b, seq: 100), from: 2)
        #expect(late.replies.isEmpty)
    }

    @Test("at the end of each turn with new reads a round goes out, several in flight; each read waits for one sent after it")
    func roundPerTurn() throws {
        var h = Harness.leadingNode3 { $0.proposesAtEndOfTurn = true }
        let b = h.replica.ballot
        func rounds(_ out: Output) -> [UInt64] {
            out.messages(to: 1).compactMap { if case .heartbeat(_, _, let s) = $0 { return s } else { return nil } }
        }
        h.step(.endOfTurn)
        let first = RequestID(origin: 3, serial: 201)
        #expect(rounds(h.step(.read(first, payload: []))).isEmpty, "no round before the turn ends")
        let r1 = try #require(rounds(h.step(.endOfTurn)).last)
        let second = RequestID(origin: 3, serial: 202)
        h.step(.read(second, payload: []))
        let r2 = try #require(rounds(h.step(.endOfTurn)).last, "a second round while the first is in flight")
        #expect(r2 == r1 + 1)
        #expect(rounds(h.step(.endOfTurn)).isEmpty, "no round for a turn without new reads")
        // The first round's ack answers the first read only.
        #expect(h.receive(.heartbeatAck(ballot: b, seq: r1), from: 1).replies.map(\.0) == [first])
        #expect(h.receive(.heartbeatAck(ballot: b, seq: r2), from: 2).replies.map(\.0) == [second])
    }
}
