/// When `SET` writes: always, only if the key is absent (NX) or only if present (XX).
public enum SetCondition: UInt8, Sendable, Equatable {
    /// Plain SET: always writes.
    case none = 0
    /// SET NX: writes only when the key is absent.
    case nx = 1
    /// SET XX: writes only when the key exists.
    case xx = 2
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
    /// `CAS key expected new`: `:1` swapped, `:0` current value differs or key missing.
    case cas([UInt8], [UInt8], [UInt8])
    /// `MULTI` ... `EXEC`: runs in order as one log entry; replies an array of each reply.
    case multi([KVCommand])
    /// `RID client-id seq command`: runs `command` at most once per (client, seq).
    indirect case rid(clientID: [UInt8], seq: UInt64, KVCommand)

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

    /// True for commands that only read, which may be answered by `query`
    /// at a read index instead of going through the log. A `MULTI` is
    /// read-only when everything inside is.
    public var isReadOnly: Bool {
        switch self {
        case .set, .del, .mset, .incrBy, .cas, .rid:
            return false
        case .multi(let commands):
            return commands.allSatisfy(\.isReadOnly)
        case .get, .mget, .exists, .dbsize, .keys, .scan, .snapshot:
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
        case let (.mset(a), .mset(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.incrBy(k1, n1), .incrBy(k2, n2)):
            return k1 == k2 && n1 == n2
        case let (.cas(k1, e1, n1), .cas(k2, e2, n2)):
            return k1 == k2 && e1 == e2 && n1 == n2
        case let (.multi(a), .multi(b)):
            return a == b
        case let (.rid(c1, s1, x1), .rid(c2, s2, x2)):
            return c1 == c2 && s1 == s2 && x1 == x2
        case let (.get(a), .get(b)), let (.keys(a), .keys(b)):
            return a == b
        case (.dbsize, .dbsize), (.snapshot, .snapshot):
            return true
        case let (.scan(c1, m1, n1), .scan(c2, m2, n2)):
            return c1 == c2 && m1 == m2 && n1 == n2
        default:
            return false
        }
    }
}
