import Glibc
import PaxosCore
import Testing
@testable import Storage

/// Segments are created at full size, zero-filled; records overwrite the
/// zeros, and recovery reads the zeros after the last record as a clean end.
@Suite("Preallocated segments and the zero tail")
struct PreallocationTests {
    let records = (1...20).map { accept(Slot($0), payload: Array(repeating: UInt8($0), count: 30)) }

    /// The segments (`<seq>.wal`), not a spare the preparer was stopped in
    /// the middle of at close (`<seq>.wal.tmp`, removed at the next open).
    func segmentPaths(_ dir: TemporaryDirectory) -> [String] {
        fileNames(dir.path + "/wal").filter { $0.hasSuffix(".wal") }.map { dir.path + "/wal/" + $0 }
    }

    func offsetOfRecord(_ index: Int) -> Int {
        records[0..<index].reduce(SegmentHeader.bytes) { $0 + RecordFrame.headerBytes + $1.encoded().count }
    }

    /// Appends `batch` to a log opened on `dir`, waits until it is durable, and returns the log's `walBytes`.
    @discardableResult
    func append(_ batch: [Record], to dir: TemporaryDirectory, segmentBytes: Int = 1 << 20, preparesAhead: Bool = true) throws -> Int {
        var options = WALOptions(segmentBytes: segmentBytes)
        options.preparesNextSegment = preparesAhead
        let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: options)
        defer { wal.close() }
        wal.append(batch)
        #expect(wal.waitUntilDurable(UInt64(batch.count), timeoutNanoseconds: fiveSeconds))
        return wal.walBytes
    }

    @Test("zero bytes never parse as a record, under any salt")
    func zerosAreNoFrame() {
        let zeros = [UInt8](repeating: 0, count: 64)
        var random = SplitMix64(seed: 5)
        for salt in [0, .max, random.next(), random.next()] as [UInt64] {
            guard case .bad(let reason) = RecordFrame.parse(zeros, at: 0, salt: salt) else {
                Issue.record("zeros parsed as a frame under salt \(salt)")
                continue
            }
            #expect(reason == "invalid record length 0")
            #expect(RecordFrame.frameDurablePast(0, in: zeros, salt: salt) == nil)
        }
    }

    @Test("records overwrite the zeros of a full-size segment; wal_bytes counts records, not the file")
    func recordsOverwriteZeros() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let walBytes = try append(records, to: dir)
        let segment = try #require(segmentPaths(dir).first)
        let bytes = readBytes(segment)
        #expect(bytes.count == 1 << 20, "the file stays at its preallocated size")
        #expect(RecordFrame.contentEnd(bytes, from: offsetOfRecord(20)) == offsetOfRecord(20), "zeros after the last record")
        #expect(walBytes == offsetOfRecord(20))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 1 << 20))
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
        #expect(wal.walBytes == walBytes)
        #expect(readBytes(segment) == bytes, "a clean zero tail is left untouched")
    }

    @Test("restart resumes at the logical end, and a second restart sees everything")
    func resumeAtLogicalEnd() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = Array(records[0..<10])
        let second = Array(records[10...])
        try append(first, to: dir, segmentBytes: 4096)
        let walBytes = try append(second, to: dir, segmentBytes: 4096)
        #expect(walBytes == offsetOfRecord(20))
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 4096))
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
        #expect(wal.walBytes == walBytes)
        #expect(segmentPaths(dir).map { readBytes($0).count } == [4096])
    }

    @Test("a torn record followed by zeros is cut: overwritten with zeros, the file keeps its size, and appends go on")
    func tornRecordThenZeros() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try append(records, to: dir)
        let segment = try #require(segmentPaths(dir).first)
        var bytes = readBytes(segment)
        // The last record's second half never reached the disk: zeros, as preallocated.
        for i in (offsetOfRecord(19) + 20)..<offsetOfRecord(20) { bytes[i] = 0 }
        writeBytes(segment, bytes)
        do {
            let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 1 << 20))
            defer { wal.close() }
            #expect(state == RecoveredState.replay(Array(records[0..<19])))
            let after = readBytes(segment)
            #expect(after.count == 1 << 20)
            #expect(RecordFrame.contentEnd(after, from: offsetOfRecord(19)) == offsetOfRecord(19), "torn bytes left behind")
            #expect(wal.walBytes == offsetOfRecord(19))
            wal.append([accept(30, payload: [9])])
            #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state == RecoveredState.replay(Array(records[0..<19]) + [accept(30, payload: [9])]))
    }

    /// A log whose first batch, `records[0..<10]`, is durable; then, by
    /// hand, the next batch as a power cut may leave it when the disk
    /// persisted a later sector of it and not an earlier one: `damage` where
    /// the frame of `records[10]` was to go (at D, the end of the first
    /// batch), then the frame of `records[11]`, whole, claiming bytes
    /// durable up to `durableEnd(D, end of records[10])`. Returns the
    /// segment and D.
    func tornBatch(_ dir: TemporaryDirectory, _ damage: Damage, durableEnd: (Int, Int) -> Int) throws -> (String, Int) {
        try append(Array(records[0..<10]), to: dir)
        let segment = try #require(segmentPaths(dir).first)
        var bytes = readBytes(segment)
        let d = offsetOfRecord(10)
        #expect(RecordFrame.contentEnd(bytes, from: d) == d, "the first batch ends at D")
        let salt = try SegmentHeader(decoding: bytes).salt
        let lostCount = RecordFrame.headerBytes + records[10].encoded().count
        let persisted = RecordFrame.encode(records[11], durableEnd: durableEnd(d, d + lostCount), salt: salt)
        let lost = [UInt8](repeating: damage == .garbage ? 0xA5 : 0, count: lostCount)
        bytes.replaceSubrange(d..<(d + lostCount + persisted.count), with: lost + persisted)
        writeBytes(segment, bytes)
        return (segment, d)
    }

    enum Damage: CaseIterable {
        case garbage
        case zeros
    }

    @Test("a batch torn by a power cut that persisted a later frame but not an earlier one (durable end at or before the damage) is cut before both",
          arguments: Damage.allCases)
    func tornBatchWithLaterFramePersisted(damage: Damage) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (segment, d) = try tornBatch(dir, damage) { d, _ in d }  // as the writer frames the second record of a batch
        do {
            let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 1 << 20))
            defer { wal.close() }
            #expect(state == RecoveredState.replay(Array(records[0..<10])))
            let after = readBytes(segment)
            #expect(after.count == 1 << 20)
            #expect(RecordFrame.contentEnd(after, from: d) == d, "the torn batch is left behind")
            #expect(wal.walBytes == d)
            wal.append([accept(30, payload: [9])])
            #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state == RecoveredState.replay(Array(records[0..<10]) + [accept(30, payload: [9])]))
    }

    @Test("damage, then a valid record of the segment that says the damaged bytes were durable: refused, and nothing is touched",
          arguments: Damage.allCases)
    func damageBeforeDurableClaimRefuses(damage: Damage) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // As a frame of a later batch says, once the batch holding D had synced.
        let (segment, d) = try tornBatch(dir, damage) { _, endOfLost in endOfLost }
        expectOpenRefused(dir, segment, at: d, damage == .garbage ? "invalid record length 2779096485" : "invalid record length 0")
    }

    @Test("damage in a durable batch with later batches after it is refused; in the last batch, cut (written by the log itself)")
    func damageByBatch() throws {
        for (damaged, refused) in [(5, true), (12, false)] {
            let dir = TemporaryDirectory()
            defer { dir.remove() }
            try append(Array(records[0..<10]), to: dir)
            try append(Array(records[10...]), to: dir)
            let segment = try #require(segmentPaths(dir).first)
            var bytes = readBytes(segment)
            for i in offsetOfRecord(damaged)..<offsetOfRecord(damaged + 1) { bytes[i] = 0 }
            writeBytes(segment, bytes)
            if refused {
                expectOpenRefused(dir, segment, at: offsetOfRecord(damaged), "invalid record length 0")
            } else {
                let (wal, state) = try WriteAheadLog.open(directory: dir.path)
                wal.close()
                #expect(state == RecoveredState.replay(Array(records[0..<damaged])))
            }
        }
    }

    /// The offset and kind of every frame in a segment, up to its zeros.
    func frames(_ bytes: [UInt8]) throws -> [(offset: Int, kind: UInt8)] {
        let salt = try SegmentHeader(decoding: bytes).salt
        var offset = SegmentHeader.bytes
        var found: [(offset: Int, kind: UInt8)] = []
        while offset < bytes.count, case .frame(let kind, _, _, let next) = RecordFrame.parse(bytes, at: offset, salt: salt) {
            found.append((offset, kind))
            offset = next
        }
        return found
    }

    /// Several segments of 2 KiB, each but the last ending with its seal.
    func sealedLog(_ dir: TemporaryDirectory) throws -> [Record] {
        let many = (1...60).map { accept(Slot($0), payload: Array(repeating: UInt8($0), count: 40)) }
        for chunk in stride(from: 0, to: many.count, by: 10) {
            try append(Array(many[chunk..<(chunk + 10)]), to: dir, segmentBytes: 2048)
        }
        let paths = segmentPaths(dir)
        #expect(paths.count >= 3)
        for (i, path) in paths.enumerated() {
            let bytes = readBytes(path)
            let kinds = try frames(bytes).map(\.kind)
            let sealed = kinds.last == RecordFrame.kindSeal && kinds.dropLast().allSatisfy { $0 == RecordFrame.kindCoreRecord }
            #expect(sealed == (i < paths.count - 1), "segment \(i) of \(paths.count): kinds \(kinds)")
        }
        return many
    }

    enum LostTail: CaseIterable {
        case seal
        case sealAndLastRecord
    }

    @Test("a segment that is not the last, its tail zeroed (the seal, or the seal and a record), refuses to open naming file and offset",
          arguments: LostTail.allCases)
    func unsealedOlderSegmentRefuses(lost: LostTail) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try sealedLog(dir)
        let path = segmentPaths(dir)[1]
        var bytes = readBytes(path)
        let all = try frames(bytes)
        let cut = all[all.count - (lost == .seal ? 1 : 2)].offset
        for i in cut..<RecordFrame.contentEnd(bytes, from: 0) { bytes[i] = 0 }
        writeBytes(path, bytes)
        expectOpenRefused(dir, path, at: cut, "segment ends without its seal though a later segment exists (records lost from its tail)")
    }

    @Test("sealed segments open; a sealed last segment (rotation cut after the seal) starts the next one and carries on")
    func sealedSegmentsOpen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let many = try sealedLog(dir)
        let paths = segmentPaths(dir)
        do {
            let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 2048))
            wal.close()
            #expect(state == RecoveredState.replay(many))
        }
        // As if the power went after the seal of the one before it was synced, before the last segment was renamed in.
        let lastRecords = try frames(readBytes(paths[paths.count - 1])).count
        unlink(paths[paths.count - 1])
        let kept = Array(many.prefix(many.count - lastRecords))
        do {
            let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 2048))
            defer { wal.close() }
            #expect(state == RecoveredState.replay(kept))
            #expect(segmentPaths(dir) == paths, "the next segment is created at once")
            wal.append([accept(100)])
            #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 2048))
        wal.close()
        #expect(state == RecoveredState.replay(kept + [accept(100)]))
    }

    @Test("a record larger than the free space rotates; one larger than a whole segment grows its file")
    func oversizedRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let small = (1...5).map { accept(Slot($0), payload: Array(repeating: 1, count: 500)) }
        let larger = accept(6, payload: Array(repeating: 2, count: 2500))
        let huge = accept(7, payload: Array(repeating: 3, count: 10_000))
        let after = (8...9).map { accept(Slot($0), payload: Array(repeating: 4, count: 100)) }
        let all = small + [larger, huge] + after
        try append(all, to: dir, segmentBytes: 4096)
        let sizes = segmentPaths(dir).map { readBytes($0).count }
        #expect(sizes.count == 4, "segments: \(sizes)")
        #expect(sizes.filter { $0 == 4096 }.count == 3)
        #expect(sizes.contains { $0 > 10_000 }, "the huge record grew its segment: \(sizes)")
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 4096))
        defer { wal.close() }
        #expect(state == RecoveredState.replay(all))
        wal.append([accept(10)])
        #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
    }

    @Test("rotation still happens by records written, every segment at its full size, and all of it replays",
          arguments: [true, false])
    func rotationByLogicalBytes(preparesAhead: Bool) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let many = (1...300).map { accept(Slot($0), payload: Array(repeating: UInt8(truncatingIfNeeded: $0), count: 40)) }
        var walBytes = 0
        for chunk in stride(from: 0, to: many.count, by: 25) {
            walBytes = try append(Array(many[chunk..<(chunk + 25)]), to: dir, segmentBytes: 2048, preparesAhead: preparesAhead)
        }
        let paths = segmentPaths(dir)
        #expect(paths.count > 5)
        #expect(paths.allSatisfy { readBytes($0).count == 2048 })
        let plan = try LogRecovery.scan(DataDirectoryLayout(root: dir.path), fileSystem: PosixFileSystem())
        let logical = plan.segments.reduce(0) { $0 + $1.validBytes }
        #expect(walBytes == logical, "wal_bytes \(walBytes) is not the bytes of records and headers (\(logical))")
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: WALOptions(segmentBytes: 2048))
        defer { wal.close() }
        #expect(state == RecoveredState.replay(many))
    }

    @Test("a crash at every file operation around segment creation and preallocation loses no synced record and never refuses to start",
          arguments: [false, true])
    func crashAtEveryStepOfCreation(reordersWrites: Bool) throws {
        let segmentBytes = 3 * 1024 + 512  // four chunks of zeros each
        let batches = (0..<20).map { i in
            [accept(Slot(i + 1), payload: Array(repeating: UInt8(i + 1), count: 400))]
        }
        var options = WALOptions(segmentBytes: segmentBytes, onFatalError: { _ in })
        options.zeroChunkBytes = 1024
        func run(_ disk: LossyFileSystem) -> Int {
            guard let (wal, _) = try? WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: options) else {
                return 0  // the crash came during the open
            }
            for batch in batches {
                wal.append(batch)
                if !wal.waitUntilDurable(wal.appendedCount, timeoutNanoseconds: fiveSeconds) { break }
            }
            let durable = Int(wal.durableCount)
            disk.crashNow()
            wal.close()
            return durable
        }
        let counting = LossyFileSystem(seed: 0)
        #expect(run(counting) == batches.count)
        let operations = counting.operationCount
        #expect(operations > 40, "too few operations (\(operations)) to cover creation")
        var rotations = 0
        var interruptedCreations = 0
        for k in 1...(operations + 2) {
            let disk = LossyFileSystem(seed: UInt64(k), reordersWrites: reordersWrites)
            disk.crash(afterOperations: k)
            let durable = run(disk)
            if disk.crashedInPath?.hasSuffix(".wal.tmp") == true { interruptedCreations += 1 }
            let (wal, state): (WriteAheadLog, RecoveredState)
            do {
                (wal, state) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: options)
            } catch {
                Issue.record("crash after \(k) operations: refused to start: \(error)")
                continue
            }
            let recovered = state.accepted.count
            #expect(recovered >= durable, "crash after \(k) operations: \(durable) durable, \(recovered) recovered")
            #expect(state == RecoveredState.replay(Array(batches.prefix(recovered).joined())), "crash after \(k): not a prefix")
            if (disk.contents("/data/wal/" + DataDirectoryLayout.padded(2) + ".wal")?.count ?? 0) > 0 { rotations += 1 }
            wal.append([accept(100)])
            #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds), "crash after \(k): the log does not carry on")
            wal.close()
        }
        #expect(rotations > 0, "no crash landed after a rotation")
        #expect(interruptedCreations > 5, "too few crashes (\(interruptedCreations)) landed inside a segment's creation")
    }
}
