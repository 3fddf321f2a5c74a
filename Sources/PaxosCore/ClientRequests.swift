/// This node's own clients' requests until each ends with a reply.
struct ClientRequests {
    /// Invariant: keyed by this node's own request ids.
    var pending: [RequestID: PendingRequest] = [:]
    /// Reads whose index a leader confirmed, waiting for `applied` to reach it.
    var confirmedReads: [RequestID] = []
    /// Requests parked until a leader is known.
    var waitingForLeader: [RequestID] = []

    func invariants(_ config: CoreConfig) {
        // Costly: off in -O builds, on in the simulator and the tests.
        assert(pending.keys.allSatisfy { $0.origin == config.id }, "a pending request not ours")
        assert(confirmedReads.allSatisfy { $0.origin == config.id }, "a confirmed read not ours")
        assert(waitingForLeader.allSatisfy { $0.origin == config.id }, "a parked request not ours")
    }
}

struct PendingRequest {
    enum Kind { case write(Request), read([UInt8]) }
    var kind: Kind
    /// The client's deadline: one request timeout from submission.
    var deadline: Timeout
    /// A write handed to a leader (or proposed here) may still be applied.
    var isHandedOff = false
    /// The node it was handed to: only that node's rejection can undo the hand-off.
    var handedTo: NodeID = 0
    /// Runs while the request waits for a leader: past it, -NOQUORUM.
    var leaderWait: Timeout
    /// Commit index a read waits for (set once a leader confirmed it).
    var readIndex: Slot? = nil
}

/// Client requests: propose at the leader, forward one hop from a
/// follower, wait for a leader, and end each with a result, -NOQUORUM
/// (never applied) or -TIMEOUT (may still be applied).
extension Replica {
    mutating func submit(_ request: Request) {
        precondition(clients.pending[request.id] == nil, "request id reused")
        clients.pending[request.id] = newPending(.write(request))
        dispatch(request.id)
    }

    mutating func read(_ id: RequestID, payload: [UInt8]) {
        precondition(clients.pending[id] == nil, "request id reused")
        clients.pending[id] = newPending(.read(payload))
        dispatch(id)
    }

    func newPending(_ kind: PendingRequest.Kind) -> PendingRequest {
        PendingRequest(kind: kind, deadline: Timeout(config.requestTimeoutMs, startingAt: nowMs),
                       leaderWait: Timeout(CoreLimits.leaderWaitElectionTimeouts * config.electionTimeoutMs, startingAt: nowMs))
    }

    /// The leader this node would hand a request to, if it knows one.
    var reachableLeader: NodeID? {
        guard role == .follower, leaderID != 0, leaderID != config.id, config.members.contains(leaderID) else { return nil }
        guard election.leaderContact.isFresh(at: nowMs) else { return nil }
        return leaderID
    }

    /// Proposes, forwards, or parks one pending request.
    mutating func dispatch(_ id: RequestID) {
        guard var p = clients.pending[id] else { return }
        precondition(!p.isHandedOff, "dispatching a request already handed off")
        switch p.kind {
        case .write(let request):
            if proposer.isLeading {
                queueForProposal(request)
            } else if let leader = reachableLeader {
                p.isHandedOff = true
                p.handedTo = leader
                clients.pending[id] = p
                send(.forward(request), to: leader)
            } else {
                clients.waitingForLeader.append(id)
            }
        case .read:
            if proposer.isLeading {
                leaderRead(id, origin: config.id)
            } else if let leader = reachableLeader {
                p.isHandedOff = true
                clients.pending[id] = p
                send(.readIndex(id), to: leader)
            } else {
                clients.waitingForLeader.append(id)
            }
        }
    }

    /// Hands parked requests on once a leader is known.
    mutating func dispatchWaiting() {
        guard !clients.waitingForLeader.isEmpty, proposer.isLeading || reachableLeader != nil else { return }
        let parked = clients.waitingForLeader
        clients.waitingForLeader = []
        for id in parked where clients.pending[id] != nil && clients.pending[id]!.isHandedOff == false {
            dispatch(id)
        }
    }

    /// A hand-off that never left this node is as good as refused.
    mutating func undeliverable(_ envelope: Envelope) {
        precondition(envelope.to != config.id, "a message to ourselves undelivered")
        switch envelope.message {
        case .forward(let request): onForwardRejected(from: envelope.to, request.id)
        case .readIndex(let id): onReadIndexReply(from: envelope.to, id, index: nil)
        default: break
        }
    }

    mutating func onForwardRejected(from: NodeID, _ id: RequestID) {
        precondition(id.origin == config.id, "a rejection of a forward not ours")
        // Only the node we handed it to can take it back (a duplicate of an
        // older rejection must not undo a later hand-off or a local proposal).
        guard var p = clients.pending[id], case .write = p.kind, p.isHandedOff, p.handedTo == from else { return }
        // The receiver never proposed it and never will: parking it again is safe.
        p.isHandedOff = false
        p.handedTo = 0
        p.leaderWait.start(at: nowMs)
        clients.pending[id] = p
        clients.waitingForLeader.append(id)
    }

    /// Ends requests past their deadline, saying honestly whether they may still apply.
    mutating func expireRequests() {
        let leading = proposer.isLeading
        var expired: [(RequestID, ClientReply)] = []
        for (id, p) in clients.pending {
            if p.isHandedOff {
                if p.deadline.hasExpired(at: nowMs) { expired.append((id, .timeout("no reply from the cluster in time; the command may still be applied"))) }
            } else if p.deadline.hasExpired(at: nowMs) || (!leading && p.leaderWait.hasExpired(at: nowMs)) {
                expired.append((id, .noQuorum("no leader reachable; the command was not applied")))
            }
        }
        pruneSeenForwards()
        guard !expired.isEmpty else { return }
        expired.sort { RequestID.ordered($0.0, $1.0) }
        for (id, reply) in expired {
            // A write still queued here was never proposed; drop it so it never will be.
            if case .noQuorum = reply { proposer.queuedWrites.removeAll { $0.id == id } }
            clients.pending[id] = nil
            outbox.out.replies.append((id, reply))
        }
        assert(clients.pending.values.allSatisfy { !$0.deadline.hasExpired(at: nowMs) }, "a request past its deadline left pending")
    }
}
