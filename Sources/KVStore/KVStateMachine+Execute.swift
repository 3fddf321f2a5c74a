import Wire
// Write semantics, as Redis applies them.
extension KVStateMachine {
    /// Runs any command but RID (which `apply` unwraps first).
    mutating func execute(_ command: KVCommand) -> KVReply {
        switch command {
        case let .set(key, value, condition):
            return set(key, value, SetOptions(condition: condition))
        case let .setWith(key, value, options):
            return set(key, value, options)
        case .del(let keys):
            var removed: Int64 = 0
            for key in keys where removeKey(key) { removed += 1 }
            return .integer(removed)
        case .mset(let pairs):
            for pair in pairs { put(pair.value, for: pair.key, expiry: .clear) }
            return .ok
        case let .incrBy(key, delta):
            return incrBy(key, delta)
        case let .publish(channel, message):
            return publish(channel, message)
        case let .incrByFloat(key, increment):
            switch RedisFloat.add(map.value(for: key), increment) {
            case .success(let value):
                put(value, for: key, expiry: .keep, event: .incrbyfloat)
                return .bulk(value)
            case .failure(.notAFloat): return .notFloat
            case .failure(.nanOrInfinity): return .err("increment would produce NaN or Infinity")
            }
        case let .cas(key, expected, new):
            // A missing key equals no expected value: as `SET` with XX, CAS
            // never creates a key. Use `SET key value NX` for that.
            guard let current = map.value(for: key), current == expected else { return .integer(0) }
            put(new, for: key, expiry: .clear)
            return .integer(1)
        case .multi(let commands):
            return .array(commands.map { executeInMulti($0) })
        case let .watchedMulti(watched, commands):
            if watched.contains(where: { changes.changed($0.key, since: $0.seq) }) { return .nil }
            return .array(commands.map { executeInMulti($0) })
        case .rid:
            return .err("RID is not allowed here")
        case let .setNX(key, value):
            if map.contains(key) { return .integer(0) }
            put(value, for: key, expiry: .clear)
            return .integer(1)
        case let .getSet(key, value):
            let old = map.value(for: key)
            put(value, for: key, expiry: .clear)
            return old.map { .bulk($0) } ?? .nil
        case .getDel(let key):
            guard let old = map.value(for: key) else { return .nil }
            removeKey(key)
            return .bulk(old)
        case let .getEx(key, change):
            guard let value = map.value(for: key) else { return .nil }
            switch change {
            case .keep: break
            case .clear: _ = persist(key)
            case .after, .at: applyDeadline(change, to: key)
            }
            return .bulk(value)
        case let .expire(key, change, condition):
            return expire(key, change, condition)
        case .persist(let key):
            return persist(key)
        case let .ttl(key, inMs):
            return timeToLive(key, inMs: inMs)
        case let .append(key, suffix):
            let current = map.value(for: key) ?? []
            guard current.count + suffix.count <= maxValueBytes else { return .tooLarge }
            put(current + suffix, for: key, expiry: .keep, event: .append)
            return .integer(Int64(current.count + suffix.count))
        case let .setRange(key, offset, patch):
            return setRange(key, offset, patch)
        case .flush:
            removeAllKeys()
            return .ok
        case let .rename(source, destination, nx):
            guard let value = map.value(for: source) else { return .noSuchKey }
            if nx && map.contains(destination) { return .integer(0) }
            if source != destination {
                // The destination takes the source's deadline (or none), as in Redis.
                let deadline = self.deadline(of: source)
                removeKey(source, event: .renameFrom)
                put(value, for: destination, expiry: deadline.map { .at(ms: Int64(clamping: $0)) } ?? .clear, event: .renameTo)
            }
            return nx ? .integer(1) : .ok
        case .msetNX(let pairs):
            if pairs.contains(where: { map.contains($0.key) }) { return .integer(0) }
            for pair in pairs { put(pair.value, for: pair.key, expiry: .clear) }
            return .integer(1)
        case let .copy(source, destination, replace):
            guard source != destination else { return .err("source and destination objects are the same") }
            guard let value = map.value(for: source) else { return .integer(0) }
            if !replace && map.contains(destination) { return .integer(0) }
            put(value, for: destination, expiry: deadline(of: source).map { .at(ms: Int64(clamping: $0)) } ?? .clear, event: .copyTo)
            return .integer(1)
        case .get, .mget, .exists, .dbsize, .keys, .scan, .snapshot, .strlen, .getRange, .type, .touch, .randomKey,
             .objectEncoding, .expireTime:
            return read(command)
        }
    }

    /// As Redis: an empty patch on a missing key creates nothing; past the end, zero bytes fill the gap.
    private mutating func setRange(_ key: [UInt8], _ offset: Int, _ patch: [UInt8]) -> KVReply {
        let current = map.value(for: key)
        if patch.isEmpty { return .integer(Int64(current?.count ?? 0)) }
        guard offset <= maxValueBytes - patch.count else { return .tooLarge }
        var value = current ?? []
        if value.count < offset + patch.count { value += [UInt8](repeating: 0, count: offset + patch.count - value.count) }
        value.replaceSubrange(offset..<(offset + patch.count), with: patch)
        put(value, for: key, expiry: .keep, event: .setrange)
        return .integer(Int64(value.count))
    }

    /// One command inside MULTI/EXEC: as Redis, an error in one is its reply
    /// and the others still run (no rollback). Nesting is refused.
    private mutating func executeInMulti(_ command: KVCommand) -> KVReply {
        switch command {
        case .multi, .watchedMulti: return .err("MULTI calls can not be nested")
        case .rid: return .err("RID is not allowed inside MULTI")
        default: return execute(command)
        }
    }

    /// SET in all its forms; with GET the reply is the old value whether or not the condition held.
    private mutating func set(_ key: [UInt8], _ value: [UInt8], _ options: SetOptions) -> KVReply {
        let old = options.returnsOld ? map.value(for: key) : nil
        let holds: Bool
        switch options.condition {
        case .none: holds = true
        case .nx: holds = options.returnsOld ? old == nil : !map.contains(key)
        case .xx: holds = options.returnsOld ? old != nil : map.contains(key)
        }
        if holds { put(value, for: key, expiry: options.expiry) }
        if options.returnsOld { return old.map { .bulk($0) } ?? .nil }
        return holds ? .ok : .nil
    }

    private mutating func incrBy(_ key: [UInt8], _ delta: Int64) -> KVReply {
        var current: Int64 = 0
        if let stored = map.value(for: key) {
            guard let parsed = RedisInteger.parse(stored) else { return .notInteger }
            current = parsed
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { return .incrOverflow }
        put(RedisInteger.format(sum), for: key, expiry: .keep, event: .incrby)
        return .integer(sum)
    }
}
