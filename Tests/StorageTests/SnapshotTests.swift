import PaxosCore
import Testing
@testable import Storage

@Suite("Snapshots and compaction")
struct SnapshotTests {
    /// A state machine's bytes for `count` keys, in sorted key order.
    static func mapBytes(keys count: Int, version: UInt64 = 0) -> [UInt8] {
        var w = ByteWriter(capacity: count * 24)
        w.u32(UInt32(count))
        for k in 0..<count {
            w.blob(Array("key:\(k)".utf8))
            w.u64(UInt64(k) &* 2_654_435_761 &+ version)
        }
        return w.bytes
    }

    @Test("a snapshot of 10,000 keys round-trips through a restart")
    func roundTrip() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let data = Self.mapBytes(keys: 10_000)
        let promised = Ballot(round: 4, node: 2)
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path)
            defer { wal.close() }
            wal.append([accept(1), accept(2), .snapshot(index: 2, promised: promised, data: data), accept(3)])
            #expect(wal.waitUntilDurable(4, timeoutNanoseconds: fiveSeconds))
        }
        #expect(fileNames(dir.path + "/snap") == [DataDirectoryLayout.padded(2) + ".snap"])
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state.snapshotIndex == 2)
        #expect(state.snapshotData == data)
        #expect(state.promised == promised)
        #expect(state.accepted.keys.sorted() == [3])
    }

    @Test("under an endless write load the directory stays bounded and the promise survives compaction")
    func boundedUnderLoad() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fatal = FatalErrors()
        let promised = Ballot(round: 10, node: 3)
        var largest = 0
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: fatal.options(segmentBytes: 8 << 10))
            defer { wal.close() }
            // The promise goes into the first segment only, which compaction deletes.
            wal.append([.promise(promised)])
            var slot: Slot = 0
            for round in 0..<20 {
                var batch: [Record] = []
                for _ in 0..<1000 {
                    slot += 1
                    batch.append(accept(slot, round: 9, payload: Array("SET key:\(slot % 100) v\(slot)".utf8)))
                }
                batch.append(.snapshot(index: slot - 10, promised: .zero, data: Self.mapBytes(keys: 100, version: UInt64(round))))
                wal.append(batch)
                #expect(wal.waitUntilDurable(wal.appendedCount, timeoutNanoseconds: fiveSeconds))
                largest = max(largest, dir.totalBytes())
            }
        }
        #expect(fatal.all.isEmpty)
        #expect(largest < 256 << 10, "data directory grew to \(largest) bytes")
        #expect(fileNames(dir.path + "/snap").count == 1)
        #expect(!fileNames(dir.path + "/wal").contains(DataDirectoryLayout.padded(1) + ".wal"))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state.promised == promised)
        #expect(state.snapshotIndex == 19_990)
        #expect(state.accepted.keys.sorted() == Array(19_991...20_000))
    }

    @Test("a voter that never promised stays a voter after compaction deletes the segment with its joined record")
    func joinedSurvivesCompaction() throws {
        // A voter of a new cluster that never promised (it caught up by
        // fetching) has only `.joined` to show it votes; if compaction drops
        // it, a restart makes it a learner, and with one more node wiped a
        // 3-node cluster has no majority of voters left (paxos-sim seed 10014706).
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fatal = FatalErrors()
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: fatal.options(segmentBytes: 4 << 10))
            defer { wal.close() }
            wal.append([.joined])
            var slot: Slot = 0
            for round in 0..<5 {
                var batch: [Record] = []
                for _ in 0..<200 {
                    slot += 1
                    batch.append(accept(slot, round: 0, payload: Array("SET key:\(slot % 50) v\(slot)".utf8)))
                }
                batch.append(.snapshot(index: slot, promised: .zero, data: Self.mapBytes(keys: 50, version: UInt64(round))))
                wal.append(batch)
                #expect(wal.waitUntilDurable(wal.appendedCount, timeoutNanoseconds: fiveSeconds))
            }
        }
        #expect(fatal.all.isEmpty)
        #expect(!fileNames(dir.path + "/wal").contains(DataDirectoryLayout.padded(1) + ".wal"), "the first segment was compacted away")
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state.hasJoined)
        #expect(state.mayVote)
    }

    @Test("snapshot files round-trip and catch damage")
    func fileFormat() throws {
        let file = SnapshotFile(index: 42, promised: Ballot(round: 3, node: 1), firstSegment: 7, data: Self.mapBytes(keys: 50))
        let bytes = try file.encoded(level: 6)
        #expect(try SnapshotFile(decoding: bytes) == file)
        let empty = SnapshotFile(index: 1, promised: .zero, firstSegment: 1, data: [])
        #expect(try SnapshotFile(decoding: try empty.encoded(level: 1)) == empty)
        for i in stride(from: 0, to: bytes.count, by: 13) {
            var damaged = bytes
            damaged[i] ^= 0x80
            #expect(throws: (any Error).self) { try SnapshotFile(decoding: damaged) }
        }
    }
}
