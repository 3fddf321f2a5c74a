/// Requests a follower forwarded to us: proposed at most once however often
/// the network delivers them, and a rejection, once sent, stays true.
extension Replica {
    mutating func onForward(from: NodeID, _ request: Request) {
        precondition(request.id.origin == from, "a forward from other than its origin")
        if let seen = proposer.seenForwards[request.id] {
            if seen.isRejected { send(.forwardRejected(request.id), to: from) }
            return
        }
        guard proposer.isLeading else {
            rememberForward(request.id, isRejected: true)
            send(.forwardRejected(request.id), to: from)
            return
        }
        rememberForward(request.id, isRejected: false)
        queueForProposal(request)
    }

    /// Remembers a forward decided now, for a few request timeouts.
    mutating func rememberForward(_ id: RequestID, isRejected: Bool) {
        let kept = Timeout(CoreLimits.forwardMemoryRequestTimeouts * config.requestTimeoutMs, startingAt: nowMs)
        proposer.seenForwards[id] = SeenForward(kept: kept, isRejected: isRejected)
    }

    /// Forgets forwarded ids long past any deadline, once a second.
    mutating func pruneSeenForwards() {
        guard proposer.forwardPrune.hasExpired(at: nowMs) else { return }
        proposer.forwardPrune.start(at: nowMs)
        let now = nowMs
        proposer.seenForwards = proposer.seenForwards.filter { $0.value.kept.isFresh(at: now) }
    }
}
