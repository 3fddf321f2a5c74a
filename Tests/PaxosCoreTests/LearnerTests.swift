import PaxosCore
import Simulator
import Testing

@Suite("Learner and compaction")
struct LearnerTests {
    let v1 = Value.batch(timeMs: 1, requests: [write(1, origin: 2)])
    let v2 = Value.batch(timeMs: 2, requests: [write(2, origin: 2, serial: 2)])

    @Test("a slot applies only when its accepted ballot matches the leader's commit ballot")
    func appliesOnlyMatchingBallot() {
        var h = Harness(id: 1)
        h.receive(.accept(ballot: ballot(1, 2), slot: 1, value: v1, commit: 0), from: 2)
        h.persistAll()
        // A later leader (ballot 2.3) says slot 1 is chosen: what we hold may not be.
        let out = h.receive(.heartbeat(ballot: ballot(2, 3), commit: 1, seq: 1), from: 3)
        #expect(h.replica.applied == 0)
        #expect(out.messages(to: 3).contains(.fetch(fromSlot: 1)))
        // The chosen value arrives: now it applies, exactly once.
        h.receive(.chosen([ChosenEntry(slot: 1, value: v2)]), from: 3)
        #expect(h.replica.applied == 1)
        let again = h.receive(.chosen([ChosenEntry(slot: 1, value: v2)]), from: 3)
        #expect(again.applied.isEmpty)
        #expect(h.replica.stateMachine.count == 1)
    }

    @Test("the leader's own ballot in the commit point applies the accepted value")
    func appliesMatchingBallot() {
        var h = Harness(id: 1)
        h.receive(.accept(ballot: ballot(1, 2), slot: 1, value: v1, commit: 0), from: 2)
        h.persistAll()
        let out = h.receive(.heartbeat(ballot: ballot(1, 2), commit: 1, seq: 1), from: 2)
        #expect(out.applied.map(\.0) == [1])
        #expect(h.replica.applied == 1)
    }

    @Test("compaction keeps the promise in the snapshot and reports the snapshot index")
    func compactionKeepsPromise() {
        var h = Harness(id: 1) { $0.snapshotEvery = 2 }
        for slot in 1...2 {
            h.receive(.accept(ballot: ballot(1, 2), slot: Slot(slot), value: .noop, commit: 0), from: 2)
        }
        h.receive(.prepare(ballot: ballot(4, 3), fromSlot: 1), from: 3)
        h.persistAll()
        let out = h.receive(.accept(ballot: ballot(4, 3), slot: 3, value: .noop, commit: 2), from: 3)
        // Slots 1, 2 were accepted at 1.2, not 4.3: they must be fetched, not applied.
        #expect(h.replica.applied == 0)
        #expect(out.messages(to: 3).contains(.fetch(fromSlot: 1)))
        let after = h.receive(.chosen([ChosenEntry(slot: 1, value: .noop), ChosenEntry(slot: 2, value: .noop)]), from: 3)
        #expect(h.replica.applied == 2)
        #expect(after.persist.contains { if case .snapshot(2, ballot(4, 3), _) = $0 { return true } else { return false } })
        h.persistAll()
        let restarted = h.restarted()
        #expect(restarted.replica.promised == ballot(4, 3))
        #expect(restarted.replica.snapshotIndex == 2)
        var r = restarted
        r.receive(.prepare(ballot: ballot(5, 2), fromSlot: 1), from: 2)
        let promise = r.persistAll().messages(to: 2)
        #expect(promise.contains { if case .promise(_, 2, _) = $0 { return true } else { return false } })
    }

    @Test("a snapshot is also taken once the applied commands hold snapshotEveryBytes, however few the slots")
    func snapshotByBytes() {
        func applyBatch(_ h: inout Harness, slot: Slot, requests: Int) -> Output {
            let batch = Value.batch(timeMs: 1, requests: (0..<requests).map { write(UInt64($0), origin: 2, serial: UInt64(slot) * 100 + UInt64($0)) })
            h.receive(.accept(ballot: ballot(1, 2), slot: slot, value: batch, commit: slot - 1), from: 2)
            return h.receive(.heartbeat(ballot: ballot(1, 2), commit: slot, seq: slot), from: 2)
        }
        func snapshots(_ out: Output) -> [Slot] {
            out.persist.compactMap { if case .snapshot(let index, _, _) = $0 { return index } else { return nil } }
        }
        let payload = write(0, origin: 2).payload.count
        var h = Harness(id: 1) { $0.snapshotEvery = 1_000; $0.snapshotEveryBytes = 10 * payload }
        #expect(snapshots(applyBatch(&h, slot: 1, requests: 4)).isEmpty, "4 commands: below the bytes bound")
        #expect(h.replica.applied == 1)
        #expect(snapshots(applyBatch(&h, slot: 2, requests: 6)) == [2], "10 commands reach it")
        #expect(snapshots(applyBatch(&h, slot: 3, requests: 9)).isEmpty, "the count starts again after a snapshot")
        #expect(snapshots(applyBatch(&h, slot: 4, requests: 1)) == [4])
    }

    @Test("a peer that asks again for compacted slots gets no second snapshot until two election timeouts passed")
    func snapshotNotResentAtOnce() {
        var h = Harness(id: 1) { $0.snapshotEvery = 2 }
        for slot in 1...3 {
            h.receive(.accept(ballot: ballot(1, 2), slot: Slot(slot), value: .noop, commit: Slot(slot) - 1), from: 2)
        }
        h.receive(.heartbeat(ballot: ballot(1, 2), commit: 3, seq: 1), from: 2)
        h.persistAll()
        #expect(h.replica.snapshotIndex == 2 && h.replica.applied == 3)
        func snapshotsSent(_ out: Output, to peer: NodeID = 3) -> [Slot] {
            out.messages(to: peer).compactMap { if case .snapshot(let index, _) = $0 { return index } else { return nil } }
        }
        h.tick()
        #expect(snapshotsSent(h.receive(.fetch(fromSlot: 1), from: 3)) == [3], "a snapshot at applied")
        #expect(snapshotsSent(h.receive(.fetch(fromSlot: 1), from: 3)).isEmpty, "not again at once")
        #expect(snapshotsSent(h.receive(.fetch(fromSlot: 2), from: 2), to: 2) == [3], "another peer is not held back")
        h.tick(advanceMs: 2 * 300 - 10)
        #expect(snapshotsSent(h.receive(.fetch(fromSlot: 1), from: 3)).isEmpty)
        h.tick(advanceMs: 10)
        #expect(snapshotsSent(h.receive(.fetch(fromSlot: 1), from: 3)) == [3], "again after two election timeouts")
        // Above the snapshot, entries are sent as before.
        let tail = h.receive(.fetch(fromSlot: 3), from: 3)
        #expect(tail.messages(to: 3).contains(.chosen([ChosenEntry(slot: 3, value: .noop)])))
    }
}
