import Checker
import Client
import Glibc
import Posix

/// `paxos-chaos check FILE`: re-checks a saved JSON-lines history.
public enum HistoryCheck {
    /// Exit status: 0 linearizable, 1 not, 2 unreadable, 3 undecided.
    public static func run(path: String, seconds: Int, say: (String) -> Void) -> Int32 {
        let text: String
        do {
            text = try readTextFile(path)
        } catch {
            say("paxos-chaos: cannot read \(path): \(error)")
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
}
