import CLinux
import Glibc
import Posix

/// A data directory held by this process: created if missing (with `wal/`
/// and `snap/`), and locked with `flock` on `LOCK` so a second daemon on
/// the same directory refuses to start. The lock ends with `close()` or
/// with the process.
public final class DataDirectory: @unchecked Sendable {
    public let path: String
    private var lockFD: Int32

    public static func open(_ path: String) throws -> DataDirectory {
        precondition(!path.isEmpty, "empty data directory path")
        try createDirectories(path)
        let layout = DataDirectoryLayout(root: path)
        let fd = try syscallValue("open \(layout.lockPath)") { Int(Glibc.open(layout.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)) }
        let rc = try retryingInterruptsAllowingBusy(path) { flock(Int32(fd), LOCK_EX | LOCK_NB) }
        guard rc else {
            Glibc.close(Int32(fd))
            throw StorageError.directoryLocked(path: path)
        }
        let fs = PosixFileSystem()
        try fs.createDirectory(layout.walDirectory)
        try fs.createDirectory(layout.snapDirectory)
        try fs.syncDirectory(path)
        return DataDirectory(path: path, lockFD: Int32(fd))
    }

    private init(path: String, lockFD: Int32) {
        self.path = path
        self.lockFD = lockFD
    }

    deinit { close() }

    /// Releases the lock.
    public func close() {
        guard lockFD >= 0 else { return }
        Glibc.close(lockFD)
        lockFD = -1
    }

    /// flock, retrying EINTR: true when taken, false when another holds it.
    private static func retryingInterruptsAllowingBusy(_ path: String, _ call: () -> Int32) throws -> Bool {
        while true {
            if call() == 0 { return true }
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK { return false }
            throw IOError(errnoCode: code, reason: "flock \(path)/LOCK")
        }
    }

    /// mkdir -p.
    private static func createDirectories(_ path: String) throws {
        let fs = PosixFileSystem()
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            try fs.createDirectory(prefix)
        }
    }
}
