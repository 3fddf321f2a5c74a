import Glibc

/// A log file in the run directory that lines are appended to as they
/// happen (the fault log survives an interrupted run). Errors are ignored:
/// the same lines also go to stdout.
final class AppendFile {
    private let fd: CInt

    init(path: String) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ text: String) {
        guard fd >= 0 else { return }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
