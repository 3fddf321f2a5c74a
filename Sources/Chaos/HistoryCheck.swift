import Checker
import Glibc

/// `paxos-chaos check FILE`: re-checks a saved JSON-lines history.
public enum HistoryCheck {
    /// Exit status: 0 linearizable, 1 not, 2 unreadable, 3 undecided.
    public static func run(path: String, seconds: Int, say: (String) -> Void) -> Int32 {
        guard let text = readText(path) else {
            say("paxos-chaos: cannot read \(path): \(String(cString: strerror(errno)))")
            return 2
        }
        let history: [Operation]
        do {
            history = try HistoryFormat.parse(text)
        } catch {
            say("paxos-chaos: \(path): \(error)")
            return 2
        }
        switch Checker.check(history: history, budget: Budget(maxStates: 5_000_000, maxDuration: .seconds(seconds))) {
        case .linearizable:
            say("\(history.count) operations\nlinearizable: yes")
            return 0
        case .notLinearizable(let keys, let operations):
            say("smallest offending keys: \(keys.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))")
            say(operations)
            say("linearizable: no")
            return 1
        case .unknown(let reason):
            say("undecided: \(reason)\nlinearizable: unknown")
            return 3
        }
    }

    private static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
