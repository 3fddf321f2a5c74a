import Glibc
import PaxosCore
import Testing
@testable import Storage

@Suite("Write-ahead log on the real file system")
struct WriteAheadLogTests {
    @Test("a new directory recovers as empty and gets the documented layout")
    func emptyDirectory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path + "/node1")
        defer { wal.close() }
        #expect(state.isEmpty)
        #expect(state == RecoveredState())
        #expect(fileNames(dir.path + "/node1") == ["snap", "wal"])
        #expect(fileNames(dir.path + "/node1/wal") == [DataDirectoryLayout.padded(1) + ".wal"])
        let segment = readBytes(dir.path + "/node1/wal/" + DataDirectoryLayout.padded(1) + ".wal")
        #expect(segment.count == WALOptions().segmentBytes, "a new segment is created at its full size")
        #expect(RecordFrame.contentEnd(segment, from: 0) <= SegmentHeader.bytes, "a new segment holds its header, then zeros")
        _ = try SegmentHeader(decoding: segment)
        #expect(wal.walBytes == SegmentHeader.bytes)
        #expect(wal.durableCount == 0)
    }

    @Test("appended records are durable in order, signalled on the eventfd, and replayed after reopening")
    func appendAndReplay() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records: [Record] = [.promise(Ballot(round: 2, node: 3)), accept(1, round: 2), accept(2, round: 2)]
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path)
            defer { wal.close() }
            wal.append(records)
            var pfd = pollfd(fd: wal.completionFD, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 5000) == 1, "eventfd never became readable")
            #expect(wal.waitUntilDurable(3, timeoutNanoseconds: fiveSeconds))
            #expect(wal.durableCount == 3)
            #expect(wal.walBytes > 0)
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
        #expect(!state.isEmpty)
        #expect(wal.durableCount == 0, "the durable count restarts at each open")
    }

    @Test("small segments rotate and every record still replays")
    func rotation() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fatal = FatalErrors()
        let records = (1...200).map { accept(Slot($0)) }
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: fatal.options(segmentBytes: 512))
            defer { wal.close() }
            for chunk in stride(from: 0, to: records.count, by: 7) {
                wal.append(Array(records[chunk..<min(chunk + 7, records.count)]))
            }
            #expect(wal.waitUntilDurable(200, timeoutNanoseconds: fiveSeconds))
        }
        #expect(fileNames(dir.path + "/wal").count > 5)
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
        #expect(fatal.all.isEmpty)
    }

    @Test("a second open of a locked data directory fails with a clear error")
    func directoryLock() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/a/b"
        let first = try DataDirectory.open(path)
        #expect(throws: StorageError.directoryLocked(path: path)) { _ = try DataDirectory.open(path) }
        let message = StorageError.directoryLocked(path: path).description
        #expect(message.contains("in use by another process"))
        first.close()
        let second = try DataDirectory.open(path)
        second.close()
        #expect(fileNames(path) == ["LOCK", "snap", "wal"])
    }
}
