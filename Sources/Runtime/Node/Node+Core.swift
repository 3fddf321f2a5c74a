import KVStore
import PaxosCore
import Trace
import Posix

/// Feeding the core and executing its outputs, in the order the core
/// requires: persist, then send, then reply.
extension Node {
    /// One input through the core, and its output executed.
    func step(_ input: Input) {
        steppedThisTurn = true
        let output = replica.step(input)
        execute(output)
    }

    func tick() {
        step(.tick(nowMs: SystemClock.monotonicMs(), wallMs: SystemClock.wallMs()))
        expireLiveTrace()
    }

    /// The WAL's sync thread made more records durable (group commit).
    func walProgressed() {
        _ = try? Posix.drainEventFD(wal.completionFD)
        step(.persisted(count: wal.durableCount))
    }

    func nextRequestID() -> RequestID {
        nextSerial += 1
        return RequestID(origin: me.id, serial: nextSerial)
    }

    /// Hands the turn's records to the WAL (see `recordsThisTurn`).
    func appendRecordsOfTurn() {
        guard !recordsThisTurn.isEmpty else { return }
        wal.append(recordsThisTurn)
        recordsThisTurn.removeAll(keepingCapacity: true)
    }

    private func execute(_ output: Output) {
        // Deferring the append to the end of the turn is safe: the core holds
        // back every message that needs these records durable, and the WAL
        // counts durability in append order, which this keeps.
        recordsThisTurn.append(contentsOf: output.persist)
        metrics.notePersisted(output.persist)
        var undelivered: [Envelope] = []
        for envelope in output.messages where !peers.send(envelope, stamp: tracer.map { t in { t.sent(envelope) } }) {
            if envelope.message.isClientHandOff { undelivered.append(envelope) }
        }
        if let tracer {
            tracer.local(EventSummary.chosen(output.applied))
            for event in output.events { tracer.local(EventSummary(event)) }
        }
        // Published messages first: a publisher subscribed to its own channel
        // gets the message before PUBLISH's reply, as with Redis.
        if !output.notices.isEmpty { deliver(output.notices) }
        for (id, reply) in output.replies { deliver(reply, to: id) }
        for event in output.events {
            log.coreEvent(event)
            metrics.note(event)
            switch event {
            case .membershipChanged: membershipChanged()
            case .removed:
                // After this step: leaving steps the core again (a hand-over).
                _ = loop.schedule(afterMs: 0) { [unowned self] in self.leave(because: "removed from the cluster") }
            default: break
            }
        }
        // A forwarded request that never left this node was not handed to
        // anyone: the core may park it again instead of answering -TIMEOUT.
        for envelope in undelivered { step(.undeliverable(envelope)) }
    }

    /// Hands a reply to the connection waiting for it; a connection that
    /// closed meanwhile just drops it.
    private func deliver(_ reply: ClientReply, to id: RequestID) {
        guard let target = waiting.removeValue(forKey: id) else {
            log.debug("reply for an unknown request", ["id": id])
            return
        }
        let client = target.client
        metrics.observeLatency(startedNs: target.startedNs, nowNs: SystemClock.monotonicNs())
        guard client.isOpen else { return }
        var bytes = routing.encodedReply(reply, for: target.command, session: client.session)
        if case .publish(let channel, _)? = target.command, case .result = reply {
            // The state machine says 0; the answer is this node's receivers (as Redis Cluster's).
            bytes = []
            routing.encoder(for: client.session).append(.integer(Int64(pubsub.receivers(channel))), to: &bytes)
        }
        switch reply {
        case .noQuorum: metrics.count(target.name, .noquorum)
        case .timeout: metrics.count(target.name, .timeout)
        case .result: metrics.count(target.name, bytes.first == UInt8(ascii: "-") ? .error : .ok)
        }
        client.fill(target.sequence, with: bytes)
        if target.isWrite { client.writesInCore -= 1 }
        if client.isPausedForPipeline || client.isClosing || client.heldRead != nil {
            attention[ObjectIdentifier(client)] = client
        }
    }
}
