/// The learner: learns which slots are chosen, applies them in order,
/// fetches what it lacks, and serves catch-up to others.
extension Replica {
    /// The leader of ballot `b` says every slot up to `index` is chosen.
    mutating func learnCommit(ballot b: Ballot, index: Slot) {
        if b > leaderCommit.ballot || (b == leaderCommit.ballot && index > leaderCommit.index) {
            leaderCommit = (b, index)
        }
        // A slot is chosen here only when what we accepted there carries this
        // leader's ballot; an older ballot's value may never have been chosen.
        // Each slot is scanned once per ballot (a later accept at a scanned
        // slot is checked in onAccept), and at most 4,096 ahead of applied: a
        // node far behind catches up by fetching instead.
        if commitScan.ballot != b { commitScan = (b, applied) }
        let first = max(applied, commitScan.upTo) + 1
        let last = min(index, applied + 4_096)
        if first <= last {
            for slot in first...last {
                guard var entry = log[slot], entry.chosen == nil, let a = entry.accepted, a.ballot == b else { continue }
                entry.chosen = a.value
                log[slot] = entry
            }
            commitScan.upTo = last
        }
        raiseCommit(to: index)
    }

    /// Another node (not the leader we follow) proves slots chosen. A leader
    /// that learns of slots chosen beyond every slot it proposed has been
    /// superseded by a higher ballot: it steps down. Below that, the slots
    /// hold its own proposals (a new leader that caught up from a snapshot
    /// hears of its tail so): it fetches their values, and `onChosen` checks
    /// each against its proposal before its commit point may pass it.
    mutating func learnExternalCommit(_ index: Slot) {
        if role == .leader, index >= nextSlot {
            stepDown(reason: "slots up to \(index) were chosen without us")
        }
        raiseCommit(to: index)
    }

    mutating func raiseCommit(to index: Slot) {
        if index > commitIndex { commitIndex = index }
        applyChosen()
    }

    /// Applies chosen slots in order while their values are known.
    mutating func applyChosen() {
        while applied < commitIndex, let value = log[applied + 1]?.chosen {
            applyOne(slot: applied + 1, value)
        }
        maybeTakeSnapshot()
        answerReads()
        maybeFinishCatchUp()
        maybeFetch()
    }

    mutating func applyOne(slot: Slot, _ value: Value) {
        precondition(slot == applied + 1, "slots apply in order, once each")
        if case .batch(let timeMs, let requests) = value {
            lastLogTimeMs = max(lastLogTimeMs, timeMs)
            for request in requests {
                let reply = stateMachine.apply(request.payload, logTimeMs: lastLogTimeMs)
                if request.id.origin == config.id, let p = pending[request.id], case .write = p.kind {
                    pending[request.id] = nil
                    out.replies.append((request.id, .result(reply)))
                }
            }
        }
        applied = slot
        out.applied.append((slot, value))
    }

    /// Asks a node that knows more for the chosen values (or snapshot) we lack.
    mutating func maybeFetch() {
        guard applied < commitIndex, log[applied + 1]?.chosen == nil else { return }
        if let sent = fetchSentAtMs, nowMs < sent + config.heartbeatMs * 2 { return }
        guard let source = catchUpSource(beyond: applied) else { return }
        fetchSentAtMs = nowMs
        send(.fetch(fromSlot: applied + 1), to: source)
    }

    /// The leader if it is ahead, else the peer reporting the highest commit.
    func catchUpSource(beyond slot: Slot) -> NodeID? {
        if leaderID != 0, leaderID != config.id, max(peerStatus[leaderID]?.commit ?? 0, leaderCommit.index) > slot {
            return leaderID
        }
        var best: (NodeID, Slot)? = nil
        for node in config.peers {
            guard let c = peerStatus[node]?.commit, c > slot else { continue }
            if best == nil || c > best!.1 { best = (node, c) }
        }
        return best?.0
    }

    mutating func onFetch(from: NodeID, fromSlot: Slot) {
        var start = fromSlot
        if fromSlot <= snapshotIndex, let data = snapshotData {
            send(.snapshot(index: snapshotIndex, data: data), to: from)
            start = snapshotIndex + 1
        }
        var entries: [ChosenEntry] = []
        var slot = start
        while slot <= applied, entries.count < config.catchUpChunk, let value = log[slot]?.chosen {
            entries.append(ChosenEntry(slot: slot, value: value))
            slot += 1
        }
        if !entries.isEmpty { send(.chosen(entries), to: from) }
    }

    mutating func onChosen(from: NodeID, _ entries: [ChosenEntry]) {
        if role == .leader, let e = entries.first(where: { $0.slot > applied && !isOurs($0) }) {
            stepDown(reason: "slot \(e.slot) was chosen with a value we did not propose")
        }
        var highest: Slot = 0
        for e in entries where e.slot > applied {
            if log[e.slot]?.chosen == nil {
                var entry = log[e.slot] ?? LogEntry()
                entry.chosen = e.value
                log[e.slot] = entry
            }
            highest = max(highest, e.slot)
        }
        fetchSentAtMs = nil
        // The sender applied these, so every slot up to them is chosen.
        learnExternalCommit(highest)
        if role == .leader { advanceOwnCommit() }
    }

    /// Whether a leader's proposal (pending, or chosen by us) at the entry's slot holds the entry's value.
    func isOurs(_ e: ChosenEntry) -> Bool {
        guard e.slot < nextSlot else { return false }
        if let p = proposals[e.slot] { return p.value == e.value }
        return log[e.slot]?.chosen == e.value
    }

    mutating func onSnapshot(from: NodeID, index: Slot, data: [UInt8]) {
        guard index > applied else { return }
        if role == .leader { stepDown(reason: "a snapshot beyond our log arrived") }
        do {
            try stateMachine.restore(from: data)
        } catch {
            out.events.append(.dropped(from: from, reason: "snapshot does not decode: \(error)"))
            return
        }
        applied = index
        snapshotIndex = index
        snapshotData = data
        if commitIndex < index { commitIndex = index }
        nextSlot = max(nextSlot, index + 1)
        log = log.filter { $0.key > index }
        persist(.snapshot(index: index, promised: promised, data: data))
        fetchSentAtMs = nil
        out.events.append(.snapshotInstalled(index: index, from: from))
        applyChosen()
    }

    /// Compaction: every `snapshotEvery` applied slots, snapshot and drop the log below.
    mutating func maybeTakeSnapshot() {
        guard applied >= snapshotIndex + config.snapshotEvery else { return }
        takeSnapshot()
    }

    mutating func takeSnapshot() {
        precondition(applied > snapshotIndex, "nothing new to snapshot")
        let data = stateMachine.snapshot()
        snapshotIndex = applied
        snapshotData = data
        log = log.filter { $0.key > applied }
        let kept = config.bugs.contains(.compactPromise) ? Ballot.zero : promised
        persist(.snapshot(index: applied, promised: kept, data: data))
        out.events.append(.snapshotTaken(index: applied))
    }
}
