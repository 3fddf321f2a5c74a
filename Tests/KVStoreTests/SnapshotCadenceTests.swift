import PaxosCore
import Testing
@testable import KVStore

/// The core's snapshot cadence against a real key-value state: a snapshot
/// rewrites the whole state, so a large one is not rewritten for every
/// `snapshotEvery` slots of small writes.
@Suite("snapshot cadence with a large state")
struct SnapshotCadenceTests {
    /// A follower restored from a snapshot of `keys` 100-byte values, then
    /// sent one small SET per slot by leader 2, each committed at once;
    /// returns the slots at which it took a snapshot.
    static func snapshotSlots(keys: Int, slots: Slot, configure: (inout CoreConfig) -> Void) -> (snapshotBytes: Int, taken: [Slot]) {
        var big = KVStateMachine()
        for i in 0..<keys {
            _ = big.apply(KVCommand.set(b("key:\(i)"), [UInt8](repeating: 118, count: 100), condition: .none).encoded(), logTimeMs: 1)
        }
        let data = big.snapshot()
        var recovered = RecoveredState()
        recovered.hasJoined = true
        recovered.snapshotIndex = 10
        recovered.snapshotData = data
        var config = CoreConfig(id: 1, members: [1, 2, 3])
        configure(&config)
        var replica = Replica(config: config, stateMachine: KVStateMachine(), recovered: recovered)
        let leader = Ballot(round: 1, node: 2)
        var taken: [Slot] = []
        for slot in 11...(10 + slots) {
            let set = Request(id: RequestID(origin: 2, serial: slot), payload: KVCommand.set(b("k\(slot)"), b("v"), condition: .none).encoded())
            for message in [Message.accept(ballot: leader, slot: slot, value: .batch(timeMs: 1, requests: [set]), commit: slot - 1),
                            .heartbeat(ballot: leader, commit: slot, seq: slot)] {
                for record in replica.step(.receive(from: 2, message)).persist {
                    if case .snapshot(let index, _, _) = record { taken.append(index) }
                }
            }
        }
        #expect(replica.applied == 10 + slots)
        return (data.count, taken)
    }

    @Test("every snapshotEvery slots while the state is small")
    func smallStateKeepsTheSlotCadence() {
        let (_, taken) = Self.snapshotSlots(keys: 10, slots: 300) { $0.snapshotEvery = 100 }
        #expect(taken == [110, 210, 310])
    }

    @Test("a due snapshot of a large state waits until the log holds a quarter of its bytes")
    func largeStateWaitsForItsShare() {
        let (bytes, taken) = Self.snapshotSlots(keys: 2_000, slots: 1_500) { $0.snapshotEvery = 100 }
        // Each slot weighs its SET's payload plus the per-slot overhead.
        let perSlot = KVCommand.set(b("k1000"), b("v"), condition: .none).encoded().count + 64
        #expect(taken.count >= 1 && taken.count <= 3, "\(taken)")
        if let first = taken.first {
            let logBytes = Int(first - 10) * perSlot
            #expect(logBytes >= bytes / 4, "snapshot at \(first): \(logBytes) log bytes, last snapshot \(bytes)")
            #expect(logBytes < bytes / 4 + 100 * perSlot, "snapshot at \(first) waited too long")
        }
    }

    @Test("with snapshotLogShare 1_000_000 the slot cadence holds however large the state")
    func shareCanBeRelaxed() {
        let (_, taken) = Self.snapshotSlots(keys: 2_000, slots: 300) { $0.snapshotEvery = 100; $0.snapshotLogShare = 1_000_000 }
        #expect(taken == [110, 210, 310])
    }
}
