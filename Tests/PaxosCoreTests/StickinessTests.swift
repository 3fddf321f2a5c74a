import PaxosCore
import Simulator
import Testing

/// Leader stickiness: an acceptor does not promise a Prepare from a node
/// ranked below a leader it heard within the election timeout.
@Suite("Leader stickiness")
struct StickinessTests {
    /// Node 2 of three, following leader 3 at ballot 1.3 (heard at t=1010).
    static func follower() -> Harness {
        var h = Harness(id: 2)
        h.tick()
        h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: 1), from: 3)
        h.persistAll()
        #expect(h.replica.promised == ballot(1, 3))
        #expect(h.replica.leaderID == 3)
        return h
    }

    static func isDeferred(_ out: Output) -> Bool {
        out.events.contains { if case .prepareDeferred = $0 { return true } else { return false } }
    }

    @Test("a lower node's Prepare is not promised while the leader is live")
    func lowerDeferred() {
        var h = Self.follower()
        let out = h.receive(.prepare(ballot: ballot(2, 1), fromSlot: 1), from: 1)
        #expect(out.persist.isEmpty)
        #expect(out.messages.isEmpty)
        #expect(Self.isDeferred(out))
        #expect(h.replica.promised == ballot(1, 3))
        // The leader's accepts still go through.
        let acc = h.receive(.accept(ballot: ballot(1, 3), slot: 1, value: .noop, commit: 0), from: 3)
        #expect(acc.persist == [.accept(slot: 1, ballot: ballot(1, 3), value: .noop)])
        #expect(h.persistAll().messages(to: 3) == [.accepted(ballot: ballot(1, 3), slot: 1)])
    }

    @Test("a higher node and the leader itself are promised while the leader is live")
    func higherAndLeaderPromised() {
        var h = Harness(id: 1)
        h.tick()
        h.receive(.heartbeat(ballot: ballot(1, 2), commit: 0, seq: 1), from: 2)
        h.persistAll()
        // The leader's own new phase 1 (e.g. for a returning learner).
        h.receive(.prepare(ballot: ballot(2, 2), fromSlot: 1), from: 2)
        #expect(h.persistAll().messages(to: 2) == [.promise(ballot: ballot(2, 2), snapshotIndex: 0, accepted: [])])
        // Bully: a higher node takes over from a lower leader.
        h.receive(.heartbeat(ballot: ballot(2, 2), commit: 0, seq: 2), from: 2)
        h.persistAll()
        let out = h.receive(.prepare(ballot: ballot(3, 3), fromSlot: 1), from: 3)
        #expect(!Self.isDeferred(out))
        #expect(h.persistAll().messages(to: 3) == [.promise(ballot: ballot(3, 3), snapshotIndex: 0, accepted: [])])
    }

    @Test("when the leader falls silent for an election timeout the waiting Prepare is promised")
    func deferredPromisedAfterTimeout() {
        var h = Self.follower()
        h.tick(advanceMs: 90)    // t=1100
        #expect(Self.isDeferred(h.receive(.prepare(ballot: ballot(2, 1), fromSlot: 1), from: 1)))
        var promisedAt: UInt64? = nil
        for _ in 0..<30 where promisedAt == nil {
            let out = h.tick(advanceMs: 10)
            if out.persist.contains(.promise(ballot(2, 1))) { promisedAt = h.now }
        }
        // The leader was last heard at t=1010: the deferral ends just after 1310.
        #expect(promisedAt == 1_320)
        #expect(h.persistAll().messages(to: 1) == [.promise(ballot: ballot(2, 1), snapshotIndex: 0, accepted: [])])
    }

    @Test("a Prepare deferred for longer than an election timeout is forgotten")
    func staleDeferralForgotten() {
        var h = Self.follower()
        h.receive(.prepare(ballot: ballot(2, 1), fromSlot: 1), from: 1)
        for i in 1...80 {
            h.tick(advanceMs: 10)
            // The leader stays live for 350 ms, past the candidate's own
            // timeout, then falls silent: the old Prepare is not promised.
            if i % 5 == 0, i <= 35 { h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: UInt64(i)), from: 3) }
        }
        h.persistAll()
        #expect(h.replica.promised == ballot(1, 3))
    }

    @Test("the leader's farewell status naming a successor ends stickiness at once")
    func farewellEndsStickiness() {
        var h = Self.follower()
        #expect(Self.isDeferred(h.receive(.prepare(ballot: ballot(2, 1), fromSlot: 1), from: 1)))
        // A status the leader sent as a candidate, delivered late, does not end it.
        let late = h.receive(.status(Status(applied: 0, promised: ballot(1, 3), leader: 0, isVoter: true, hasHistory: true)), from: 3)
        #expect(late.persist.isEmpty)
        let farewell = Status(applied: 0, promised: ballot(1, 3), leader: 1, isVoter: true, hasHistory: true)
        let out = h.receive(.status(farewell), from: 3)
        #expect(out.persist == [.promise(ballot(2, 1))])
        #expect(h.persistAll().messages(to: 1) == [.promise(ballot: ballot(2, 1), snapshotIndex: 0, accepted: [])])
    }

    @Test("a leader handing over tells every peer whom it named")
    func handOverAnnounces() throws {
        var h = Harness(id: 3)
        let out = h.standUntilCandidate()
        #expect(h.replica.role == .candidate, "\(out.events)")
        let b = h.replica.ballot
        h.persistAll()
        h.receive(.promise(ballot: b, snapshotIndex: 0, accepted: []), from: 1)
        h.persistAll()
        #expect(h.replica.role == .leader)
        for peer in [1, 2] { h.receive(.status(Status(applied: 0, promised: b, leader: 3, isVoter: true, hasHistory: true, hears: [3])), from: peer) }
        let handed = h.step(.handOver)
        #expect(h.replica.role == .follower)
        let target = try #require(handed.events.compactMap { if case .handedOver(let t) = $0 { return t } else { return nil } }.first)
        #expect(target == 2)
        #expect(handed.messages(to: 2).contains(.takeOver))
        for peer in [1, 2] {
            #expect(handed.messages(to: peer).contains { if case .status(let s) = $0 { return s.leader == 2 && s.promised == b } else { return false } })
        }
    }
}
