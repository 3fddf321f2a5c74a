/// The acceptor: promises and accepts, each durable before it is answered.
extension Replica {
    mutating func onPrepare(from: NodeID, ballot b: Ballot, fromSlot: Slot) {
        // A learner makes no promises (rule 9).
        guard isVoter else { return }
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
        var entries: [SlotEntry] = []
        for slot in log.keys.sorted() where slot >= fromSlot {
            if let a = log[slot]?.accepted { entries.append(SlotEntry(slot: slot, ballot: a.ballot, value: a.value)) }
        }
        sendAfterPersist(.promise(ballot: b, snapshotIndex: snapshotIndex, accepted: entries), to: from)
    }

    mutating func onAccept(from: NodeID, ballot b: Ballot, slot: Slot, value: Value, commit: Slot) {
        guard isVoter else {
            learnerHeardLeader(ballot: b, from: from, commit: commit)
            return
        }
        if b < promised {
            send(.reject(ballot: b, promised: promised), to: from)
            return
        }
        if b > promised, slot <= applied { raisePromise(to: b) }
        noteLeader(ballot: b, from: from)
        if slot > applied {
            var entry = log[slot] ?? LogEntry()
            if entry.accepted?.ballot != b {
                // A forgotten promise lets this fail; that defect must reach the end-to-end checks.
                precondition(entry.accepted.map { $0.ballot < b } ?? true || config.bugs.contains(.forgetPromise),
                             "accepting below an earlier accept")
                entry.accepted = AcceptedEntry(ballot: b, value: value)
                log[slot] = entry
                persist(.accept(slot: slot, ballot: b, value: value))
                if b > promised {
                    // The accept record implies the promise of its ballot.
                    promised = b
                    promiseRecordCount = recordsEmitted
                    hasHistory = true
                }
            }
            if leaderCommit.ballot == b, leaderCommit.index >= slot, entry.chosen == nil {
                log[slot]!.chosen = value
            }
        }
        // A slot at or below `applied` is already chosen; by Paxos any value
        // proposed there at a ballot this acceptor still allows is the chosen one.
        sendAfterPersist(.accepted(ballot: b, slot: slot), to: from)
        learnCommit(ballot: b, index: commit)
    }

    mutating func onHeartbeat(from: NodeID, ballot b: Ballot, commit: Slot, seq: UInt64) {
        peerStatus[from] = Status(commit: commit, promised: b, leader: from, isVoter: true, hasHistory: true)
        guard isVoter else {
            learnerHeardLeader(ballot: b, from: from, commit: commit)
            return
        }
        if b < promised {
            send(.reject(ballot: b, promised: promised), to: from)
            return
        }
        // A read-index ack must come from an acceptor that holds this ballot as its promise.
        if b > promised { raisePromise(to: b) }
        noteLeader(ballot: b, from: from)
        learnCommit(ballot: b, index: commit)
        sendAfterPersist(.heartbeatAck(ballot: b, seq: seq), to: from, needs: promiseRecordCount)
    }

    mutating func raisePromise(to b: Ballot) {
        precondition(b > promised, "a promise never goes down")
        promised = b
        persist(.promise(b))
        promiseRecordCount = recordsEmitted
        hasHistory = true
    }

    /// A message from the leader of ballot `b`: follow it.
    mutating func noteLeader(ballot b: Ballot, from: NodeID) {
        guard from != config.id, b.node == from else { return }
        if role != .follower, b > ballot { stepDown(reason: "leader \(from) with higher ballot \(b)") }
        guard role == .follower else { return }
        if leaderID != from { out.events.append(.followingLeader(from)) }
        leaderID = from
        lastLeaderContactMs = nowMs
        leaderHeard = (b, nowMs)
        election = .idle
        dispatchWaiting()
    }
}

/// Leader stickiness: an acceptor does not promise a Prepare from a node
/// ranked below a leader it knows to be live, so a node that merely lost its
/// own link to the leader (a bridge partition) cannot depose it, and then be
/// deposed in turn, for as long as the link is down. Not promising is always
/// safe in Paxos; only liveness is at stake, and the rule keeps it: a live
/// leader is one whose heartbeat or accept of the ballot we still promise
/// arrived within the election timeout, so when it dies the deferral lapses
/// after one timeout (and the Prepare still waiting is promised then); a
/// higher node (bully takeover) and the leader itself are always promised;
/// a leader handing over tells everyone, which ends the deferral at once.
extension Replica {
    /// The leader this acceptor knows to be live: itself while leading, or
    /// the sender of the last heartbeat or accept it followed, while that
    /// ballot is still its promise and arrived within an election timeout.
    var liveLeader: NodeID? {
        if role == .leader { return config.id }
        guard let h = leaderHeard, h.ballot == promised, nowMs <= h.atMs + config.electionTimeoutMs else { return nil }
        return h.ballot.node
    }

    /// Whether a Prepare above our promise from `node` waits for the live leader to lapse.
    func defersPrepare(from node: NodeID) -> Bool {
        guard let leader = liveLeader else { return false }
        return node < leader
    }

    mutating func deferPrepare(from: NodeID, ballot b: Ballot, fromSlot: Slot, leader: NodeID) {
        // Our own Prepare follows our own promise of its ballot (rule 1), so it is never above it.
        precondition(from != config.id, "deferring our own prepare")
        precondition(b > promised && from < leader && isVoter, "deferring a prepare that must be answered")
        if let d = deferredPrepares[from], d.ballot >= b { return }
        deferredPrepares[from] = DeferredPrepare(ballot: b, fromSlot: fromSlot, receivedMs: nowMs)
        out.events.append(.prepareDeferred(from: from, ballot: b, leader: leader))
    }

    /// Answers deferred Prepares whose sender no longer waits for a live
    /// leader, lowest ballot first, as if they had just arrived. One older
    /// than an election timeout is forgotten: its candidate has given up.
    mutating func retryDeferredPrepares() {
        guard !deferredPrepares.isEmpty else { return }
        let timeout = config.electionTimeoutMs
        deferredPrepares = deferredPrepares.filter { nowMs <= $0.value.receivedMs + timeout }
        // Rule 5: sorted by ballot (unique per sender), never in dictionary order.
        let ready = deferredPrepares.filter { !defersPrepare(from: $0.key) }.sorted { $0.value.ballot < $1.value.ballot }
        for (from, d) in ready {
            deferredPrepares[from] = nil
            onPrepare(from: from, ballot: d.ballot, fromSlot: d.fromSlot)
        }
    }

    /// A status from the leader we stick to that shows it no longer leads
    /// that ballot (it promised a higher one, or it names another leader,
    /// as a leader handing over does) ends stickiness at once. A status
    /// naming no leader at the same ballot may be one it sent as a
    /// candidate, delivered late, so only time ends stickiness then.
    mutating func leaderStatusHeard(from: NodeID, _ status: Status) {
        guard let h = leaderHeard, h.ballot.node == from else { return }
        let superseded = status.promised > h.ballot
        let namesOther = status.promised == h.ballot && status.leader != 0 && status.leader != from
        guard superseded || namesOther else { return }
        leaderHeard = nil
        retryDeferredPrepares()
    }
}
