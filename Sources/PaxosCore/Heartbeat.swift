/// Heartbeats, both ends: the leader's round carries its ballot and commit
/// point (followers learn what is chosen) and confirms its read index (a
/// majority of acceptors still holding its ballot acknowledged it).
extension Replica {
    mutating func sendHeartbeat() {
        precondition(role == .leader, "only a leader sends heartbeats")
        reads.heartbeatSeq += 1
        reads.heartbeatAcks[config.id] = reads.heartbeatSeq
        reads.heartbeatDue.start(at: nowMs)
        reads.roundRequested = false
        precondition(reads.heartbeatAcks[config.id] == reads.heartbeatSeq, "a round we did not acknowledge ourselves")
        broadcast(.heartbeat(ballot: ballot, commit: proposer.ownCommit, seq: reads.heartbeatSeq), includingSelf: false)
        proposer.advertisedCommit = proposer.ownCommit
        confirmReads()
    }

    mutating func onHeartbeat(from: NodeID, ballot b: Ballot, commit: Slot, seq: UInt64) {
        precondition(from != config.id && b.node == from, "a heartbeat not from its leader")
        election.heardLeader(from, appliedAtLeast: commit)
        guard takesLeaderMessage(from: from, ballot: b, commit: commit) else { return }
        // A read-index ack must come from an acceptor that holds this ballot as its promise.
        if b > promised { raisePromise(to: b) }
        noteLeader(ballot: b, from: from)
        learnCommit(ballot: b, index: commit)
        precondition(promised == b, "acknowledging a round of a ballot we do not hold")
        sendAfterPersist(.heartbeatAck(ballot: b, seq: seq), to: from, needs: acceptor.promiseRecordCount)
    }

    mutating func onHeartbeatAck(from: NodeID, ballot b: Ballot, seq: UInt64) {
        guard role == .leader, b == ballot else { return }
        precondition(from != config.id, "a heartbeat ack from ourselves")
        reads.heartbeatAcks[from] = max(reads.heartbeatAcks[from] ?? 0, seq)
        confirmReads()
        if reads.roundRequested, confirmedSeq >= reads.heartbeatSeq { sendHeartbeat() }
    }
}
