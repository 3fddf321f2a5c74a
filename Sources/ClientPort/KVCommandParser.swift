import KVStore
import Wire

/// Turns the arguments of a key-value command into a `KVCommand`. The
/// caller has looked the name up and checked its arity. Keys and values
/// stay bytes: nothing here decodes UTF-8 on the way to the log.
enum KVCommandParser {
    static func parse(_ name: CommandName, _ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        switch name {
        case .get: return .get(args[1])
        case .set: return try ExpiryParsing.parseSet(args)
        case .setex: return try ExpiryParsing.parseSetEx(args, inMs: false)
        case .psetex: return try ExpiryParsing.parseSetEx(args, inMs: true)
        case .getex: return try ExpiryParsing.parseGetEx(args)
        case .expire: return try ExpiryParsing.parseExpire(args, .ex, command: "expire")
        case .pexpire: return try ExpiryParsing.parseExpire(args, .px, command: "pexpire")
        case .expireat: return try ExpiryParsing.parseExpire(args, .exat, command: "expireat")
        case .pexpireat: return try ExpiryParsing.parseExpire(args, .pxat, command: "pexpireat")
        case .ttl: return .ttl(args[1], inMs: false)
        case .pttl: return .ttl(args[1], inMs: true)
        case .expiretime: return .expireTime(args[1], inMs: false)
        case .pexpiretime: return .expireTime(args[1], inMs: true)
        case .persist: return .persist(args[1])
        case .del: return .del(Array(args[1...]))
        case .exists: return .exists(Array(args[1...]))
        case .mget: return .mget(Array(args[1...]))
        case .mset: return try parseMSet(args)
        case .incr: return .incrBy(args[1], 1)
        case .decr: return .incrBy(args[1], -1)
        case .incrby:
            guard let n = RedisInteger.parse(args[2]) else { throw .notInteger }
            return .incrBy(args[1], n)
        case .decrby:
            guard let n = RedisInteger.parse(args[2]) else { throw .notInteger }
            // -Int64.min does not exist; Redis refuses it with this message.
            guard n != .min else { throw CommandError("ERR decrement would overflow") }
            return .incrBy(args[1], -n)
        case .cas: return .cas(args[1], args[2], args[3])
        case .publish: return .publish(args[1], args[2])
        case .incrbyfloat:
            guard RedisFloat.isValid(args[2]) else { throw CommandError("ERR value is not a valid float") }
            return .incrByFloat(args[1], args[2])
        case .dbsize: return .dbsize
        case .snapshot: return .snapshot
        case .keys: return .keys(args[1])
        case .scan: return try parseScan(args)
        case .rid: return try parseRID(args)
        case .setnx: return .setNX(args[1], args[2])
        case .getset: return .getSet(args[1], args[2])
        case .getdel: return .getDel(args[1])
        case .append: return .append(args[1], args[2])
        case .strlen: return .strlen(args[1])
        case .type: return .type(args[1])
        case .getrange:
            guard let start = RedisInteger.parse(args[2]), let end = RedisInteger.parse(args[3]) else { throw .notInteger }
            return .getRange(args[1], start: start, end: end)
        case .setrange:
            guard let offset = RedisInteger.parse(args[2]) else { throw .notInteger }
            guard offset >= 0 else { throw CommandError("ERR offset is out of range") }
            // An empty value writes nothing wherever it lands: the offset does not matter.
            if args[3].isEmpty { return .setRange(args[1], offset: 0, args[3]) }
            guard offset <= Int64(Int32.max) else { throw CommandError("ERR string exceeds maximum allowed size (max_value_bytes)") }
            return .setRange(args[1], offset: Int(offset), args[3])
        case .flushdb, .flushall:
            // ASYNC and SYNC are the same here: the flush is one log entry.
            guard args.count <= 2 else { throw .syntax }
            if args.count == 2, !asciiEqualsIgnoringCase(args[1], "async"), !asciiEqualsIgnoringCase(args[1], "sync") { throw .syntax }
            return .flush
        case .rename: return .rename(args[1], args[2], nx: false)
        case .renamenx: return .rename(args[1], args[2], nx: true)
        case .unlink: return .del(Array(args[1...]))
        case .touch: return .touch(Array(args[1...]))
        case .msetnx:
            guard case .mset(let pairs) = try parseMSet(args, name: "msetnx") else { preconditionFailure("parseMSet builds MSET") }
            return .msetNX(pairs)
        case .copy: return try parseCopy(args)
        case .randomkey: return .randomKey(from: UInt64.random(in: .min ... .max))
        case .object:
            guard asciiEqualsIgnoringCase(args[1], "encoding") else { throw .unknownSubcommand(args[1], of: "OBJECT") }
            guard args.count == 3 else { throw .wrongArity("object|encoding") }
            return .objectEncoding(args[2])
        default:
            throw CommandError("ERR '\(name.rawValue)' is not a key-value command")
        }
    }

    private static func parseMSet(_ args: [[UInt8]], name: String = "mset") throws(CommandError) -> KVCommand {
        guard args.count % 2 == 1 else { throw .wrongArity(name) }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        pairs.reserveCapacity(args.count / 2)
        var i = 1
        while i < args.count {
            pairs.append((key: args[i], value: args[i + 1]))
            i += 2
        }
        return .mset(pairs)
    }

    /// `COPY source destination [DB 0] [REPLACE]`: one database, so DB must be 0.
    private static func parseCopy(_ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        var replace = false
        var i = 3
        while i < args.count {
            if asciiEqualsIgnoringCase(args[i], "replace") {
                replace = true
                i += 1
            } else if asciiEqualsIgnoringCase(args[i], "db"), i + 1 < args.count {
                guard let db = RedisInteger.parse(args[i + 1]) else { throw .notInteger }
                guard db == 0 else { throw CommandError("ERR DB index is out of range") }
                i += 2
            } else {
                throw .syntax
            }
        }
        return .copy(args[1], args[2], replace: replace)
    }

    /// `SCAN cursor [MATCH pattern] [COUNT n]`; COUNT defaults to 10 as in Redis.
    private static func parseScan(_ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        guard let cursor = RedisInteger.parseUnsigned(args[1]) else { throw CommandError("ERR invalid cursor") }
        var match: [UInt8]?
        var count = 10
        var onlyOtherType = false
        var i = 2
        while i < args.count {
            guard i + 1 < args.count else { throw .syntax }
            let option = args[i]
            let value = args[i + 1]
            if asciiEqualsIgnoringCase(option, "match") {
                match = value
            } else if asciiEqualsIgnoringCase(option, "count") {
                guard let n = RedisInteger.parse(value) else { throw .notInteger }
                guard n >= 1 else { throw .syntax }
                count = Int(n)
            } else if asciiEqualsIgnoringCase(option, "type") {
                // Every key is a string: TYPE string filters nothing, any other type everything.
                onlyOtherType = !asciiEqualsIgnoringCase(value, "string")
            } else {
                throw .syntax
            }
            i += 2
        }
        // "[]" is an empty set: it matches no key, and the cursor still walks the keys as Redis's does.
        return .scan(cursor: cursor, match: onlyOtherType ? Array("[]".utf8) : match, count: count)
    }

    /// `RID client-id seq command [args ...]`: the inner write runs at most
    /// once per (client-id, seq). A read needs no session, so an inner read
    /// is returned unwrapped and routed as a plain read.
    private static func parseRID(_ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        guard !args[1].isEmpty else { throw CommandError("ERR RID client id must not be empty") }
        guard let seq = RedisInteger.parseUnsigned(args[2]), seq >= 1 else {
            throw CommandError("ERR RID sequence number must be an integer of at least 1")
        }
        let innerArgs = Array(args[3...])
        let inner = try lookUp(innerArgs)
        guard inner.isKeyValue, inner != .rid else {
            throw CommandError("ERR RID cannot wrap '\(inner.rawValue)'")
        }
        let command = try parse(inner, innerArgs)
        return command.isReadOnly ? command : .rid(clientID: args[1], seq: seq, command)
    }

    /// The command `args` names, with Redis's unknown-command and arity errors.
    static func lookUp(_ args: [[UInt8]]) throws(CommandError) -> CommandName {
        guard let name = CommandName(args[0]) else { throw .unknownCommand(args) }
        guard name.acceptsArgumentCount(args.count) else { throw .wrongArity(name.rawValue) }
        return name
    }
}

extension CommandName {
    /// Parsed into a `KVCommand` and applied by the state machine.
    var isKeyValue: Bool {
        switch self {
        case .get, .set, .del, .exists, .mget, .mset, .incr, .decr, .incrby, .decrby,
             .cas, .dbsize, .keys, .scan, .rid, .snapshot,
             .setnx, .getset, .getdel, .append, .strlen, .getrange, .setrange, .flushdb, .flushall, .type, .rename,
             .renamenx, .unlink, .touch, .msetnx, .copy, .randomkey, .object,
             .setex, .psetex, .getex, .expire, .pexpire, .expireat, .pexpireat, .ttl, .pttl, .expiretime, .pexpiretime,
             .persist, .incrbyfloat, .publish:
            return true
        default:
            return false
        }
    }
}
