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
struct DeferredPrepare {
    var ballot: Ballot
    var fromSlot: Slot
    /// Runs an election timeout from arrival: older, its candidate has given up.
    var received: Timeout
}

extension Replica {
    /// The leader this acceptor knows to be live: itself while leading, or
    /// the sender of the last heartbeat or accept it followed, while that
    /// ballot is still its promise and arrived within an election timeout.
    var liveLeader: NodeID? {
        if role == .leader { return config.id }
        guard let h = acceptor.leaderHeard, h.ballot == promised, h.contact.isFresh(at: nowMs) else { return nil }
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
        precondition(b > promised, "deferring a prepare we could reject")
        precondition(from < leader, "deferring a prepare that outranks the leader")
        precondition(acceptor.isVoter, "a learner deferring a prepare")
        if let d = acceptor.deferredPrepares[from], d.ballot >= b { return }
        acceptor.deferredPrepares[from] = DeferredPrepare(ballot: b, fromSlot: fromSlot,
                                                          received: Timeout(config.electionTimeoutMs, startingAt: nowMs))
        outbox.out.events.append(.prepareDeferred(from: from, ballot: b, leader: leader))
    }

    /// Answers deferred Prepares whose sender no longer waits for a live
    /// leader, lowest ballot first, as if they had just arrived. One older
    /// than an election timeout is forgotten: its candidate has given up.
    mutating func retryDeferredPrepares() {
        guard !acceptor.deferredPrepares.isEmpty else { return }
        let now = nowMs
        acceptor.deferredPrepares = acceptor.deferredPrepares.filter { $0.value.received.isFresh(at: now) }
        // Rule 5: sorted by ballot (unique per sender), never in dictionary order.
        let ready = acceptor.deferredPrepares.filter { !defersPrepare(from: $0.key) }.sorted { $0.value.ballot < $1.value.ballot }
        for (from, d) in ready {
            acceptor.deferredPrepares[from] = nil
            onPrepare(from: from, ballot: d.ballot, fromSlot: d.fromSlot)
        }
    }

    /// A status from the leader we stick to that shows it no longer leads
    /// that ballot (it promised a higher one, or it names another leader,
    /// as a leader handing over does) ends stickiness at once. A status
    /// naming no leader at the same ballot may be one it sent as a
    /// candidate, delivered late, so only time ends stickiness then.
    mutating func leaderStatusHeard(from: NodeID, _ status: Status) {
        guard let h = acceptor.leaderHeard, h.ballot.node == from else { return }
        let superseded = status.promised > h.ballot
        let namesOther = status.promised == h.ballot && status.leader != 0 && status.leader != from
        guard superseded || namesOther else { return }
        acceptor.leaderHeard = nil
        retryDeferredPrepares()
    }
}
