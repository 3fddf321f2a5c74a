import Glibc
import Posix
import Storage
import Testing

@Suite("Backup files")
struct BackupFileTests {
    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/paxoskv-backup-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw IOError(errnoCode: errno, reason: "mkdtemp") }
        return String(cString: made)
    }

    @Test("a backup round-trips slot and state; no temporary file stays behind")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/b.snap"
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let size = try BackupFile(slot: 4_242, data: data).write(to: path)
        #expect(size > 0)
        #expect(try BackupFile.read(path) == BackupFile(slot: 4_242, data: data))
        #expect(try PosixFileSystem().listDirectory(dir) == ["b.snap"])
        // Overwriting replaces it whole.
        try BackupFile(slot: 7, data: [1, 2, 3]).write(to: path)
        #expect(try BackupFile.read(path) == BackupFile(slot: 7, data: [1, 2, 3]))
    }

    @Test("any flipped byte, a truncation or a foreign file is refused with the file's name")
    func damage() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/b.snap"
        try BackupFile(slot: 9, data: Array(repeating: 7, count: 500)).write(to: path)
        let good = try PosixFileSystem().readFile(path)
        for position in [0, 9, good.count / 2, good.count - 1] {
            var bad = good
            bad[position] ^= 0x40
            try write(bad, to: path)
            #expect(throws: BackupFile.Failure.self) { try BackupFile.read(path) }
        }
        try write(Array(good.prefix(good.count - 3)), to: path)
        do {
            _ = try BackupFile.read(path)
            Issue.record("a truncated backup was accepted")
        } catch {
            #expect(error.description.contains(path))
        }
        #expect(throws: BackupFile.Failure.self) { try BackupFile.read(dir + "/missing.snap") }
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        let fs = PosixFileSystem()
        try fs.removeFile(path)
        let file = try fs.openForAppending(path, create: true)
        defer { file.close() }
        try bytes.withUnsafeBytes { try file.append($0) }
    }
}
