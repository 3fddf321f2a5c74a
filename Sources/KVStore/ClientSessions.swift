/// One client's exactly-once record: its last applied sequence number, the
/// encoded reply to it, and the log time it was last used.
struct ClientSession: Equatable, Sendable {
    var lastSeq: UInt64
    var reply: [UInt8]
    var lastUsedMs: UInt64
}

/// The client sessions behind `RID`, with expiry by log time and eviction
/// of the least recently used (ties by client id). `now` must never go
/// backwards (the state machine clamps log time), so the times of use only
/// grow and a queue of them is already in order. Nothing here depends on a
/// Dictionary's iteration order. Every session dropped, by expiry or by
/// eviction, leaves a tombstone in `forgotten`, so that its client's retry of
/// seq 1 is told apart from a new client (see `ForgottenClients`).
struct ClientSessions {
    let ttlMs: UInt64
    let countMax: Int

    /// How many forgotten sessions are remembered per session kept: under
    /// eviction churn (new clients at a steady rate) a session is then
    /// remembered as a tombstone four times as long as it was kept as a session.
    static let forgottenPerSession = 4

    /// Tombstones of the sessions dropped, at most `forgottenPerSession * countMax`
    /// (less when that would not fit the snapshot's u32 count).
    private(set) var forgotten: ForgottenClients

    private(set) var byID: [[UInt8]: ClientSession] = [:]
    /// Client ids by their last use, each list sorted by bytes.
    /// Invariant: every session appears in exactly one list, its `lastUsedMs`'s; no list is empty.
    private var idsByLastUse: [UInt64: [[UInt8]]] = [:]
    /// The times of use, increasing, from `useTimesHead` on; some may have no list left.
    private var useTimes: [UInt64] = []
    private var useTimesHead = 0

    init(ttlMs: UInt64, countMax: Int) {
        precondition(countMax >= 1, "at least one session must fit")
        precondition(ttlMs >= 1, "a session must outlive the command that opens it")
        self.ttlMs = ttlMs
        self.countMax = countMax
        let perSessionMax = Int(UInt32.max) / Self.forgottenPerSession
        forgotten = ForgottenClients(ttlMs: ttlMs, countMax: min(countMax, perSessionMax) * Self.forgottenPerSession)
    }

    var count: Int { byID.count }

    /// Whether `id` has no session but a session with its id's hash was
    /// dropped within the tombstones' bounds: its seq 1 may have been applied.
    func wasForgotten(_ id: [UInt8]) -> Bool {
        byID[id] == nil && forgotten.contains(id)
    }

    subscript(id: [UInt8]) -> ClientSession? { byID[id] }

    /// Drops every session unused for `ttlMs` or more as of `now`, leaving
    /// tombstones (in use-time then id order), and every tombstone as old.
    mutating func expire(now: UInt64) {
        forgotten.expire(now: now)
        while let time = oldestUseTime() {
            guard now >= time, now - time >= ttlMs else { break }
            for id in idsByLastUse.removeValue(forKey: time) ?? [] { forget(id, now: now) }
            useTimesHead += 1
        }
        compactUseTimes()
    }

    /// Records `reply` as the answer to `seq`, opening the session if new
    /// (evicting the least recently used first when full).
    mutating func record(id: [UInt8], seq: UInt64, reply: [UInt8], now: UInt64) {
        if let old = byID[id] {
            precondition(seq > old.lastSeq, "a session's seq only grows")
            unlink(id, usedAt: old.lastUsedMs)
        } else {
            precondition(!wasForgotten(id), "a forgotten client must not reopen at its old seqs")
            while byID.count >= countMax { evictLeastRecentlyUsed(now: now) }
        }
        byID[id] = ClientSession(lastSeq: seq, reply: reply, lastUsedMs: now)
        link(id, usedAt: now)
    }

    /// Marks the session used at `now` (a retry is a use).
    mutating func touch(id: [UInt8], now: UInt64) {
        guard let old = byID[id]?.lastUsedMs, old != now else { return }
        unlink(id, usedAt: old)
        byID[id]?.lastUsedMs = now
        link(id, usedAt: now)
    }

    /// Puts back a session read from a snapshot; the caller checks the input.
    mutating func restore(id: [UInt8], session: ClientSession) {
        precondition(byID[id] == nil, "duplicate session")
        byID[id] = session
        idsByLastUse[session.lastUsedMs, default: []].append(id)
    }

    /// Puts back a tombstone read from a snapshot, in the snapshot's order;
    /// the caller checks the input.
    mutating func restoreForgotten(_ tombstone: ForgottenClient) {
        forgotten.restore(tombstone)
    }

    /// Rebuilds the time queue after `restore` calls and bounds the
    /// tombstones as of `now` (the snapshot's log clock).
    mutating func finishRestore(now: UInt64) {
        useTimes = idsByLastUse.keys.sorted()
        useTimesHead = 0
        for time in useTimes { idsByLastUse[time]!.sort(by: bytesPrecede) }
        forgotten.finishRestore(now: now)
    }

    /// The sessions sorted by client id, as the snapshot writes them.
    func sortedByID() -> [(id: [UInt8], session: ClientSession)] {
        byID.keys.sorted(by: bytesPrecede).map { ($0, byID[$0]!) }
    }

    private mutating func oldestUseTime() -> UInt64? {
        while useTimesHead < useTimes.count {
            let time = useTimes[useTimesHead]
            if idsByLastUse[time] != nil { return time }
            useTimesHead += 1
        }
        return nil
    }

    private mutating func evictLeastRecentlyUsed(now: UInt64) {
        guard let time = oldestUseTime() else { preconditionFailure("sessions present but none queued") }
        let id = idsByLastUse[time]!.removeFirst()
        if idsByLastUse[time]!.isEmpty { idsByLastUse[time] = nil }
        forget(id, now: now)
    }

    /// Drops the session of `id` (already out of the use lists) and leaves its tombstone.
    private mutating func forget(_ id: [UInt8], now: UInt64) {
        let removed = byID.removeValue(forKey: id)
        precondition(removed != nil, "forgetting a session that is not there")
        forgotten.add(id, now: now)
    }

    private mutating func link(_ id: [UInt8], usedAt time: UInt64) {
        precondition(useTimes.last.map { $0 <= time } ?? true, "session time went backwards")
        // Queue `time` unless it is already the live tail of the queue.
        if useTimesHead == useTimes.count || useTimes.last! < time {
            useTimes.append(time)
        }
        // The lookup's temporary dies with the statement, so the insert does not copy the list.
        let i = Self.position(of: id, in: idsByLastUse[time] ?? [])
        idsByLastUse[time, default: []].insert(id, at: i)
    }

    private mutating func unlink(_ id: [UInt8], usedAt time: UInt64) {
        let i = Self.position(of: id, in: idsByLastUse[time] ?? [])
        let removed = idsByLastUse[time]?.remove(at: i)
        precondition(removed == id, "session missing from its use list")
        if idsByLastUse[time]!.isEmpty { idsByLastUse[time] = nil }
    }

    private mutating func compactUseTimes() {
        if useTimesHead > 1024 && useTimesHead * 2 > useTimes.count {
            useTimes.removeFirst(useTimesHead)
            useTimesHead = 0
        }
    }

    /// The first index in sorted `ids` not below `id`.
    private static func position(of id: [UInt8], in ids: [[UInt8]]) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if bytesPrecede(ids[mid], id) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
