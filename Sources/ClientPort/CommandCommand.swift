import Wire

// COMMAND, COMMAND COUNT|LIST|INFO|DOCS: describe the commands that exist,
// in Redis 7's shapes (redis-py and redis-cli's hints read them).
extension CommandRouter {
    func command(_ args: [[UInt8]]) throws(CommandError) -> RouteDecision {
        guard args.count >= 2 else { return .reply(.array(CommandName.allCases.map(\.info))) }
        let sub = args[1]
        if asciiEqualsIgnoringCase(sub, "count") {
            guard args.count == 2 else { throw .wrongArity("command|count") }
            return .reply(.integer(Int64(CommandName.allCases.count)))
        }
        if asciiEqualsIgnoringCase(sub, "list") {
            return .reply(.array(CommandName.allCases.map { .bulk($0.rawValue) }))
        }
        if asciiEqualsIgnoringCase(sub, "info") {
            // No names: every command; an unknown name: nil in its place.
            guard args.count > 2 else { return .reply(.array(CommandName.allCases.map(\.info))) }
            return .reply(.array(args.dropFirst(2).map { CommandName($0)?.info ?? .null }))
        }
        if asciiEqualsIgnoringCase(sub, "docs") {
            let names = args.count > 2 ? args.dropFirst(2).compactMap { CommandName($0) } : CommandName.allCases
            return .reply(.map(names.map { (.bulk($0.rawValue), $0.docs) }))
        }
        throw .unknownSubcommand(sub, of: "COMMAND")
    }
}

extension CommandName {
    /// COMMAND INFO's entry: name, arity, flags, first key, last key, key
    /// step, ACL categories, tips, key specs, subcommands.
    var info: RESPValue {
        let keys = keyPositions
        return .array([
            .bulk(rawValue), .integer(Int64(arity)), .array(flags.map { .simpleString($0) }),
            .integer(keys.first), .integer(keys.last), .integer(keys.step),
            .array([.simpleString("@" + group)]), .array([]), .array([]), .array([]),
        ])
    }

    /// COMMAND DOCS's entry: its group (Redis's `group` field).
    var docs: RESPValue {
        .map([(.bulk("group"), .bulk(group))])
    }

    /// Where the keys are among the arguments, as Redis counts them (0: none; -1: to the end).
    var keyPositions: (first: Int64, last: Int64, step: Int64) {
        switch self {
        case .get, .set, .incr, .decr, .incrby, .decrby, .cas, .setnx, .getset, .getdel, .append, .strlen, .getrange,
             .setrange, .type, .setex, .psetex, .getex, .expire, .pexpire, .expireat, .pexpireat, .ttl, .pttl,
             .expiretime, .pexpiretime, .persist, .incrbyfloat:
            return (1, 1, 1)
        case .del, .exists, .mget, .unlink, .touch, .watch:
            return (1, -1, 1)
        case .mset, .msetnx:
            return (1, -1, 2)
        case .rename, .renamenx, .copy:
            return (1, 2, 1)
        case .object:
            return (2, 2, 1)
        default:
            return (0, 0, 0)
        }
    }

    var flags: [String] {
        switch group {
        case "string", "generic":
            return isWriteCommand ? ["write"] : ["readonly"]
        case "transactions":
            return ["noscript", "loading", "stale", "fast"]
        default:
            return ["loading", "stale", "fast"]
        }
    }

    private var isWriteCommand: Bool {
        switch self {
        case .set, .del, .mset, .incr, .decr, .incrby, .decrby, .cas, .setnx, .getset, .getdel, .append, .setrange,
             .flushdb, .flushall, .rename, .renamenx, .unlink, .msetnx, .copy, .rid, .setex, .psetex, .getex, .expire,
             .pexpire, .expireat, .pexpireat, .persist, .incrbyfloat:
            return true
        default:
            return false
        }
    }

    /// Redis's command group (PaxosKV's own: `cluster` for MEMBER, MEMBERS, RID, CAS, SNAPSHOT).
    var group: String {
        switch self {
        case .get, .set, .mget, .mset, .incr, .decr, .incrby, .decrby, .setnx, .getset, .getdel, .append, .strlen,
             .getrange, .setrange, .msetnx, .setex, .psetex, .getex, .incrbyfloat:
            return "string"
        case .del, .exists, .keys, .scan, .type, .rename, .renamenx, .unlink, .touch, .copy, .randomkey, .object,
             .expire, .pexpire, .expireat, .pexpireat, .ttl, .pttl, .expiretime, .pexpiretime, .persist:
            return "generic"
        case .multi, .exec, .discard, .watch, .unwatch:
            return "transactions"
        case .ping, .echo, .quit, .auth, .hello, .select, .reset, .client, .readonly, .readwrite:
            return "connection"
        case .dbsize, .flushdb, .flushall, .info, .config, .command:
            return "server"
        case .cas, .rid, .snapshot, .members, .member:
            return "cluster"
        case .publish, .subscribe, .unsubscribe, .psubscribe, .punsubscribe, .changes:
            return "pubsub"
        }
    }
}
