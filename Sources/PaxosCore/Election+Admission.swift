/// Rule 9: a node that returns with an empty data directory has forgotten
/// what it promised; it is a non-voting learner until it may vote without
/// contradicting that (a fresh cluster, or a leader's admission above its floor).
extension Replica {
    /// Rule 9 at the leader: a learner votes again at our ballot once that
    /// ballot is *above* its admission floor, our first round is committed
    /// and the learner applied past it (it snapshots that state before it
    /// votes). Above the floor, neither its forgotten self nor any concurrent
    /// candidate holding a forgotten promise ever saw our ballot, so our
    /// phase 1 began after its return, over a quorum without it, and learned
    /// every value chosen below our ballot; those sit at or below our first
    /// round, which the learner holds. At the floor itself its old self may
    /// have accepted values of our very ballot (paxos-sim seed 1008194): a
    /// slot chosen by {us, its old self} would be missing from a later
    /// phase 1 that counts its new self. So a leader not above the floor runs
    /// a new phase 1 above it first (at most once per election timeout; the
    /// floor is fixed, so one is enough however far behind the learner is).
    mutating func admitOrReprepare(learner: NodeID, _ status: Status, floor: Ballot) {
        precondition(role == .leader, "admission is a leader's answer")
        precondition(!status.isVoter, "admitting a voter")
        if defects.admits(ballot, above: floor) {
            if proposer.ownCommit >= proposer.readyIndex, status.applied >= proposer.readyIndex { send(.admit(ballot: ballot), to: learner) }
        } else if proposer.learnerReprepare.hasExpired(at: nowMs) {
            proposer.learnerReprepare.start(at: nowMs)
            // `receive` raised maxSeenRound by the status's floor, so the new ballot is above it.
            precondition(proposer.maxSeenRound >= floor.round, "re-prepare would not go above the learner's floor")
            startPhase1()
        }
    }

    /// Rule 9: the highest promise the other members showed when we first
    /// heard each after our return, once we heard every one of them; nil before.
    var admitFloor: Ballot? {
        var floor = Ballot.zero
        for node in config.peers {
            guard let b = election.floorHeard[node] else { return nil }
            floor = max(floor, b)
        }
        return floor
    }

    /// A learner notes what a peer's first message after our return shows it
    /// had promised: a status its promise, a leader's heartbeat or accept its
    /// ballot (a leader's promise is its ballot). It reached us after our
    /// return, so it was sent after our return (messages to a node that is
    /// down are dropped, never queued), and the sender's promise never goes
    /// down: anything our forgotten self promised is at or below it. Later
    /// messages show the ballots of phases begun since, which our old self
    /// never saw, so the floor stays as first heard: a leader that re-prepares
    /// above it can then be above it. A Prepare does not count: it may leave
    /// long after its ballot was promised and surpassed.
    mutating func noteFloor(from node: NodeID, _ message: Message) {
        precondition(!acceptor.isVoter, "only a learner keeps a floor")
        precondition(node != config.id, "a floor is of our peers")
        guard election.floorHeard[node] == nil else { return }
        switch message {
        case .status(let s): election.floorHeard[node] = s.promised
        case .heartbeat(let b, _, _), .accept(let b, _, _, _): election.floorHeard[node] = b
        default: return
        }
    }

    /// Rule 9: a node that started with no durable state votes only once
    /// that cannot let it contradict a promise it forgot.
    mutating func maybeBecomeVoter() {
        precondition(!acceptor.isVoter, "already a voter")
        // A node outside the configuration votes once a change adds it.
        guard config.isMember, !acceptor.hasHistory else { return }
        let freshOthers = config.peers.filter { isHeardRecently($0) && election.peers[$0]?.hasHistory == false }
        // Fresh cluster: *every* other node never promised or accepted
        // anything, so no value was ever chosen. A majority would not do: up
        // to a minority of wiped nodes look fresh too, and the one node of
        // a choosing quorum left with history may be the one we cannot hear.
        if freshOthers.count >= defects.freshPeersNeeded(config) {
            if !learner.knowsMembers {
                // Nothing was ever chosen: the configuration we started with is
                // the cluster's first. Durable before `.joined` (records are
                // durable in order), so a restart knows it.
                precondition(applied == 0 && snapshotIndex == 0, "a fresh cluster with applied slots")
                learner.knowsMembers = true
                persist(.snapshot(index: 0, promised: promised, data: snapshotData()))
                outbox.out.events.append(.membershipChanged(slot: 0, members: membership.members))
            }
            becomeVoter(promising: .zero)
        }
    }

    /// A learner heard the leader of ballot `b`: follow it and catch up.
    mutating func learnerHeardLeader(ballot b: Ballot, from: NodeID, commit: Slot) {
        precondition(!acceptor.isVoter, "a voter follows through its acceptor")
        if from != config.id, b.node == from {
            if election.leaderID != from { outbox.out.events.append(.followingLeader(from)) }
            election.leaderID = from
            election.leaderContact.start(at: nowMs)
        }
        raiseCommit(to: commit)
    }

    /// The leader of `b` admits us: its first round is committed and we
    /// applied past it. We vote only above our floor.
    mutating func onAdmit(from: NodeID, ballot b: Ballot) {
        guard !acceptor.isVoter, config.isMember, let floor = admitFloor, defects.admits(b, above: floor) else { return }
        becomeVoter(promising: b)
    }

    mutating func becomeVoter(promising b: Ballot) {
        precondition(!acceptor.isVoter, "already a voter")
        // What we caught up on lives only in memory; the wipe removed our
        // durable copies of chosen values. Make them durable (a snapshot)
        // before any promise or accept of ours can count, or a later phase 1
        // with us in its quorum could miss a chosen value. And before
        // `.joined`: records are durable in order, so a crash can never leave
        // a voter (joined) without the values it caught up on, which would
        // promise as if it had them.
        if applied > snapshotIndex { takeSnapshot() }
        acceptor.isVoter = true
        acceptor.isNewNode = false
        // Joining is not history: only promises and accepts are (the fresh-cluster rule).
        persist(.joined)
        acceptor.promiseRecordCount = outbox.recordsEmitted
        if b > promised { raisePromise(to: b) }
        election.floorHeard = [:]
        outbox.out.events.append(.becameVoter)
        precondition(promised >= b, "a voter below the ballot that admitted it")
    }
}
