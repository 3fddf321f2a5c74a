import PaxosCore

/// Which keys changed lately, for WATCH: every change of a key (a write, a
/// delete, an expiry, a new deadline) gets the next sequence number, and the
/// last `capacity` changes are remembered. A watcher that saw sequence `w`
/// asks whether a key changed since: yes when its last change is above `w`,
/// and also (the safe side) whenever `w` is older than what is remembered.
/// Keys are remembered by their 64-bit `KeyHash`: cheap to keep and look up
/// on every write (hashing the bytes with Swift's Hasher cost a pipelined
/// SET a fifth of its throughput), and a collision only makes a watcher see
/// a change to another key, the safe side again.
/// Part of the replicated state and of snapshots, so every replica decides
/// an EXEC alike; `capacity` is the same on every node.
struct RecentChanges: Sendable {
    static let defaultCapacity = 65_536

    struct Change: Sendable, Equatable {
        var seq: UInt64
        var keyHash: UInt64
    }

    let capacity: Int
    /// Changes so far: the sequence number of the last one.
    private(set) var seq: UInt64 = 0
    /// Changes at or below this may be forgotten.
    private(set) var horizon: UInt64 = 0
    /// Each remembered key's last change. Looked up only (rule 5).
    private var lastChange = LastChangeTable()
    /// The remembered changes, oldest first, from `head`.
    private var log: [Change] = []
    private var head = 0

    init(capacity: Int = defaultCapacity) {
        precondition(capacity >= 1, "remember at least one change")
        self.capacity = capacity
    }

    var count: Int { log.count - head }

    /// The remembered changes, oldest first (what a snapshot stores).
    var inOrder: ArraySlice<Change> { log[head...] }

    mutating func note(_ key: [UInt8]) {
        seq += 1
        let keyHash = KeyHash.of(key)
        lastChange.set(keyHash, seq)
        log.append(Change(seq: seq, keyHash: keyHash))
        if count > capacity { forgetOldest() }
    }

    /// Too many changes at once to remember (a large FLUSHALL): every
    /// watcher so far is told its keys changed.
    mutating func forgetAll() {
        seq += 1
        horizon = seq
        lastChange = LastChangeTable()
        log = []
        head = 0
    }

    /// Whether `key` may have changed after sequence `since`.
    func changed(_ key: [UInt8], since: UInt64) -> Bool {
        since < horizon || (lastChange[KeyHash.of(key)] ?? 0) > since
    }

    private mutating func forgetOldest() {
        let oldest = log[head]
        head += 1
        horizon = oldest.seq
        if lastChange[oldest.keyHash] == oldest.seq { lastChange.remove(oldest.keyHash) }
        if head > 1024, head * 2 > log.count {
            log.removeFirst(head)
            head = 0
        }
    }

    /// Rebuilt from a snapshot: the counters and the changes in order.
    init(capacity: Int, seq: UInt64, horizon: UInt64, changes: [Change]) throws {
        self.init(capacity: capacity)
        guard horizon <= seq else { throw DecodeError.invalid("change horizon after the last change") }
        var last = horizon
        for change in changes {
            guard change.seq > last, change.seq <= seq else { throw DecodeError.invalid("snapshot changes out of order") }
            last = change.seq
            lastChange.set(change.keyHash, change.seq)
            log.append(change)
        }
        self.seq = seq
        self.horizon = horizon
        while count > capacity { forgetOldest() }
    }
}
