/// Who this node reaches and how far the others have got: the status each
/// node sends, and the guards the election and the leader act on.
extension Replica {
    var myStatus: Status {
        // We report `applied`: a point whose values we can also serve, so
        // "caught up" compares what nodes can actually hand over.
        Status(applied: applied, promised: promised, leader: leaderID, isVoter: acceptor.isVoter, hasHistory: acceptor.hasHistory,
               hears: config.peers.filter(isHeardRecently), admitFloor: acceptor.isVoter ? nil : admitFloor)
    }

    mutating func sendStatus() {
        election.statusDue.start(at: nowMs)
        broadcast(.status(myStatus), includingSelf: false)
    }

    mutating func onStatus(from: NodeID, _ status: Status) {
        precondition(from != config.id, "a status from ourselves")
        election.heard(status, from: from)
        leaderStatusHeard(from: from, status)
        if status.hears.contains(config.id) { election.hearsUs[from] = contact(at: nowMs) }
        if role == .leader, !status.isVoter, let floor = status.admitFloor {
            admitOrReprepare(learner: from, status, floor: floor)
            if role != .leader { return }
        }
        // A peer that applied further proves those slots chosen.
        if status.applied > commitIndex { learnExternalCommit(status.applied) }
    }

    /// A contact with a peer: it counts for an election timeout.
    func contact(at nowMs: UInt64) -> Timeout { Timeout(config.electionTimeoutMs, startingAt: nowMs) }

    var isLeaderFresh: Bool {
        leaderID != 0 && (leaderID == config.id || election.leaderContact.isFresh(at: nowMs))
    }

    /// The leader, when this node leads or heard it within an election timeout.
    public var freshLeader: NodeID? { isLeaderFresh ? leaderID : nil }

    func isHeardRecently(_ node: NodeID) -> Bool {
        election.heardFrom[node]?.isFresh(at: nowMs) ?? false
    }

    /// Whether `node` showed within an election timeout that it hears us.
    func hearsUs(_ node: NodeID) -> Bool {
        election.hearsUs[node]?.isFresh(at: nowMs) ?? false
    }

    /// Voters linked both ways within an election timeout, this one
    /// included, make a majority. One-way links do not count: a leader that
    /// hears a majority but gets no answers from it commits nothing, yet its
    /// heartbeats would keep the others from electing. Learners do not
    /// count: they cannot promise or accept.
    var reachesMajority: Bool {
        let voters = config.peers.filter { isHeardRecently($0) && hearsUs($0) && (election.peers[$0]?.isVoter ?? false) }
        return voters.count + (acceptor.isVoter ? 1 : 0) >= config.majority
    }

    /// Applied reaches the point that a majority of nodes report.
    var isCaughtUp: Bool {
        var reported = [commitIndex]
        for node in config.peers {
            if let p = election.peers[node], isHeardRecently(node) {
                reported.append(p.applied)
            } else {
                reported.append(0)
            }
        }
        reported.sort(by: >)
        return applied >= reported[config.majority - 1]
    }

    var isEligible: Bool { acceptor.isVoter && !election.isLeaving && reachesMajority && isCaughtUp && !isWaitingForFreshPeers }

    /// In a brand-new cluster, a fresh voter lets fresh learners it hears
    /// join first (for a couple of election timeouts): once anyone promises,
    /// they could only join through a later phase 1, and the leader it
    /// elected would be bullied away as soon as a higher node joined.
    var isWaitingForFreshPeers: Bool {
        guard !acceptor.hasHistory, startedMs != nil,
              !hasRun(forMs: CoreLimits.freshPeerWaitElectionTimeouts * config.electionTimeoutMs) else { return false }
        return config.peers.contains { isHeardRecently($0) && election.peers[$0]?.isVoter == false && election.peers[$0]?.hasHistory == false }
    }
}
