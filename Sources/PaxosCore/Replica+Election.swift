/// Bully election and liveness: node ids rank candidates; guards keep it
/// stable (stand only while reaching a majority and caught up; ignore
/// ELECTION while the leader's heartbeats are fresh).
extension Replica {
    mutating func onTick() {
        expireRequests()
        retryDeferredPrepares()
        if role == .leader {
            if !reachesMajority {
                stepDown(reason: "lost contact with a majority")
            } else {
                if nowMs >= lastHeartbeatSentMs + config.heartbeatMs { sendHeartbeat() }
                retransmitAccepts()
            }
        } else if nowMs >= lastStatusSentMs + config.heartbeatMs {
            lastStatusSentMs = nowMs
            broadcast(.status(myStatus), includingSelf: false)
        }
        if role == .candidate, nowMs >= candidateSinceMs + config.electionTimeoutMs {
            stepDown(reason: "phase 1 did not complete in time")
        }
        if !isVoter { maybeBecomeVoter() }
        runElectionTimers()
        maybeFetch()
        dispatchWaiting()
    }

    var myStatus: Status {
        // We report `applied`: a commit point whose values we can also serve,
        // so "caught up" compares what nodes can actually hand over.
        Status(commit: applied, promised: promised, leader: leaderID, isVoter: isVoter, hasHistory: hasHistory,
               hears: config.peers.filter(isHeardRecently), admitFloor: isVoter ? nil : admitFloor)
    }

    var isLeaderFresh: Bool {
        leaderID != 0 && (leaderID == config.id || nowMs <= lastLeaderContactMs + config.electionTimeoutMs)
    }

    func isHeardRecently(_ node: NodeID) -> Bool {
        guard let heard = heardFromMs[node] else { return false }
        return nowMs <= heard + config.electionTimeoutMs
    }

    /// Whether `node` showed within an election timeout that it hears us.
    func hearsUs(_ node: NodeID) -> Bool {
        guard let at = hearsUsMs[node] else { return false }
        return nowMs <= at + config.electionTimeoutMs
    }

    /// Voters linked both ways within an election timeout, this one
    /// included, make a majority. One-way links do not count: a leader that
    /// hears a majority but gets no answers from it commits nothing, yet its
    /// heartbeats would keep the others from electing. Learners do not
    /// count: they cannot promise or accept.
    var reachesMajority: Bool {
        let voters = config.peers.filter { isHeardRecently($0) && hearsUs($0) && (peerStatus[$0]?.isVoter ?? false) }
        return voters.count + (isVoter ? 1 : 0) >= config.majority
    }

    /// Applied reaches the commit point that a majority of nodes report.
    var isCaughtUp: Bool {
        var commits = [commitIndex]
        for node in config.peers {
            if let s = peerStatus[node], isHeardRecently(node) {
                commits.append(s.commit)
            } else {
                commits.append(0)
            }
        }
        commits.sort(by: >)
        return applied >= commits[config.majority - 1]
    }

    var isEligible: Bool { isVoter && !isLeaving && reachesMajority && isCaughtUp && !isWaitingForFreshPeers }

    /// In a brand-new cluster, a fresh voter lets fresh learners it hears
    /// join first (for at most two election timeouts): once anyone promises,
    /// they could only join through a later phase 1, and the leader it
    /// elected would be bullied away as soon as a higher node joined.
    var isWaitingForFreshPeers: Bool {
        guard !hasHistory, let started = startedMs, nowMs < started + 2 * config.electionTimeoutMs else { return false }
        return config.peers.contains { isHeardRecently($0) && peerStatus[$0]?.isVoter == false && peerStatus[$0]?.hasHistory == false }
    }

    mutating func runElectionTimers() {
        switch election {
        case .awaitingAlive(let until) where nowMs >= until:
            becomeCoordinator()
        case .awaitingCoordinator(let until) where nowMs >= until:
            election = .idle
            startElection()
        case .idle where role == .follower:
            if !isLeaderFresh {
                startElection()
            } else if leaderID != 0, leaderID < config.id, isEligible,
                      let started = startedMs, nowMs >= started + config.electionTimeoutMs {
                // Bully: a higher node that is caught up takes over from a lower leader.
                startElection()
            }
        default:
            break
        }
    }

    mutating func startElection() {
        guard role == .follower, isEligible else { return }
        // Only higher nodes we have heard from can answer; none: we lead.
        let higher = config.peers.filter { $0 > config.id && isHeardRecently($0) && (peerStatus[$0]?.isVoter ?? false) }
        if higher.isEmpty {
            becomeCoordinator()
            return
        }
        for node in higher { send(.election, to: node) }
        election = .awaitingAlive(untilMs: nowMs + max(2 * config.heartbeatMs, config.electionTimeoutMs / 2))
    }

    mutating func becomeCoordinator() {
        election = .idle
        guard role == .follower, isEligible else { return }
        broadcast(.coordinator, includingSelf: false)
        startPhase1()
    }

    mutating func onElection(from: NodeID) {
        guard from < config.id else { return }
        if role == .leader {
            send(.alive, to: from)
            return
        }
        guard !isLeaderFresh, isEligible else { return }
        send(.alive, to: from)
        if election == .idle, role == .follower { startElection() }
    }

    mutating func onAlive(from: NodeID) {
        guard from > config.id, case .awaitingAlive = election else { return }
        election = .awaitingCoordinator(untilMs: nowMs + config.electionTimeoutMs)
    }

    mutating func onCoordinator(from: NodeID) {
        if from > config.id || !isEligible {
            if role == .follower {
                leaderID = from
                lastLeaderContactMs = nowMs
                election = .idle
            }
        } else if role == .follower, election == .idle {
            startElection()
        }
    }

    /// Shutting down: a leader names the most caught-up voter it reaches
    /// (highest id on a tie, as the bully order would) and steps down.
    mutating func handOver() {
        isLeaving = true
        guard role == .leader else { return }
        var target: (node: NodeID, applied: Slot)? = nil
        for node in config.peers where isHeardRecently(node) && (peerStatus[node]?.isVoter ?? false) {
            let applied = peerStatus[node]?.commit ?? 0
            if target == nil || applied >= target!.applied { target = (node, applied) }
        }
        stepDown(reason: "handing over leadership")
        if let target {
            send(.takeOver, to: target.node)
            out.events.append(.handedOver(to: target.node))
            // Tell every peer at once that we no longer lead, naming the
            // successor: that ends their leader stickiness, so none defers
            // the successor's Prepare (its id may be lower than ours).
            var farewell = myStatus
            farewell.leader = target.node
            lastStatusSentMs = nowMs
            broadcast(.status(farewell), includingSelf: false)
        }
    }

    /// The leader we follow is leaving and chose us: stand at once.
    mutating func onTakeOver(from: NodeID) {
        guard from == leaderID, role == .follower else { return }
        leaderID = 0
        lastLeaderContactMs = 0
        leaderHeard = nil
        becomeCoordinator()
    }

    mutating func onStatus(from: NodeID, _ status: Status) {
        peerStatus[from] = status
        leaderStatusHeard(from: from, status)
        if status.hears.contains(config.id) { hearsUsMs[from] = nowMs }
        if role == .leader, !status.isVoter, let floor = status.admitFloor {
            admitOrReprepare(learner: from, status, floor: floor)
            if role != .leader { return }
        }
        // A peer that applied further proves those slots chosen.
        if status.commit > commitIndex { learnExternalCommit(status.commit) }
    }

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
        precondition(role == .leader && !status.isVoter, "admission is a leader's answer to a learner")
        if ballot > floor || config.bugs.contains(.admitEarly) {
            if ownCommit >= readyIndex, status.commit >= readyIndex { send(.admit(ballot: ballot), to: learner) }
        } else if nowMs >= lastLearnerPhase1Ms + config.electionTimeoutMs {
            lastLearnerPhase1Ms = nowMs
            // `receive` raised maxSeenRound by the status's floor, so the new ballot is above it.
            precondition(maxSeenRound >= floor.round, "re-prepare would not go above the learner's floor")
            startPhase1()
        }
    }

    /// Rule 9: the highest promise the other members showed when we first
    /// heard each after our return, once we heard every one of them; nil before.
    var admitFloor: Ballot? {
        var floor = Ballot.zero
        for node in config.peers {
            guard let b = floorHeard[node] else { return nil }
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
        precondition(!isVoter && node != config.id, "only a learner keeps a floor, of its peers")
        guard floorHeard[node] == nil else { return }
        switch message {
        case .status(let s): floorHeard[node] = s.promised
        case .heartbeat(let b, _, _), .accept(let b, _, _, _): floorHeard[node] = b
        default: return
        }
    }

    /// Rule 9: a node that started with no durable state votes only once
    /// that cannot let it contradict a promise it forgot.
    mutating func maybeBecomeVoter() {
        precondition(!isVoter, "already a voter")
        guard !hasHistory else { return }
        let freshOthers = config.peers.filter { isHeardRecently($0) && peerStatus[$0]?.hasHistory == false }
        // Fresh cluster: *every* other node never promised or accepted
        // anything, so no value was ever chosen. A majority would not do: up
        // to a minority of wiped nodes look fresh too, and the one node of
        // a choosing quorum left with history may be the one we cannot hear.
        let needed = config.bugs.contains(.freshCountsLearners) ? config.majority : config.peers.count
        if freshOthers.count >= needed {
            becomeVoter(promising: .zero)
        }
    }

    /// A learner heard the leader of ballot `b`: follow it and catch up.
    mutating func learnerHeardLeader(ballot b: Ballot, from: NodeID, commit: Slot) {
        if from != config.id, b.node == from {
            leaderID = from
            lastLeaderContactMs = nowMs
        }
        raiseCommit(to: commit)
    }

    /// The leader of `b` admits us: its first round is committed and we
    /// applied past it. We vote only above our floor.
    mutating func onAdmit(from: NodeID, ballot b: Ballot) {
        guard !isVoter, let floor = admitFloor, b > floor || config.bugs.contains(.admitEarly) else { return }
        becomeVoter(promising: b)
    }

    mutating func becomeVoter(promising b: Ballot) {
        isVoter = true
        // Joining is not history: only promises and accepts are (the fresh-cluster rule).
        persist(.joined)
        promiseRecordCount = recordsEmitted
        if b > promised { raisePromise(to: b) }
        // What we caught up on lives only in memory; the wipe removed our
        // durable copies of chosen values. Make them durable (a snapshot)
        // before any promise or accept of ours can count, or a later phase 1
        // with us in its quorum could miss a chosen value.
        if applied > snapshotIndex { takeSnapshot() }
        floorHeard = [:]
        out.events.append(.becameVoter)
    }
}
