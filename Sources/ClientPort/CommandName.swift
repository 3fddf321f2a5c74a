/// Every command the client port knows. The raw value is the lowercase
/// name, as Redis prints it in arity errors.
public enum CommandName: String, CaseIterable, Sendable {
    // Key-value commands: parsed into a `KVCommand`.
    case get, set, del, exists, mget, mset, incr, decr, incrby, decrby, cas, dbsize, keys, scan, rid, snapshot
    case setnx, getset, getdel, append, strlen, getrange, setrange, flushdb, flushall, type, rename, renamenx
    case unlink, touch, msetnx, copy, randomkey, object
    case setex, psetex, getex, expire, pexpire, expireat, pexpireat, ttl, pttl, expiretime, pexpiretime, persist
    case incrbyfloat
    // Pub/sub: PUBLISH goes through the log; the node keeps the subscriptions.
    case publish, subscribe, unsubscribe, psubscribe, punsubscribe
    /// PaxosKV's own: `CHANGES [prefix]` streams applied key changes (kvctl watch).
    case changes
    // Connection and server commands: answered by the router itself.
    case ping, echo, quit, auth, hello, select, reset
    case multi, exec, discard, watch, unwatch
    case readonly, readwrite
    case info, config, command, client
    // Membership (DESIGN Part 1): MEMBERS is answered by the node, MEMBER goes through the log.
    case members, member

    /// Redis's arity: n > 0 means exactly n arguments (name included), n < 0 at least -n.
    var arity: Int {
        switch self {
        case .get, .incr, .decr, .keys, .echo, .select, .getdel, .strlen, .type: return 2
        case .ttl, .pttl, .expiretime, .pexpiretime, .persist: return 2
        case .setex, .psetex: return 4
        case .expire, .pexpire, .expireat, .pexpireat: return -3
        case .setnx, .getset, .append, .rename, .renamenx: return 3
        case .getrange, .setrange: return 4
        case .unlink, .touch, .object, .getex: return -2
        case .randomkey: return 1
        case .msetnx, .copy: return -3
        case .flushdb, .flushall: return -1
        case .set, .mset: return -3
        case .del, .exists, .mget, .scan, .auth, .watch, .config, .client: return -2
        case .incrby, .decrby, .incrbyfloat, .publish: return 3
        case .subscribe, .psubscribe: return -2
        case .unsubscribe, .punsubscribe, .changes: return -1
        case .cas: return 4
        case .rid: return -4
        case .member: return -2
        case .dbsize, .snapshot, .members, .reset, .multi, .exec, .discard, .unwatch, .readonly, .readwrite: return 1
        case .ping, .quit, .hello, .info, .command: return -1
        }
    }

    func acceptsArgumentCount(_ count: Int) -> Bool {
        arity > 0 ? count == arity : count >= -arity
    }

    /// May run before AUTH (Redis's `no-auth` flag).
    var isAllowedBeforeAuth: Bool {
        self == .auth || self == .hello || self == .quit
    }

    /// What a RESP2 connection with subscriptions may still send, as in Redis.
    var isAllowedWhileSubscribed: Bool {
        switch self {
        case .subscribe, .unsubscribe, .psubscribe, .punsubscribe, .ping, .quit, .reset, .changes: return true
        default: return false
        }
    }

    /// Runs at once even between MULTI and EXEC instead of being queued.
    var runsInsideMulti: Bool {
        switch self {
        case .exec, .discard, .multi, .watch, .quit, .reset: return true
        default: return false
        }
    }

    /// Lowercase names packed into integers, to command: lookup neither
    /// decodes a `String` nor allocates on the hot path.
    private static let table: [PackedName: CommandName] = Dictionary(
        uniqueKeysWithValues: allCases.map { (PackedName(Array($0.rawValue.utf8))!, $0) })

    /// The command named by `bytes`, ASCII case-insensitively; nil when unknown.
    public init?(_ bytes: [UInt8]) {
        guard let packed = PackedName(bytes), let name = Self.table[packed] else { return nil }
        self = name
    }
}

/// Up to 16 bytes of a command name, ASCII-lowercased, in two integers plus
/// the length (so a name with trailing NUL bytes is not another name).
private struct PackedName: Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0
    let count: Int

    /// Nil for more than 16 bytes: no command has so long a name.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count <= 16 else { return nil }
        count = bytes.count
        for (i, b) in bytes.enumerated() {
            let folded = UInt64(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            if i < 8 { low |= folded << (8 * UInt64(i)) } else { high |= folded << (8 * UInt64(i - 8)) }
        }
    }
}
