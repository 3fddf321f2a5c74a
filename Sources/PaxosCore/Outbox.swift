/// What one step hands the runtime, and the messages held back until the
/// records they depend on are durable.
struct Outbox {
    /// Records asked for in this incarnation, and how many of them are durable.
    /// Invariant: recordsDurable <= recordsEmitted.
    var recordsEmitted: UInt64 = 0
    var recordsDurable: UInt64 = 0
    /// Messages waiting for records to be durable, in emission order.
    /// Invariant: `needs` never decreases along it, and even the first needs
    /// a record not yet durable (`.persisted` releases every one that can go).
    var held: [(needs: UInt64, envelope: Envelope)] = []
    /// This step's output, returned by `step`.
    var out = Output()
    /// Messages to this node, delivered within the step that sent them.
    var loopback: [Message] = []

    /// Holds a message until the first `needs` records are durable. A message
    /// behind another waits for it anyway (release goes in order), so it
    /// waits for that one's records too: stored so, `needs` never decreases.
    mutating func hold(_ envelope: Envelope, needs: UInt64) {
        precondition(needs > recordsDurable, "holding a message whose records are durable")
        precondition(needs <= recordsEmitted, "holding for records never asked for")
        held.append((max(needs, held.last?.needs ?? 0), envelope))
    }

    /// Takes the held messages whose records are now durable, in order.
    mutating func releaseDurable() -> ArraySlice<(needs: UInt64, envelope: Envelope)> {
        let released = held.prefix { $0.needs <= recordsDurable }
        held.removeFirst(released.count)
        return released
    }

    func invariants() {
        precondition(recordsDurable <= recordsEmitted, "durable beyond emitted")
        precondition(held.first.map { $0.needs > recordsDurable } ?? true, "a held message that could go")
        precondition(held.last.map { $0.needs <= recordsEmitted } ?? true, "a message held for records never asked for")
        precondition(loopback.isEmpty, "self-messages left undelivered after a step")
        assert(zip(held, held.dropFirst()).allSatisfy { $0.needs <= $1.needs }, "held out of emission order")
    }
}

/// Persisting, sending, and holding messages until their records are durable.
extension Replica {
    /// Asks the runtime to make `record` durable.
    mutating func persist(_ record: Record) {
        outbox.out.persist.append(record)
        outbox.recordsEmitted += 1
    }

    /// Sends at once (messages to this node are delivered within the step).
    mutating func send(_ message: Message, to node: NodeID) {
        // A node outside the configuration gets learner traffic only; the
        // rest (a reply to a request it made before it was removed, a message
        // held for durability across its removal) goes nowhere.
        guard config.members.contains(node) || message.isLearnerTraffic else { return }
        precondition(node != config.id || config.isMember, "a non-member sending to itself")
        if node == config.id {
            outbox.loopback.append(message)
        } else {
            outbox.out.messages.append(Envelope(from: config.id, to: node, message: message))
        }
    }

    /// Sends once the first `needs` records (default: all emitted so far) are durable.
    mutating func sendAfterPersist(_ message: Message, to node: NodeID, needs: UInt64? = nil) {
        let needed = needs ?? outbox.recordsEmitted
        precondition(needed <= outbox.recordsEmitted, "a message waiting for records never asked for")
        if needed <= outbox.recordsDurable || defects.acksBeforePersist {
            send(message, to: node)
        } else {
            outbox.hold(Envelope(from: config.id, to: node, message: message), needs: needed)
        }
    }

    mutating func releaseHeld() {
        for (_, envelope) in outbox.releaseDurable() { send(envelope.message, to: envelope.to) }
    }

    mutating func drainLoopback() {
        var rounds = 0
        while !outbox.loopback.isEmpty {
            let batch = outbox.loopback
            outbox.loopback = []
            for message in batch { receive(from: config.id, message) }
            rounds += 1
            precondition(rounds < CoreLimits.loopbackRoundsMax, "loopback messages never settle")
        }
    }

    mutating func broadcast(_ message: Message, includingSelf: Bool) {
        for node in config.members where includingSelf || node != config.id {
            send(message, to: node)
        }
    }
}
