/// Linearizable reads by read index: note the commit point, confirm
/// leadership with a heartbeat round sent after the read arrived, wait
/// until applied reaches the noted index, then answer from memory.
extension Replica {
    mutating func sendHeartbeat() {
        precondition(role == .leader, "only a leader sends heartbeats")
        heartbeatSeq += 1
        heartbeatAcks[config.id] = heartbeatSeq
        lastHeartbeatSentMs = nowMs
        roundRequested = false
        broadcast(.heartbeat(ballot: ballot, commit: ownCommit, seq: heartbeatSeq), includingSelf: false)
        confirmReads()
    }

    /// The highest round a majority (this node included) acknowledged at our ballot.
    var confirmedSeq: UInt64 {
        let seqs = config.members.map { heartbeatAcks[$0] ?? 0 }.sorted(by: >)
        return seqs[config.majority - 1]
    }

    /// Registers a read at the leader: it waits for the next round.
    mutating func leaderRead(_ id: RequestID, origin: NodeID) {
        precondition(role == .leader && phase1 == nil, "read index outside leadership")
        let index = max(commitIndex, readyIndex)
        if config.bugs.contains(.staleRead) {
            // The defect: no round, no waiting for the first round; answer what we have.
            finishConfirmedRead(ReadWait(id: id, origin: origin, needSeq: 0, index: applied))
            return
        }
        readWaits.append(ReadWait(id: id, origin: origin, needSeq: heartbeatSeq + 1, index: index))
        // One round in flight at a time; reads arriving meanwhile ride the next one.
        if confirmedSeq >= heartbeatSeq { sendHeartbeat() } else { roundRequested = true }
    }

    mutating func onHeartbeatAck(from: NodeID, ballot b: Ballot, seq: UInt64) {
        guard role == .leader, b == ballot else { return }
        heartbeatAcks[from] = max(heartbeatAcks[from] ?? 0, seq)
        confirmReads()
        if roundRequested, confirmedSeq >= heartbeatSeq { sendHeartbeat() }
    }

    mutating func confirmReads() {
        let confirmed = confirmedSeq
        guard readWaits.contains(where: { $0.needSeq <= confirmed }) else { return }
        var waiting: [ReadWait] = []
        for w in readWaits {
            if w.needSeq <= confirmed { finishConfirmedRead(w) } else { waiting.append(w) }
        }
        readWaits = waiting
    }

    mutating func finishConfirmedRead(_ w: ReadWait) {
        if w.origin == config.id {
            guard pending[w.id] != nil else { return }
            pending[w.id]!.readIndex = w.index
            confirmedReads.append(w.id)
            answerReads()
        } else {
            send(.readIndexReply(w.id, index: w.index), to: w.origin)
        }
    }

    mutating func onReadIndex(from: NodeID, _ id: RequestID) {
        if role == .leader, phase1 == nil {
            leaderRead(id, origin: from)
        } else {
            send(.readIndexReply(id, index: nil), to: from)
        }
    }

    mutating func onReadIndexReply(from: NodeID, _ id: RequestID, index: Slot?) {
        guard var p = pending[id], case .read = p.kind, p.readIndex == nil, p.isHandedOff else { return }
        if let index {
            p.readIndex = index
            pending[id] = p
            confirmedReads.append(id)
            answerReads()
        } else {
            p.isHandedOff = false
            p.waitingSinceMs = nowMs
            pending[id] = p
            waitingForLeader.append(id)
        }
    }

    /// Answers every confirmed read whose index is applied.
    mutating func answerReads() {
        guard !confirmedReads.isEmpty else { return }
        var waiting: [RequestID] = []
        for id in confirmedReads {
            guard let p = pending[id], case .read(let payload) = p.kind, let index = p.readIndex else { continue }
            if index <= applied {
                pending[id] = nil
                out.replies.append((id, .result(stateMachine.query(payload))))
            } else {
                waiting.append(id)
            }
        }
        confirmedReads = waiting
    }

    /// On losing leadership: reads not yet confirmed are refused or sent back.
    mutating func refuseUnconfirmedReads() {
        for w in readWaits {
            if w.origin == config.id {
                let now = nowMs
                pending[w.id]?.isHandedOff = false
                pending[w.id]?.waitingSinceMs = now
                waitingForLeader.append(w.id)
            } else {
                send(.readIndexReply(w.id, index: nil), to: w.origin)
            }
        }
        readWaits = []
    }
}

extension RequestID {
    static func ordered(_ a: RequestID, _ b: RequestID) -> Bool {
        a.origin != b.origin ? a.origin < b.origin : a.serial < b.serial
    }
}
