import Checker

/// What a chaos run produced: its history, faults, verdict and problems.
public struct ChaosResult: Sendable {
    public var options: ChaosOptions
    public var history: [Operation]
    public var faults: [FaultRecord]
    public var verdict: Verdict
    /// How long the first write after healing took; nil when none succeeded in time.
    public var recoveryMs: Int64?
    /// Daemons that exited on their own ("node 2 exited with status 134").
    public var crashes: [String]
    /// Replies the workload could not classify (they count as unknown).
    public var unexpectedReplies: [String]
    public var checkMs: Int64

    /// Faults that showed no effect: the run proves less than it claims.
    public var ineffectiveFaults: [FaultRecord] { faults.filter { $0.effect == nil } }

    /// Passed: linearizable, no crash, live after healing, every fault visible.
    public var passed: Bool {
        verdict.isLinearizable && crashes.isEmpty && recoveryMs != nil && ineffectiveFaults.isEmpty
    }

    /// 0 passed; 1 not linearizable, a daemon crashed or the cluster stayed
    /// unavailable after healing; 3 undecided (checker budget) or a fault without effect.
    public var exitCode: Int32 {
        if verdict.isNotLinearizable || !crashes.isEmpty || recoveryMs == nil { return 1 }
        return passed ? 0 : 3
    }
}
