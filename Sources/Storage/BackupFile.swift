import PaxosCore

/// A backup (`kvctl snapshot save`, `paxosd --restore`): the state
/// machine's snapshot at `slot`, in the data directory's snapshot file
/// format (zlib-compressed, CRC-32 over the whole file), so one codec reads
/// both and a backup can be checked with the same rules.
public struct BackupFile: Sendable, Equatable {
    public var slot: Slot
    /// The state as `StateMachine.snapshot()` serialized it.
    public var data: [UInt8]

    public init(slot: Slot, data: [UInt8]) {
        self.slot = slot
        self.data = data
    }

    /// Why a backup cannot be written or read, naming the file.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Writes the file atomically (a `.tmp` beside it, fdatasync, rename,
    /// fsync of the directory); returns its size in bytes.
    @discardableResult
    public func write(to path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(Failure) -> Int {
        do {
            let bytes = try SnapshotFile(index: slot, promised: .zero, firstSegment: 0, data: data).encoded(level: WALOptions().compressionLevel)
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
            try fileSystem.replaceAtomically(path, with: bytes, temp: path + ".tmp", directory: directory)
            return bytes.count
        } catch {
            throw Failure(description: "cannot write \(path): \(error)")
        }
    }

    /// Reads and verifies a backup; any damage is a `Failure` saying what.
    public static func read(_ path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(Failure) -> BackupFile {
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.readFile(path)
        } catch {
            throw Failure(description: "cannot read \(path): \(error)")
        }
        do {
            let file = try SnapshotFile(decoding: bytes)
            return BackupFile(slot: file.index, data: file.data)
        } catch {
            throw Failure(description: "\(path) is not a valid PaxosKV backup: \(error)")
        }
    }
}
