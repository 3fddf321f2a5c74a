import PaxosCore

/// One node's disk: records are pending until a simulated fdatasync that
/// started after they were appended completes; a crash drops the pending
/// ones. A durable snapshot compacts the log as the real storage does: the
/// promise survives only through the snapshot's metadata and later records.
struct SimDisk {
    var durable: [Record] = []
    var pending: [Record] = []
    /// Records of the current incarnation: appended, and made durable.
    var appendedCount: UInt64 = 0
    var durableCount: UInt64 = 0
    /// A sync in flight covers the records appended before it started.
    var syncCovers: UInt64? = nil

    mutating func append(_ records: [Record]) {
        pending.append(contentsOf: records)
        appendedCount += UInt64(records.count)
    }

    /// Starts a sync if one is needed and none runs; returns true if it started.
    mutating func startSync() -> Bool {
        guard syncCovers == nil, durableCount < appendedCount else { return false }
        syncCovers = appendedCount
        return true
    }

    /// Completes the sync in flight; returns the new durable count and
    /// whether it made a promise or a snapshot durable (a moment worth crashing at).
    mutating func completeSync() -> (count: UInt64, promiseOrSnapshot: Bool) {
        guard let covers = syncCovers else { preconditionFailure("no sync in flight") }
        let n = Int(covers - durableCount)
        var notable = false
        for record in pending.prefix(n) {
            if case .accept = record {} else { notable = true }
            makeDurable(record)
        }
        pending.removeFirst(n)
        durableCount = covers
        syncCovers = nil
        return (durableCount, notable)
    }

    private mutating func makeDurable(_ record: Record) {
        durable.append(record)
        guard case .snapshot(let index, _, _) = record else { return }
        // Compaction keeps the newest snapshot and everything above it, and,
        // as the real log rewrites it, the `.joined` record.
        let hasJoined = durable.contains(.joined)
        let last = durable.count - 1
        durable = durable.enumerated().compactMap { i, r in
            if i == last { return r }
            switch r {
            case .snapshot, .promise, .joined: return nil
            case .accept(let slot, _, _): return slot > index ? r : nil
            }
        }
        if hasJoined { durable.append(.joined) }
    }

    /// A crash: everything not yet durable is gone.
    mutating func crash() {
        pending = []
        appendedCount = 0
        durableCount = 0
        syncCovers = nil
    }

    func recover() -> RecoveredState { RecoveredState.replay(durable) }
}
