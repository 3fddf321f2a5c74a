/// Fault injection and probes for the failure-scenario tests: pause and
/// resume (SIGSTOP/SIGCONT), wipe a data directory, read INFO numbers, run
/// the `kvctl` binary, pipeline many writes or reads on one connection.
import Chaos
import Client
import Glibc
import Posix
import Wire

extension TestCluster {
    /// An executable built next to this test bundle (`paxosd`, `kvctl`).
    static func productPath(_ name: String) throws -> String {
        let daemon = try daemonPath()
        let candidate = String(daemon[..<(daemon.lastIndex(of: "/") ?? daemon.startIndex)]) + "/" + name
        guard access(candidate, X_OK) == 0 else { throw HarnessError("no \(name) next to \(daemon): run `swift build` first") }
        return candidate
    }

    /// SIGSTOP: the process keeps its sockets but answers nothing.
    func pause(_ id: Int) { processes[id]?.signal(SIGSTOP) }

    /// SIGCONT after `pause`.
    func resume(_ id: Int) { processes[id]?.signal(SIGCONT) }

    /// The data directory of node `id` (as the config names it).
    func dataPath(_ id: Int) -> String { directory + "/data/node\(id)" }

    /// Removes node `id`'s data directory: WAL, snapshots, lock. Only while it is down.
    func wipeData(_ id: Int) {
        precondition(processes[id] == nil, "wipe only a node that is down")
        _ = system("rm -rf '\(dataPath(id))'")
    }

    /// One numeric INFO paxos field of node `id`; nil when it does not answer.
    func infoNumber(_ id: Int, _ field: String) -> UInt64? {
        info(id)?[field].flatMap { UInt64($0) }
    }

    /// `host:port,...` of the client ports of `ids`, for `kvctl --endpoints`.
    func endpoints(_ ids: [Int]) -> String {
        ids.map { "127.0.0.1:\(clientPorts[$0]!)" }.joined(separator: ",")
    }

    /// Runs the `kvctl` binary to completion (killed after `timeoutMs`).
    /// Returns its exit status (nil when it had to be killed), its output
    /// (stdout and stderr together) and how long it took.
    func runKvctl(_ arguments: [String], timeoutMs: UInt64 = 20_000) throws -> (status: Int32?, output: String, elapsedMs: UInt64) {
        let logPath = directory + "/kvctl-\(nowMs())-\(Int.random(in: 0..<1_000_000)).out"
        let started = nowMs()
        let process = try DaemonProcess(executable: try Self.productPath("kvctl"), arguments: arguments, logPath: logPath)
        let status = process.waitForExit(timeoutMs: timeoutMs)
        let elapsed = nowMs() - started
        process.kill()
        return (status, process.log, elapsed)
    }

    /// Sends `commands` on one connection in batches of `batch`, reading each
    /// batch's replies before sending the next; returns the replies in order.
    func pipeline(_ id: Int, _ commands: [[String]], batch: Int = 100, timeoutSeconds: Double = 5) throws -> [RESPValue] {
        precondition(batch > 0)
        let connection = try client(id, timeoutSeconds: timeoutSeconds)
        defer { connection.close() }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        var start = 0
        while start < commands.count {
            let end = min(start + batch, commands.count)
            for command in commands[start..<end] { try connection.send(command.map { Array($0.utf8) }) }
            for _ in start..<end { replies.append(try connection.readReply()) }
            start = end
        }
        return replies
    }

    /// Waits until node `id` has applied at least `index`; returns the ms it took, nil on timeout.
    func waitApplied(_ id: Int, atLeast index: UInt64, timeoutMs: UInt64) -> UInt64? {
        let started = nowMs()
        guard wait(timeoutMs: timeoutMs, { (infoNumber(id, "applied_index") ?? 0) >= index }) else { return nil }
        return nowMs() - started
    }

    /// One command on a fresh connection to node `id`, the failure as a value.
    func attempt(_ id: Int, timeoutSeconds: Double = 2, _ arguments: String...) -> Result<RESPValue, RESPClientError> {
        Result { () throws(RESPClientError) in
            let connection = try RESPClient(host: "127.0.0.1", port: clientPorts[id]!, timeoutSeconds: timeoutSeconds)
            defer { connection.close() }
            return try connection.call(arguments.map { Array($0.utf8) })
        }
    }

    /// The last lines of node `id`'s log, for failure messages.
    func logTail(_ id: Int, lines: Int = 40) -> String {
        let text = (try? readTextFile(directory + "/node\(id).log")) ?? ""
        return "--- node \(id) (last \(lines) lines) ---\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// A reply or failure as a log line: `OK`, `"value"`, `nil`, `-NOQUORUM ...`, `timed out ...`.
func describe(_ reply: Result<RESPValue, RESPClientError>) -> String {
    switch reply {
    case .success(.simpleString(let s)): return s
    case .success(.error(let s)): return "-" + s
    case .success(.bulk(nil)): return "nil"
    case .success(let value): return value.text.map { "\"\($0)\"" } ?? "\(value)"
    case .failure(let error): return error.description
    }
}

extension String {
    /// How many lines of this text (a daemon log) contain `needle`.
    func linesContaining(_ needle: String) -> Int {
        split(separator: "\n").count { $0.contains(needle) }
    }
}
