/// The read index's state: the leader's heartbeat rounds and the reads
/// waiting for one (`Heartbeat.swift` sends and answers the rounds).
struct ReadIndex {
    /// The newest heartbeat round this leader sent.
    var heartbeatSeq: UInt64 = 0
    /// The newest round each member acknowledged at our ballot (this node
    /// included). Invariant: keyed by members.
    var heartbeatAcks: [NodeID: UInt64] = [:]
    /// A leader sends a heartbeat every heartbeat interval.
    var heartbeatDue: Timeout
    /// Reads waiting for a round. Invariant: empty while a follower, and
    /// none waits for a round beyond the next one.
    var waits: [ReadWait] = []
    /// A read is waiting for a round not sent yet: at the end of the turn
    /// (`proposesAtEndOfTurn`), or else once the round in flight is confirmed.
    var roundRequested = false

    init(_ config: CoreConfig) {
        heartbeatDue = Timeout(config.heartbeatMs)
    }

    func invariants(_ config: CoreConfig) {
        precondition(heartbeatAcks.keys.allSatisfy { $0 == config.id || config.members.contains($0) }, "acks from a non-member")
        assert(waits.allSatisfy { $0.needSeq <= heartbeatSeq + 1 }, "a read waiting beyond the next round")
    }
}

struct ReadWait {
    var id: RequestID
    /// The node whose client asked (this node, or a follower).
    var origin: NodeID
    /// The heartbeat round that must be acknowledged (0: already confirmed).
    var needSeq: UInt64
    /// Applied must reach this before the read is answered.
    var index: Slot
}

/// Linearizable reads by read index: note the commit point, confirm
/// leadership with a heartbeat round sent after the read arrived, wait
/// until applied reaches the noted index, then answer from memory.
extension Replica {
    /// The highest round a majority (this node included) acknowledged at our ballot.
    var confirmedSeq: UInt64 {
        let seqs = config.members.map { reads.heartbeatAcks[$0] ?? 0 }.sorted(by: >)
        return seqs[config.majority - 1]
    }

    /// Registers a read at the leader: it waits for the next round.
    mutating func leaderRead(_ id: RequestID, origin: NodeID) {
        precondition(proposer.isLeading, "read index outside leadership")
        let index = max(commitIndex, proposer.readyIndex)
        precondition(index >= applied, "a read index below what we applied")
        if defects.readsStale {
            // The defect: no round, no waiting for the first round; answer what we have.
            finishConfirmedRead(ReadWait(id: id, origin: origin, needSeq: 0, index: applied))
            return
        }
        reads.waits.append(ReadWait(id: id, origin: origin, needSeq: reads.heartbeatSeq + 1, index: index))
        if config.proposesAtEndOfTurn {
            // One round per turn that has new reads, at its end, however many
            // are in flight: a read waits one round trip, not the rest of the
            // one before it too. An ack confirms every round up to its own.
            reads.roundRequested = true
        } else if confirmedSeq >= reads.heartbeatSeq {
            sendHeartbeat()
        } else {
            // One round in flight at a time; reads arriving meanwhile ride the next one.
            reads.roundRequested = true
        }
    }

    mutating func confirmReads() {
        let confirmed = confirmedSeq
        guard reads.waits.contains(where: { $0.needSeq <= confirmed }) else { return }
        var waiting: [ReadWait] = []
        for w in reads.waits {
            if w.needSeq <= confirmed { finishConfirmedRead(w) } else { waiting.append(w) }
        }
        reads.waits = waiting
        precondition(reads.waits.allSatisfy { $0.needSeq > confirmed }, "a confirmed read left waiting")
    }

    mutating func finishConfirmedRead(_ w: ReadWait) {
        if w.origin == config.id {
            guard clients.pending[w.id] != nil else { return }
            clients.pending[w.id]!.readIndex = w.index
            clients.confirmedReads.append(w.id)
            answerReads()
        } else {
            send(.readIndexReply(w.id, index: w.index), to: w.origin)
        }
    }

    mutating func onReadIndex(from: NodeID, _ id: RequestID) {
        precondition(id.origin == from && from != config.id, "a read index not from its origin")
        if proposer.isLeading {
            leaderRead(id, origin: from)
        } else {
            send(.readIndexReply(id, index: nil), to: from)
        }
    }

    mutating func onReadIndexReply(from: NodeID, _ id: RequestID, index: Slot?) {
        precondition(id.origin == config.id, "a read index reply for a read not ours")
        guard var p = clients.pending[id], case .read = p.kind, p.readIndex == nil, p.isHandedOff else { return }
        if let index {
            p.readIndex = index
            clients.pending[id] = p
            clients.confirmedReads.append(id)
            answerReads()
        } else {
            p.isHandedOff = false
            p.leaderWait.start(at: nowMs)
            clients.pending[id] = p
            clients.waitingForLeader.append(id)
        }
    }

    /// Answers every confirmed read whose index is applied.
    mutating func answerReads() {
        guard !clients.confirmedReads.isEmpty else { return }
        var waiting: [RequestID] = []
        for id in clients.confirmedReads {
            guard let p = clients.pending[id], case .read(let payload) = p.kind, let index = p.readIndex else { continue }
            if index <= applied {
                clients.pending[id] = nil
                outbox.out.replies.append((id, .result(stateMachine.query(payload, appliedIndex: applied))))
            } else {
                waiting.append(id)
            }
        }
        clients.confirmedReads = waiting
    }

    /// On losing leadership: reads not yet confirmed are refused or sent back.
    mutating func refuseUnconfirmedReads() {
        for w in reads.waits {
            if w.origin == config.id {
                clients.pending[w.id]?.isHandedOff = false
                clients.pending[w.id]?.leaderWait.start(at: nowMs)
                clients.waitingForLeader.append(w.id)
            } else {
                send(.readIndexReply(w.id, index: nil), to: w.origin)
            }
        }
        reads.waits = []
        precondition(reads.waits.isEmpty, "reads left waiting for a round")
    }
}
