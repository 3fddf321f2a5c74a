/// Phase 2: the leader re-proposes what phase 1 learned, fills holes with
/// no-ops, then proposes client batches, several slots in flight.
extension Replica {
    /// Phase 2 from here on: re-propose up to `through`, no-ops in holes,
    /// and always at least one slot, so a first round of ours commits.
    mutating func becomeLeader(reproposals: [Slot: SlotEntry], through: Slot) {
        precondition(role == .candidate, "leading without standing")
        precondition(promised == ballot, "leading without our own promise")
        proposer.role = .leader
        election.leaderID = config.id
        proposer.phase1 = nil
        election.state = .idle
        proposer.nextSlot = applied + 1
        // We never propose at or below `applied`, so no follower holds a value
        // of our ballot there; above it we advertise only what we chose.
        proposer.ownCommit = applied
        proposer.advertisedCommit = 0
        reads.heartbeatAcks = [:]
        proposer.fence = nil
        proposer.extending = false
        proposer.deferred = reproposals
        proposer.deferredThrough = through
        if through > applied {
            // Up to the first member change; the rest once it is applied and covered.
            proposeHeldBack()
        } else {
            propose(slot: proposer.nextSlot, .noop)
        }
        precondition(!proposer.proposals.isEmpty, "a leader with no first round")
        proposer.readyIndex = max(proposer.nextSlot - 1, through)
        precondition(proposer.readyIndex > applied, "a first round that proposes nothing")
        outbox.out.events.append(.becameLeader(ballot, readyIndex: proposer.readyIndex))
        sendHeartbeat()
        dispatchWaiting()
        proposeQueued()
    }

    mutating func propose(slot: Slot, _ value: Value) {
        precondition(role == .leader, "only a leader proposes")
        precondition(slot > applied, "proposing into an applied slot")
        precondition(proposer.proposals[slot] == nil, "two proposals for one slot in one ballot")
        precondition(slot == proposer.nextSlot, "proposals go in slot order, without holes")
        proposer.proposals[slot] = Proposal(value: value, retransmit: Timeout(retransmitMs, startingAt: nowMs))
        // A re-proposal keeps its time; what follows is stamped no earlier.
        if let timeMs = value.timeMs { proposer.proposedTimeMs = max(proposer.proposedTimeMs, timeMs) }
        proposer.nextSlot = max(proposer.nextSlot, slot + 1)
        // The fence: nothing above a member change until it is applied.
        if value.memberChange != nil { proposer.fence = slot }
        let me = config.id
        for request in value.requests where request.id.origin == me {
            clients.pending[request.id]?.isHandedOff = true
            clients.pending[request.id]?.handedTo = me
        }
        broadcast(.accept(ballot: ballot, slot: slot, value: value, commit: proposer.ownCommit), includingSelf: true)
        proposer.advertisedCommit = proposer.ownCommit
    }

    var retransmitMs: UInt64 { CoreLimits.retransmitHeartbeats * config.heartbeatMs }

    mutating func onAccepted(from: NodeID, ballot b: Ballot, slot: Slot) {
        guard role == .leader, b == ballot, var p = proposer.proposals[slot] else { return }
        precondition(config.members.contains(from), "an ack from a non-member")
        p.acks.insert(from)
        guard p.acks.count >= config.majority else {
            proposer.proposals[slot] = p
            return
        }
        proposer.proposals[slot] = nil
        if slot > applied {
            var entry = acceptor.log[slot] ?? LogEntry()
            entry.chosen = p.value
            acceptor.setEntry(entry, at: slot)
        }
        advanceOwnCommit()
        if !config.proposesAtEndOfTurn { proposeQueued() }
    }

    /// While we lead, every slot above `ownCommit` holds a proposal of ours,
    /// and a chosen mark there is ours or a fetched value equal to our
    /// proposal (`onChosen` steps down on any other): a follower that holds
    /// our ballot's value there holds the chosen one.
    mutating func advanceOwnCommit() {
        precondition(role == .leader, "only a leader advertises its own commit point")
        while proposer.ownCommit < applied || acceptor.log[proposer.ownCommit + 1]?.chosen != nil { proposer.ownCommit += 1 }
        raiseCommit(to: proposer.ownCommit)
        precondition(proposer.ownCommit >= applied, "advertising less than we applied")
    }

    /// Messages get lost: re-send accepts that have waited two heartbeats
    /// to the nodes that have not answered.
    mutating func retransmitAccepts() {
        precondition(role == .leader, "only a leader retransmits accepts")
        for slot in proposer.proposals.keys.sorted() {
            guard var p = proposer.proposals[slot], p.retransmit.hasExpired(at: nowMs) else { continue }
            p.retransmit.start(at: nowMs)
            proposer.proposals[slot] = p
            for node in config.members where !p.acks.contains(node) {
                send(.accept(ballot: ballot, slot: slot, value: p.value, commit: proposer.ownCommit), to: node)
            }
        }
    }

    /// Queues a write to propose: now, or at the end of the turn.
    mutating func queueForProposal(_ request: Request) {
        precondition(proposer.isLeading, "only a leader queues writes to propose")
        proposer.queuedWrites.append(request)
        if !config.proposesAtEndOfTurn { proposeQueued() }
    }

    /// Proposes queued client writes as batches while slots are free.
    mutating func proposeQueued() {
        guard proposer.isLeading else { return }
        var taken = 0
        let queued = proposer.queuedWrites
        // Nothing above a member change until it is applied and its
        // configuration covered, nor while phase 1's re-proposals wait.
        while taken < queued.count, proposer.proposals.count < config.maxInFlight, proposer.fence == nil,
              !proposer.extending, proposer.deferred.isEmpty {
            var batch: [Request] = []
            var bytes = 0
            while taken < queued.count, batch.count < config.maxBatch {
                let r = queued[taken]
                // A member change goes alone in its slot.
                let isChange = MemberChange(payload: r.payload) != nil
                if !batch.isEmpty, isChange || bytes + r.payload.count > config.maxBatchBytes { break }
                batch.append(r)
                bytes += r.payload.count
                taken += 1
                if isChange { break }
            }
            precondition(!batch.isEmpty, "an empty batch")
            proposer.proposedTimeMs = leaderClockMs
            // A leader never proposes into its own commit point (a leader whose
            // commit point others moved has stepped down).
            precondition(proposer.nextSlot > commitIndex, "proposing at or below the commit point")
            propose(slot: proposer.nextSlot, .batch(timeMs: proposer.proposedTimeMs, requests: batch))
        }
        if taken > 0 { proposer.queuedWrites.removeFirst(taken) }
        proposeClockIfDue()
    }

    /// The time a new batch carries: the leader's wall clock, but never
    /// below a time already in the log (a leader whose clock is behind, or
    /// jumped back, stamps the highest log time it knows until it catches up).
    var leaderClockMs: UInt64 {
        max(proposer.proposedTimeMs, wallMs, learner.logTimeMs, stateMachine.logTimeMs)
    }

    /// Log time moves only with batches, and keys expire only as it moves:
    /// once the leader's clock passes the state machine's next deadline and
    /// no batch in flight is stamped that late, it proposes an empty batch
    /// stamped now, so a key goes within a tick or two of its deadline even
    /// when nothing else is written.
    mutating func proposeClockIfDue() {
        guard proposer.isLeading, proposer.queuedWrites.isEmpty, proposer.proposals.count < config.maxInFlight,
              proposer.fence == nil, !proposer.extending, proposer.deferred.isEmpty,
              let deadline = stateMachine.nextDeadlineMs else { return }
        let stamp = leaderClockMs
        guard deadline <= stamp,
              !proposer.proposals.values.contains(where: { ($0.value.timeMs ?? 0) >= deadline }) else { return }
        precondition(proposer.nextSlot > commitIndex, "proposing at or below the commit point")
        proposer.proposedTimeMs = stamp
        propose(slot: proposer.nextSlot, .batch(timeMs: stamp, requests: []))
    }

    mutating func stepDown(reason: String) {
        guard role != .follower else { return }
        outbox.out.events.append(.steppedDown(ballot, reason: reason))
        proposer.role = .follower
        election.leaderID = 0
        proposer.phase1 = nil
        proposer.proposals = [:]
        proposer.clearChangeState()
        election.state = .idle
        election.leaderContact.start(at: nowMs)
        // Queued writes were never proposed: their origins may hand them on again.
        for request in proposer.queuedWrites {
            if request.id.origin == config.id {
                clients.pending[request.id]?.leaderWait.start(at: nowMs)
                clients.waitingForLeader.append(request.id)
            } else {
                rememberForward(request.id, isRejected: true)
                send(.forwardRejected(request.id), to: request.id.origin)
            }
        }
        proposer.queuedWrites = []
        refuseUnconfirmedReads()
        precondition(role == .follower && proposer.proposals.isEmpty && proposer.phase1 == nil, "stepped down with a role's state left")
    }
}
