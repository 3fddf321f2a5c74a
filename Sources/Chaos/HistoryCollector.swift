import Checker
import Posix
import Synchronization

/// Where every client thread hands in its operations, and the shared
/// process-id counter (a client that saw an unknown outcome becomes a new
/// process, as in Jepsen: its old op may still be in flight).
final class HistoryCollector: Sendable {
    private let operations = Locked<[Operation]>([])
    private let unexpected = Locked<(first: [String], count: Int)>(([], 0))
    private let lastProcess = Atomic<Int>(0)

    func newProcess() -> Int { lastProcess.add(1, ordering: .relaxed).newValue }

    func add(_ ops: [Operation]) { operations.withLock { $0.append(contentsOf: ops) } }

    /// Replies the classifier did not expect (kept for the report; a few suffice).
    func noteUnexpected(_ what: String) {
        unexpected.withLock {
            $0.count += 1
            if $0.first.count < 20 { $0.first.append(what) }
        }
    }

    var history: [Operation] { operations.withLock { $0.sorted { $0.invokeNs < $1.invokeNs } } }
    var unexpectedReplies: [String] { unexpected.withLock { $0.first } }
    var unexpectedCount: Int { unexpected.withLock { $0.count } }
}
