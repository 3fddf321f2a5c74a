/// The learner's state: how far slots are known chosen and applied.
struct Learner {
    /// Every slot up to here is chosen. Invariant: applied <= commitIndex.
    var commitIndex: Slot = 0
    /// Every slot up to here is applied to the state machine, in order.
    var applied: Slot = 0
    /// The newest commit point a leader told us, with that leader's ballot.
    /// Invariant: its index is at most `commitIndex` (each one raised it).
    var leaderCommit: (ballot: Ballot, index: Slot) = (.zero, 0)
    /// Slots up to `upTo` were checked for accepts of `ballot` by learnCommit.
    /// Invariant: at most `commitIndex`.
    var commitScan: (ballot: Ballot, upTo: Slot) = (.zero, 0)
    /// The log time of the newest batch applied; it never goes back.
    var logTimeMs: UInt64 = 0
    /// Payload bytes of the commands applied since the last snapshot (taken or installed).
    var bytesSinceSnapshot = 0
    /// Size of the state machine's bytes at the last snapshot (taken, installed or restored).
    var snapshotBytes = 0
    /// Running while a fetch is unanswered: no second one until it expires.
    var fetchRetry: Timeout? = nil
    /// When we last sent each peer a snapshot. A large one takes longer to
    /// serialise, send and restore than a fetch waits before asking again;
    /// each repeat would cost the whole state again on both ends.
    /// Invariant: keyed by peers only.
    var snapshotSentMs: [NodeID: UInt64] = [:]
    /// False until a node started without knowing the configuration
    /// installs a snapshot or finds the cluster new (see
    /// `CoreConfig.knowsMembers`): a slot applied under a wrong
    /// configuration could decide a member change otherwise.
    var knowsMembers = true

    func invariants(_ config: CoreConfig) {
        precondition(applied <= commitIndex, "applied beyond the commit point")
        precondition(leaderCommit.index <= commitIndex, "a leader's commit point not learned")
        precondition(commitScan.upTo <= commitIndex, "commit scan beyond the commit point")
        precondition(!snapshotSentMs.keys.contains(config.id), "a snapshot sent to ourselves")
    }
}

/// The learner: learns which slots are chosen and applies them in order;
/// catch-up is in `Learner+CatchUp.swift`.
extension Replica {
    /// The leader of ballot `b` says every slot up to `index` is chosen.
    mutating func learnCommit(ballot b: Ballot, index: Slot) {
        if b > learner.leaderCommit.ballot || (b == learner.leaderCommit.ballot && index > learner.leaderCommit.index) {
            learner.leaderCommit = (b, index)
        }
        // A slot is chosen here only when what we accepted there carries this
        // leader's ballot; an older ballot's value may never have been chosen.
        // Each slot is scanned once per ballot (a later accept at a scanned
        // slot is checked in onAccept), and only so far ahead of applied: a
        // node far behind catches up by fetching instead.
        if learner.commitScan.ballot != b { learner.commitScan = (b, applied) }
        let first = max(applied, learner.commitScan.upTo) + 1
        let last = min(index, applied + CoreLimits.commitScanAheadSlots)
        if first <= last {
            for slot in first...last {
                guard var entry = acceptor.log[slot], entry.chosen == nil, let a = entry.accepted, a.ballot == b else { continue }
                entry.chosen = a.value
                acceptor.setEntry(entry, at: slot)
            }
            learner.commitScan.upTo = last
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
        if role == .leader, index > proposer.highestSlot {
            stepDown(reason: "slots up to \(index) were chosen without us")
        }
        raiseCommit(to: index)
    }

    mutating func raiseCommit(to index: Slot) {
        if index > commitIndex { learner.commitIndex = index }
        applyChosen()
        precondition(commitIndex >= index, "the commit point not raised")
    }

    /// Applies chosen slots in order while their values are known.
    mutating func applyChosen() {
        guard learner.knowsMembers else {
            maybeFetch()
            return
        }
        while applied < commitIndex, let value = acceptor.log[applied + 1]?.chosen {
            applyOne(slot: applied + 1, value)
        }
        maybeVoteAsAddedNode()
        maybeTakeSnapshot()
        answerReads()
        maybeFinishCatchUp()
        maybeFetch()
        precondition(applied <= commitIndex, "applied beyond the commit point")
    }

    mutating func applyOne(slot: Slot, _ value: Value) {
        precondition(slot == applied + 1, "slots apply in order, once each")
        precondition(slot <= commitIndex, "applying a slot not known chosen")
        var adopted: Membership? = nil
        if case .batch(let timeMs, let requests) = value {
            learner.logTimeMs = max(learner.logTimeMs, timeMs)
            stateMachine.advance(logTimeMs: defects.appliedLogTime(learner.logTimeMs, ownWallMs: wallMs))
            for request in requests {
                learner.bytesSinceSnapshot += request.payload.count
                let reply: [UInt8]
                if let change = MemberChange(payload: request.payload) {
                    // Alone in its slot; it takes effect once the slot is applied.
                    precondition(requests.count == 1, "a member change sharing its slot")
                    if let refusal = membership.refusal(change) {
                        reply = Array(refusal.utf8)
                    } else {
                        adopted = membership.applying(change, at: slot)
                        reply = []
                    }
                } else {
                    reply = stateMachine.apply(request.payload, logTimeMs: learner.logTimeMs)
                }
                if request.id.origin == config.id, let p = clients.pending[request.id], case .write = p.kind {
                    clients.pending[request.id] = nil
                    outbox.out.replies.append((request.id, .result(reply)))
                }
            }
        }
        learner.applied = slot
        outbox.out.applied.append((slot, value))
        if let notices = stateMachine.takeNotices() { outbox.out.notices.append((slot, notices)) }
        if let f = proposer.fence, slot >= f { proposer.fence = nil }
        if let adopted {
            adopt(adopted)
        } else if role == .leader, value.memberChange != nil {
            resumeDeferred()  // a refused change: the configuration stays
        }
    }

    /// Compaction: every `snapshotEvery` applied slots or `snapshotEveryBytes`
    /// of applied commands, snapshot and drop the log below; but only once
    /// the log since the last snapshot is worth a `snapshotLogShare` part of
    /// that snapshot. A snapshot rewrites the whole state, so with a large
    /// one (1,000,000 keys: ~130 MB to serialise and compress) its cost stays
    /// proportional to what was written, as Redis's AOF rewrite does.
    mutating func maybeTakeSnapshot() {
        guard applied > snapshotIndex else { return }
        let slots = applied - snapshotIndex
        guard slots >= config.snapshotEvery || learner.bytesSinceSnapshot >= config.snapshotEveryBytes else { return }
        let logBytes = learner.bytesSinceSnapshot + Int(clamping: slots) * CoreLimits.logSlotOverheadBytes
        guard logBytes >= learner.snapshotBytes / config.snapshotLogShare else { return }
        takeSnapshot()
    }

    mutating func takeSnapshot() {
        precondition(applied > snapshotIndex, "nothing new to snapshot")
        let data = snapshotData()
        learner.snapshotBytes = data.count
        acceptor.compact(through: applied)
        persist(.snapshot(index: applied, promised: defects.snapshotPromise(promised), data: data))
        outbox.out.events.append(.snapshotTaken(index: applied))
        learner.bytesSinceSnapshot = 0
        precondition(snapshotIndex == applied, "a snapshot not at what we applied")
    }
}
