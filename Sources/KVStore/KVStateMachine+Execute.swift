import Wire
// Write semantics, as Redis applies them.
extension KVStateMachine {
    /// Runs any command but RID (which `apply` unwraps first).
    mutating func execute(_ command: KVCommand) -> KVReply {
        switch command {
        case let .set(key, value, condition):
            return set(key, value, condition)
        case .del(let keys):
            var removed: Int64 = 0
            for key in keys where map.remove(key) { removed += 1 }
            return .integer(removed)
        case .mset(let pairs):
            for pair in pairs { map.set(pair.value, for: pair.key) }
            return .ok
        case let .incrBy(key, delta):
            return incrBy(key, delta)
        case let .cas(key, expected, new):
            // A missing key equals no expected value: as `SET` with XX, CAS
            // never creates a key. Use `SET key value NX` for that.
            guard let current = map.value(for: key), current == expected else { return .integer(0) }
            map.set(new, for: key)
            return .integer(1)
        case .multi(let commands):
            return .array(commands.map { executeInMulti($0) })
        case .rid:
            return .err("RID is not allowed here")
        case let .setNX(key, value):
            if map.contains(key) { return .integer(0) }
            map.set(value, for: key)
            return .integer(1)
        case let .getSet(key, value):
            let old = map.value(for: key)
            map.set(value, for: key)
            return old.map { .bulk($0) } ?? .nil
        case .getDel(let key):
            guard let old = map.value(for: key) else { return .nil }
            _ = map.remove(key)
            return .bulk(old)
        case let .append(key, suffix):
            let current = map.value(for: key) ?? []
            guard current.count + suffix.count <= maxValueBytes else { return .tooLarge }
            map.set(current + suffix, for: key)
            return .integer(Int64(current.count + suffix.count))
        case let .setRange(key, offset, patch):
            return setRange(key, offset, patch)
        case .flush:
            map = HashOrderedMap()
            return .ok
        case let .rename(source, destination, nx):
            guard let value = map.value(for: source) else { return .noSuchKey }
            if nx && map.contains(destination) { return .integer(0) }
            if source != destination {
                _ = map.remove(source)
                map.set(value, for: destination)
            }
            return nx ? .integer(1) : .ok
        case .msetNX(let pairs):
            if pairs.contains(where: { map.contains($0.key) }) { return .integer(0) }
            for pair in pairs { map.set(pair.value, for: pair.key) }
            return .integer(1)
        case let .copy(source, destination, replace):
            guard source != destination else { return .err("source and destination objects are the same") }
            guard let value = map.value(for: source) else { return .integer(0) }
            if !replace && map.contains(destination) { return .integer(0) }
            map.set(value, for: destination)
            return .integer(1)
        case .get, .mget, .exists, .dbsize, .keys, .scan, .snapshot, .strlen, .getRange, .type, .touch, .randomKey,
             .objectEncoding:
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
        map.set(value, for: key)
        return .integer(Int64(value.count))
    }

    /// One command inside MULTI/EXEC: as Redis, an error in one is its reply
    /// and the others still run (no rollback). Nesting is refused.
    private mutating func executeInMulti(_ command: KVCommand) -> KVReply {
        switch command {
        case .multi: return .err("MULTI calls can not be nested")
        case .rid: return .err("RID is not allowed inside MULTI")
        default: return execute(command)
        }
    }

    private mutating func set(_ key: [UInt8], _ value: [UInt8], _ condition: SetCondition) -> KVReply {
        switch condition {
        case .none:
            break
        case .nx:
            if map.contains(key) { return .nil }
        case .xx:
            if !map.contains(key) { return .nil }
        }
        map.set(value, for: key)
        return .ok
    }

    private mutating func incrBy(_ key: [UInt8], _ delta: Int64) -> KVReply {
        var current: Int64 = 0
        if let stored = map.value(for: key) {
            guard let parsed = RedisInteger.parse(stored) else { return .notInteger }
            current = parsed
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { return .incrOverflow }
        map.set(RedisInteger.format(sum), for: key)
        return .integer(sum)
    }
}
