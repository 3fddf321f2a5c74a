/// Catch-up: a learner fetches the chosen values (or the snapshot) it lacks,
/// and serves the same to others; only chosen values ever travel.
extension Replica {
    /// Asks a node that knows more for the chosen values (or snapshot) we lack.
    mutating func maybeFetch() {
        guard learner.knowsMembers else {
            fetchConfiguration()
            return
        }
        guard applied < commitIndex, acceptor.log[applied + 1]?.chosen == nil else { return }
        if let retry = learner.fetchRetry, !retry.hasExpired(at: nowMs) { return }
        guard let source = catchUpSource(beyond: applied) else { return }
        precondition(source != config.id, "fetching from ourselves")
        fetch(from: source)
    }

    /// A node that does not know the configuration asks for a snapshot
    /// first (slot 0: every server's snapshot index is at or above it);
    /// the snapshot carries the configuration, the log after it follows.
    mutating func fetchConfiguration() {
        precondition(!learner.knowsMembers && applied == 0, "a node that applied slots knows its configuration")
        if let retry = learner.fetchRetry, !retry.hasExpired(at: nowMs) { return }
        guard let source = catchUpSource(beyond: 0) else { return }
        fetch(from: source, fromSlot: 0)
    }

    /// Asks `source` for what follows `applied` (or `fromSlot`); no other
    /// fetch until this one's retry timeout.
    mutating func fetch(from source: NodeID, fromSlot: Slot? = nil) {
        learner.fetchRetry = Timeout(CoreLimits.fetchRetryHeartbeats * config.heartbeatMs, startingAt: nowMs)
        send(.fetch(fromSlot: fromSlot ?? applied + 1), to: source)
    }

    /// The leader if it is ahead, else the peer reporting the highest applied slot.
    func catchUpSource(beyond slot: Slot) -> NodeID? {
        if leaderID != 0, leaderID != config.id,
           max(election.peers[leaderID]?.applied ?? 0, learner.leaderCommit.index) > slot {
            return leaderID
        }
        var best: (NodeID, Slot)? = nil
        for node in config.peers {
            guard let c = election.peers[node]?.applied, c > slot else { continue }
            if best == nil || c > best!.1 { best = (node, c) }
        }
        return best?.0
    }

    mutating func onFetch(from: NodeID, fromSlot: Slot) {
        guard fromSlot > 0 || applied > 0 else { return }  // no configuration to tell yet
        var start = fromSlot
        if fromSlot <= snapshotIndex {
            // A snapshot sent recently is still on its way: its slots follow
            // it when the peer asks again from beyond it.
            if let sent = learner.snapshotSentMs[from],
               nowMs < sent + CoreLimits.snapshotResendElectionTimeouts * config.electionTimeoutMs {
                return
            }
            // The slots asked for are compacted: send the state machine as it
            // stands at `applied` (every slot up to there is chosen and
            // applied in order), serialised now rather than kept in memory
            // since the last snapshot: a whole copy of the data per node.
            learner.snapshotSentMs[from] = nowMs
            send(.snapshot(index: applied, data: snapshotData()), to: from)
            start = applied + 1
        }
        var entries: [ChosenEntry] = []
        var slot = start
        while slot <= applied, entries.count < config.catchUpChunk, let value = acceptor.log[slot]?.chosen {
            entries.append(ChosenEntry(slot: slot, value: value))
            slot += 1
        }
        precondition(entries.count <= config.catchUpChunk, "a catch-up message beyond its chunk")
        if !entries.isEmpty { send(.chosen(entries), to: from) }
    }

    mutating func onChosen(from: NodeID, _ entries: [ChosenEntry]) {
        if role == .leader, let e = entries.first(where: { $0.slot > applied && !isOurs($0) }) {
            stepDown(reason: "slot \(e.slot) was chosen with a value we did not propose")
        }
        var highest: Slot = 0
        for e in entries where e.slot > applied {
            if acceptor.log[e.slot]?.chosen == nil {
                var entry = acceptor.log[e.slot] ?? LogEntry()
                entry.chosen = e.value
                acceptor.setEntry(entry, at: e.slot)
            }
            highest = max(highest, e.slot)
        }
        learner.fetchRetry = nil
        // The sender applied these, so every slot up to them is chosen.
        learnExternalCommit(highest)
        if role == .leader { advanceOwnCommit() }
    }

    /// Whether a leader's proposal (pending, or chosen by us) at the entry's slot holds the entry's value.
    func isOurs(_ e: ChosenEntry) -> Bool {
        guard e.slot < proposer.nextSlot else { return false }
        if let p = proposer.proposals[e.slot] { return p.value == e.value }
        return acceptor.log[e.slot]?.chosen == e.value
    }

    mutating func onSnapshot(from: NodeID, index: Slot, data: [UInt8]) {
        guard index > applied else { return }
        if role == .leader { stepDown(reason: "a snapshot beyond our log arrived") }
        do {
            try installSnapshotData(data)
        } catch {
            outbox.out.events.append(.dropped(from: from, reason: "snapshot does not decode: \(error)"))
            return
        }
        precondition(index > snapshotIndex, "installing a snapshot we already have")
        learner.applied = index
        learner.bytesSinceSnapshot = 0
        learner.snapshotBytes = data.count
        acceptor.compact(through: index)
        if commitIndex < index { learner.commitIndex = index }
        proposer.nextSlot = max(proposer.nextSlot, index + 1)
        persist(.snapshot(index: index, promised: promised, data: data))
        learner.fetchRetry = nil
        outbox.out.events.append(.snapshotInstalled(index: index, from: from))
        applyChosen()
    }
}
