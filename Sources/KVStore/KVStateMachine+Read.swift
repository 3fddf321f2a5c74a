import Wire
// Read semantics, shared by `query` and by reads that arrive through the log.
extension KVStateMachine {
    /// Answers a read-only command (or a MULTI of them); precondition: `command.isReadOnly`.
    func read(_ command: KVCommand) -> KVReply {
        switch command {
        case .get(let key):
            return map.value(for: key).map { .bulk($0) } ?? .nil
        case .mget(let keys):
            return .array(keys.map { key in map.value(for: key).map { .bulk($0) } ?? .nil })
        case .exists(let keys):
            // As Redis: a key named twice counts twice.
            return .integer(Int64(keys.reduce(0) { $0 + (map.contains($1) ? 1 : 0) }))
        case .dbsize:
            return .integer(Int64(map.count))
        case .keys(let pattern):
            return .array(matchingKeys(GlobPattern(pattern)).map { .bulk($0) })
        case let .scan(cursor, match, count):
            return scan(cursor: cursor, match: match.map(GlobPattern.init), count: count)
        case .multi(let commands):
            return .array(commands.map { $0.isMultiAllowed ? read($0) : .err("MULTI calls can not be nested") })
        case .snapshot:
            return .err("SNAPSHOT must be sent on its own, not inside MULTI")
        case .strlen(let key):
            return .integer(Int64(map.value(for: key)?.count ?? 0))
        case let .getRange(key, start, end):
            return .bulk(Self.range(of: map.value(for: key) ?? [], start: start, end: end))
        case .type(let key):
            return .simple(map.contains(key) ? "string" : "none")
        case .touch(let keys):
            return .integer(Int64(keys.reduce(0) { $0 + (map.contains($1) ? 1 : 0) }))
        case .randomKey(let from):
            var found: [UInt8]?
            _ = map.scan(from: from, count: 1) { found = $0 }
            if found == nil { _ = map.scan(from: 0, count: 1) { found = $0 } }  // past the last hash: wrap
            return found.map { .bulk($0) } ?? .nil
        case .objectEncoding(let key):
            guard let value = map.value(for: key) else { return .nil }
            // Redis: an integer of up to 20 bytes is `int`, up to 44 bytes `embstr`.
            if value.count <= 20, RedisInteger.parse(value) != nil { return .bulk(Array("int".utf8)) }
            return .bulk(Array((value.count <= 44 ? "embstr" : "raw").utf8))
        case let .expireTime(key, inMs):
            return expireTime(key, inMs: inMs)
        case .set, .del, .mset, .incrBy, .cas, .rid, .setNX, .getSet, .getDel, .append, .setRange, .flush, .rename,
             .msetNX, .copy, .setWith, .getEx, .expire, .persist, .ttl, .watchedMulti, .incrByFloat, .publish:
            preconditionFailure("read() given a write")
        }
    }

    /// GETRANGE's substring, as Redis computes it: negative offsets count
    /// from the end, both ends are inclusive and clamped to the value.
    static func range(of value: [UInt8], start: Int64, end: Int64) -> [UInt8] {
        let length = Int64(value.count)
        if start < 0 && end < 0 && start > end { return [] }
        var from = start < 0 ? length + start : start
        var to = end < 0 ? length + end : end
        from = max(from, 0)
        to = min(max(to, 0), length - 1)
        guard length > 0, from <= to else { return [] }
        return Array(value[Int(from)...Int(to)])
    }

    /// Every key matching `pattern`, in byte order (Redis leaves KEYS unordered; sorted is friendlier and deterministic).
    private func matchingKeys(_ pattern: GlobPattern) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        map.forEach { entry in
            if pattern.matches(entry.key) { keys.append(entry.key) }
        }
        keys.sort(by: bytesPrecede)
        return keys
    }

    /// SCAN walks the keys in (KeyHash, key) order, the map's own order, and
    /// the cursor is the hash of the next key to visit, so it names a place
    /// in that order that stays valid whatever is inserted or deleted in
    /// between: a key present for the whole scan is returned (once; twice
    /// only in the astronomically rare case of a 64-bit hash collision
    /// across a page boundary, which Redis also allows). A cursor as an index
    /// into the sorted keys would not do: a delete before it shifts the rest
    /// and skips a key. Cursor 0 starts; a returned 0 ends. As in Redis,
    /// COUNT is the number of keys examined, MATCH filters them afterwards.
    private func scan(cursor: UInt64, match: GlobPattern?, count: Int) -> KVReply {
        guard count >= 1 else { return .syntaxError }
        var keys: [KVReply] = []
        let next = map.scan(from: cursor, count: count) { key in
            if match?.matches(key) ?? true { keys.append(.bulk(key)) }
        }
        return .array([.bulk(RedisInteger.format(unsigned: next)), .array(keys)])
    }
}

extension KVCommand {
    /// False for what may not appear inside MULTI.
    var isMultiAllowed: Bool {
        switch self {
        case .multi, .rid, .watchedMulti: return false
        default: return true
        }
    }
}
