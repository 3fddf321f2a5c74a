import PaxosCore
import Simulator
import Testing

@Suite("Acceptor")
struct AcceptorTests {
    @Test("a promise is persisted before it is answered")
    func promiseWaitsForDisk() {
        var h = Harness(id: 1)
        let out = h.receive(.prepare(ballot: ballot(1, 2), fromSlot: 1), from: 2)
        #expect(out.persist == [.promise(ballot(1, 2))])
        #expect(out.messages(to: 2).isEmpty, "promise left before it was durable")
        let released = h.persistAll()
        #expect(released.messages(to: 2) == [.promise(ballot: ballot(1, 2), snapshotIndex: 0, accepted: [])])
    }

    @Test("a lower ballot is rejected with the higher promise")
    func rejectsLower() {
        var h = Harness(id: 1)
        h.receive(.prepare(ballot: ballot(3, 3), fromSlot: 1), from: 3)
        h.persistAll()
        let out = h.receive(.prepare(ballot: ballot(2, 2), fromSlot: 1), from: 2)
        #expect(out.messages(to: 2) == [.reject(ballot: ballot(2, 2), promised: ballot(3, 3))])
        let acc = h.receive(.accept(ballot: ballot(2, 2), slot: 1, value: .noop, commit: 0), from: 2)
        #expect(acc.persist.isEmpty)
        #expect(acc.messages(to: 2) == [.reject(ballot: ballot(2, 2), promised: ballot(3, 3))])
    }

    @Test("acceptor keeps its promise across restart")
    func promiseSurvivesRestart() {
        var h = Harness(id: 1)
        h.receive(.prepare(ballot: ballot(5, 3), fromSlot: 1), from: 3)
        h.persistAll()
        var r = h.restarted()
        #expect(r.replica.promised == ballot(5, 3))
        let out = r.receive(.prepare(ballot: ballot(4, 2), fromSlot: 1), from: 2)
        #expect(out.messages(to: 2) == [.reject(ballot: ballot(4, 2), promised: ballot(5, 3))])
    }

    @Test("an accept is durable before it is acknowledged, and promises report it")
    func acceptThenPromise() {
        var h = Harness(id: 1)
        let v = Value.batch(timeMs: 1, requests: [write(7, origin: 2)])
        let out = h.receive(.accept(ballot: ballot(1, 2), slot: 1, value: v, commit: 0), from: 2)
        #expect(out.persist == [.accept(slot: 1, ballot: ballot(1, 2), value: v)])
        #expect(out.messages(to: 2).isEmpty)
        #expect(h.persistAll().messages(to: 2) == [.accepted(ballot: ballot(1, 2), slot: 1)])
        h.receive(.prepare(ballot: ballot(2, 3), fromSlot: 1), from: 3)
        let promise = h.persistAll().messages(to: 3)
        #expect(promise == [.promise(ballot: ballot(2, 3), snapshotIndex: 0, accepted: [SlotEntry(slot: 1, ballot: ballot(1, 2), value: v)])])
    }

    @Test("a peer that is not a member is dropped before the core acts")
    func nonMemberDropped() {
        var h = Harness(id: 1)
        let out = h.receive(.prepare(ballot: ballot(9, 9), fromSlot: 1), from: 9)
        #expect(out.persist.isEmpty)
        #expect(out.messages.isEmpty)
        #expect(out.events.contains { if case .dropped = $0 { return true } else { return false } })
    }

    @Test("a member change sharing its slot, in an accept or a chosen entry, is dropped (no proposer makes one)")
    func sharedMemberChangeDropped() {
        var h = Harness(id: 1)
        let change = Request(id: RequestID(origin: 2, serial: 1), payload: MemberChange(kind: .remove, node: 3).payload)
        let write = Request(id: RequestID(origin: 2, serial: 2), payload: [1, 2, 3])
        let value = Value.batch(timeMs: 1, requests: [change, write])
        for message in [Message.accept(ballot: ballot(1, 2), slot: 1, value: value, commit: 0),
                        Message.chosen([ChosenEntry(slot: 1, value: value)])] {
            let out = h.receive(message, from: 2)
            #expect(out.persist.isEmpty && out.messages.isEmpty)
            #expect(out.events.contains { if case .dropped = $0 { return true } else { return false } })
        }
        #expect(h.replica.membership.members == [1, 2, 3])
    }

    @Test("a node outside the configuration gets our status and catch-up, nothing else")
    func nonMemberLearnerTraffic() {
        var h = Harness(id: 1)
        let status = Status(applied: 0, promised: .zero, leader: 0, isVoter: false, hasHistory: false, hears: [], admitFloor: nil)
        let out = h.receive(.status(status), from: 7)
        #expect(out.messages.map(\.to) == [7])
        #expect(out.messages.allSatisfy { if case .status = $0.message { return true } else { return false } })
        let prepare = h.receive(.prepare(ballot: ballot(5, 7), fromSlot: 1), from: 7)
        #expect(prepare.messages.isEmpty && prepare.persist.isEmpty)
    }

    @Test("a forged ballot (not the sender's) is dropped")
    func forgedBallotDropped() {
        var h = Harness(id: 1)
        let out = h.receive(.prepare(ballot: ballot(9, 3), fromSlot: 1), from: 2)
        #expect(out.persist.isEmpty)
        #expect(h.replica.promised == .zero)
    }
}
