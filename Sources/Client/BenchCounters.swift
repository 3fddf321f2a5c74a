import Posix
import Synchronization

/// What the bench threads share: the next request to take, counts the
/// progress line reads, and each thread's latency samples at the end.
final class BenchCounters: Sendable {
    let total: Int
    private let next = Atomic<Int>(0)
    let succeeded = Atomic<Int>(0)
    /// The cluster did not answer, or a write was surely not applied.
    let unavailable = Atomic<Int>(0)
    /// A write that may or may not have been applied.
    let unknown = Atomic<Int>(0)
    /// The server refused the request (-ERR).
    let refused = Atomic<Int>(0)
    private let samples = Locked<[[UInt32]]>([])

    init(total: Int) {
        precondition(total > 0)
        self.total = total
    }

    /// Claims the next request; nil when all are taken.
    func claim() -> Int? {
        let n = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return n < total ? n : nil
    }

    var finished: Int {
        succeeded.load(ordering: .relaxed) + errors
    }

    var errors: Int {
        unavailable.load(ordering: .relaxed) + unknown.load(ordering: .relaxed) + refused.load(ordering: .relaxed)
    }

    func count(_ failure: KvctlFailure) {
        if failure.exitCode == .usage {
            refused.add(1, ordering: .relaxed)
        } else if failure.message.hasPrefix("outcome unknown") {
            unknown.add(1, ordering: .relaxed)
        } else {
            unavailable.add(1, ordering: .relaxed)
        }
    }

    func addSamples(_ micros: [UInt32]) {
        samples.withLock { $0.append(micros) }
    }

    func allSamples() -> [UInt32] {
        samples.withLock { Array($0.joined()) }
    }
}
