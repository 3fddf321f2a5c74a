/// One `paxosd` (or kvctl, strace) child: the chaos library's process type.
import Chaos
import Glibc
import Posix

typealias DaemonProcess = ChildProcess

extension ChildProcess {
    /// Everything it wrote to stdout and stderr so far.
    var log: String { (try? readTextFile(logPath)) ?? "" }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func nowMs() -> UInt64 { SystemClock.monotonicMs() }

func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, bytes: Array(text.utf8))
}

func writeFile(_ path: String, bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw HarnessError("open \(path): errno \(errno)") }
    defer { close(fd) }
    guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
        throw HarnessError("write \(path) failed")
    }
}
