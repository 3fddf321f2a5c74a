// The history model: what a client asked, when, and what it was told.

/// Keys and values are raw bytes, as on the wire; an absent key reads as nil.
public typealias Bytes = [UInt8]

/// SET's NX / XX flag.
public enum SetCondition: String, Sendable, Hashable {
    case none, nx, xx
}

/// One key/value pair of an MSET (tuples are not Hashable).
public struct KeyValue: Sendable, Hashable {
    public var key: Bytes
    public var value: Bytes
    public init(key: Bytes, value: Bytes) {
        self.key = key
        self.value = value
    }
}

/// The command a client sent.
public enum Call: Sendable, Hashable {
    case get(key: Bytes)
    case set(key: Bytes, value: Bytes, condition: SetCondition)
    case del(keys: [Bytes])
    case cas(key: Bytes, expected: Bytes, new: Bytes)
    case incr(key: Bytes, by: Int64)
    case mset(pairs: [KeyValue])
    case mget(keys: [Bytes])
    /// `SET key value PX ms`: the key may vanish any time after (the model has no clock).
    case setPX(key: Bytes, value: Bytes, ms: Int64)
    /// `PEXPIRE key ms` (ms > 0): `swapped(true)` when the key existed.
    case expire(key: Bytes, ms: Int64)
    /// `GETSET key value`: the old value; the new one has no deadline.
    case getSet(key: Bytes, value: Bytes)
    /// `GETDEL key`: the old value; the key is gone.
    case getDel(key: Bytes)

    /// Every key the command reads or writes, in argument order.
    public var keys: [Bytes] {
        switch self {
        case .get(let key), .set(let key, _, _), .cas(let key, _, _), .incr(let key, _), .setPX(let key, _, _),
             .expire(let key, _), .getSet(let key, _), .getDel(let key):
            return [key]
        case .del(let keys), .mget(let keys): return keys
        case .mset(let pairs): return pairs.map(\.key)
        }
    }

    /// Reads change nothing, so a read whose reply we never saw tells us nothing.
    public var isReadOnly: Bool {
        switch self {
        case .get, .mget: return true
        default: return false
        }
    }
}

/// What the server answered to an acknowledged command.
public enum Reply: Sendable, Hashable {
    case value(Bytes?)  // GET
    case applied(Bool)  // SET (false: NX/XX did not hold, nil reply)
    case count(Int)  // DEL
    case swapped(Bool)  // CAS
    case integer(Int64)  // INCR: the new value
    case ok  // MSET
    case values([Bytes?])  // MGET, one per key

    /// Whether this kind of reply answers `call`.
    public func answers(_ call: Call) -> Bool {
        switch (call, self) {
        case (.get, .value), (.set, .applied), (.del, .count), (.cas, .swapped),
            (.incr, .integer), (.mset, .ok), (.setPX, .applied(true)), (.expire, .swapped), (.getSet, .value), (.getDel, .value):
            return true
        case (.mget(let keys), .values(let values)): return keys.count == values.count
        default: return false
        }
    }
}

/// How a command ended.
public enum Outcome: Sendable, Hashable {
    /// Acknowledged with this reply: it took effect exactly once, between invoke and complete.
    case ok(Reply)
    /// Definitely not applied, and never will be (-NOQUORUM).
    case fail
    /// -TIMEOUT or a dropped connection: it may take effect any time after invoke, or never.
    case unknown
}

/// One client command in a history.
public struct Operation: Sendable, Hashable {
    public var process: Int
    public var call: Call
    public var invokeNs: Int64
    /// nil when the outcome is unknown: the op stays open forever.
    public var completeNs: Int64?
    public var outcome: Outcome

    public init(process: Int, call: Call, invokeNs: Int64, completeNs: Int64?, outcome: Outcome) {
        self.process = process
        self.call = call
        self.invokeNs = invokeNs
        self.completeNs = completeNs
        self.outcome = outcome
    }

    /// Why this op cannot be checked, or nil when it is well formed.
    public var malformation: String? {
        if let completeNs, completeNs < invokeNs { return "completes before it is invoked" }
        if call.keys.isEmpty { return "touches no key" }
        switch outcome {
        case .ok(let reply):
            if completeNs == nil { return "acknowledged without a complete time" }
            if !reply.answers(call) { return "reply \(reply) does not answer the call" }
        case .fail, .unknown: break
        }
        return nil
    }
}
