/// The role a node plays as proposer.
public enum ReplicaRole: String, Sendable { case follower, candidate, leader }

/// The distinguished proposer's state: its ballot, phase 1 while a
/// candidate, and the slots it has in flight while leading.
struct Proposer {
    var role: ReplicaRole = .follower
    /// The ballot this node proposes with while candidate or leader.
    /// Invariant: its round is at most `maxSeenRound`.
    var ballot: Ballot = .zero
    /// The highest round seen in any ballot; a new ballot goes above it.
    var maxSeenRound: UInt64 = 0
    /// Invariant: non-nil only while a candidate.
    var phase1: Phase1? = nil
    /// Invariant: empty unless leading; every slot below `nextSlot`.
    var proposals: [Slot: Proposal] = [:]
    var nextSlot: Slot = 1
    /// Reads are served only once this slot (the first round of this leader) is applied.
    var readyIndex: Slot = 0
    /// Client writes waiting for a free slot. Invariant: empty while a follower.
    var queuedWrites: [Request] = []
    /// The log time of the last batch proposed; batches never go back in log time.
    var proposedTimeMs: UInt64 = 0
    /// The commit point a leader advertises with its ballot: slots it chose
    /// itself, or applied before it led. Never a commit point learned from
    /// others, or a follower could mark a value of ours chosen where another
    /// ballot's value was. Invariant while leading: ownCommit <= commitIndex.
    var ownCommit: Slot = 0
    /// The highest `ownCommit` sent to every peer (in an accept broadcast or a
    /// heartbeat): with end-of-turn proposals, a turn that moved the commit
    /// point but sent no accept sends a heartbeat, so followers apply (and
    /// answer their clients) now rather than at the next heartbeat.
    var advertisedCommit: Slot = 0
    /// A candidate's phase 1 must complete within an election timeout.
    var candidacy: Timeout
    /// A leader re-prepares above a learner's floor at most once per election timeout.
    var learnerReprepare: Timeout
    /// Forwarded requests already decided here, so a duplicated message never
    /// proposes twice and a rejection, once sent, stays true.
    var seenForwards: [RequestID: SeenForward] = [:]
    var forwardPrune: Timeout
    /// While leading: the slot of a member change proposed and not yet
    /// applied; nothing is proposed above it until it is.
    var fence: Slot? = nil
    /// While leading: who promised our ballot (for every slot from our
    /// phase 1's first one), the coverage a new configuration needs.
    var promisedBy: Set<NodeID> = []
    /// While leading: asking members of a new configuration for promises
    /// (again each time `coverageRetry` runs out: a Prepare may be lost).
    var extending = false
    var coverageRetry: Timeout
    /// While leading: phase 1's re-proposals above a fence, proposed once
    /// the change is applied and covered, through `deferredThrough`.
    var deferred: [Slot: SlotEntry] = [:]
    var deferredThrough: Slot = 0

    init(_ config: CoreConfig) {
        candidacy = Timeout(config.electionTimeoutMs)
        learnerReprepare = Timeout(config.electionTimeoutMs)
        coverageRetry = Timeout(2 * config.heartbeatMs)
        forwardPrune = Timeout(CoreLimits.forwardPruneIntervalMs)
    }

    var isLeading: Bool { role == .leader && phase1 == nil }

    /// The highest slot this leader proposes or will re-propose (phase 1's
    /// re-proposals held back by a fence included).
    var highestSlot: Slot { max(nextSlot - 1, deferredThrough) }

    /// Drops what only a leader keeps about member changes.
    mutating func clearChangeState() {
        fence = nil
        extending = false
        deferred = [:]
        deferredThrough = 0
        promisedBy = []
    }

    func invariants(_ config: CoreConfig) {
        precondition(role == .candidate || phase1 == nil, "phase 1 outside candidacy")
        precondition(role == .leader || proposals.isEmpty, "proposals without leadership")
        precondition(role != .follower || queuedWrites.isEmpty, "a follower queueing writes")
        precondition(ballot.round <= maxSeenRound, "our ballot above every round seen")
        precondition(role == .leader || (fence == nil && !extending && deferred.isEmpty), "leader state outside leadership")
        precondition(fence.map { $0 < nextSlot } ?? true, "a fence above every proposal")
        assert(proposals.keys.allSatisfy { $0 < nextSlot }, "a proposal at or beyond the next slot")
    }
}

struct Proposal {
    var value: Value
    var acks: Set<NodeID> = []
    /// Unanswered for two heartbeats, the accept goes out again.
    var retransmit: Timeout
}

struct Phase1 {
    var fromSlot: Slot
    /// Promises by sender. Invariant: at most one per member.
    var promises: [NodeID: (snapshotIndex: Slot, accepted: [SlotEntry])] = [:]
    /// Waiting to catch up to this snapshot index before proposing.
    var catchUpTo: Slot? = nil
}

struct SeenForward {
    /// Remembered for a few request timeouts, then pruned.
    var kept: Timeout
    var isRejected: Bool
}

/// Phase 1: one Prepare for every slot from the first unchosen one, then
/// re-proposal of what the promises carry (`Proposer+Phase2.swift`).
extension Replica {
    mutating func startPhase1() {
        precondition(acceptor.isVoter, "a learner never proposes")
        let b = defects.takeReusedBallot() ?? freshBallot()
        proposer.maxSeenRound = max(proposer.maxSeenRound, b.round)
        // A leader starting over (for a learner): reads waiting for a round of
        // the old ballot noted its commit point, which a ballot between the
        // two may have passed; they start again once we lead anew.
        if role == .leader, !defects.keepsReadsOnReprepare { refuseUnconfirmedReads() }
        proposer.ballot = b
        proposer.role = .candidate
        election.leaderID = 0
        proposer.candidacy.start(at: nowMs)
        proposer.proposals = [:]
        proposer.clearChangeState()
        outbox.out.events.append(.becameCandidate(b))
        // Rule 1: our own promise is durable before any Prepare leaves.
        if b > promised { raisePromise(to: b) }
        precondition(promised >= b, "a candidate without the promise of its ballot")
        if defects.skipsPhase1 {
            // The defect: lead at once, proposing no-ops over slots that may hold
            // values chosen elsewhere. Through every slot our own log knows, so
            // the leader's own invariants still hold (its next slot stays above
            // anything it knows chosen) and the simulator's checkers, not a
            // precondition, catch the damage.
            becomeLeader(reproposals: [:], through: max(commitIndex, acceptor.log.keys.max() ?? 0))
            return
        }
        proposer.phase1 = Phase1(fromSlot: applied + 1)
        for node in config.members {
            sendAfterPersist(.prepare(ballot: b, fromSlot: applied + 1), to: node)
        }
    }

    /// A ballot above every one seen, our own promise included, so it is
    /// never reused (rule 1) and our promise of it is ours alone.
    func freshBallot() -> Ballot {
        let b = Ballot(round: proposer.maxSeenRound + 1, node: config.id)
        precondition(b > promised, "a new ballot not above our promise")
        return b
    }

    mutating func onPromise(from: NodeID, ballot b: Ballot, snapshotIndex snap: Slot, accepted: [SlotEntry]) {
        if role == .leader, b == ballot, config.members.contains(from) {
            onCoveragePromise(from: from, accepted: accepted)
            return
        }
        guard role == .candidate, b == ballot, var p = proposer.phase1, p.catchUpTo == nil else { return }
        precondition(promised == b, "a candidate counting promises of a ballot it does not hold")
        p.promises[from] = (snap, accepted)
        proposer.phase1 = p
        guard p.promises.count >= config.majority else { return }
        // Rule 6: catch up to the highest snapshot a promise reports before
        // proposing above it, so no chosen slot is filled with a no-op.
        let highestSnapshot = p.promises.values.map(\.snapshotIndex).max() ?? 0
        if highestSnapshot > applied {
            proposer.phase1?.catchUpTo = highestSnapshot
            let source = p.promises.keys.sorted().first { p.promises[$0]!.snapshotIndex == highestSnapshot }!
            // Our own snapshot is at most `applied`, so the source is a peer.
            precondition(source != config.id, "catching up from ourselves")
            fetch(from: source)
            return
        }
        finishPhase1()
    }

    mutating func maybeFinishCatchUp() {
        guard role == .candidate, let target = proposer.phase1?.catchUpTo, applied >= target else { return }
        // The catch-up may have brought a new configuration: its majority counts.
        guard proposer.phase1!.promises.count >= config.majority else {
            proposer.phase1?.catchUpTo = nil
            return
        }
        finishPhase1()
    }

    mutating func finishPhase1() {
        guard let p = proposer.phase1 else { preconditionFailure("no phase 1 to finish") }
        precondition(role == .candidate, "phase 1 finished outside candidacy")
        precondition(p.promises.count >= config.majority, "phase 1 without a majority")
        var best: [Slot: SlotEntry] = [:]
        for node in p.promises.keys.sorted() {
            for e in p.promises[node]!.accepted where e.slot > applied {
                if let old = best[e.slot], old.ballot >= e.ballot { continue }
                best[e.slot] = e
            }
        }
        let through = max(applied, best.keys.max() ?? 0)
        precondition(best.keys.allSatisfy { $0 > applied }, "re-proposing into an applied slot")
        // Slots known chosen beyond every slot our quorum reported were chosen
        // at a higher ballot (below ours the quorum would have reported them):
        // our promises are stale (a delayed promise can complete a phase 1
        // long after its sender promised higher), so we do not lead.
        // (paxos-sim --nodes 3 --seed 10239215 trapped in proposeQueued.)
        if commitIndex > through {
            stepDown(reason: "slots up to \(commitIndex) were chosen beyond what phase 1 learned")
            return
        }
        proposer.promisedBy = Set(p.promises.keys)
        becomeLeader(reproposals: best, through: through)
    }

    mutating func onReject(from: NodeID, ballot b: Ballot, promised higher: Ballot) {
        guard role != .follower, b == ballot, higher > ballot else { return }
        stepDown(reason: "node \(from) promised higher ballot \(higher)")
    }
}
