import Checker

/// What a chaos run produced: its history, faults, verdict and problems.
public struct ChaosResult: Sendable {
    public var options: ChaosOptions
    public var history: [Operation]
    public var faults: [FaultRecord]
    public var verdict: Verdict
    /// How long the first write after healing took; nil when none succeeded in time.
    public var recoveryMs: Int64?
    /// Daemons that exited on their own ("node 2 … exited with status 134"),
    /// nodes that would not restart or answered no read after healing.
    public var problems: [String]
    /// The first replies the workload could not classify (they count as unknown), and how many there were.
    public var unexpectedReplies: [String]
    public var unexpectedCount: Int
    public var checkMs: Int64

    /// Faults that showed no effect: the run proves less than it claims.
    public var ineffectiveFaults: [FaultRecord] { faults.filter { $0.effect == nil } }

    /// Passed: linearizable, no problem, live after healing, every fault
    /// visible, every reply understood, and reads and writes acknowledged
    /// (a history of nothing but unknowns proves nothing).
    public var passed: Bool {
        verdict.isLinearizable && problems.isEmpty && recoveryMs != nil && isMeaningful
    }

    /// Every fault showed an effect, every reply was understood, and some
    /// reads and some writes were acknowledged.
    public var isMeaningful: Bool {
        var okReads = 0, okWrites = 0
        for op in history {
            guard case .ok = op.outcome else { continue }
            if op.call.isReadOnly { okReads += 1 } else { okWrites += 1 }
        }
        return ineffectiveFaults.isEmpty && unexpectedCount == 0 && okReads > 0 && okWrites > 0
    }

    /// 0 passed; 1 not linearizable, a daemon crashed (or would not restart,
    /// or answered nothing after healing) or the cluster stayed unavailable
    /// after healing; 3 undecided (checker budget) or not meaningful (a
    /// fault without effect, unexpected replies, nothing acknowledged).
    public var exitCode: Int32 {
        if verdict.isNotLinearizable || !problems.isEmpty || recoveryMs == nil { return 1 }
        return passed ? 0 : 3
    }
}
