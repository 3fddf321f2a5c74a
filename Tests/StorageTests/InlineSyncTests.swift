import Glibc
import PaxosCore
import Testing
@testable import Storage

@Suite("Write-ahead log synced on the appending thread")
struct InlineSyncTests {
    static let inline = WALOptions(syncsOnCallerThread: true)

    @Test("syncNow makes what was appended durable at once, without the sync thread; nothing pending: no sync")
    func syncNowIsDurable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records: [Record] = [.promise(Ballot(round: 2, node: 3)), accept(1, round: 2), accept(2, round: 2)]
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: Self.inline)
            defer { wal.close() }
            wal.append(records)
            #expect(wal.durableCount == 0, "inline: nothing is synced before syncNow")
            #expect(wal.syncNow())
            #expect(wal.durableCount == 3)
            #expect(!wal.syncNow(), "nothing left to sync")
            var pfd = pollfd(fd: wal.completionFD, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 0) == 0, "the eventfd is for the sync thread's batches only")
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: Self.inline)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
    }

    @Test("a batch holding a snapshot goes to the sync thread, which signals the eventfd; records after it wait for it")
    func snapshotGoesToThread() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: Self.inline)
        defer { wal.close() }
        wal.append([accept(1, round: 2), .snapshot(index: 1, promised: Ballot(round: 2, node: 1), data: Array(repeating: 7, count: 4_096))])
        #expect(!wal.syncNow(), "a snapshot is not written on the caller's thread")
        var pfd = pollfd(fd: wal.completionFD, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 5_000) == 1, "the sync thread never reported the snapshot batch")
        #expect(wal.waitUntilDurable(2, timeoutNanoseconds: fiveSeconds))
        wal.append([accept(2, round: 2)])
        #expect(wal.syncNow())
        #expect(wal.durableCount == 3)
    }

    @Test("close makes what was appended but never synced durable")
    func closeFinishes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records: [Record] = [accept(1, round: 2), accept(2, round: 2)]
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, options: Self.inline)
            wal.append(records)
            wal.close()
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path, options: Self.inline)
        defer { wal.close() }
        #expect(state == RecoveredState.replay(records))
    }
}
