/// An in-memory file system that models what survives a power cut: a
/// crash rolls every file back to its last synced bytes and every
/// directory back to its last synced entries, and may tear the unsynced
/// writes of a file: keep them from the first changed byte up to some
/// point, the last part of that possibly back to what was there before
/// (zeros past the synced end). That is a prefix of the unsynced writes,
/// in file order, as an appending log sees on ext4 (data=ordered). With
/// `reordersWrites`, a crash instead keeps each 512-byte sector of the
/// unsynced writes or not, independently (zeros where a kept sector lies
/// past the synced end): a disk persisting a later sector of one sync
/// without an earlier one, as overwrites of preallocated blocks may. Handles opened
/// before a crash fail with EIO afterwards. Directories themselves are
/// durable once created (a simplification: the log creates them once).
/// Each `mount()` is one incarnation: after a crash every call through an
/// older mount fails, as a dead process does nothing more.
import Foundation
import Glibc
import PaxosCore
import Posix
import Storage

final class LossyFileSystem: @unchecked Sendable {
    final class Inode {
        var data: [UInt8] = []
        var synced: [UInt8] = []
    }

    private let lock = NSLock()
    private var directories: [String: [String: Inode]] = [:]
    private var syncedDirectories: [String: [String: Inode]] = [:]
    private var epoch = 0
    private var random: SplitMix64
    private let reordersWrites: Bool
    /// When set, the operation that brings this to zero crashes instead.
    private var operationsBeforeCrash: Int?
    /// The next dataSync fails with this errno (then the file system carries on).
    var failNextSyncWith: Int32?
    private(set) var crashCount = 0
    /// File operations so far, by every mount (for tests that crash at each one in turn).
    var operationCount: Int { lock.withLock { operations } }
    private var operations = 0
    /// The path of the operation `crash(afterOperations:)` crashed in.
    var crashedInPath: String? { lock.withLock { crashPath } }
    private var crashPath: String?

    init(seed: UInt64, reordersWrites: Bool = false) {
        random = SplitMix64(seed: seed)
        self.reordersWrites = reordersWrites
    }

    func crash(afterOperations count: Int) {
        precondition(count > 0)
        lock.withLock { operationsBeforeCrash = count }
    }

    func crashNow() {
        lock.withLock { crashLocked() }
    }

    var hasPendingCrash: Bool { lock.withLock { operationsBeforeCrash != nil } }

    /// Every file's current bytes (for corrupting tests and size checks).
    func contents(_ path: String) -> [UInt8]? {
        lock.withLock {
            let (dir, name) = split(path)
            return directories[dir]?[name]?.data
        }
    }

    /// Overwrites a file as if synced (for corruption tests).
    func replace(_ path: String, with bytes: [UInt8]) {
        lock.withLock {
            let (dir, name) = split(path)
            let inode = directories[dir]![name]!
            inode.data = bytes
            inode.synced = bytes
        }
    }

    private func crashLocked() {
        crashCount += 1
        operationsBeforeCrash = nil
        epoch += 1
        var seen = Set<ObjectIdentifier>()
        // Sorted, so the same seed tears the same files the same way.
        for dir in syncedDirectories.keys.sorted() {
            let entries = syncedDirectories[dir]!
            for name in entries.keys.sorted() {
                let inode = entries[name]!
                guard seen.insert(ObjectIdentifier(inode)).inserted else { continue }
                var kept = inode.synced
                let changed = firstDifference(inode.data, inode.synced)
                if reordersWrites {
                    keepSectorsInAnyOrder(inode.data, from: changed, into: &kept)
                } else if changed < inode.data.count && random.next() % 2 == 0 {
                    let extra = Int(random.next() % UInt64(inode.data.count - changed + 1))
                    let end = changed + extra
                    kept = Array(inode.data[0..<end]) + (end < kept.count ? Array(kept[end...]) : [])
                    if extra > 0 && random.next() % 2 == 0 {
                        let reverted = Int(random.next() % UInt64(extra)) + 1
                        for i in (end - reverted)..<end { kept[i] = i < inode.synced.count ? inode.synced[i] : 0 }
                    }
                }
                inode.data = kept
                inode.synced = kept
            }
        }
        directories = syncedDirectories
    }

    /// Each sector of `data` from the one holding `start` on reaches `kept` or not, independently.
    private func keepSectorsInAnyOrder(_ data: [UInt8], from start: Int, into kept: inout [UInt8]) {
        let sectorBytes = 512
        var sector = start / sectorBytes * sectorBytes
        while sector < data.count {
            let end = min(sector + sectorBytes, data.count)
            if random.next() % 2 == 0 {
                if kept.count < end { kept.append(contentsOf: repeatElement(0, count: end - kept.count)) }
                kept.replaceSubrange(sector..<end, with: data[sector..<end])
            }
            sector = end
        }
    }

    private func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let common = min(a.count, b.count)
        var i = 0
        while i < common && a[i] == b[i] { i += 1 }
        return i
    }

    /// Counts one operation; throws EIO if it (or an earlier one) crashed.
    private func begin(_ handleEpoch: Int? = nil, _ path: String) throws {
        if let handleEpoch, handleEpoch != epoch { throw IOError(errnoCode: EIO, reason: "crashed \(path)") }
        operations += 1
        if let n = operationsBeforeCrash {
            if n <= 1 {
                crashPath = path
                crashLocked()
                throw IOError(errnoCode: EIO, reason: "crashed \(path)")
            }
            operationsBeforeCrash = n - 1
        }
    }

    func mount() -> Mount { lock.withLock { Mount(disk: self, epoch: epoch) } }

    struct Mount: FileSystem {
        let disk: LossyFileSystem
        let epoch: Int

        func createDirectory(_ path: String) throws { try disk.createDirectory(path, epoch) }
        func listDirectory(_ path: String) throws -> [String] { try disk.listDirectory(path, epoch) }
        func readFile(_ path: String) throws -> [UInt8] { try disk.readFile(path, epoch) }
        func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile {
            try disk.openForAppending(path, create: create, epoch)
        }
        func rename(_ from: String, to: String) throws { try disk.rename(from, to: to, epoch) }
        func removeFile(_ path: String) throws { try disk.removeFile(path, epoch) }
        func syncDirectory(_ path: String) throws { try disk.syncDirectory(path, epoch) }
    }

    private func split(_ path: String) -> (String, String) {
        let slash = path.lastIndex(of: "/")!
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    fileprivate func createDirectory(_ path: String, _ mountEpoch: Int) throws {
        try lock.withLock {
            try begin(mountEpoch, path)
            if directories[path] == nil { directories[path] = [:] }
            if syncedDirectories[path] == nil { syncedDirectories[path] = [:] }
        }
    }

    fileprivate func listDirectory(_ path: String, _ mountEpoch: Int) throws -> [String] {
        try lock.withLock {
            try begin(mountEpoch, path)
            guard let entries = directories[path] else { throw IOError(errnoCode: ENOENT, reason: "opendir \(path)") }
            return Array(entries.keys)
        }
    }

    fileprivate func readFile(_ path: String, _ mountEpoch: Int) throws -> [UInt8] {
        try lock.withLock {
            try begin(mountEpoch, path)
            let (dir, name) = split(path)
            guard let inode = directories[dir]?[name] else { throw IOError(errnoCode: ENOENT, reason: "open \(path)") }
            return inode.data
        }
    }

    fileprivate func openForAppending(_ path: String, create: Bool, _ mountEpoch: Int) throws -> any AppendableFile {
        try lock.withLock {
            try begin(mountEpoch, path)
            let (dir, name) = split(path)
            guard directories[dir] != nil else { throw IOError(errnoCode: ENOENT, reason: "open \(path)") }
            if let inode = directories[dir]![name] { return File(fs: self, inode: inode, epoch: epoch, path: path) }
            guard create else { throw IOError(errnoCode: ENOENT, reason: "open \(path)") }
            let inode = Inode()
            directories[dir]![name] = inode
            return File(fs: self, inode: inode, epoch: epoch, path: path)
        }
    }

    fileprivate func rename(_ from: String, to: String, _ mountEpoch: Int) throws {
        try lock.withLock {
            try begin(mountEpoch, from)
            let (fromDir, fromName) = split(from)
            let (toDir, toName) = split(to)
            guard let inode = directories[fromDir]?[fromName] else { throw IOError(errnoCode: ENOENT, reason: "rename \(from)") }
            directories[fromDir]![fromName] = nil
            directories[toDir]![toName] = inode
        }
    }

    fileprivate func removeFile(_ path: String, _ mountEpoch: Int) throws {
        try lock.withLock {
            try begin(mountEpoch, path)
            let (dir, name) = split(path)
            directories[dir]?[name] = nil
        }
    }

    fileprivate func syncDirectory(_ path: String, _ mountEpoch: Int) throws {
        try lock.withLock {
            try begin(mountEpoch, path)
            syncedDirectories[path] = directories[path]
        }
    }

    final class File: AppendableFile {
        let fs: LossyFileSystem
        let inode: Inode
        let epoch: Int
        let path: String

        /// The size as this handle's process saw it: a crash on another
        /// thread rolls the inode back, but a process that died would never
        /// have looked again, so a stale handle keeps its own view.
        private var sizeSeen: Int

        init(fs: LossyFileSystem, inode: Inode, epoch: Int, path: String) {
            self.fs = fs
            self.inode = inode
            self.epoch = epoch
            self.path = path
            sizeSeen = inode.data.count
        }

        var size: Int { fs.lock.withLock { epoch == fs.epoch ? inode.data.count : sizeSeen } }

        func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
            try fs.lock.withLock {
                try fs.begin(epoch, path)
                precondition(offset >= 0 && offset <= inode.data.count, "write leaves a hole")
                let end = offset + bytes.count
                if end > inode.data.count { inode.data.append(contentsOf: repeatElement(0, count: end - inode.data.count)) }
                inode.data.replaceSubrange(offset..<end, with: bytes)
                sizeSeen = inode.data.count
            }
        }

        func dataSync() throws {
            try fs.lock.withLock {
                try fs.begin(epoch, path)
                if let code = fs.failNextSyncWith {
                    fs.failNextSyncWith = nil
                    throw IOError(errnoCode: code, reason: "fdatasync \(path)")
                }
                inode.synced = inode.data
            }
        }

        func close() {}
    }
}
