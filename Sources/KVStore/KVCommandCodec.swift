import PaxosCore

// The command codec: one tag byte, then the fields in declaration order;
// lists are a u32 count then the elements. Deterministic: one command has
// exactly one encoding, which is what the log stores.
private enum CommandTag: UInt8 {
    case set = 1, del = 2, mset = 3, incrBy = 4, cas = 5, multi = 6, rid = 7
    case setNX = 8, getSet = 9, getDel = 10, append = 11, setRange = 12, flush = 13, rename = 14, msetNX = 15, copy = 30
    case get = 16, mget = 17, exists = 18, dbsize = 19, keys = 20, scan = 21, snapshot = 22
    case strlen = 23, getRange = 24, type = 25, touch = 26, randomKey = 27, objectEncoding = 28
    case setWith = 31, getEx = 32, expire = 33, persist = 34, ttl = 35, expireTime = 36, watchedMulti = 37, incrByFloat = 38, publish = 39
}

extension KVCommand {
    /// The command's binary encoding, as proposed into the log.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32)
        encode(into: &w)
        return w.bytes
    }

    /// Whether `payload` is `SNAPSHOT`'s encoding (its tag alone), checked
    /// without decoding: reads on the hot path ask.
    static func isSnapshot(_ payload: [UInt8]) -> Bool {
        payload.count == 1 && payload[0] == CommandTag.snapshot.rawValue
    }

    /// Decodes what `encoded()` produced; throws `DecodeError` on anything else.
    public init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        self = try KVCommand.decode(from: &r, depth: 0)
        try r.expectEnd()
    }

    func encode(into w: inout ByteWriter) {
        w.u8(tag.rawValue)
        switch self {
        case let .set(key, value, condition):
            w.u8(condition.rawValue)
            w.blob(key)
            w.blob(value)
        case .del(let keys), .mget(let keys), .exists(let keys), .touch(let keys):
            Self.writeList(keys, into: &w)
        case .mset(let pairs), .msetNX(let pairs):
            Self.writePairs(pairs, into: &w)
        case let .setNX(key, value), let .getSet(key, value), let .append(key, value), let .incrByFloat(key, value),
             let .publish(key, value):
            w.blob(key)
            w.blob(value)
        case .get(let key), .getDel(let key), .strlen(let key), .type(let key), .objectEncoding(let key), .keys(let key),
             .persist(let key):
            w.blob(key)
        case let .setWith(key, value, options):
            w.blob(key)
            w.blob(value)
            w.u8(options.condition.rawValue)
            w.u8(options.returnsOld ? 1 : 0)
            Self.writeExpiry(options.expiry, into: &w)
        case let .getEx(key, change):
            w.blob(key)
            Self.writeExpiry(change, into: &w)
        case let .expire(key, change, condition):
            w.blob(key)
            Self.writeExpiry(change, into: &w)
            w.u8(condition.rawValue)
        case let .ttl(key, inMs), let .expireTime(key, inMs):
            w.blob(key)
            w.u8(inMs ? 1 : 0)
        case let .setRange(key, offset, value):
            w.blob(key)
            w.u64(UInt64(offset))
            w.blob(value)
        case let .rename(source, destination, flag), let .copy(source, destination, flag):
            w.blob(source)
            w.blob(destination)
            w.u8(flag ? 1 : 0)
        case let .getRange(key, start, end):
            w.blob(key)
            w.u64(UInt64(bitPattern: start))
            w.u64(UInt64(bitPattern: end))
        case .randomKey(let from):
            w.u64(from)
        case let .incrBy(key, delta):
            w.blob(key)
            w.u64(UInt64(bitPattern: delta))
        case let .cas(key, expected, new):
            w.blob(key)
            w.blob(expected)
            w.blob(new)
        case .multi(let commands):
            w.u32(UInt32(commands.count))
            for command in commands { command.encode(into: &w) }
        case let .watchedMulti(watched, commands):
            w.u32(UInt32(watched.count))
            for entry in watched {
                w.blob(entry.key)
                w.u64(entry.seq)
            }
            w.u32(UInt32(commands.count))
            for command in commands { command.encode(into: &w) }
        case let .rid(clientID, seq, command):
            w.blob(clientID)
            w.u64(seq)
            command.encode(into: &w)
        case let .scan(cursor, match, count):
            w.u64(cursor)
            w.u64(UInt64(clamping: count))
            if let match {
                w.u8(1)
                w.blob(match)
            } else {
                w.u8(0)
            }
        case .flush, .dbsize, .snapshot:
            break
        }
    }

    /// The tag that leads the command's encoding.
    private var tag: CommandTag {
        switch self {
        case .set: .set
        case .del: .del
        case .mset: .mset
        case .incrBy: .incrBy
        case .cas: .cas
        case .multi: .multi
        case .rid: .rid
        case .setNX: .setNX
        case .getSet: .getSet
        case .getDel: .getDel
        case .append: .append
        case .setRange: .setRange
        case .flush: .flush
        case .rename: .rename
        case .msetNX: .msetNX
        case .copy: .copy
        case .get: .get
        case .mget: .mget
        case .exists: .exists
        case .dbsize: .dbsize
        case .keys: .keys
        case .scan: .scan
        case .snapshot: .snapshot
        case .strlen: .strlen
        case .getRange: .getRange
        case .type: .type
        case .touch: .touch
        case .randomKey: .randomKey
        case .objectEncoding: .objectEncoding
        case .setWith: .setWith
        case .getEx: .getEx
        case .expire: .expire
        case .persist: .persist
        case .ttl: .ttl
        case .expireTime: .expireTime
        case .watchedMulti: .watchedMulti
        case .incrByFloat: .incrByFloat
        case .publish: .publish
        }
    }

    /// `depth` bounds nesting: `RID` may wrap `MULTI`, nothing nests deeper,
    /// so hostile input cannot recurse without bound.
    static func decode(from r: inout ByteReader, depth: Int) throws -> KVCommand {
        guard depth <= 2 else { throw DecodeError.invalid("commands nested too deeply") }
        let raw = try r.u8()
        guard let tag = CommandTag(rawValue: raw) else { throw DecodeError.invalid("unknown command tag \(raw)") }
        switch tag {
        case .set:
            let rawCondition = try r.u8()
            guard let condition = SetCondition(rawValue: rawCondition) else {
                throw DecodeError.invalid("unknown SET condition \(rawCondition)")
            }
            return .set(try r.blob(), try r.blob(), condition: condition)
        case .del:
            return .del(try readList(from: &r))
        case .mset:
            return .mset(try readPairs(from: &r))
        case .msetNX:
            return .msetNX(try readPairs(from: &r))
        case .setNX:
            return .setNX(try r.blob(), try r.blob())
        case .getSet:
            return .getSet(try r.blob(), try r.blob())
        case .append:
            return .append(try r.blob(), try r.blob())
        case .publish:
            return .publish(try r.blob(), try r.blob())
        case .incrByFloat:
            let key = try r.blob()
            let increment = try r.blob()
            guard RedisFloat.isValid(increment) else { throw DecodeError.invalid("INCRBYFLOAT increment is not a float") }
            return .incrByFloat(key, increment)
        case .getDel:
            return .getDel(try r.blob())
        case .setRange:
            let key = try r.blob()
            let offset = try r.u64()
            guard offset <= UInt64(Int32.max) else { throw DecodeError.invalid("SETRANGE offset \(offset) out of range") }
            return .setRange(key, offset: Int(offset), try r.blob())
        case .flush:
            return .flush
        case .rename:
            return .rename(try r.blob(), try r.blob(), nx: try readFlag(from: &r))
        case .copy:
            return .copy(try r.blob(), try r.blob(), replace: try readFlag(from: &r))
        case .strlen:
            return .strlen(try r.blob())
        case .getRange:
            return .getRange(try r.blob(), start: Int64(bitPattern: try r.u64()), end: Int64(bitPattern: try r.u64()))
        case .type:
            return .type(try r.blob())
        case .touch:
            return .touch(try readList(from: &r))
        case .randomKey:
            return .randomKey(from: try r.u64())
        case .objectEncoding:
            return .objectEncoding(try r.blob())
        case .setWith:
            let key = try r.blob()
            let value = try r.blob()
            let rawCondition = try r.u8()
            guard let condition = SetCondition(rawValue: rawCondition) else {
                throw DecodeError.invalid("unknown SET condition \(rawCondition)")
            }
            let returnsOld = try readFlag(from: &r)
            return .setWith(key, value, SetOptions(condition: condition, expiry: try readExpiry(from: &r), returnsOld: returnsOld))
        case .getEx:
            return .getEx(try r.blob(), try readExpiry(from: &r))
        case .expire:
            let key = try r.blob()
            let change = try readExpiry(from: &r)
            guard change.deadline(atLogTime: 0) != nil else { throw DecodeError.invalid("EXPIRE without a time") }
            let rawCondition = try r.u8()
            let condition = ExpireCondition(rawValue: rawCondition)
            guard ExpireCondition.all.isSuperset(of: condition) else {
                throw DecodeError.invalid("unknown EXPIRE condition \(rawCondition)")
            }
            return .expire(key, change, condition)
        case .persist:
            return .persist(try r.blob())
        case .ttl:
            return .ttl(try r.blob(), inMs: try readFlag(from: &r))
        case .expireTime:
            return .expireTime(try r.blob(), inMs: try readFlag(from: &r))
        case .incrBy:
            return .incrBy(try r.blob(), Int64(bitPattern: try r.u64()))
        case .cas:
            return .cas(try r.blob(), try r.blob(), try r.blob())
        case .multi:
            return .multi(try readCommands(from: &r, depth: depth))
        case .watchedMulti:
            let n = try r.count(minBytesEach: 12)
            var watched: [WatchedKey] = []
            watched.reserveCapacity(n)
            for _ in 0..<n { watched.append(WatchedKey(key: try r.blob(), seq: try r.u64())) }
            return .watchedMulti(watched, try readCommands(from: &r, depth: depth))
        case .rid:
            let clientID = try r.blob()
            let seq = try r.u64()
            return .rid(clientID: clientID, seq: seq, try decode(from: &r, depth: depth + 1))
        case .get:
            return .get(try r.blob())
        case .mget:
            return .mget(try readList(from: &r))
        case .exists:
            return .exists(try readList(from: &r))
        case .dbsize:
            return .dbsize
        case .snapshot:
            return .snapshot
        case .keys:
            return .keys(try r.blob())
        case .scan:
            let cursor = try r.u64()
            let rawCount = try r.u64()
            guard rawCount >= 1, rawCount <= UInt64(Int.max) else {
                throw DecodeError.invalid("SCAN count \(rawCount) out of range")
            }
            let match = try readFlag(from: &r) ? try r.blob() : nil
            return .scan(cursor: cursor, match: match, count: Int(rawCount))
        }
    }

    private static func readCommands(from r: inout ByteReader, depth: Int) throws -> [KVCommand] {
        let n = try r.count(minBytesEach: 1)
        var commands: [KVCommand] = []
        commands.reserveCapacity(n)
        for _ in 0..<n { commands.append(try decode(from: &r, depth: depth + 1)) }
        return commands
    }

    private static func writePairs(_ pairs: [(key: [UInt8], value: [UInt8])], into w: inout ByteWriter) {
        w.u32(UInt32(pairs.count))
        for pair in pairs {
            w.blob(pair.key)
            w.blob(pair.value)
        }
    }

    private static func readPairs(from r: inout ByteReader) throws -> [(key: [UInt8], value: [UInt8])] {
        let n = try r.count(minBytesEach: 8)
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        pairs.reserveCapacity(n)
        for _ in 0..<n { pairs.append((try r.blob(), try r.blob())) }
        return pairs
    }

    /// One byte (0 keep, 1 clear, 2 after, 3 at), then the ms for 2 and 3.
    private static func writeExpiry(_ change: ExpiryChange, into w: inout ByteWriter) {
        switch change {
        case .keep: w.u8(0)
        case .clear: w.u8(1)
        case .after(let ms):
            w.u8(2)
            w.u64(UInt64(bitPattern: ms))
        case .at(let ms):
            w.u8(3)
            w.u64(UInt64(bitPattern: ms))
        }
    }

    private static func readExpiry(from r: inout ByteReader) throws -> ExpiryChange {
        switch try r.u8() {
        case 0: return .keep
        case 1: return .clear
        case 2: return .after(ms: Int64(bitPattern: try r.u64()))
        case 3: return .at(ms: Int64(bitPattern: try r.u64()))
        case let kind: throw DecodeError.invalid("unknown expiry kind \(kind)")
        }
    }

    private static func readFlag(from r: inout ByteReader) throws -> Bool {
        let flag = try r.u8()
        guard flag <= 1 else { throw DecodeError.invalid("bad flag \(flag)") }
        return flag == 1
    }

    private static func writeList(_ items: [[UInt8]], into w: inout ByteWriter) {
        w.u32(UInt32(items.count))
        for item in items { w.blob(item) }
    }

    private static func readList(from r: inout ByteReader) throws -> [[UInt8]] {
        let n = try r.count(minBytesEach: 4)
        var items: [[UInt8]] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try r.blob()) }
        return items
    }
}
