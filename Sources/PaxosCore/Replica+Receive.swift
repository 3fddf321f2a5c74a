/// Validates a peer's message, then hands it to the role that handles it.
extension Replica {
    mutating func receive(from: NodeID, _ message: Message) {
        if from != config.id, !config.peers.contains(from), from > 0, message.isLearnerTraffic {
            // A node outside the configuration: a learner waiting to be added
            // (or one that was removed). It gets our status and the chosen
            // values it asks for, and counts for nothing.
            switch message {
            case .status: send(.status(myStatus), to: from)
            // From slot 0: a joining node asks for the snapshot that tells it the configuration.
            case .fetch(let fromSlot): onFetch(from: from, fromSlot: fromSlot)
            default: outbox.out.events.append(.dropped(from: from, reason: "sender \(from) is not a member"))
            }
            return
        }
        if from != config.id {
            // Rule 7: peer input is untrusted; drop what our own logic would trap on.
            if let reason = invalidReason(from: from, message) {
                outbox.out.events.append(.dropped(from: from, reason: reason))
                return
            }
            election.heardFrom[from] = contact(at: nowMs)
            if message.answersUs { election.hearsUs[from] = contact(at: nowMs) }
            if !acceptor.isVoter { noteFloor(from: from, message) }
        }
        precondition(from == config.id || config.peers.contains(from), "a message from a non-member got through")
        if let b = message.ballot { proposer.maxSeenRound = max(proposer.maxSeenRound, b.round) }
        switch message {
        case .status(let status): onStatus(from: from, status)
        case .election: onElection(from: from)
        case .alive: onAlive(from: from)
        case .coordinator: onCoordinator(from: from)
        case .prepare(let b, let fromSlot): onPrepare(from: from, ballot: b, fromSlot: fromSlot)
        case .promise(let b, let snap, let entries): onPromise(from: from, ballot: b, snapshotIndex: snap, accepted: entries)
        case .reject(let b, let higher): onReject(from: from, ballot: b, promised: higher)
        case .accept(let b, let slot, let value, let commit): onAccept(from: from, ballot: b, slot: slot, value: value, commit: commit)
        case .accepted(let b, let slot): onAccepted(from: from, ballot: b, slot: slot)
        case .heartbeat(let b, let commit, let seq): onHeartbeat(from: from, ballot: b, commit: commit, seq: seq)
        case .heartbeatAck(let b, let seq): onHeartbeatAck(from: from, ballot: b, seq: seq)
        case .fetch(let fromSlot): onFetch(from: from, fromSlot: fromSlot)
        case .chosen(let entries): onChosen(from: from, entries)
        case .snapshot(let index, let data): onSnapshot(from: from, index: index, data: data)
        case .forward(let request): onForward(from: from, request)
        case .forwardRejected(let id): onForwardRejected(from: from, id)
        case .readIndex(let id): onReadIndex(from: from, id)
        case .readIndexReply(let id, let index): onReadIndexReply(from: from, id, index: index)
        case .takeOver: onTakeOver(from: from)
        case .admit(let b): onAdmit(from: from, ballot: b)
        }
    }

    /// Why a message from a peer cannot be right, or nil when it may be.
    func invalidReason(from: NodeID, _ message: Message) -> String? {
        guard config.peers.contains(from) else { return "sender \(from) is not a member" }
        // Rounds only ever grow by one per phase 1: one near the top of the
        // range is a peer's bug, and `maxSeenRound + 1` would trap on it.
        if let b = message.ballot, b.round > Ballot.roundMax { return "ballot round \(b.round) out of range" }
        switch message {
        case .prepare(let b, let fromSlot):
            if b.node != from { return "prepare ballot \(b) not the sender's" }
            if fromSlot == 0 { return "prepare from slot 0" }
        case .accept(let b, let slot, let value, _):
            if b.node != from { return "accept ballot \(b) not the sender's" }
            if slot == 0 { return "accept at slot 0" }
            if value.sharesMemberChange { return "accept with a member change sharing slot \(slot)" }
        case .heartbeat(let b, _, _):
            if b.node != from { return "heartbeat ballot \(b) not the sender's" }
        case .admit(let b):
            if b.node != from { return "admit ballot \(b) not the sender's" }
        case .promise(_, _, let entries):
            if entries.contains(where: { $0.slot == 0 }) { return "promise carries slot 0" }
            if entries.contains(where: { $0.value.sharesMemberChange }) { return "promise with a member change sharing a slot" }
        case .chosen(let entries):
            if entries.contains(where: { $0.slot == 0 }) { return "chosen entry at slot 0" }
            if entries.contains(where: { $0.value.sharesMemberChange }) { return "chosen member change sharing a slot" }
        case .forward(let request):
            if request.id.origin != from { return "forwarded request \(request.id) not from its origin" }
        case .readIndex(let id):
            if id.origin != from { return "read index for \(id) not from its origin" }
        case .readIndexReply(let id, _), .forwardRejected(let id):
            if id.origin != config.id { return "reply for \(id) that is not ours" }
        default:
            break
        }
        return nil
    }
}

extension Message {
    /// What a node outside the configuration may send, and be sent.
    var isLearnerTraffic: Bool {
        switch self {
        case .status, .fetch, .chosen, .snapshot: return true
        default: return false
        }
    }

    /// An answer to a message of ours: the sender hears us.
    var answersUs: Bool {
        switch self {
        case .promise, .reject, .accepted, .heartbeatAck, .alive, .chosen, .snapshot, .forwardRejected, .readIndexReply:
            return true
        default:
            return false
        }
    }

    /// The ballot a message carries, if any (every ballot seen raises the next round).
    var ballot: Ballot? {
        switch self {
        case .prepare(let b, _), .promise(let b, _, _), .accept(let b, _, _, _), .accepted(let b, _),
             .heartbeat(let b, _, _), .heartbeatAck(let b, _), .admit(let b):
            return b
        case .reject(let b, let higher):
            return max(b, higher)
        case .status(let s):
            // A learner's floor is a ballot a peer promised: go above it too.
            return max(s.promised, s.admitFloor ?? .zero)
        default:
            return nil
        }
    }
}
