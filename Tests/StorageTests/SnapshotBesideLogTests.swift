import Foundation
import PaxosCore
import Testing
@testable import Storage

/// A real file system whose snapshot temp files block in `dataSync` until
/// the test opens the gate: a snapshot that takes as long as the test likes.
final class GatedSnapshotFileSystem: FileSystem, @unchecked Sendable {
    private let real = PosixFileSystem()
    private let gate = NSCondition()
    private var isOpen = false
    private(set) var snapshotSyncsWaiting = 0

    func open() {
        gate.lock()
        isOpen = true
        gate.broadcast()
        gate.unlock()
    }

    /// Waits (up to five seconds) until `count` snapshot syncs reached the gate.
    func waitForArrivals(_ count: Int) -> Bool {
        let deadline = Date(timeIntervalSinceNow: 5)
        gate.lock()
        defer { gate.unlock() }
        while snapshotSyncsWaiting < count {
            if !gate.wait(until: deadline) { return snapshotSyncsWaiting >= count }
        }
        return true
    }

    fileprivate func waitForGate() {
        gate.lock()
        snapshotSyncsWaiting += 1
        gate.broadcast()
        while !isOpen { gate.wait() }
        gate.unlock()
    }

    func createDirectory(_ path: String) throws { try real.createDirectory(path) }
    func listDirectory(_ path: String) throws -> [String] { try real.listDirectory(path) }
    func readFile(_ path: String) throws -> [UInt8] { try real.readFile(path) }
    func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile {
        let file = try real.openForAppending(path, create: create)
        return path.hasSuffix(".snap.tmp") ? GatedFile(file, self) : file
    }
    func rename(_ from: String, to: String) throws { try real.rename(from, to: to) }
    func removeFile(_ path: String) throws { try real.removeFile(path) }
    func syncDirectory(_ path: String) throws { try real.syncDirectory(path) }
}

private final class GatedFile: AppendableFile {
    let file: any AppendableFile
    let fs: GatedSnapshotFileSystem
    init(_ file: any AppendableFile, _ fs: GatedSnapshotFileSystem) {
        self.file = file
        self.fs = fs
    }
    var size: Int { file.size }
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws { try file.write(bytes, at: offset) }
    func dataSync() throws {
        fs.waitForGate()
        try file.dataSync()
    }
    func close() { file.close() }
}

@Suite("Snapshots are written beside the log")
struct SnapshotBesideLogTests {
    @Test("records after a snapshot are written and synced while its file is written, and count durable once it is")
    func recordsDoNotWaitForTheSnapshotFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = GatedSnapshotFileSystem()
        let data = SnapshotTests.mapBytes(keys: 1_000)
        let promised = Ballot(round: 3, node: 2)
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, fileSystem: fs)
            defer { wal.close() }
            wal.append([accept(1), accept(2), .snapshot(index: 2, promised: promised, data: data)])
            wal.append([accept(3)])
            wal.append([accept(4)])
            #expect(fs.waitForArrivals(1), "the snapshot file is being written")
            #expect(wal.waitUntilDurable(2, timeoutNanoseconds: fiveSeconds), "the records before the snapshot")
            // The core may depend on the snapshot: it is not durable, so neither is anything after it ...
            #expect(!wal.waitUntilDurable(3, timeoutNanoseconds: 200_000_000))
            #expect(wal.durableCount == 2)
            #expect(fileNames(dir.path + "/snap").allSatisfy { $0.hasSuffix(".tmp") })
            // ... though the records after it are already on disk, synced.
            let plan = try Self.waitForRecovery(of: dir.path) { $0.state.accepted.keys.sorted() == [1, 2, 3, 4] }
            #expect(plan.state.snapshotIndex == 0 && plan.state.promised >= promised)
            fs.open()
            #expect(wal.waitUntilDurable(5, timeoutNanoseconds: fiveSeconds), "durable once the file is")
        }
        #expect(fileNames(dir.path + "/snap") == [DataDirectoryLayout.padded(2) + ".snap"])
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state.snapshotIndex == 2 && state.snapshotData == data)
        #expect(state.promised == promised)
        #expect(state.accepted.keys.sorted() == [3, 4])
    }

    /// What a recovery would find in `dir` now, once `ready` holds (up to five seconds).
    static func waitForRecovery(of dir: String, until ready: (RecoveryPlan) -> Bool) throws -> RecoveryPlan {
        let deadline = Date(timeIntervalSinceNow: 5)
        while true {
            let plan = try LogRecovery.scan(DataDirectoryLayout(root: dir), fileSystem: PosixFileSystem())
            if ready(plan) || Date() > deadline { return plan }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    @Test("the promise a snapshot carries is on disk with its batch, before the snapshot file")
    func promiseDurableBeforeTheFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = GatedSnapshotFileSystem()
        let promised = Ballot(round: 9, node: 3)
        let (wal, _) = try WriteAheadLog.open(directory: dir.path, fileSystem: fs)
        wal.append([accept(1), .snapshot(index: 1, promised: promised, data: [1, 2, 3])])
        #expect(fs.waitForArrivals(1))
        // Read the directory as a recovery after a crash would, file still unwritten.
        let plan = try Self.waitForRecovery(of: dir.path) { $0.state.promised == promised }
        #expect(plan.state.promised == promised)
        #expect(plan.state.snapshotIndex == 0 && plan.state.accepted.keys.sorted() == [1])
        fs.open()
        wal.close()
    }

    @Test("on a node that joined (a voter) a snapshot counts durable with its batch; its file follows, and the joined record survives the compaction")
    func votersSnapshotDoesNotHoldBackRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = GatedSnapshotFileSystem()
        let data = SnapshotTests.mapBytes(keys: 100)
        do {
            let (wal, _) = try WriteAheadLog.open(directory: dir.path, fileSystem: fs, options: WALOptions(segmentBytes: 4096))
            defer { wal.close() }
            wal.append([.joined, accept(1), accept(2)])
            #expect(wal.waitUntilDurable(3, timeoutNanoseconds: fiveSeconds))
            // Enough records that the joined record's segment is compacted away.
            for slot in 3...60 { wal.append([accept(Slot(slot), payload: [UInt8](repeating: 7, count: 100))]) }
            wal.append([.snapshot(index: 60, promised: .zero, data: data), accept(61)])
            #expect(fs.waitForArrivals(1), "the snapshot file is being written")
            #expect(wal.waitUntilDurable(63, timeoutNanoseconds: fiveSeconds), "a voter's records do not wait for the file")
            fs.open()
        }
        let (wal, state) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        #expect(state.snapshotIndex == 60 && state.accepted.keys.sorted() == [61])
        #expect(state.hasJoined, "the joined record was rewritten into a kept segment")
        #expect(fileNames(dir.path + "/wal").count < 5, "the old segments were compacted")
    }
}
