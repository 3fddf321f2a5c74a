/// The acceptor: promises and accepts, each durable before it is answered.
extension Replica {
    mutating func onPrepare(from: NodeID, ballot b: Ballot, fromSlot: Slot) {
        guard isVoter else {
            // A learner makes no promises, but remembers that a phase 1 began after its return.
            if from != config.id { learnerSawPrepare = max(learnerSawPrepare ?? .zero, b) }
            return
        }
        if b < promised {
            send(.reject(ballot: b, promised: promised), to: from)
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
        election = .idle
        dispatchWaiting()
    }
}
