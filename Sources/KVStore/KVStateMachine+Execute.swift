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
        case .get, .mget, .exists, .dbsize, .keys, .scan, .snapshot:
            return read(command)
        }
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
