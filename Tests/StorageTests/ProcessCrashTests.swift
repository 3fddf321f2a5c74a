import Glibc
import PaxosCore
import Storage
import Testing

/// Real processes: `storage-bench --crash-child DIR` appends and reports each
/// durable slot; the test SIGKILLs it at random moments and recovers the
/// directory itself. Record contents must match CrashChild.swift.
@Suite("SIGKILL of a process appending to the log")
struct ProcessCrashTests {
    static func ballot(_ slot: Slot) -> Ballot { Ballot(round: 1 + slot / 500, node: 1) }

    static func value(_ slot: Slot) -> Value {
        let payload = Array("value-\(slot)".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: slot), count: Int(slot % 64))
        return .batch(timeMs: slot, requests: [Request(id: RequestID(origin: 1, serial: slot), payload: payload)])
    }

    static func snapshotData(_ index: Slot) -> [UInt8] {
        Array(repeating: Array("snapshot-\(index);".utf8), count: 20).flatMap { $0 }
    }

    /// The last number on a line starting with `tag` ("A", "D", "R").
    static func lastNumber(_ tag: Character, in text: String) -> Slot? {
        text.split(separator: "\n").reversed()
            .first { $0.first == tag && $0.dropFirst().first == " " }
            .flatMap { Slot($0.dropFirst(2)) }
    }

    /// Checks the recovered log against what the child reported; returns the last slot.
    static func verify(_ dir: String, atLeast durable: Slot, atMost announced: Slot) throws -> Slot {
        let lock = try DataDirectory.open(dir)
        defer { lock.close() }
        let (wal, state) = try WriteAheadLog.open(directory: dir)
        wal.close()
        let last = max(state.accepted.keys.max() ?? 0, state.snapshotIndex)
        #expect(last >= durable, "slot \(durable) was reported durable but recovery ends at \(last)")
        #expect(last <= announced, "recovered slot \(last) that was never appended (last appended \(announced))")
        if state.snapshotIndex > 0 {
            #expect(state.snapshotData == snapshotData(state.snapshotIndex))
        }
        let expectedSlots = state.snapshotIndex < last ? Array((state.snapshotIndex + 1)...last) : []
        #expect(state.accepted.keys.sorted() == expectedSlots, "recovered slots are not contiguous")
        for (slot, entry) in state.accepted {
            #expect(entry == AcceptedEntry(ballot: ballot(slot), value: value(slot)), "slot \(slot) holds the wrong record")
        }
        if last > 0 { #expect(state.promised >= ballot(last)) }
        return last
    }

    @Test("every slot reported durable survives 200 SIGKILLs", arguments: [1 as UInt64, 2])
    func killRepeatedly(seed: UInt64) throws {
        let bench = try #require(storageBenchPath(), "storage-bench not found next to the test bundle; `swift build` builds it")
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var random = SplitMix64(seed: seed)
        var last: Slot = 0
        var kills = 0
        var durableReports = 0
        for round in 0..<100 {
            let child = try ChildProcess(executable: bench, arguments: ["--crash-child", dir.path])
            defer { child.kill() }
            if random.next() % 10 != 0 {
                // Usually kill while appending; sometimes during start-up and recovery.
                let ready = child.waitForOutput(timeoutNanoseconds: 10_000_000_000) { $0.contains("R ") }
                try #require(ready, "round \(round): child never became ready: \(child.text)")
            }
            child.kill(afterMilliseconds: Int(random.next() % 25))
            kills += 1
            #expect(!child.text.contains("crash child:"), "child failed: \(child.text)")
            let durable = Self.lastNumber("D", in: child.text) ?? last
            if Self.lastNumber("D", in: child.text) != nil { durableReports += 1 }
            let announced = Self.lastNumber("A", in: child.text) ?? last
            last = try Self.verify(dir.path, atLeast: max(durable, last), atMost: max(announced, last))
        }
        #expect(kills == 100)
        #expect(durableReports > 50, "too few kills landed after a durable report to mean anything")
        #expect(last > 1000, "the children appended too little (\(last) slots)")
    }
}
