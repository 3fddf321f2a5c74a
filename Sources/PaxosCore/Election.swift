/// The bully election's state and what this node knows of its peers.
struct Election {
    var state: ElectionState = .idle
    /// The node believed to lead (0: none known).
    var leaderID: NodeID = 0
    /// Runs from the last contact with `leaderID`: the leader is fresh while it is.
    var leaderContact: Timeout
    /// A node that is not leading tells every peer its status each heartbeat interval.
    var statusDue: Timeout
    /// How far each peer has got, from its status or its heartbeats.
    /// Invariant (as for the tables below): keyed by peers only.
    var peers: [NodeID: PeerProgress] = [:]
    /// When each peer was last heard from, as a contact one election timeout long.
    var heardFrom: [NodeID: Timeout] = [:]
    /// When each peer last showed it hears us: its status listed us, or it
    /// answered one of our messages. With `heardFrom`, a link both ways.
    var hearsUs: [NodeID: Timeout] = [:]
    /// Set by `.handOver`: this node is leaving and never stands again.
    var isLeaving = false
    /// While a learner: the promise each other member showed in the first
    /// status, heartbeat or accept we heard from it after our return. Rule 9:
    /// the forgotten incarnation promised nothing above their maximum,
    /// because a proposer's own promise is durable before its Prepare leaves
    /// (rule 1).
    var floorHeard: [NodeID: Ballot] = [:]

    init(_ config: CoreConfig) {
        leaderContact = Timeout(config.electionTimeoutMs)
        statusDue = Timeout(config.heartbeatMs)
    }

    /// A peer's status, as far as the election and catch-up use it.
    mutating func heard(_ status: Status, from peer: NodeID) {
        peers[peer] = PeerProgress(applied: status.applied, isVoter: status.isVoter, hasHistory: status.hasHistory)
    }

    /// A heartbeat shows its sender leads: a voter with history (it promised
    /// its ballot), that applied at least the commit point it advertises
    /// (a leader applies what it chose as it chooses it).
    mutating func heardLeader(_ leader: NodeID, appliedAtLeast commit: Slot) {
        peers[leader] = PeerProgress(applied: commit, isVoter: true, hasHistory: true)
    }

    func invariants(_ config: CoreConfig) {
        // Every table is keyed by senders that passed `invalidReason` (members) and are not us.
        let peers = Set(config.peers)
        precondition(self.peers.keys.allSatisfy(peers.contains), "progress of a non-peer")
        precondition(heardFrom.keys.allSatisfy(peers.contains), "heard from a non-peer")
        precondition(hearsUs.keys.allSatisfy(peers.contains), "heard by a non-peer")
        precondition(floorHeard.keys.allSatisfy(peers.contains), "a floor from a non-peer")
    }
}

/// What a node knows of one peer's progress.
struct PeerProgress {
    /// Every slot up to here is applied there, so it can hand them over.
    var applied: Slot
    var isVoter: Bool
    var hasHistory: Bool
}

enum ElectionState: Equatable {
    case idle
    /// We sent ELECTION to higher nodes; when this expires without ALIVE we lead.
    case awaitingAlive(Timeout)
    /// A higher node answered ALIVE; when this expires without COORDINATOR we stand again.
    case awaitingCoordinator(Timeout)
}

/// Bully election: node ids rank candidates; guards keep it stable (stand
/// only while reaching a majority and caught up; ignore ELECTION while the
/// leader's heartbeats are fresh). The guards are in `Election+Liveness.swift`.
extension Replica {
    mutating func runElectionTimers() {
        switch election.state {
        case .awaitingAlive(let t) where t.hasExpired(at: nowMs):
            becomeCoordinator()
        case .awaitingCoordinator(let t) where t.hasExpired(at: nowMs):
            election.state = .idle
            startElection()
        case .idle where role == .follower:
            if !isLeaderFresh {
                startElection()
            } else if leaderID != 0, leaderID < config.id, isEligible, hasRun(forMs: config.electionTimeoutMs) {
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
        let higher = config.peers.filter { $0 > config.id && isHeardRecently($0) && (election.peers[$0]?.isVoter ?? false) }
        if higher.isEmpty {
            becomeCoordinator()
            return
        }
        precondition(higher.allSatisfy { $0 > config.id }, "bullying a lower node")
        for node in higher { send(.election, to: node) }
        election.state = .awaitingAlive(Timeout(CoreLimits.aliveWaitMs(config), startingAt: nowMs))
    }

    mutating func becomeCoordinator() {
        election.state = .idle
        guard role == .follower, isEligible else { return }
        precondition(acceptor.isVoter && !election.isLeaving, "standing while not eligible")
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
        if election.state == .idle, role == .follower { startElection() }
    }

    mutating func onAlive(from: NodeID) {
        guard from > config.id, case .awaitingAlive = election.state else { return }
        election.state = .awaitingCoordinator(Timeout(config.electionTimeoutMs, startingAt: nowMs))
    }

    mutating func onCoordinator(from: NodeID) {
        if from > config.id || !isEligible {
            if role == .follower {
                if election.leaderID != from { outbox.out.events.append(.followingLeader(from)) }
                election.leaderID = from
                election.leaderContact.start(at: nowMs)
                election.state = .idle
            }
        } else if role == .follower, election.state == .idle {
            startElection()
        }
    }
}
