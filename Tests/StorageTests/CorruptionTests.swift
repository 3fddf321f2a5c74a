import Glibc
import PaxosCore
import Testing
@testable import Storage

/// Damage the files of a closed log and reopen it.
@Suite("Recovery from damaged logs")
struct CorruptionTests {
    let records = (1...20).map { accept(Slot($0), payload: Array(repeating: UInt8($0), count: 30)) }

    /// Writes `records` into one segment and returns the segment's path.
    func writeLog(_ dir: TemporaryDirectory, segmentBytes: Int = 1 << 20) throws -> String {
        let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: segmentBytes))
        defer { wal.close() }
        wal.append(records)
        #expect(wal.waitUntilDurable(UInt64(records.count), timeoutNanoseconds: fiveSeconds))
        return dir.path + "/wal/" + fileNames(dir.path + "/wal").last!
    }

    func offsetOfRecord(_ index: Int) -> Int {
        records[0..<index].reduce(0) { $0 + RecordFrame.encode($1).count }
    }

    @Test("a flipped bit in the last record truncates just that record")
    func flippedLastRecord() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        var bytes = readBytes(segment)
        bytes[offsetOfRecord(19) + 12] ^= 0x10
        writeBytes(segment, bytes)
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state == RecoveredState.replay(Array(records[0..<19])))
        #expect(readBytes(segment).count == offsetOfRecord(19))
    }

    @Test("a flipped bit in the middle refuses to open, names file and offset, and touches nothing")
    func flippedMiddleRecord() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        var bytes = readBytes(segment)
        bytes[offsetOfRecord(7) + 20] ^= 0x01
        writeBytes(segment, bytes)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description == "corrupt write-ahead log \(segment) at offset \(offsetOfRecord(7)): checksum mismatch")
        #expect(readBytes(segment) == bytes)
    }

    @Test("a zero-filled tail is cut off")
    func zeroFilledTail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        writeBytes(segment, readBytes(segment) + [UInt8](repeating: 0, count: 4096))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state == RecoveredState.replay(records))
        #expect(readBytes(segment).count == offsetOfRecord(20))
    }

    @Test("a truncated record header at the end is cut off")
    func truncatedHeader() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        let full = readBytes(segment)
        writeBytes(segment, Array(full[0..<(offsetOfRecord(19) + 5)]))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(Array(records[0..<19])))
        #expect(readBytes(segment).count == offsetOfRecord(19))
        // The log carries on after the cut.
        wal.append([accept(99)])
        #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
    }

    @Test("a missing segment refuses to open")
    func missingSegment() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try writeLog(dir, segmentBytes: 200)
        let names = fileNames(dir.path + "/wal")
        #expect(names.count >= 4)
        let missing = dir.path + "/wal/" + names[1]
        unlink(missing)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description.hasPrefix("corrupt write-ahead log \(missing) at offset 0: missing segment") == true)
        #expect(fileNames(dir.path + "/wal").count == names.count - 1)
    }

    @Test("damage at the end of a segment that is not the last refuses to open")
    func damagedOlderSegment() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try writeLog(dir, segmentBytes: 200)
        let first = dir.path + "/wal/" + fileNames(dir.path + "/wal")[0]
        var bytes = readBytes(first)
        bytes[bytes.count - 1] ^= 0xFF
        writeBytes(first, bytes)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description.hasPrefix("corrupt write-ahead log \(first) at offset ") == true)
    }

    @Test("a damaged snapshot refuses to open")
    func damagedSnapshot() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path)
            defer { wal.close() }
            wal.append([accept(1), .snapshot(index: 1, promised: Ballot(round: 1, node: 1), data: Array(repeating: 7, count: 1000))])
            #expect(wal.waitUntilDurable(2, timeoutNanoseconds: fiveSeconds))
        }
        let snap = dir.path + "/snap/" + fileNames(dir.path + "/snap")[0]
        var bytes = readBytes(snap)
        bytes[bytes.count / 2] ^= 0x04
        writeBytes(snap, bytes)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description == "corrupt snapshot \(snap): checksum mismatch")
    }
}
