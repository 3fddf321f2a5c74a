/// Rebuilding acceptor, learner and proposer state from what was durable.
extension Replica {
    mutating func restore(from recovered: RecoveredState) throws(SnapshotUnreadable) {
        acceptor.promised = defects.restoredPromise(recovered.promised)
        if let data = recovered.snapshotData {
            learner.snapshotBytes = data.count
            do {
                try installSnapshotData(data)
            } catch {
                throw SnapshotUnreadable(index: recovered.snapshotIndex, reason: "\(error)")
            }
        }
        acceptor.snapshotIndex = recovered.snapshotIndex
        learner.applied = snapshotIndex
        learner.commitIndex = snapshotIndex
        proposer.nextSlot = snapshotIndex + 1
        var highestOwnRound: UInt64 = promised.node == config.id ? promised.round : 0
        proposer.maxSeenRound = promised.round
        for slot in recovered.accepted.keys.sorted() {
            let entry = recovered.accepted[slot]!
            acceptor.setEntry(LogEntry(accepted: entry, chosen: nil), at: slot)
            proposer.maxSeenRound = max(proposer.maxSeenRound, entry.ballot.round)
            if entry.ballot.node == config.id { highestOwnRound = max(highestOwnRound, entry.ballot.round) }
            proposer.nextSlot = max(proposer.nextSlot, slot + 1)
        }
        // The reuse-ballot defect repeats the last ballot this node used.
        if highestOwnRound > 0 { defects.noteLastBallot(Ballot(round: highestOwnRound, node: config.id)) }
        acceptor.hasHistory = recovered.promised > .zero || !recovered.accepted.isEmpty || recovered.snapshotIndex > 0
        acceptor.isVoter = config.isMember && (recovered.mayVote || config.members == [config.id])
        acceptor.isNewNode = config.joining && !recovered.mayVote
        precondition(applied == snapshotIndex && commitIndex == snapshotIndex, "a restart starts from the snapshot")
    }
}

/// The node's own durable snapshot does not decode.
public struct SnapshotUnreadable: Error, CustomStringConvertible {
    public var index: Slot
    public var reason: String
    public var description: String { "own snapshot at slot \(index) does not decode: \(reason)" }
}
