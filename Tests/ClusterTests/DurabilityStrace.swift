/// One system call from `strace -f -ttt -T -yy` output, with an
/// `<unfinished ...>` line and its `<... resumed>` line joined.
import Chaos
import Glibc
import Posix

struct StraceCall {
    let pid: Int
    let name: String
    /// The first argument as strace printed it: `4</tmp/x/wal/1.wal>`,
    /// `15<TCP:[127.0.0.1:6401->127.0.0.1:5555]>`, or a bare number.
    let fd: String
    /// Wall-clock seconds (-ttt) when the call was entered and when it returned (-T).
    let start: Double
    let end: Double
    /// The return value; nil when strace printed `?` (the process died in the call).
    let result: Int?
    /// The whole call as printed, arguments included.
    let text: String

    var isWALFile: Bool { fd.contains("/wal/") && fd.contains(".wal>") }
}

enum StraceParser {
    /// Parses a trace file. Lines that are not calls (`+++ exited`, `--- SIG…`) are skipped;
    /// an unfinished call whose resumption never came (the process was killed) is dropped.
    static func parse(_ text: String) -> [StraceCall] {
        var calls: [StraceCall] = []
        var unfinished: [Int: (start: Double, head: String)] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3, let pid = Int(fields[0]), let time = Double(fields[1]) else { continue }
            let rest = String(fields[2])
            if rest.hasPrefix("+++") || rest.hasPrefix("---") { continue }
            let start: Double
            let whole: String
            if rest.hasPrefix("<... ") {
                guard let head = unfinished.removeValue(forKey: pid),
                      let marker = rest.firstRange(of: " resumed>") else { continue }
                start = head.start
                whole = head.head + rest[marker.upperBound...]
            } else if rest.hasSuffix(" <unfinished ...>") {
                let marker = rest.ranges(of: " <unfinished ...>").last!
                unfinished[pid] = (time, String(rest[..<marker.lowerBound]))
                continue
            } else {
                start = time
                whole = rest
            }
            if let call = makeCall(pid: pid, start: start, whole) { calls.append(call) }
        }
        return calls.sorted { $0.start < $1.start }
    }

    /// `name(fd, …) = result <duration>` into a call; nil when it does not look like one.
    static func makeCall(pid: Int, start: Double, _ whole: String) -> StraceCall? {
        guard let open = whole.firstIndex(of: "(") else { return nil }
        let name = String(whole[..<open])
        let afterOpen = whole.index(after: open)
        let args = whole[afterOpen...]
        // The fd ends at the '>' of its -yy tag (which may itself hold "->"), else at ',' or ')'.
        var fd: Substring
        let digits = args.prefix { $0.isNumber }
        if args.dropFirst(digits.count).first == "<" {
            let ends = [">, ", ">)", "> "].compactMap { args.firstRange(of: $0)?.lowerBound }
            guard let end = ends.min() else { return nil }
            fd = args[..<args.index(after: end)]
        } else {
            fd = args.prefix { $0 != "," && $0 != ")" }
        }
        guard let equals = whole.ranges(of: ") = ").last else { return nil }
        let resultText = whole[equals.upperBound...].prefix { $0 != " " }
        var duration = 0.0
        if let lt = whole.lastIndex(of: "<"), whole.hasSuffix(">") {
            duration = Double(whole[whole.index(after: lt)..<whole.index(before: whole.endIndex)]) ?? 0
        }
        return StraceCall(pid: pid, name: name, fd: String(fd), start: start, end: start + duration,
                          result: Int(resultText), text: whole)
    }
}

/// `paxosd` run under `strace -f`, so its system calls (every thread) land
/// in a trace file. Killing strace with SIGKILL would leave the daemon
/// running, so `kill()` kills the traced daemon first, then lets strace
/// finish writing the trace, then reaps it.
final class TracedDaemon {
    let strace: DaemonProcess
    let tracePath: String

    init(cluster: TestCluster, id: Int, tracePath: String) throws {
        self.tracePath = tracePath
        let calls = "trace=pwrite64,pwritev,pwritev2,write,writev,fdatasync,fsync,read,readv,recvfrom,recvmsg,sendto,sendmsg"
        strace = try DaemonProcess(executable: try InteropTool.locate("strace"),
                                   arguments: ["-f", "-ttt", "-T", "-yy", "-s", "4096", "-e", calls, "-o", tracePath,
                                               try TestCluster.daemonPath(), "--config", cluster.configPath, "--id", "\(id)"],
                                   logPath: cluster.directory + "/node\(id).log")
    }

    deinit { kill() }

    /// The traced daemon's pid (strace's child), once it exists.
    var daemonPID: pid_t? {
        guard let text = try? readTextFile("/proc/\(strace.pid)/task/\(strace.pid)/children") else { return nil }
        return text.split(separator: " ").first.flatMap { pid_t($0) }
    }

    func kill() {
        if strace.pollExit() == nil, let daemon = daemonPID {
            Glibc.kill(daemon, SIGKILL)
            if strace.waitForExit(timeoutMs: 5_000) != nil { return }
        }
        strace.kill()
    }
}

/// The durability check on parsed traces, apart from the cluster so a test
/// can show it bites on a made-up trace.
enum FsyncOrderCheck {
    static let writeCalls = ["write", "writev", "sendto", "sendmsg"]

    /// Per node: when the WAL write holding `marker` returned, and when the first
    /// successful fdatasync of a WAL file begun after that returned (nil: none).
    static func durability(of marker: String, in calls: [StraceCall]) -> (written: StraceCall, syncedAt: Double?)? {
        guard let written = calls.first(where: {
            $0.isWALFile && ($0.name.hasPrefix("pwrite") || writeCalls.contains($0.name)) && $0.text.contains(marker)
        }) else { return nil }
        let synced = calls.first { $0.name == "fdatasync" && $0.isWALFile && $0.start >= written.end && $0.result == 0 }
        return (written, synced?.end)
    }

    /// The nodes (sorted) on which the write holding `marker` was durable by `replyAt`.
    static func durableNodes(of marker: String, by replyAt: Double, traces: [Int: [StraceCall]]) -> [Int] {
        traces.keys.sorted().filter { id in
            guard let syncedAt = durability(of: marker, in: traces[id]!)?.syncedAt else { return false }
            return syncedAt <= replyAt
        }
    }
}
