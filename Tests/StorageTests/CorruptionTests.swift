import Glibc
import PaxosCore
import Testing
@testable import Storage

/// Damage the files of a closed log and reopen it.
@Suite("Recovery from damaged logs")
struct CorruptionTests {
    let records = (1...20).map { accept(Slot($0), payload: Array(repeating: UInt8($0), count: 30)) }

    /// Writes `records`, then `extra`, into one segment, each record in a
    /// batch of its own (so each record's frame says the ones before it
    /// were durable), and returns the segment's path.
    func writeLog(_ dir: TemporaryDirectory, segmentBytes: Int = 1 << 20, extra: [Record] = []) throws -> String {
        let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: segmentBytes))
        defer { wal.close() }
        for (i, record) in (records + extra).enumerated() {
            wal.append([record])
            #expect(wal.waitUntilDurable(UInt64(i + 1), timeoutNanoseconds: fiveSeconds))
        }
        return dir.path + "/wal/" + fileNames(dir.path + "/wal").last!
    }

    func offsetOfRecord(_ index: Int) -> Int {
        records[0..<index].reduce(SegmentHeader.bytes) { $0 + RecordFrame.headerBytes + $1.encoded().count }
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
        expectZeros(segment, from: offsetOfRecord(19), fileBytes: 1 << 20)
    }

    /// The segment keeps its file size and holds only zeros from `start` on.
    func expectZeros(_ segment: String, from start: Int, fileBytes: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = readBytes(segment)
        #expect(bytes.count == fileBytes, "file size changed", sourceLocation: sourceLocation)
        #expect(RecordFrame.contentEnd(bytes, from: start) == start, "nonzero bytes after \(start)", sourceLocation: sourceLocation)
    }

    @Test("a flipped bit in the middle refuses to open, names file and offset, and touches nothing")
    func flippedMiddleRecord() throws {
        try expectRefusal(at: offsetOfRecord(7), "checksum mismatch") {
            var bytes = $0
            bytes[offsetOfRecord(7) + 20] ^= 0x01
            return bytes
        }
    }

    @Test("a zero tail after the last record is a clean end, even past the preallocated size")
    func zeroFilledTail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        let bytes = readBytes(segment) + [UInt8](repeating: 0, count: 4096)
        #expect(bytes.count == (1 << 20) + 4096)
        writeBytes(segment, bytes)
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 1 << 20))
        wal.close()
        #expect(state == RecoveredState.replay(records))
        #expect(readBytes(segment) == bytes, "a clean end is left as it is")
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
        // Zeroed, not cut (a file shorter than its segment size grows again as records come).
        expectZeros(segment, from: offsetOfRecord(19), fileBytes: offsetOfRecord(19) + 5)
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
        bytes[RecordFrame.contentEnd(bytes, from: 0) - 1] ^= 0xFF  // the last record's last byte, before the zeros
        writeBytes(first, bytes)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description.hasPrefix("corrupt write-ahead log \(first) at offset ") == true)
    }

    /// The segment file of another node's log holding one record: bytes a
    /// user may well store as a value (a backup, a dump), frame and all.
    func foreignSegmentDump() throws -> [UInt8] {
        let other = TemporaryDirectory()
        defer { other.remove() }
        let record = accept(77, payload: Array(repeating: 0xAB, count: 40))
        do {
            let (wal, _) = try WriteAheadLog.open(directory: other.path)
            defer { wal.close() }
            wal.append([record])
            #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
        }
        // Not vacuous: the dump holds a frame its own log replays.
        let (wal, state) = try WriteAheadLog.open(directory: other.path)
        wal.close()
        #expect(state == RecoveredState.replay([record]))
        let dump = readBytes(other.path + "/wal/" + fileNames(other.path + "/wal").last!)
        return Array(dump[0..<RecordFrame.contentEnd(dump, from: 0)])  // without the preallocated zeros
    }

    /// A record whose value is a foreign segment dump followed by filler, so
    /// a tear can land after the embedded frame.
    func recordHoldingDump(_ dump: [UInt8]) -> Record {
        accept(21, payload: dump + Array(repeating: 0x5A, count: 200))
    }

    enum Tear: CaseIterable {
        /// The file ends inside the filler: the embedded frame is whole.
        case truncatedAfterEmbeddedFrame
        /// The record's first sector never reached the disk, a later one did.
        case headerZeroed
    }

    @Test("a torn last record whose value holds another log's frame is cut off as a torn tail", arguments: Tear.allCases)
    func tornRecordHoldingForeignFrame(tear: Tear) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir, extra: [recordHoldingDump(try foreignSegmentDump())])
        var bytes = readBytes(segment)
        let start = offsetOfRecord(20)
        switch tear {
        case .truncatedAfterEmbeddedFrame:
            let end = RecordFrame.contentEnd(bytes, from: start)
            for i in (end - 100)..<end { bytes[i] = 0 }  // its last sectors never reached the disk
        case .headerZeroed: for i in start..<(start + RecordFrame.headerBytes) { bytes[i] = 0 }
        }
        writeBytes(segment, bytes)
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state == RecoveredState.replay(records))
        expectZeros(segment, from: start, fileBytes: 1 << 20)
    }

    @Test("damage before a real later record still refuses to open, though a value holds another log's frame")
    func damageBeforeRealRecordWithForeignFrame() throws {
        let start = offsetOfRecord(20)
        try expectRefusal(extra: [recordHoldingDump(try foreignSegmentDump()), accept(22)], at: start, "invalid record length 0") {
            var bytes = $0
            for i in start..<(start + RecordFrame.headerBytes) { bytes[i] = 0 }
            return bytes
        }
    }

    @Test("a value holding a frame under this segment's own salt still counts as a later record (only the log's writer knows the salt)")
    func frameUnderOwnSaltStillRefuses() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment: String
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path)
            defer { wal.close() }
            wal.append(records)
            #expect(wal.waitUntilDurable(20, timeoutNanoseconds: fiveSeconds))
            segment = dir.path + "/wal/" + fileNames(dir.path + "/wal").last!
            let salt = try SegmentHeader(decoding: readBytes(segment)).salt
            wal.append([recordHoldingDump(RecordFrame.encode(accept(77), durableEnd: offsetOfRecord(20) + 1, salt: salt))])
            #expect(wal.waitUntilDurable(21, timeoutNanoseconds: fiveSeconds))
        }
        var bytes = readBytes(segment)
        let start = offsetOfRecord(20)
        for i in start..<(start + RecordFrame.headerBytes) { bytes[i] = 0 }
        writeBytes(segment, bytes)
        let error = #expect(throws: StorageError.self) { try WriteAheadLog.open(directory: dir.path) }
        #expect(error?.description == "corrupt write-ahead log \(segment) at offset \(start): invalid record length 0")
    }

    /// Writes a log (`records`, then `extra`), changes its segment's bytes,
    /// and opens it: it must refuse with `reason` at `offset`, naming the
    /// file, and touch nothing.
    func expectRefusal(extra: [Record] = [], at offset: Int, _ reason: String, change: ([UInt8]) -> [UInt8]) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir, extra: extra)
        let bytes = change(readBytes(segment))
        writeBytes(segment, bytes)
        expectOpenRefused(dir, segment, at: offset, reason)
    }

    @Test("a segment without a header (format 1, records only) refuses to open, names the file, and touches nothing")
    func segmentWithoutHeader() throws {
        try expectRefusal(at: 0, "no segment header (segments of format 1, before segment salts, have none; this build reads format 3)") {
            Array($0.dropFirst(SegmentHeader.bytes))
        }
    }

    @Test("a segment of format 2 (no durable ends, no seals) refuses to open, says how to upgrade, and touches nothing")
    func formatTwoSegment() throws {
        try expectRefusal(at: 0, "segment format 2 (before record durable ends and segment seals); this build reads format 3: "
                                 + "wipe this node's data directory and let it rejoin, one node at a time") {
            // A well-formed format 2 header: the version, then the CRC over it.
            var bytes = $0
            bytes[SegmentHeader.magic.count] = 2
            let crc = crc32Checksum(bytes, 0..<(SegmentHeader.bytes - 4))
            withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange((SegmentHeader.bytes - 4)..<SegmentHeader.bytes, with: $0) }
            return bytes
        }
    }

    @Test("an unknown segment format version refuses to open")
    func unknownFormatVersion() throws {
        try expectRefusal(at: 0, "unsupported segment format version 4 (this build reads 3)") {
            var bytes = $0
            bytes[SegmentHeader.magic.count] = 4
            return bytes
        }
    }

    @Test("a damaged segment header refuses to open, even in the last segment")
    func damagedSegmentHeader() throws {
        try expectRefusal(at: 0, "segment header checksum mismatch") {
            var bytes = $0
            bytes[14] ^= 0x01  // inside the salt
            return bytes
        }
    }

    @Test("a segment whose creation was cut short (a .wal.tmp) is removed and the log carries on")
    func leftoverSegmentTemp() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let segment = try writeLog(dir)
        let temp = dir.path + "/wal/" + DataDirectoryLayout.padded(2) + ".wal.tmp"
        writeBytes(temp, Array(SegmentHeader.makeRandom().encoded()[0..<10]))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
        #expect(fileNames(dir.path + "/wal") == [DataDirectoryLayout.padded(1) + ".wal"])
        expectZeros(segment, from: offsetOfRecord(20), fileBytes: 1 << 20)
        wal.append([accept(21)])
        #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
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
