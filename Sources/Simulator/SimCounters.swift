/// How much of each kind of fault and event a run exercised.
public struct SimCounters: Sendable, Equatable {
    public var messages = 0
    public var dropped = 0
    public var duplicated = 0
    public var reordered = 0
    public var partitions = 0
    /// Partitions that cut or degrade single directions of links.
    public var oneWayCuts = 0
    public var crashes = 0
    public var restarts = 0
    public var wipes = 0
    public var leaderChanges = 0
    public var compactions = 0
    public var snapshotTransfers = 0
    public var writesAcked = 0
    public var writesNoQuorum = 0
    public var writesTimedOut = 0
    public var readsAnswered = 0
    public var slotsChosen = 0
    /// Member changes applied (in the canonical log).
    public var memberChanges = 0
    public var clockJumps = 0
    /// Leases (keys with a TTL) expired in the canonical log.
    public var leasesExpired = 0

    public init() {}

    public mutating func add(_ o: SimCounters) {
        messages += o.messages; dropped += o.dropped; duplicated += o.duplicated
        reordered += o.reordered; partitions += o.partitions; oneWayCuts += o.oneWayCuts; crashes += o.crashes
        restarts += o.restarts; wipes += o.wipes; leaderChanges += o.leaderChanges; compactions += o.compactions
        snapshotTransfers += o.snapshotTransfers; writesAcked += o.writesAcked
        writesNoQuorum += o.writesNoQuorum; writesTimedOut += o.writesTimedOut
        readsAnswered += o.readsAnswered; slotsChosen += o.slotsChosen; memberChanges += o.memberChanges
        clockJumps += o.clockJumps; leasesExpired += o.leasesExpired
    }

    /// Named counts that must each be non-zero over a multi-seed run.
    public var exercised: [(String, Int)] {
        [("messages dropped", dropped), ("messages duplicated", duplicated), ("messages reordered", reordered),
         ("partitions", partitions), ("one-way cuts", oneWayCuts), ("crashes", crashes), ("restarts", restarts), ("wipes", wipes),
         ("leader changes", leaderChanges), ("compactions", compactions),
         ("snapshot transfers", snapshotTransfers), ("reads answered", readsAnswered),
         ("writes acknowledged", writesAcked), ("clock jumps", clockJumps), ("leases expired", leasesExpired)]
    }

    public var summary: String {
        "messages=\(messages) dropped=\(dropped) duplicated=\(duplicated) reordered=\(reordered) "
            + "partitions=\(partitions) one_way=\(oneWayCuts) crashes=\(crashes) restarts=\(restarts) wipes=\(wipes) leader_changes=\(leaderChanges) "
            + "compactions=\(compactions) snapshot_transfers=\(snapshotTransfers) slots_chosen=\(slotsChosen) "
            + "writes_ok=\(writesAcked) writes_noquorum=\(writesNoQuorum) writes_timeout=\(writesTimedOut) reads=\(readsAnswered) "
            + "member_changes=\(memberChanges) clock_jumps=\(clockJumps) leases_expired=\(leasesExpired)"
    }
}

/// A broken guarantee, named by the end-to-end check that found it.
public struct Violation: Error, Sendable, CustomStringConvertible {
    public enum Check: String, Sendable {
        case agreement, validity, durability = "lost-acknowledged-write", linearizableRead = "linearizable-read", liveness
        case noQuorumApplied = "noquorum-applied"
    }
    public var check: Check
    public var detail: String
    public var timeMs: UInt64

    public var description: String { "\(check.rawValue) violated at t=\(timeMs)ms: \(detail)" }
}
