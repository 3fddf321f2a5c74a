import KVStore
import Wire

// SET's options, SETEX/PSETEX, GETEX and the EXPIRE family, with Redis 7's
// option rules and error texts. Times stay as the client gave them (relative
// or absolute): the state machine turns them into deadlines at log time.
enum ExpiryParsing {
    /// A relative time must leave room for "now" when the state machine adds
    /// it; as "now" is log time, unknown here, the room kept is up to
    /// 2100-01-01 (Redis checks against its clock and refuses the same values
    /// for any date before that).
    static let baseTimeBoundMs: Int64 = 4_102_444_800_000

    /// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]`: a
    /// plain `.set` unless GET, KEEPTTL or a time is named.
    static func parseSet(_ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        var options = SetOptions()
        var timeKind: TimeUnit?, keepsTTL = false
        var i = 3
        while i < args.count {
            let option = args[i]
            let next = i + 1 < args.count ? args[i + 1] : nil
            if asciiEqualsIgnoringCase(option, "nx"), options.condition != .xx {
                options.condition = .nx
            } else if asciiEqualsIgnoringCase(option, "xx"), options.condition != .nx {
                options.condition = .xx
            } else if asciiEqualsIgnoringCase(option, "get") {
                options.returnsOld = true
            } else if asciiEqualsIgnoringCase(option, "keepttl"), timeKind == nil {
                keepsTTL = true
                options.expiry = .keep
            } else if let unit = TimeUnit(option), !keepsTTL, let next, timeKind.map({ $0 == unit }) ?? true {
                options.expiry = try unit.expiry(next, command: "set")
                timeKind = unit
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        if timeKind == nil && !keepsTTL && !options.returnsOld { return .set(args[1], args[2], condition: options.condition) }
        return .setWith(args[1], args[2], options)
    }

    /// `SETEX key seconds value` / `PSETEX key ms value`.
    static func parseSetEx(_ args: [[UInt8]], inMs: Bool) throws(CommandError) -> KVCommand {
        let unit: TimeUnit = inMs ? .px : .ex
        return .setWith(args[1], args[3], SetOptions(expiry: try unit.expiry(args[2], command: inMs ? "psetex" : "setex")))
    }

    /// `GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]`.
    static func parseGetEx(_ args: [[UInt8]]) throws(CommandError) -> KVCommand {
        var change = ExpiryChange.keep
        var timeKind: TimeUnit?, persists = false
        var i = 2
        while i < args.count {
            let option = args[i]
            let next = i + 1 < args.count ? args[i + 1] : nil
            if asciiEqualsIgnoringCase(option, "persist"), timeKind == nil {
                persists = true
                change = .clear
            } else if let unit = TimeUnit(option), !persists, let next, timeKind.map({ $0 == unit }) ?? true {
                change = try unit.expiry(next, command: "getex")
                timeKind = unit
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        return .getEx(args[1], change)
    }

    /// `EXPIRE`/`PEXPIRE`/`EXPIREAT`/`PEXPIREAT key time [NX|XX|GT|LT]`:
    /// options first, then the time, as Redis checks them.
    static func parseExpire(_ args: [[UInt8]], _ unit: TimeUnit, command: String) throws(CommandError) -> KVCommand {
        var condition: ExpireCondition = []
        for option in args[3...] {
            if asciiEqualsIgnoringCase(option, "nx") {
                condition.insert(.nx)
            } else if asciiEqualsIgnoringCase(option, "xx") {
                condition.insert(.xx)
            } else if asciiEqualsIgnoringCase(option, "gt") {
                condition.insert(.gt)
            } else if asciiEqualsIgnoringCase(option, "lt") {
                condition.insert(.lt)
            } else {
                throw CommandError("ERR Unsupported option \(printable(option))")
            }
        }
        if condition.contains(.nx), !condition.isDisjoint(with: [.xx, .gt, .lt]) {
            throw CommandError("ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if condition.isSuperset(of: [.gt, .lt]) {
            throw CommandError("ERR GT and LT options at the same time are not compatible")
        }
        guard var when = RedisInteger.parse(args[2]) else { throw .notInteger }
        let invalid = CommandError("ERR invalid expire time in '\(command)' command")
        if unit.isSeconds {
            guard when <= Int64.max / 1000, when >= Int64.min / 1000 else { throw invalid }
            when *= 1000
        }
        if unit.isRelative {
            guard when <= Int64.max - baseTimeBoundMs else { throw invalid }
            return .expire(args[1], .after(ms: when), condition)
        }
        return .expire(args[1], .at(ms: when), condition)
    }
}

/// How a time argument counts: seconds or ms, from now or since the epoch.
enum TimeUnit {
    case ex, px, exat, pxat
    // Redis lets the same option repeat (the last wins) but no two kinds.

    init?(_ option: [UInt8]) {
        if asciiEqualsIgnoringCase(option, "ex") { self = .ex }
        else if asciiEqualsIgnoringCase(option, "px") { self = .px }
        else if asciiEqualsIgnoringCase(option, "exat") { self = .exat }
        else if asciiEqualsIgnoringCase(option, "pxat") { self = .pxat }
        else { return nil }
    }

    var isSeconds: Bool { self == .ex || self == .exat }
    var isRelative: Bool { self == .ex || self == .px }

    /// SET/GETEX/SETEX's time: a positive integer; the result must fit.
    func expiry(_ argument: [UInt8], command: String) throws(CommandError) -> ExpiryChange {
        guard var ms = RedisInteger.parse(argument) else { throw .notInteger }
        let invalid = CommandError("ERR invalid expire time in '\(command)' command")
        guard ms > 0, !isSeconds || ms <= Int64.max / 1000 else { throw invalid }
        if isSeconds { ms *= 1000 }
        if isRelative {
            guard ms <= Int64.max - ExpiryParsing.baseTimeBoundMs else { throw invalid }
            return .after(ms: ms)
        }
        return .at(ms: ms)
    }
}
