import PaxosCore
import Simulator
import Testing

@Suite("Proposer")
struct ProposerTests {
    /// Node 3 of three, heard from both peers, fresh: it stands at once.
    func candidate() -> (Harness, Output) {
        var h = Harness(id: 3)
        let out = h.standUntilCandidate()
        return (h, out)
    }

    @Test("a candidate persists its own promise before any Prepare leaves")
    func promiseBeforePrepare() {
        var (h, out) = candidate()
        #expect(h.replica.role == .candidate)
        #expect(out.persist.contains(.promise(h.replica.ballot)))
        #expect(!out.messages.contains { if case .prepare = $0.message { return true } else { return false } })
        let released = h.persistAll()
        #expect(released.messages(to: 1).contains(.prepare(ballot: h.replica.ballot, fromSlot: 1)))
        #expect(released.messages(to: 2).contains(.prepare(ballot: h.replica.ballot, fromSlot: 1)))
    }

    @Test("phase 1 re-proposes the highest-ballot value and fills holes with no-ops")
    func reproposesHighest() {
        // Five nodes: the promises of 1 and 2 (with ours) make the majority.
        var h = Harness(id: 5, members: [1, 2, 3, 4, 5])
        h.standUntilCandidate()
        h.persistAll()
        let b = h.replica.ballot
        let old = Value.batch(timeMs: 1, requests: [write(1, origin: 1)])
        let newer = Value.batch(timeMs: 2, requests: [write(2, origin: 2)])
        h.receive(.promise(ballot: b, snapshotIndex: 0, accepted: [
            SlotEntry(slot: 1, ballot: ballot(1, 1), value: old),
            SlotEntry(slot: 3, ballot: ballot(1, 1), value: old),
        ]), from: 1)
        let out = h.receive(.promise(ballot: b, snapshotIndex: 0, accepted: [
            SlotEntry(slot: 1, ballot: ballot(2, 2), value: newer),
        ]), from: 2)
        #expect(h.replica.role == .leader)
        let accepts = out.messages(to: 1).compactMap { m -> (Slot, Value)? in
            if case .accept(_, let slot, let value, _) = m { return (slot, value) } else { return nil }
        }
        #expect(accepts.map(\.0) == [1, 2, 3])
        guard accepts.count == 3 else { return }
        #expect(accepts[0].1 == newer)
        #expect(accepts[1].1 == .noop)
        #expect(accepts[2].1 == old)
    }

    @Test("a restarted node never reuses a ballot")
    func neverReusesBallot() {
        var (h, _) = candidate()
        h.persistAll()
        let first = h.replica.ballot
        var r = h.restarted()
        r.standUntilCandidate(peersPromised: first)
        #expect(r.replica.role == .candidate)
        #expect(r.replica.ballot > first)
    }

    @Test("a higher ballot in a rejection makes the leader step down")
    func stepsDownOnReject() {
        var (h, _) = candidate()
        h.persistAll()
        let b = h.replica.ballot
        h.receive(.reject(ballot: b, promised: ballot(b.round + 5, 2)), from: 1)
        #expect(h.replica.role == .follower)
    }

    @Test("a phase 1 completed by stale promises does not lead past slots a higher ballot chose")
    func stalePromisesDoNotLead() {
        // paxos-sim --nodes 3 --seed 10239215: a delayed promise completed a
        // phase 1 after a higher ballot had chosen slots the candidate knew
        // were chosen (from a status); leading there trapped in proposeQueued.
        var h = Harness(id: 1)
        h.standUntilCandidate()
        h.persistAll()
        let b = h.replica.ballot
        #expect(h.replica.role == .candidate)
        // Node 3 applied through slot 5 (chosen under some higher ballot).
        h.receive(.status(Status(applied: 5, promised: ballot(b.round + 1, 3), leader: 3, isVoter: true, hasHistory: true, hears: [1])), from: 3)
        #expect(h.replica.commitIndex == 5)
        let out = h.receive(.promise(ballot: b, snapshotIndex: 0, accepted: []), from: 2)
        #expect(h.replica.role == .follower)
        #expect(out.events.contains { if case .steppedDown = $0 { return true } else { return false } })
    }
}
