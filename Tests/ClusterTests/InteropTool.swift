/// An outside program (`redis-cli`, `redis-benchmark`, `python3`, `strace`)
/// run to completion with stdin from a file, stdout and stderr captured in
/// files, and a deadline after which it is killed. A tool that is not
/// installed is a test failure that says how to install it: CI installs
/// every one of them (`.ci/run`), so a silent skip would hide a gap.
import Chaos
import Glibc
import Posix

struct InteropTool {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        let elapsedMs: UInt64
        /// Both streams, for failure messages.
        var output: String { "exit \(status) after \(elapsedMs) ms\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
    }

    /// How to get each tool, for the failure message.
    static let installHints = [
        "redis-cli": "apt-get install -y redis-tools",
        "redis-benchmark": "apt-get install -y redis-tools",
        "redis-server": "apt-get install -y redis-server",
        "strace": "apt-get install -y strace",
        "python3": "apt-get install -y python3",
    ]

    /// The absolute path of `name` on PATH, or a failure naming the package to install.
    static func locate(_ name: String) throws -> String {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        let hint = installHints[name] ?? "install it"
        throw HarnessError("`\(name)` is not installed or not on PATH: \(hint) (CI's .ci/run installs it); this test needs it and does not skip")
    }

    /// Runs `name arguments…` in `directory` (files `tag.in/.out/.err`), killing it at the deadline.
    static func run(_ name: String, _ arguments: [String], stdin: [UInt8] = [], in directory: String,
                    tag: String, timeoutMs: UInt64) throws -> Result {
        let executable = try locate(name)
        let inPath = "\(directory)/\(tag).in", outPath = "\(directory)/\(tag).out", errPath = "\(directory)/\(tag).err"
        try writeBytes(inPath, stdin)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let startedAt = nowMs()
        let pid = try spawnWithCleanSignals(executable, arguments, &actions)
        var status: Int32 = 0
        var reaped = false
        defer {
            // Never leave the tool behind, whatever happened.
            if !reaped {
                Glibc.kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
            }
        }
        while nowMs() < startedAt + timeoutMs {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                break
            }
            usleep(5_000)
        }
        let elapsed = nowMs() - startedAt
        guard reaped else {
            Glibc.kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            reaped = true
            let partial = Result(status: -1, stdout: (try? readTextFile(outPath)) ?? "", stderr: (try? readTextFile(errPath)) ?? "", elapsedMs: elapsed)
            throw HarnessError("\(name) \(arguments.joined(separator: " ")) did not finish within \(timeoutMs) ms (killed)\n\(partial.output)")
        }
        let signal = status & 0x7f
        return Result(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                      stdout: try readTextFile(outPath), stderr: try readTextFile(errPath), elapsedMs: elapsed)
    }
}

func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw HarnessError("open \(path): errno \(errno)") }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        guard n > 0 else { throw HarnessError("write \(path): errno \(errno)") }
        done += n
    }
}

/// One command in RESP, as `redis-cli --pipe` wants it.
func respCommand(_ arguments: [String]) -> [UInt8] {
    var out = Array("*\(arguments.count)\r\n".utf8)
    for argument in arguments {
        let bytes = Array(argument.utf8)
        out += Array("$\(bytes.count)\r\n".utf8) + bytes + [13, 10]
    }
    return out
}

extension TestCluster {
    /// `waitForLeader`, then the same leader again and again for `stableMs`.
    /// A freshly started cluster may elect a lower id first and hand over to
    /// a higher one a few hundred milliseconds later (a node that starts as a
    /// learner becomes a voter and bullies): tests that are not about
    /// failover start once that has settled.
    func waitForSettledLeader(among ids: [Int], timeoutMs: UInt64, stableMs: UInt64 = 1_000) -> Int? {
        let deadline = nowMs() + timeoutMs
        while nowMs() < deadline {
            guard let leader = waitForLeader(among: ids, timeoutMs: deadline - min(deadline, nowMs())) else { return nil }
            let since = nowMs()
            var held = true
            while held && nowMs() < since + stableMs {
                usleep(50_000)
                held = waitForLeader(among: ids, timeoutMs: 200) == leader
            }
            if held { return leader }
        }
        return nil
    }
}
