/// When `SET` writes: always, only if the key is absent (NX) or only if present (XX).
public enum SetCondition: UInt8, Sendable, Equatable {
    /// Plain SET: always writes.
    case none = 0
    /// SET NX: writes only when the key is absent.
    case nx = 1
    /// SET XX: writes only when the key exists.
    case xx = 2
}

/// A key a connection watched, with the state machine's `changeSeq` it had
/// applied when it did (at most what any later read on it saw).
public struct WatchedKey: Sendable, Equatable {
    public var key: [UInt8]
    public var seq: UInt64

    public init(key: [UInt8], seq: UInt64) {
        self.key = key
        self.seq = seq
    }
}

/// Every command the key-value state machine applies (writes, through the
/// log) or answers (reads). Keys, values and patterns are raw bytes, never
/// `String`: Redis keys and values are binary-safe.
public enum KVCommand: Sendable {
    // Writes.
    /// `SET key value [NX|XX]`: `+OK`, or nil when the condition does not hold.
    case set([UInt8], [UInt8], condition: SetCondition)
    /// `DEL key...`: how many of the keys existed.
    case del([[UInt8]])
    /// `MSET key value...`: `+OK`; every pair in order, atomically.
    case mset([(key: [UInt8], value: [UInt8])])
    /// `INCR`/`DECR`/`INCRBY`/`DECRBY`: the new value.
    case incrBy([UInt8], Int64)
    /// `INCRBYFLOAT key increment`: the new value as Redis prints it (the
    /// increment as sent, already checked to be a float).
    case incrByFloat([UInt8], [UInt8])
    /// `PUBLISH channel message`: through the log, so every node delivers it
    /// in log order; the state machine replies 0, the node its receivers.
    case publish([UInt8], [UInt8])
    /// `CAS key expected new`: `:1` swapped, `:0` current value differs or key missing.
    case cas([UInt8], [UInt8], [UInt8])
    /// `MULTI` ... `EXEC`: runs in order as one log entry; replies an array of each reply.
    case multi([KVCommand])
    /// `RID client-id seq command`: runs `command` at most once per (client, seq).
    indirect case rid(clientID: [UInt8], seq: UInt64, KVCommand)
    /// `SETNX key value`: `:1` set, `:0` the key existed.
    case setNX([UInt8], [UInt8])
    /// `GETSET key value`: the old value (bulk or nil); sets the new one.
    case getSet([UInt8], [UInt8])
    /// `GETDEL key`: the value (bulk or nil); deletes the key.
    case getDel([UInt8])
    /// `APPEND key value`: the new length.
    case append([UInt8], [UInt8])
    /// `SETRANGE key offset value`: the new length (zero-padded past the end).
    case setRange([UInt8], offset: Int, [UInt8])
    /// `FLUSHDB` / `FLUSHALL`: `+OK`; every key gone (client sessions stay).
    case flush
    /// `RENAME src dst` (`+OK`) / `RENAMENX src dst` (`:1`, or `:0` when dst exists).
    case rename([UInt8], [UInt8], nx: Bool)
    /// `MSETNX key value...`: `:1` all set, `:0` none (one of the keys existed).
    case msetNX([(key: [UInt8], value: [UInt8])])
    /// `COPY src dst [REPLACE]`: `:1` copied, `:0` src missing or dst exists.
    case copy([UInt8], [UInt8], replace: Bool)
    /// `SET key value` with `GET`, `KEEPTTL` or a deadline (`SETEX`, `PSETEX`
    /// too): `+OK`/nil as SET, or with GET the old value.
    case setWith([UInt8], [UInt8], SetOptions)
    /// `GETEX key [EX|PX|EXAT|PXAT|PERSIST]`: the value (or nil); `.keep` changes nothing, `.clear` is PERSIST.
    case getEx([UInt8], ExpiryChange)
    /// `EXPIRE`/`PEXPIRE`/`EXPIREAT`/`PEXPIREAT key t [NX|XX|GT|LT]`: `:1` set, `:0` not.
    case expire([UInt8], ExpiryChange, ExpireCondition)
    /// `PERSIST key`: `:1` a deadline was removed, `:0` none.
    case persist([UInt8])
    /// `WATCH` ... `MULTI` ... `EXEC`: runs `commands` as MULTI does only
    /// if no watched key changed since its `seq` (`changeSeq` when it was
    /// watched); otherwise nothing runs and the reply is nil.
    case watchedMulti([WatchedKey], [KVCommand])
    /// `TTL`/`PTTL key`: what is left at this slot's log time. Through the
    /// log, so it counts down even when nothing else is written.
    case ttl([UInt8], inMs: Bool)

    // Reads.
    /// `GET key`: bulk or nil.
    case get([UInt8])
    /// `MGET key...`: array of bulk or nil.
    case mget([[UInt8]])
    /// `EXISTS key...`: how many of the keys exist, duplicates counted each time.
    case exists([[UInt8]])
    /// `DBSIZE`: number of keys.
    case dbsize
    /// `KEYS pattern`: every key matching the glob, in byte order.
    case keys([UInt8])
    /// `SCAN cursor [MATCH pattern] [COUNT n]`: `[next-cursor, [keys]]`; `count` must be >= 1.
    case scan(cursor: UInt64, match: [UInt8]?, count: Int)
    /// `SNAPSHOT`: `[slot, keys, state]`, the whole state as a snapshot at the
    /// applied slot (`kvctl snapshot save`); answered only by
    /// `query(_:appliedIndex:)`, alone (inside MULTI it is an error).
    case snapshot
    /// `STRLEN key`: the value's length, 0 when missing.
    case strlen([UInt8])
    /// `GETRANGE key start end`: the substring (negative offsets from the end).
    case getRange([UInt8], start: Int64, end: Int64)
    /// `TYPE key`: `+string` or `+none`.
    case type([UInt8])
    /// `TOUCH key...`: how many of the keys exist.
    case touch([[UInt8]])
    /// `RANDOMKEY`: the first key at or after `from` in the map's hash order
    /// (the router picks `from` at random), or nil when there are none.
    case randomKey(from: UInt64)
    /// `OBJECT ENCODING key`: `int`, `embstr` or `raw`, as Redis would store it; nil when missing.
    case objectEncoding([UInt8])
    /// `EXPIRETIME`/`PEXPIRETIME key`: the absolute deadline, -1 none, -2 missing.
    case expireTime([UInt8], inMs: Bool)

    /// True for commands that only read, which may be answered by `query`
    /// at a read index instead of going through the log. A `MULTI` is
    /// read-only when everything inside is.
    public var isReadOnly: Bool {
        switch self {
        case .set, .del, .mset, .incrBy, .cas, .rid, .setNX, .getSet, .getDel, .append, .setRange, .flush, .rename,
             .msetNX, .copy, .setWith, .getEx, .expire, .persist, .ttl, .watchedMulti, .incrByFloat, .publish:
            return false
        case .multi(let commands):
            return commands.allSatisfy(\.isReadOnly)
        case .get, .mget, .exists, .dbsize, .keys, .scan, .snapshot, .strlen, .getRange, .type, .touch, .randomKey,
             .objectEncoding, .expireTime:
            return true
        }
    }
}

extension KVCommand: Equatable {
    // Written out because `mset`'s tuples are not Equatable.
    public static func == (lhs: KVCommand, rhs: KVCommand) -> Bool {
        switch (lhs, rhs) {
        case let (.set(k1, v1, c1), .set(k2, v2, c2)):
            return k1 == k2 && v1 == v2 && c1 == c2
        case let (.del(a), .del(b)), let (.mget(a), .mget(b)), let (.exists(a), .exists(b)):
            return a == b
        case let (.mset(a), .mset(b)), let (.msetNX(a), .msetNX(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.incrBy(k1, n1), .incrBy(k2, n2)):
            return k1 == k2 && n1 == n2
        case let (.cas(k1, e1, n1), .cas(k2, e2, n2)):
            return k1 == k2 && e1 == e2 && n1 == n2
        case let (.multi(a), .multi(b)):
            return a == b
        case let (.watchedMulti(w1, a), .watchedMulti(w2, b)):
            return w1 == w2 && a == b
        case let (.rid(c1, s1, x1), .rid(c2, s2, x2)):
            return c1 == c2 && s1 == s2 && x1 == x2
        case let (.get(a), .get(b)), let (.keys(a), .keys(b)), let (.getDel(a), .getDel(b)), let (.strlen(a), .strlen(b)),
             let (.type(a), .type(b)):
            return a == b
        case let (.touch(a), .touch(b)):
            return a == b
        case let (.randomKey(a), .randomKey(b)):
            return a == b
        case let (.objectEncoding(a), .objectEncoding(b)):
            return a == b
        case let (.setNX(k1, v1), .setNX(k2, v2)), let (.getSet(k1, v1), .getSet(k2, v2)), let (.append(k1, v1), .append(k2, v2)),
             let (.incrByFloat(k1, v1), .incrByFloat(k2, v2)), let (.publish(k1, v1), .publish(k2, v2)):
            return k1 == k2 && v1 == v2
        case let (.setRange(k1, o1, v1), .setRange(k2, o2, v2)):
            return k1 == k2 && o1 == o2 && v1 == v2
        case (.flush, .flush):
            return true
        case let (.rename(s1, d1, n1), .rename(s2, d2, n2)), let (.copy(s1, d1, n1), .copy(s2, d2, n2)):
            return s1 == s2 && d1 == d2 && n1 == n2
        case let (.setWith(k1, v1, o1), .setWith(k2, v2, o2)):
            return k1 == k2 && v1 == v2 && o1 == o2
        case let (.getEx(k1, e1), .getEx(k2, e2)):
            return k1 == k2 && e1 == e2
        case let (.expire(k1, e1, c1), .expire(k2, e2, c2)):
            return k1 == k2 && e1 == e2 && c1 == c2
        case let (.persist(a), .persist(b)):
            return a == b
        case let (.ttl(k1, m1), .ttl(k2, m2)), let (.expireTime(k1, m1), .expireTime(k2, m2)):
            return k1 == k2 && m1 == m2
        case let (.getRange(k1, s1, e1), .getRange(k2, s2, e2)):
            return k1 == k2 && s1 == s2 && e1 == e2
        case (.dbsize, .dbsize), (.snapshot, .snapshot):
            return true
        case let (.scan(c1, m1, n1), .scan(c2, m2, n2)):
            return c1 == c2 && m1 == m2 && n1 == n2
        default:
            return false
        }
    }
}
