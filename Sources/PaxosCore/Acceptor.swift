/// The acceptor's state: what it promised and accepted, durable through
/// records, and the leader it sticks to (`Acceptor+Stickiness.swift`).
struct Acceptor {
    /// Invariant: never decreases within an incarnation, and never below what is durable.
    var promised: Ballot = .zero
    /// Slots above `snapshotIndex` this node accepted or learned chosen.
    /// Invariant: every key is above `snapshotIndex`.
    var log: [Slot: LogEntry] = [:]
    /// The state machine's bytes at it are on disk, not here: a peer that
    /// needs a snapshot gets a fresh one of the state machine (`onFetch`).
    var snapshotIndex: Slot = 0
    /// False while this node is a non-voting learner (started with a wiped data directory).
    /// Invariant: never goes from true to false.
    var isVoter = true
    /// Invariant: true once anything was promised.
    var hasHistory = false
    /// A new node joining through the log that has not voted yet: it
    /// forgot nothing, so it votes as soon as a change adds it.
    var isNewNode = false
    /// Records that must be durable before the current promise is.
    var promiseRecordCount: UInt64 = 0

    /// Leader stickiness: the ballot of the last heartbeat or accept this
    /// acceptor followed, and the contact it made (an election timeout long).
    var leaderHeard: (ballot: Ballot, contact: Timeout)? = nil
    /// Prepares not promised because a higher live leader exists, by sender
    /// (at most one each: the highest ballot); retried once it is not live.
    /// Invariant: keyed by peers only, so at most one per peer.
    var deferredPrepares: [NodeID: DeferredPrepare] = [:]

    /// Records a slot's entry; the log never holds a compacted slot.
    mutating func setEntry(_ entry: LogEntry, at slot: Slot) {
        precondition(slot > snapshotIndex, "log entry at or below the snapshot")
        log[slot] = entry
    }

    /// Drops every slot at or below `index`, now covered by a snapshot.
    mutating func compact(through index: Slot) {
        precondition(index >= snapshotIndex, "compaction goes back")
        snapshotIndex = index
        log = log.filter { $0.key > index }
    }

    func invariants(_ config: CoreConfig) {
        precondition(promised.isZero || hasHistory, "a promise without history")
        precondition(deferredPrepares.count < config.members.count, "more deferred prepares than peers")
        precondition(deferredPrepares[config.id] == nil, "our own prepare deferred")
        // Learners make no promises, so they defer none.
        precondition(isVoter || deferredPrepares.isEmpty, "a learner deferring prepares")
        // Costly: off in -O builds, on in the simulator and the tests.
        assert(log.keys.allSatisfy { $0 > snapshotIndex }, "log entry at or below the snapshot")
    }
}

/// What this node knows of one slot.
struct LogEntry {
    var accepted: AcceptedEntry?
    var chosen: Value?
}

/// The acceptor: promises and accepts, each durable before it is answered.
extension Replica {
    mutating func onPrepare(from: NodeID, ballot b: Ballot, fromSlot: Slot) {
        // A learner makes no promises (rule 9).
        guard acceptor.isVoter else { return }
        if b < promised {
            send(.reject(ballot: b, promised: promised), to: from)
            return
        }
        if b > promised, let leader = liveLeader, from < leader {
            deferPrepare(from: from, ballot: b, fromSlot: fromSlot, leader: leader)
            return
        }
        if b > promised {
            raisePromise(to: b)
            if role != .follower, b > ballot { stepDown(reason: "prepare with higher ballot \(b)") }
        }
        precondition(promised == b, "promising other than the prepare's ballot")
        var entries: [SlotEntry] = []
        for slot in acceptor.log.keys.sorted() where slot >= fromSlot {
            if let a = acceptor.log[slot]?.accepted { entries.append(SlotEntry(slot: slot, ballot: a.ballot, value: a.value)) }
        }
        sendAfterPersist(.promise(ballot: b, snapshotIndex: snapshotIndex, accepted: entries), to: from)
    }

    /// A leader's accept or heartbeat: a learner only follows it and catches
    /// up (rule 9), and a ballot below our promise is rejected. True when
    /// the acceptor goes on to handle it.
    mutating func takesLeaderMessage(from: NodeID, ballot b: Ballot, commit: Slot) -> Bool {
        guard acceptor.isVoter else {
            learnerHeardLeader(ballot: b, from: from, commit: commit)
            return false
        }
        if b < promised {
            send(.reject(ballot: b, promised: promised), to: from)
            return false
        }
        return true
    }

    mutating func onAccept(from: NodeID, ballot b: Ballot, slot: Slot, value: Value, commit: Slot) {
        guard takesLeaderMessage(from: from, ballot: b, commit: commit) else { return }
        if b > promised, slot <= applied { raisePromise(to: b) }
        noteLeader(ballot: b, from: from)
        if slot > applied {
            var entry = acceptor.log[slot] ?? LogEntry()
            // The defect's forgotten promise lets a lower accept through; it
            // overwrites, and that must reach the end-to-end checks.
            if defects.overwritesHigherAccept(entry.accepted, with: b) { entry.accepted = nil }
            if entry.accepted?.ballot != b {
                precondition(entry.accepted.map { $0.ballot < b } ?? true, "accepting below an earlier accept")
                entry.accepted = AcceptedEntry(ballot: b, value: value)
                acceptor.setEntry(entry, at: slot)
                persist(.accept(slot: slot, ballot: b, value: value))
                if b > promised {
                    // The accept record implies the promise of its ballot.
                    acceptor.promised = b
                    acceptor.promiseRecordCount = outbox.recordsEmitted
                    acceptor.hasHistory = true
                }
            }
            if learner.leaderCommit.ballot == b, learner.leaderCommit.index >= slot, entry.chosen == nil {
                acceptor.log[slot]!.chosen = value
            }
        }
        // A slot at or below `applied` is already chosen; by Paxos any value
        // proposed there at a ballot this acceptor still allows is the chosen one.
        sendAfterPersist(.accepted(ballot: b, slot: slot), to: from)
        learnCommit(ballot: b, index: commit)
    }

    mutating func raisePromise(to b: Ballot) {
        precondition(b > promised, "a promise never goes down")
        precondition(acceptor.isVoter, "a learner makes no promises")
        acceptor.promised = b
        persist(.promise(b))
        acceptor.promiseRecordCount = outbox.recordsEmitted
        acceptor.hasHistory = true
        precondition(promised == b, "the promise raised to its ballot")
    }

    /// A message from the leader of ballot `b`: follow it.
    mutating func noteLeader(ballot b: Ballot, from: NodeID) {
        guard from != config.id, b.node == from else { return }
        if role != .follower, b > ballot { stepDown(reason: "leader \(from) with higher ballot \(b)") }
        guard role == .follower else { return }
        if leaderID != from { outbox.out.events.append(.followingLeader(from)) }
        election.leaderID = from
        election.leaderContact.start(at: nowMs)
        acceptor.leaderHeard = (b, contact(at: nowMs))
        election.state = .idle
        dispatchWaiting()
        precondition(leaderID == from || role != .follower, "following other than the leader heard")
    }
}
