/// Held from pipe() to posix_spawn, so no child inherits another test's pipe
/// before it is marked close-on-exec (Glibc does not export pipe2).
import Foundation
import Glibc
import Posix

private let spawnLock = NSLock()

/// A spawned process whose stdout and stderr arrive on a pipe. `kill()`
/// sends SIGKILL and reaps it; call it on every path (it is idempotent).
final class ChildProcess {
    let pid: pid_t
    private let output: Int32
    private(set) var text = ""
    private var isReaped = false

    init(executable: String, arguments: [String]) throws {
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SystemErrorText("pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        Glibc.close(fds[1])
        guard rc == 0 else {
            Glibc.close(fds[0])
            throw SystemErrorText("posix_spawn \(executable) failed: errno \(rc)")
        }
        self.pid = pid
        output = fds[0]
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill()
        Glibc.close(output)
    }

    /// Reads what is available, waiting up to `timeoutMs` for something; false at end of file.
    @discardableResult
    func readOutput(timeoutMs: Int32) -> Bool {
        var pfd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMs) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n > 0 {
                text += String(decoding: buffer[0..<n], as: UTF8.self)
                continue
            }
            if n == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
    }

    /// Keeps reading until `condition` holds on the output, EOF, or the deadline.
    func waitForOutput(timeoutNanoseconds: UInt64, until condition: (String) -> Bool) -> Bool {
        let deadline = monotonicNow() + timeoutNanoseconds
        while !condition(text) {
            let now = monotonicNow()
            guard now < deadline else { return false }
            guard readOutput(timeoutMs: Int32(min(100, (deadline - now) / 1_000_000 + 1))) else { return condition(text) }
        }
        return true
    }

    /// Drains the output for `milliseconds`, then SIGKILLs and reaps the child
    /// and reads what it wrote before dying.
    func kill(afterMilliseconds milliseconds: Int) {
        let deadline = monotonicNow() + UInt64(milliseconds) * 1_000_000
        while true {
            let now = monotonicNow()
            guard now < deadline else { break }
            readOutput(timeoutMs: Int32((deadline - now) / 1_000_000 + 1))
        }
        kill()
        let end = monotonicNow() + 5_000_000_000
        while monotonicNow() < end && readOutput(timeoutMs: 100) {}
    }

    func kill() {
        guard !isReaped else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        isReaped = true
    }
}

struct SystemErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func monotonicNow() -> UInt64 { SystemClock.monotonicNs() }

/// The storage-bench executable built next to this test bundle.
func storageBenchPath() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = exe.lastIndex(of: "/") else { return nil }
    let candidate = String(exe[..<slash]) + "/storage-bench"
    return access(candidate, X_OK) == 0 ? candidate : nil
}
