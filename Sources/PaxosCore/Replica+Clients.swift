/// Client requests: propose at the leader, forward one hop from a
/// follower, wait for a leader, and end each with a result, -NOQUORUM
/// (never applied) or -TIMEOUT (may still be applied).
extension Replica {
    mutating func submit(_ request: Request) {
        precondition(pending[request.id] == nil, "request id reused")
        pending[request.id] = PendingRequest(kind: .write(request), deadlineMs: nowMs + config.requestTimeoutMs, waitingSinceMs: nowMs)
        dispatch(request.id)
    }

    mutating func read(_ id: RequestID, payload: [UInt8]) {
        precondition(pending[id] == nil, "request id reused")
        pending[id] = PendingRequest(kind: .read(payload), deadlineMs: nowMs + config.requestTimeoutMs, waitingSinceMs: nowMs)
        dispatch(id)
    }

    /// The leader this node would hand a request to, if it knows one.
    var reachableLeader: NodeID? {
        guard role == .follower, leaderID != 0, leaderID != config.id else { return nil }
        guard nowMs <= lastLeaderContactMs + config.electionTimeoutMs else { return nil }
        return leaderID
    }

    /// Proposes, forwards, or parks one pending request.
    mutating func dispatch(_ id: RequestID) {
        guard var p = pending[id] else { return }
        let leading = role == .leader && phase1 == nil
        switch p.kind {
        case .write(let request):
            if leading {
                queuedWrites.append(request)
                proposeQueued()
            } else if let leader = reachableLeader {
                p.isHandedOff = true
                p.handedTo = leader
                pending[id] = p
                send(.forward(request), to: leader)
            } else {
                waitingForLeader.append(id)
            }
        case .read:
            if leading {
                leaderRead(id, origin: config.id)
            } else if let leader = reachableLeader {
                p.isHandedOff = true
                pending[id] = p
                send(.readIndex(id), to: leader)
            } else {
                waitingForLeader.append(id)
            }
        }
    }

    /// Hands parked requests on once a leader is known.
    mutating func dispatchWaiting() {
        guard !waitingForLeader.isEmpty, (role == .leader && phase1 == nil) || reachableLeader != nil else { return }
        let parked = waitingForLeader
        waitingForLeader = []
        for id in parked where pending[id] != nil && pending[id]!.isHandedOff == false {
            dispatch(id)
        }
    }

    mutating func onForward(from: NodeID, _ request: Request) {
        // Network duplicates must never propose a request twice.
        if let seen = seenForwards[request.id] {
            if seen.isRejected { send(.forwardRejected(request.id), to: from) }
            return
        }
        guard role == .leader, phase1 == nil else {
            seenForwards[request.id] = (nowMs, true)
            send(.forwardRejected(request.id), to: from)
            return
        }
        seenForwards[request.id] = (nowMs, false)
        queuedWrites.append(request)
        proposeQueued()
    }

    /// A hand-off that never left this node is as good as refused.
    mutating func undeliverable(_ envelope: Envelope) {
        switch envelope.message {
        case .forward(let request): onForwardRejected(from: envelope.to, request.id)
        case .readIndex(let id): onReadIndexReply(from: envelope.to, id, index: nil)
        default: break
        }
    }

    mutating func onForwardRejected(from: NodeID, _ id: RequestID) {
        // Only the node we handed it to can take it back (a duplicate of an
        // older rejection must not undo a later hand-off or a local proposal).
        guard var p = pending[id], case .write = p.kind, p.isHandedOff, p.handedTo == from else { return }
        // The receiver never proposed it and never will: parking it again is safe.
        p.isHandedOff = false
        p.handedTo = 0
        p.waitingSinceMs = nowMs
        pending[id] = p
        waitingForLeader.append(id)
    }

    /// Ends requests past their deadline, saying honestly whether they may still apply.
    mutating func expireRequests() {
        let noLeaderLimitMs = 2 * config.electionTimeoutMs
        let leading = role == .leader && phase1 == nil
        var expired: [(RequestID, ClientReply)] = []
        for (id, p) in pending {
            if p.isHandedOff {
                if nowMs >= p.deadlineMs { expired.append((id, .timeout("no reply from the cluster in time; the command may still be applied"))) }
            } else if nowMs >= p.deadlineMs || (!leading && nowMs >= p.waitingSinceMs + noLeaderLimitMs) {
                expired.append((id, .noQuorum("no leader reachable; the command was not applied")))
            }
        }
        pruneSeenForwards()
        guard !expired.isEmpty else { return }
        expired.sort { RequestID.ordered($0.0, $1.0) }
        for (id, reply) in expired {
            // A write still queued here was never proposed; drop it so it never will be.
            if case .noQuorum = reply { queuedWrites.removeAll { $0.id == id } }
            pending[id] = nil
            out.replies.append((id, reply))
        }
    }

    /// Forgets forwarded ids long past any deadline, once a second.
    mutating func pruneSeenForwards() {
        guard nowMs >= lastForwardPruneMs + 1_000 else { return }
        lastForwardPruneMs = nowMs
        let keepMs = 4 * config.requestTimeoutMs
        let forgetBefore = nowMs > keepMs ? nowMs - keepMs : 0
        seenForwards = seenForwards.filter { $0.value.atMs >= forgetBefore }
    }
}
