/// Persisting, sending, holding messages until their records are durable,
/// and rebuilding state from the log at restart.
extension Replica {
    /// Asks the runtime to make `record` durable.
    mutating func persist(_ record: Record) {
        out.persist.append(record)
        recordsEmitted += 1
    }

    /// Sends at once (messages to this node are delivered within the step).
    mutating func send(_ message: Message, to node: NodeID) {
        if node == config.id {
            loopback.append((node, message))
        } else {
            out.messages.append(Envelope(from: config.id, to: node, message: message))
        }
    }

    /// Sends once the first `needs` records (default: all emitted so far) are durable.
    mutating func sendAfterPersist(_ message: Message, to node: NodeID, needs: UInt64? = nil) {
        let needed = needs ?? recordsEmitted
        if needed <= recordsDurable || config.bugs.contains(.ackBeforePersist) {
            send(message, to: node)
        } else {
            held.append((needed, Envelope(from: config.id, to: node, message: message)))
        }
    }

    mutating func releaseHeld() {
        var released = 0
        // `held` is in emission order, so its `needs` never decrease.
        while released < held.count, held[released].needs <= recordsDurable {
            let envelope = held[released].envelope
            send(envelope.message, to: envelope.to)
            released += 1
        }
        if released > 0 { held.removeFirst(released) }
    }

    mutating func drainLoopback() {
        var rounds = 0
        while !loopback.isEmpty {
            let batch = loopback
            loopback = []
            for (_, message) in batch { receive(from: config.id, message) }
            rounds += 1
            precondition(rounds < 10_000, "loopback messages never settle")
        }
    }

    mutating func broadcast(_ message: Message, includingSelf: Bool) {
        for node in config.members where includingSelf || node != config.id {
            send(message, to: node)
        }
    }

    /// Rebuilds acceptor and learner state from what was durable.
    mutating func restore(from recovered: RecoveredState) {
        promised = config.bugs.contains(.forgetPromise) ? .zero : recovered.promised
        if let data = recovered.snapshotData {
            do {
                try stateMachine.restore(from: data)
            } catch {
                preconditionFailure("own snapshot does not decode: \(error)")
            }
            snapshotData = data
        }
        snapshotIndex = recovered.snapshotIndex
        applied = snapshotIndex
        commitIndex = snapshotIndex
        nextSlot = snapshotIndex + 1
        var highestOwnRound: UInt64 = promised.node == config.id ? promised.round : 0
        maxSeenRound = promised.round
        for slot in recovered.accepted.keys.sorted() {
            let entry = recovered.accepted[slot]!
            log[slot] = LogEntry(accepted: entry, chosen: nil)
            maxSeenRound = max(maxSeenRound, entry.ballot.round)
            if entry.ballot.node == config.id { highestOwnRound = max(highestOwnRound, entry.ballot.round) }
            nextSlot = max(nextSlot, slot + 1)
        }
        if config.bugs.contains(.reuseBallot), highestOwnRound > 0 {
            // The defect: the first ballot after restart repeats the last one this node used.
            reusedBallot = Ballot(round: highestOwnRound, node: config.id)
        }
        hasHistory = recovered.promised > .zero || !recovered.accepted.isEmpty || recovered.snapshotIndex > 0
        isVoter = recovered.mayVote || config.members.count == 1
    }
}
