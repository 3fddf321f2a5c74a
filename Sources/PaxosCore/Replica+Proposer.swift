/// The distinguished proposer: one phase 1 for every slot from the first
/// unchosen one, re-proposal of what it learns, then phase 2 only.
extension Replica {
    mutating func startPhase1() {
        precondition(isVoter, "a learner never proposes")
        var b = Ballot(round: maxSeenRound + 1, node: config.id)
        if let reused = reusedBallot {
            b = reused
            reusedBallot = nil
        }
        maxSeenRound = max(maxSeenRound, b.round)
        // A leader starting over (for a learner): reads waiting for a round of
        // the old ballot noted its commit point, which a ballot between the
        // two may have passed; they start again once we lead anew.
        if role == .leader, !config.bugs.contains(.keepReadsOnReprepare) { refuseUnconfirmedReads() }
        ballot = b
        role = .candidate
        leaderID = 0
        candidateSinceMs = nowMs
        proposals = [:]
        out.events.append(.becameCandidate(b))
        if config.bugs.contains(.skipPhase1) {
            // The defect: lead at once, proposing over slots that may hold chosen values.
            if b > promised { raisePromise(to: b) }
            becomeLeader(reproposals: [:], through: applied)
            return
        }
        // Rule 1: our own promise is durable before any Prepare leaves.
        if b > promised { raisePromise(to: b) }
        precondition(promised == b || config.bugs.contains(.reuseBallot), "candidate without its own promise")
        phase1 = Phase1(fromSlot: applied + 1)
        for node in config.members {
            sendAfterPersist(.prepare(ballot: b, fromSlot: applied + 1), to: node)
        }
    }

    mutating func onPromise(from: NodeID, ballot b: Ballot, snapshotIndex snap: Slot, accepted: [SlotEntry]) {
        guard role == .candidate, b == ballot, var p = phase1, p.catchUpTo == nil else { return }
        p.promises[from] = (snap, accepted)
        phase1 = p
        guard p.promises.count >= config.majority else { return }
        // Rule 6: catch up to the highest snapshot a promise reports before
        // proposing above it, so no chosen slot is filled with a no-op.
        let highestSnapshot = p.promises.values.map(\.snapshotIndex).max() ?? 0
        if highestSnapshot > applied {
            phase1?.catchUpTo = highestSnapshot
            let source = p.promises.keys.sorted().first { p.promises[$0]!.snapshotIndex == highestSnapshot }!
            fetchSentAtMs = nowMs
            send(.fetch(fromSlot: applied + 1), to: source)
            return
        }
        finishPhase1()
    }

    mutating func maybeFinishCatchUp() {
        guard role == .candidate, let target = phase1?.catchUpTo, applied >= target else { return }
        finishPhase1()
    }

    mutating func finishPhase1() {
        guard let p = phase1 else { preconditionFailure("no phase 1 to finish") }
        precondition(p.promises.count >= config.majority, "phase 1 without a majority")
        var best: [Slot: SlotEntry] = [:]
        for node in p.promises.keys.sorted() {
            for e in p.promises[node]!.accepted where e.slot > applied {
                if let old = best[e.slot], old.ballot >= e.ballot { continue }
                best[e.slot] = e
            }
        }
        let through = max(applied, best.keys.max() ?? 0)
        // Slots known chosen beyond every slot our quorum reported were chosen
        // at a higher ballot (below ours the quorum would have reported them):
        // our promises are stale (a delayed promise can complete a phase 1
        // long after its sender promised higher), so we do not lead.
        // (paxos-sim --nodes 3 --seed 10239215 trapped in proposeQueued.)
        if commitIndex > through {
            stepDown(reason: "slots up to \(commitIndex) were chosen beyond what phase 1 learned")
            return
        }
        becomeLeader(reproposals: best.mapValues(\.value), through: through)
    }

    /// Phase 2 from here on: re-propose up to `through`, no-ops in holes,
    /// and always at least one slot, so a first round of ours commits.
    mutating func becomeLeader(reproposals: [Slot: Value], through: Slot) {
        role = .leader
        leaderID = config.id
        phase1 = nil
        election = .idle
        nextSlot = applied + 1
        // We never propose at or below `applied`, so no follower holds a value
        // of our ballot there; above it we advertise only what we chose.
        ownCommit = applied
        heartbeatAcks = [:]
        if through > applied {
            for slot in (applied + 1)...through {
                propose(slot: slot, log[slot]?.chosen ?? reproposals[slot] ?? .noop)
            }
        } else {
            propose(slot: nextSlot, .noop)
        }
        readyIndex = nextSlot - 1
        out.events.append(.becameLeader(ballot, readyIndex: readyIndex))
        sendHeartbeat()
        dispatchWaiting()
        proposeQueued()
    }

    mutating func propose(slot: Slot, _ value: Value) {
        precondition(role == .leader, "only a leader proposes")
        precondition(slot > applied, "proposing into an applied slot")
        precondition(proposals[slot] == nil, "two proposals for one slot in one ballot")
        proposals[slot] = Proposal(value: value, sentAtMs: nowMs)
        nextSlot = max(nextSlot, slot + 1)
        let me = config.id
        for request in value.requests where request.id.origin == me {
            pending[request.id]?.isHandedOff = true
            pending[request.id]?.handedTo = me
        }
        broadcast(.accept(ballot: ballot, slot: slot, value: value, commit: ownCommit), includingSelf: true)
    }

    mutating func onAccepted(from: NodeID, ballot b: Ballot, slot: Slot) {
        guard role == .leader, b == ballot, var p = proposals[slot] else { return }
        p.acks.insert(from)
        guard p.acks.count >= config.majority else {
            proposals[slot] = p
            return
        }
        proposals[slot] = nil
        if slot > applied {
            var entry = log[slot] ?? LogEntry()
            entry.chosen = p.value
            log[slot] = entry
        }
        advanceOwnCommit()
        proposeQueued()
    }

    /// While we lead, every slot above `ownCommit` holds a proposal of ours,
    /// and a chosen mark there is ours or a fetched value equal to our
    /// proposal (`onChosen` steps down on any other): a follower that holds
    /// our ballot's value there holds the chosen one.
    mutating func advanceOwnCommit() {
        precondition(role == .leader, "only a leader advertises its own commit point")
        while ownCommit < applied || log[ownCommit + 1]?.chosen != nil { ownCommit += 1 }
        raiseCommit(to: ownCommit)
    }

    /// Messages get lost: re-send accepts that have waited two heartbeats
    /// to the nodes that have not answered.
    mutating func retransmitAccepts() {
        let due = 2 * config.heartbeatMs
        for slot in proposals.keys.sorted() {
            guard var p = proposals[slot], nowMs >= p.sentAtMs + due else { continue }
            p.sentAtMs = nowMs
            proposals[slot] = p
            for node in config.members where !p.acks.contains(node) {
                send(.accept(ballot: ballot, slot: slot, value: p.value, commit: ownCommit), to: node)
            }
        }
    }

    mutating func onReject(from: NodeID, ballot b: Ballot, promised higher: Ballot) {
        guard role != .follower, b == ballot, higher > ballot else { return }
        stepDown(reason: "node \(from) promised higher ballot \(higher)")
    }

    /// Proposes queued client writes as batches while slots are free.
    mutating func proposeQueued() {
        guard role == .leader, phase1 == nil else { return }
        var taken = 0
        while taken < queuedWrites.count, proposals.count < config.maxInFlight {
            var batch: [Request] = []
            var bytes = 0
            while taken < queuedWrites.count, batch.count < config.maxBatch {
                let r = queuedWrites[taken]
                if !batch.isEmpty, bytes + r.payload.count > config.maxBatchBytes { break }
                batch.append(r)
                bytes += r.payload.count
                taken += 1
            }
            lastProposedTimeMs = max(lastProposedTimeMs, wallMs, lastLogTimeMs)
            // A leader never proposes into its own commit point (a leader whose
            // commit point others moved has stepped down).
            precondition(nextSlot > commitIndex, "proposing at or below the commit point")
            propose(slot: nextSlot, .batch(timeMs: lastProposedTimeMs, requests: batch))
        }
        if taken > 0 { queuedWrites.removeFirst(taken) }
    }

    mutating func stepDown(reason: String) {
        guard role != .follower else { return }
        out.events.append(.steppedDown(ballot, reason: reason))
        role = .follower
        leaderID = 0
        phase1 = nil
        proposals = [:]
        election = .idle
        lastLeaderContactMs = nowMs
        // Queued writes were never proposed: their origins may hand them on again.
        for request in queuedWrites {
            if request.id.origin == config.id {
                let now = nowMs
                pending[request.id]?.waitingSinceMs = now
                waitingForLeader.append(request.id)
            } else {
                seenForwards[request.id] = (nowMs, true)
                send(.forwardRejected(request.id), to: request.id.origin)
            }
        }
        queuedWrites = []
        refuseUnconfirmedReads()
    }
}
