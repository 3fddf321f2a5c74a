/// Member changes through the log (DESIGN.md Part 1, "Membership").
///
/// One member at a time: a change chosen at slot j governs every slot
/// above j, and any majority of the old configuration meets any majority
/// of the new one. Three rules keep each slot's choice with a majority of
/// the configuration that governs it:
/// - the fence: a leader proposes nothing above a change until it applied
///   it, so it always knows the configuration of the slot it proposes;
/// - coverage: before proposing above a change, a leader holds promises of
///   its ballot from a majority of the new configuration, asking the
///   members it lacks with a Prepare (and re-proposing what they report);
/// - phase 1 re-proposes only up to the first change it finds and the rest
///   once that change is applied and covered, so the promises of every
///   configuration along the way are heard.
/// A removed id never returns (its old incarnation may hold promises).
extension Replica {
    /// What the core snapshots: the configuration and the state machine.
    func snapshotData() -> [UInt8] {
        CoreSnapshot.encode(membership, stateMachine.snapshot())
    }

    /// Installs a snapshot's state (and configuration, when it has one).
    mutating func installSnapshotData(_ data: [UInt8]) throws {
        let (restored, state) = try CoreSnapshot.decode(data)
        if !learner.knowsMembers && restored == nil {
            throw DecodeError.invalid("a snapshot without a configuration, and this node does not know it")
        }
        try stateMachine.restore(from: state)
        if let restored {
            learner.knowsMembers = true
            if restored != membership { adopt(restored) }
        }
    }

    /// Makes `next` the configuration in use, and does what it means for this node.
    mutating func adopt(_ next: Membership) {
        let wasMember = config.isMember
        membership = next
        config.members = next.members
        forgetNonPeers()
        if election.leaderID != 0, election.leaderID != config.id, !config.members.contains(election.leaderID) {
            election.leaderID = 0  // a removed leader leads no more
        }
        outbox.out.events.append(.membershipChanged(slot: next.slot, members: next.members))
        if wasMember && !config.isMember {
            // Removed: stop voting; the runtime exits once it sees the event.
            // A leader first names a successor, so the rest need not wait
            // out an election timeout.
            if role == .leader { handOver() }
            if role != .follower { stepDown(reason: "removed from the cluster") }
            acceptor.isVoter = false
            acceptor.deferredPrepares = [:]
            outbox.out.events.append(.removed(slot: next.slot))
        }
        if role == .leader { checkCoverage() }
        if role == .candidate, var p = proposer.phase1 {
            // Phase 1 counts promises of the configuration in use; ask its new members.
            p.promises = p.promises.filter { config.members.contains($0.key) }
            proposer.phase1 = p
            for node in config.members where p.promises[node] == nil {
                sendAfterPersist(.prepare(ballot: ballot, fromSlot: p.fromSlot), to: node)
            }
        }
    }

    /// False until a node started without knowing the configuration
    /// (`CoreConfig.knowsMembers`) has installed a snapshot that carries it.
    public var knowsMembers: Bool { learner.knowsMembers }

    /// A new node added through the log that has not voted yet.
    public var isJoining: Bool { acceptor.isNewNode && !acceptor.isVoter }

    /// What a member's last status said: whether it votes and how far it applied.
    public func peerProgress(_ node: NodeID) -> (isVoter: Bool, applied: Slot)? {
        election.peers[node].map { ($0.isVoter, $0.applied) }
    }

    /// Whether a member change is under way as far as this node sees: a
    /// leader's fence, coverage or queue, or a change accepted or chosen
    /// above the applied slot. (A client's second change then gets -BUSY.)
    public var hasMemberChangeInFlight: Bool {
        if proposer.fence != nil || proposer.extending { return true }
        if proposer.queuedWrites.contains(where: { MemberChange(payload: $0.payload) != nil }) { return true }
        return acceptor.log.contains { slot, entry in
            slot > applied && (entry.chosen?.memberChange != nil || entry.accepted?.value.memberChange != nil)
        }
    }

    /// A new node that a change added votes once it has applied that
    /// change: it never promised anything, so it forgot nothing (rule 9 is
    /// for wiped members; removed ids never return).
    mutating func maybeVoteAsAddedNode() {
        guard acceptor.isNewNode, !acceptor.isVoter, config.isMember, applied >= membership.slot else { return }
        becomeVoter(promising: .zero)
    }

    /// Per-peer tables hold members only.
    mutating func forgetNonPeers() {
        let peers = Set(config.peers)
        election.peers = election.peers.filter { peers.contains($0.key) }
        election.heardFrom = election.heardFrom.filter { peers.contains($0.key) }
        election.hearsUs = election.hearsUs.filter { peers.contains($0.key) }
        election.floorHeard = election.floorHeard.filter { peers.contains($0.key) }
        acceptor.deferredPrepares = acceptor.deferredPrepares.filter { peers.contains($0.key) }
        reads.heartbeatAcks = reads.heartbeatAcks.filter { $0.key == config.id || peers.contains($0.key) }
    }

    /// Whether our ballot's promises reach a majority of the configuration in use.
    var isCovered: Bool {
        proposer.promisedBy.filter { config.members.contains($0) }.count >= config.majority
    }

    /// A leader after a change: while its promises miss a majority of the
    /// new configuration, it asks the members it lacks and proposes nothing new.
    mutating func checkCoverage() {
        precondition(role == .leader, "coverage is a leader's")
        if isCovered || defects.skipsCoverage {
            proposer.extending = false
            resumeDeferred()
            return
        }
        proposer.extending = true
        proposer.coverageRetry.start(at: nowMs)
        for node in config.members where !proposer.promisedBy.contains(node) {
            sendAfterPersist(.prepare(ballot: ballot, fromSlot: applied + 1), to: node)
        }
    }

    /// A promise of our ballot while leading: it extends coverage to a new configuration.
    mutating func onCoveragePromise(from: NodeID, accepted: [SlotEntry]) {
        precondition(role == .leader, "coverage is a leader's")
        // A late answer to our phase 1 adds nothing the old configuration's
        // majority did not report, so its entries are not read here; then
        // it must not count as promised either, or a later configuration's
        // coverage would count a member whose accepted values it never saw
        // (5-node seed 1217: slot 22, chosen in the new configuration,
        // overwritten). Coverage asks such a member again.
        guard proposer.extending else { return }
        proposer.promisedBy.insert(from)
        // What it accepted above `applied` may have been chosen under a
        // configuration our first quorum did not cover: re-propose the
        // highest-ballot value, as phase 1 does.
        for e in accepted where e.slot > applied && e.slot >= proposer.nextSlot {
            if let old = proposer.deferred[e.slot], old.ballot >= e.ballot { continue }
            proposer.deferred[e.slot] = e
            proposer.deferredThrough = max(proposer.deferredThrough, e.slot)
            proposer.readyIndex = max(proposer.readyIndex, e.slot)
        }
        checkCoverage()
    }

    /// Proposes the re-proposals held back by a fence, up to the next change.
    mutating func resumeDeferred() {
        guard role == .leader, proposer.fence == nil, !proposer.extending else { return }
        proposeHeldBack()
        proposeQueued()
    }

    /// Re-proposes phase 1's held-back slots in order (chosen values as
    /// chosen, no-ops in holes) until one holds a member change (`propose`
    /// fences there) or none are left.
    mutating func proposeHeldBack() {
        while proposer.nextSlot <= proposer.deferredThrough, proposer.fence == nil {
            let slot = proposer.nextSlot
            let value = acceptor.log[slot]?.chosen ?? proposer.deferred[slot]?.value ?? .noop
            proposer.deferred[slot] = nil
            propose(slot: slot, value)
        }
        if proposer.nextSlot > proposer.deferredThrough { proposer.deferred = [:] }
    }
}

extension Value {
    /// The member change a slot holds (a change is alone in its slot).
    var memberChange: MemberChange? {
        guard case .batch(_, let requests) = self, requests.count == 1 else { return nil }
        return MemberChange(payload: requests[0].payload)
    }

    /// A batch where a member change shares the slot: no proposer of ours
    /// makes one (rule 7: a peer's message holding one is dropped).
    var sharesMemberChange: Bool {
        guard case .batch(_, let requests) = self, requests.count > 1 else { return false }
        return requests.contains { MemberChange(payload: $0.payload) != nil }
    }
}
