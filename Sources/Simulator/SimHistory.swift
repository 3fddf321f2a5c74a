import PaxosCore

/// One client operation as the client saw it.
struct ClientOp {
    enum Kind { case write(id: UInt64), read }
    enum Outcome: Equatable { case pending, ok(UInt64), noQuorum, timeout, lost }
    var kind: Kind
    var node: NodeID
    var requestID: RequestID
    var invokedMs: UInt64
    var completedMs: UInt64? = nil
    var outcome: Outcome = .pending
    /// A read's answer: how many leases had expired in the state it read.
    var expiredSeen: UInt64? = nil
}

/// The canonical log every node must agree with, and the checks against it.
/// Agreement and validity are checked on every apply; reads and durability
/// once the run has settled.
struct SimChecker {
    var canonical: [Value] = []              // canonical[i] holds slot i + 1
    var stateAt: [SimStateMachine]           // stateAt[s]: after slot s
    var positionOfWrite: [UInt64: UInt64] = [:]
    var writeAtPosition: [UInt64] = []       // writeAtPosition[p - 1]
    var submittedWrites: Set<UInt64> = []
    var noQuorumWrites: Set<UInt64> = []
    /// Member changes some node was asked for (payloads), and how many the log applied.
    var submittedChanges: Set<[UInt8]> = []
    var memberChangesApplied = 0
    /// The configuration as of the last canonical slot, and the one before
    /// the last change (nodes still learning that change are governed by it).
    var membership: Membership
    var previousMembers: [NodeID] = []

    var lastSlot: Slot { Slot(canonical.count) }

    init(membership: Membership, leaseEvery: UInt64) {
        self.membership = membership
        stateAt = [SimStateMachine(leaseEvery: leaseEvery)]
    }

    /// A node applied `slot` with `value`.
    mutating func applied(node: NodeID, slot: Slot, value: Value, at time: UInt64) throws {
        if slot <= lastSlot {
            guard canonical[Int(slot) - 1] == value else {
                throw Violation(check: .agreement, detail: "node \(node) applied a different value at slot \(slot)", timeMs: time)
            }
            return
        }
        guard slot == lastSlot + 1 else {
            throw Violation(check: .agreement, detail: "node \(node) applied slot \(slot) before anyone applied slot \(lastSlot + 1)", timeMs: time)
        }
        var sm = stateAt.last!
        // As the learner: the batch's log time first, then its commands.
        // Stamps need not rise slot by slot: a value accepted under an old
        // ballot and re-proposed keeps its stamp, and may land above a slot a
        // later leader stamped (seed 351). Log time is their running maximum.
        if let timeMs = value.timeMs { sm.advance(logTimeMs: timeMs) }
        for request in value.requests {
            if MemberChange(payload: request.payload) != nil {
                guard submittedChanges.contains(request.payload) else {
                    throw Violation(check: .validity, detail: "slot \(slot) holds a member change no one asked for", timeMs: time)
                }
                memberChangesApplied += 1
                if let change = MemberChange(payload: request.payload), membership.refusal(change) == nil {
                    previousMembers = membership.members
                    membership = membership.applying(change, at: slot)
                }
                continue
            }
            let id = SimStateMachine.decode(request.payload)
            guard submittedWrites.contains(id) else {
                throw Violation(check: .validity, detail: "slot \(slot) holds write \(id) that no client sent", timeMs: time)
            }
            guard positionOfWrite[id] == nil else {
                throw Violation(check: .validity, detail: "write \(id) applied twice (slot \(slot))", timeMs: time)
            }
            guard !noQuorumWrites.contains(id) else {
                throw Violation(check: .noQuorumApplied, detail: "write \(id) answered -NOQUORUM was applied at slot \(slot)", timeMs: time)
            }
            _ = sm.apply(request.payload, logTimeMs: sm.clockMs)
            positionOfWrite[id] = sm.count
            writeAtPosition.append(id)
        }
        canonical.append(value)
        stateAt.append(sm)
    }

    /// A node's state machine after applying through `slot` must be the canonical one.
    func checkState(node: NodeID, slot: Slot, state: SimStateMachine, at time: UInt64) throws {
        guard slot <= lastSlot, stateAt[Int(slot)] == state else {
            throw Violation(check: .agreement, detail: "node \(node) state at slot \(slot) differs from the canonical state", timeMs: time)
        }
    }

    mutating func answeredNoQuorum(write id: UInt64, at time: UInt64) throws {
        noQuorumWrites.insert(id)
        if positionOfWrite[id] != nil {
            throw Violation(check: .noQuorumApplied, detail: "write \(id) answered -NOQUORUM but already applied", timeMs: time)
        }
    }

    /// Every acknowledged write survives, and every read saw every write
    /// acknowledged before it was sent (and none that was not yet sent).
    func checkHistory(_ ops: [ClientOp], at time: UInt64) throws {
        var acked: [(completed: UInt64, position: UInt64)] = []
        for op in ops {
            guard case .write(let id) = op.kind, case .ok(let p) = op.outcome else { continue }
            guard let pos = positionOfWrite[id] else {
                throw Violation(check: .durability, detail: "acknowledged write \(id) (node \(op.node)) is not in the log", timeMs: time)
            }
            guard pos == p else {
                throw Violation(check: .agreement, detail: "write \(id) acknowledged at position \(p) but applied at \(pos)", timeMs: time)
            }
            acked.append((op.completedMs!, pos))
        }
        acked.sort { $0.completed < $1.completed }
        var prefixMax: [UInt64] = []
        var m: UInt64 = 0
        for a in acked { m = max(m, a.position); prefixMax.append(m) }
        for op in ops {
            guard case .read = op.kind, case .ok(let count) = op.outcome else { continue }
            // Writes acknowledged strictly before the read was invoked.
            var lo = 0, hi = acked.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if acked[mid].completed < op.invokedMs { lo = mid + 1 } else { hi = mid }
            }
            if lo > 0, prefixMax[lo - 1] > count {
                throw Violation(check: .linearizableRead, detail: "read \(op.requestID) at node \(op.node) (t=\(op.invokedMs)) saw \(count) writes but write #\(prefixMax[lo - 1]) was acknowledged before it began", timeMs: time)
            }
            if count > 0 {
                guard Int(count) <= writeAtPosition.count else {
                    throw Violation(check: .linearizableRead, detail: "read \(op.requestID) saw \(count) writes, more than were ever applied", timeMs: time)
                }
            }
        }
        try checkExpiryNeverUndone(ops, at: time)
    }

    /// An expired lease (a key past its TTL) never comes back: a read that
    /// began after another ended saw at least as many leases expired.
    func checkExpiryNeverUndone(_ ops: [ClientOp], at time: UInt64) throws {
        let reads = ops.filter { $0.expiredSeen != nil }.sorted { $0.completedMs! < $1.completedMs! }
        var prefixMax: [(expired: UInt64, op: Int)] = []
        for (i, read) in reads.enumerated() {
            let best = prefixMax.last.map { $0.expired >= read.expiredSeen! ? $0 : (read.expiredSeen!, i) } ?? (read.expiredSeen!, i)
            prefixMax.append(best)
        }
        for op in reads {
            var lo = 0, hi = reads.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if reads[mid].completedMs! < op.invokedMs { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, prefixMax[lo - 1].expired > op.expiredSeen! else { continue }
            let earlier = reads[prefixMax[lo - 1].op]
            throw Violation(check: .linearizableRead, detail: "read \(op.requestID) at node \(op.node) (t=\(op.invokedMs)) saw \(op.expiredSeen!) leases expired, but read \(earlier.requestID) that ended at t=\(earlier.completedMs!) saw \(earlier.expiredSeen!): an expired key came back", timeMs: time)
        }
    }
}
