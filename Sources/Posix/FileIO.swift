import Glibc

/// Thin wrappers over the fd calls, one per call, as swift-nio's `Posix`.
/// Each takes a plain `CInt`; ownership (who closes) is the caller's.
public enum Posix {
    /// Reads up to `buffer.count` bytes; `.processed(0)` is end of file.
    public static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> IOResult<Int> {
        try syscall(blocking: false, "read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Writes some prefix of `buffer` (a short write is normal).
    public static func write(_ fd: CInt, _ buffer: UnsafeRawBufferPointer) throws(IOError) -> IOResult<Int> {
        try syscall(blocking: false, "write") { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// Writes some prefix of the concatenation of `iovecs`.
    public static func writev(_ fd: CInt, _ iovecs: UnsafeBufferPointer<iovec>) throws(IOError) -> IOResult<Int> {
        try syscall(blocking: false, "writev") { Glibc.writev(fd, iovecs.baseAddress, CInt(iovecs.count)) }
    }

    /// Writes all of `bytes`, looping over short writes; for blocking fds.
    public static func writeAll(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) throws(IOError) {
        var done = 0
        while done < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            switch try write(fd, rest) {
            case .processed(let n): done += n
            case .wouldBlock: throw IOError(errnoCode: EAGAIN, reason: "write")
            }
        }
    }

    /// Closes `fd`. EINTR is not retried: on Linux the fd is gone either way.
    public static func close(_ fd: CInt) throws(IOError) {
        precondition(fd >= 0, "closing a negative fd")
        if Glibc.close(fd) == 0 { return }
        let code = errno
        precondition(code != EBADF, "close: fd \(fd) was not open: a bug in the caller")
        if code == EINTR { return }
        throw IOError(errnoCode: code, reason: "close")
    }

    /// A connected pair of non-blocking, close-on-exec Unix stream sockets,
    /// used as a pipe (Glibc's module does not export `pipe2`).
    public static func makeSocketPair() throws(IOError) -> (CInt, CInt) {
        var fds: [CInt] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        _ = try syscallValue("socketpair") { socketpair(AF_UNIX, type, 0, &fds) }
        return (fds[0], fds[1])
    }

    public static func setNonBlocking(_ fd: CInt) throws(IOError) {
        let flags = try syscallValue("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        _ = try syscallValue("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    public static func setCloseOnExec(_ fd: CInt) throws(IOError) {
        let flags = try syscallValue("fcntl(F_GETFD)") { fcntl(fd, F_GETFD) }
        _ = try syscallValue("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// A write to a closed socket must return EPIPE, not kill the process.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    public static func setBlocking(_ fd: CInt) throws(IOError) {
        let flags = try syscallValue("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        _ = try syscallValue("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    }
}

/// The whole file as UTF-8 text (invalid bytes become U+FFFD); for config
/// files and saved chaos histories.
public func readTextFile(_ path: String) throws(IOError) -> String {
    String(decoding: try Posix.readFile(path), as: UTF8.self)
}

extension Posix {
    /// The whole file's bytes, read to end of file (so `/proc` files and
    /// pipes work too); sized from `fstat` so a regular file is read into
    /// one buffer without growing it.
    public static func readFile(_ path: String) throws(IOError) -> [UInt8] {
        let fd = try syscallValue("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { try? close(fd) }
        var info = stat()
        try syscallValue("fstat \(path)") { fstat(fd, &info) }
        // One byte more than the size, so the read that sees EOF needs no room.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size) + 1, 4_096))
        var done = 0
        while true {
            if done == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = try syscallValue("read \(path)") {
                bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            }
            if n == 0 { break }
            done += n
        }
        bytes.removeLast(bytes.count - done)
        return bytes
    }
}

extension Posix {
    /// Replaces (or creates) the file at `path` with `text`; not synced: for
    /// reports, traces and histories, never for data.
    public static func writeTextFile(_ path: String, _ text: String) throws(IOError) {
        let fd = try syscallValue("open \(path)") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        defer { try? close(fd) }
        try Array(text.utf8).withBytes { (bytes) throws(IOError) in try writeAll(fd, bytes) }
    }
}
