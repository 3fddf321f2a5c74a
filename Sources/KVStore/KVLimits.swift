/// Size limits on what clients may store (DESIGN Part 1): over a limit the
/// command gets an error and nothing is applied. The runtime checks before
/// proposing, so an oversized command never reaches the log.
public struct KVLimits: Sendable, Equatable {
    /// Longest key, client id or pattern, in bytes.
    public var keyBytesMax: Int
    /// Longest value, in bytes.
    public var valueBytesMax: Int

    /// Defaults: keys 64 KiB, values 1 MiB.
    public init(keyBytesMax: Int = 64 * 1024, valueBytesMax: Int = 1024 * 1024) {
        precondition(keyBytesMax >= 1 && valueBytesMax >= 1, "limits must be positive")
        self.keyBytesMax = keyBytesMax
        self.valueBytesMax = valueBytesMax
    }

    /// An error reply when `command` breaks a limit, nil when it may run.
    public func validate(_ command: KVCommand) -> KVReply? {
        switch command {
        case let .set(key, value, _), let .setNX(key, value), let .getSet(key, value), let .append(key, value),
             let .setWith(key, value, _), let .incrByFloat(key, value),
             let .publish(key, value):
            return checkKey(key) ?? checkValue(value)
        case let .setRange(key, offset, value):
            if let error = checkKey(key) ?? checkValue(value) { return error }
            // Nothing to write: as Redis, no size to check (the reply is the length).
            return !value.isEmpty && offset > valueBytesMax - value.count ? .tooLarge : nil
        case .del(let keys), .mget(let keys), .exists(let keys), .touch(let keys):
            return firstError(keys, checkKey)
        case .getDel(let key), .strlen(let key), .getRange(let key, _, _), .type(let key), .objectEncoding(let key),
             .getEx(let key, _), .expire(let key, _, _), .persist(let key), .ttl(let key, _), .expireTime(let key, _):
            return checkKey(key)
        case .randomKey:
            return nil
        case let .rename(source, destination, _), let .copy(source, destination, _):
            return checkKey(source) ?? checkKey(destination)
        case .flush:
            return nil
        case .mset(let pairs), .msetNX(let pairs):
            for pair in pairs {
                if let error = checkKey(pair.key) ?? checkValue(pair.value) { return error }
            }
            return nil
        case .incrBy(let key, _), .get(let key):
            return checkKey(key)
        case let .cas(key, expected, new):
            return checkKey(key) ?? checkValue(expected) ?? checkValue(new)
        case .multi(let commands):
            for inner in commands {
                if let error = validate(inner) { return error }
            }
            return nil
        case let .watchedMulti(watched, commands):
            for entry in watched {
                if let error = checkKey(entry.key) { return error }
            }
            return validate(.multi(commands))
        case let .rid(clientID, _, inner):
            return checkKey(clientID, what: "client id") ?? validate(inner)
        case .dbsize, .snapshot:
            return nil
        case .keys(let pattern):
            return checkKey(pattern, what: "pattern")
        case .scan(_, let match, _):
            return match.flatMap { checkKey($0, what: "pattern") }
        }
    }

    /// An error reply when `key` alone is too long (WATCH names keys outside any command).
    public func validate(key: [UInt8]) -> KVReply? { checkKey(key) }

    private func checkKey(_ key: [UInt8]) -> KVReply? { checkKey(key, what: "key") }

    private func checkKey(_ bytes: [UInt8], what: String) -> KVReply? {
        guard bytes.count > keyBytesMax else { return nil }
        return .err("\(what) is too long (\(bytes.count) bytes, limit \(keyBytesMax))")
    }

    private func checkValue(_ value: [UInt8]) -> KVReply? {
        guard value.count > valueBytesMax else { return nil }
        return .err("value is too large (\(value.count) bytes, limit \(valueBytesMax))")
    }

    private func firstError(_ keys: [[UInt8]], _ check: ([UInt8]) -> KVReply?) -> KVReply? {
        for key in keys {
            if let error = check(key) { return error }
        }
        return nil
    }
}
