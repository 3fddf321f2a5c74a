/// A leader shutting down hands leadership to the most caught-up voter.
extension Replica {
    /// Shutting down: a leader names the most caught-up voter it reaches
    /// (highest id on a tie, as the bully order would) and steps down.
    mutating func handOver() {
        election.isLeaving = true
        guard role == .leader else { return }
        var target: (node: NodeID, applied: Slot)? = nil
        for node in config.peers where isHeardRecently(node) && (election.peers[node]?.isVoter ?? false) {
            let applied = election.peers[node]?.applied ?? 0
            if target == nil || applied >= target!.applied { target = (node, applied) }
        }
        stepDown(reason: "handing over leadership")
        if let target {
            precondition(target.node != config.id, "handing over to ourselves")
            send(.takeOver, to: target.node)
            outbox.out.events.append(.handedOver(to: target.node))
            // Tell every peer at once that we no longer lead, naming the
            // successor: that ends their leader stickiness, so none defers
            // the successor's Prepare (its id may be lower than ours).
            var farewell = myStatus
            farewell.leader = target.node
            election.statusDue.start(at: nowMs)
            broadcast(.status(farewell), includingSelf: false)
        }
        precondition(role == .follower && election.isLeaving, "handed over but still standing")
    }

    /// The leader we follow is leaving and chose us: stand at once.
    mutating func onTakeOver(from: NodeID) {
        guard from == leaderID, role == .follower else { return }
        // The old leader's contact needs no reset: with no leader known it is
        // never read, and the next leader we note restarts it.
        election.leaderID = 0
        acceptor.leaderHeard = nil
        becomeCoordinator()
    }
}
