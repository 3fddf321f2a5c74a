import Foundation
import Glibc
import PaxosCore
import Storage
import Testing

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/storage-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Total bytes of all regular files below the directory.
    func totalBytes() -> Int {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var total = 0
        while let name = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                total += (attributes?[.size] as? Int) ?? 0
            }
        }
        return total
    }
}

/// Collects fatal-error reports from a WAL's sync thread.
final class FatalErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    var all: [String] { lock.withLock { messages } }

    func record(_ message: String) { lock.withLock { messages.append(message) } }

    func options(segmentBytes: Int = 16 << 20, skipsSync: Bool = false) -> WALOptions {
        WALOptions(segmentBytes: segmentBytes, skipsSyncForCrashTest: skipsSync, onFatalError: { [self] in record($0) })
    }
}

let fiveSeconds: UInt64 = 5_000_000_000

func accept(_ slot: Slot, round: UInt64 = 1, payload: [UInt8] = [1, 2, 3]) -> Record {
    .accept(slot: slot, ballot: Ballot(round: round, node: 1),
            value: .batch(timeMs: slot, requests: [Request(id: RequestID(origin: 1, serial: slot), payload: payload)]))
}

/// Files in a directory, sorted by name.
func fileNames(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

func readBytes(_ path: String) -> [UInt8] {
    [UInt8](FileManager.default.contents(atPath: path) ?? Data())
}

/// Opening the log in `dir` must refuse with `reason` at `offset` of `file`,
/// naming both, and leave `file` as it was. A log that opens anyway is closed.
func expectOpenRefused(_ dir: TemporaryDirectory, _ file: String, at offset: Int, _ reason: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let bytes = readBytes(file)
    do {
        let (wal, _) = try WriteAheadLog.open(directory: dir.path)
        wal.close()
        Issue.record("the log opened; expected: \(reason)", sourceLocation: sourceLocation)
    } catch {
        #expect((error as? StorageError)?.description == "corrupt write-ahead log \(file) at offset \(offset): \(reason)",
                sourceLocation: sourceLocation)
    }
    #expect(readBytes(file) == bytes, "the refused file was changed", sourceLocation: sourceLocation)
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
}
