// Keys with deadlines. Time is log time only: a deadline is an absolute
// log time, and a key is deleted when the log time of a batch reaches it,
// before that batch's commands run. So every replica deletes the same keys
// at the same slot, and no state a read sees holds a key past its deadline.
extension KVStateMachine {
    /// The earliest deadline of any key (the heap's top is always live).
    public var nextDeadlineMs: UInt64? { deadlines.top?.ms }

    /// The highest log time applied.
    public var logTimeMs: UInt64 { clockMs }

    /// Number of keys with a deadline.
    public var volatileCount: Int { expires.count }

    public mutating func advance(logTimeMs: UInt64) {
        advanceClock(to: logTimeMs)
    }

    /// The deadline of `key`, if it has one.
    func deadline(of key: [UInt8]) -> UInt64? {
        expires.isEmpty ? nil : expires[key]
    }

    /// Writes `value` at `key` and changes its deadline as `expiry` says; a
    /// deadline at or before the log time deletes the key at once, as Redis does.
    mutating func put(_ value: [UInt8], for key: [UInt8], expiry: ExpiryChange, event: KeyEvent = .set) {
        let isNew = map.set(value, for: key)
        changes.note(key)
        if isNew { announce(.new, key) }
        announce(event, key)
        switch expiry {
        case .keep:
            break
        case .clear:
            clearDeadline(key)
        case .after, .at:
            applyDeadline(expiry, to: key)
        }
    }

    /// Sets the deadline `change` names on an existing key (deleting it when already past).
    mutating func applyDeadline(_ change: ExpiryChange, to key: [UInt8]) {
        precondition(map.contains(key), "a deadline for a missing key")
        guard let when = change.deadline(atLogTime: clockMs) else { preconditionFailure("no deadline to apply") }
        guard when > Int64(clamping: clockMs) else {
            removeKey(key)
            return
        }
        let ms = UInt64(when)
        guard expires[key] != ms else { return }
        expires[key] = ms
        changes.note(key)
        announce(.expire, key)
        deadlines.push(ms, key)
        tidyDeadlines()
    }

    /// The key lives until deleted.
    mutating func clearDeadline(_ key: [UInt8]) {
        guard !expires.isEmpty, expires.removeValue(forKey: key) != nil else { return }
        changes.note(key)
        tidyDeadlines()
    }

    /// Deletes `key` and its deadline; false when it did not exist.
    @discardableResult
    mutating func removeKey(_ key: [UInt8], event: KeyEvent = .del) -> Bool {
        guard map.remove(key) else { return false }
        changes.note(key)
        announce(event, key)
        clearDeadline(key)
        return true
    }

    /// Every key and deadline gone.
    mutating func removeAllKeys() {
        if map.count <= changes.capacity {
            map.forEach { changes.note($0.key) }
        } else {
            changes.forgetAll()
        }
        map = HashOrderedMap()
        expires = [:]
        deadlines = DeadlineHeap()
    }

    /// Deletes every key whose deadline the log time has reached, earliest
    /// first (ties in key order), so the order is the same on every node.
    mutating func expireDue() {
        while let top = deadlines.top, top.ms <= clockMs {
            deadlines.popTop()
            if expires[top.key] == top.ms {
                expires[top.key] = nil
                map.remove(top.key)
                changes.note(top.key)
                announce(.expired, top.key)
            }
            deadlines.dropStale { expires[$0.key] == $0.ms }
        }
        precondition(deadlines.top.map { $0.ms > clockMs } ?? true, "a key left past its deadline")
    }

    /// Keeps the heap's top live and its stale entries bounded (at most
    /// about twice the live ones).
    private mutating func tidyDeadlines() {
        if deadlines.count > 2 * expires.count + 1024 {
            deadlines = DeadlineHeap(expires.map { DeadlineHeap.Entry(ms: $0.value, key: $0.key) })
        } else {
            deadlines.dropStale { expires[$0.key] == $0.ms }
        }
    }

    /// `EXPIRE`/`PEXPIRE`/`EXPIREAT`/`PEXPIREAT`: `:1` when the deadline was
    /// set (or the key deleted because it is already past), `:0` when the key
    /// is missing or the condition does not hold. Redis's order of checks.
    mutating func expire(_ key: [UInt8], _ change: ExpiryChange, _ condition: ExpireCondition) -> KVReply {
        guard map.contains(key) else { return .integer(0) }
        guard let when = change.deadline(atLogTime: clockMs) else { return .syntaxError }
        let current = deadline(of: key).map { Int64(clamping: $0) }
        if condition.contains(.nx), current != nil { return .integer(0) }
        if condition.contains(.xx), current == nil { return .integer(0) }
        if condition.contains(.gt), current.map({ when <= $0 }) ?? true { return .integer(0) }
        if condition.contains(.lt), current.map({ when >= $0 }) ?? false { return .integer(0) }
        applyDeadline(change, to: key)
        return .integer(1)
    }

    /// `PERSIST`: `:1` when a deadline was removed.
    mutating func persist(_ key: [UInt8]) -> KVReply {
        guard deadline(of: key) != nil else { return .integer(0) }
        clearDeadline(key)
        announce(.persist, key)
        return .integer(1)
    }

    /// `TTL`/`PTTL` at this slot's log time: -2 missing, -1 no deadline,
    /// else what is left (seconds rounded to nearest, as Redis).
    func timeToLive(_ key: [UInt8], inMs: Bool) -> KVReply {
        guard map.contains(key) else { return .integer(-2) }
        guard let ms = deadline(of: key) else { return .integer(-1) }
        precondition(ms > clockMs, "a live key past its deadline")
        let left = Int64(clamping: ms - clockMs)
        return .integer(inMs ? left : (left + 500) / 1000)
    }

    /// `EXPIRETIME`/`PEXPIRETIME`: -2 missing, -1 no deadline, else the deadline (Unix s or ms).
    func expireTime(_ key: [UInt8], inMs: Bool) -> KVReply {
        guard map.contains(key) else { return .integer(-2) }
        guard let ms = deadline(of: key) else { return .integer(-1) }
        return .integer(Int64(clamping: inMs ? ms : ms / 1000))
    }
}
