import PaxosCore

/// The simulator's state machine: a count of applied writes and a running
/// hash of their ids. Any divergence between nodes changes the hash; a read
/// returns the count, which orders it against every write, and how many
/// leases have expired.
///
/// With `leaseEvery` > 0, every write whose id is a multiple of it also
/// takes a lease that expires a few hundred ms of log time later, as a key
/// with a TTL does: `advance` expires leases whose deadline the log time
/// reached, folding each into the hash, so replicas that expired different
/// leases at different slots differ.
public struct SimStateMachine: StateMachine, Equatable, Sendable {
    public var count: UInt64 = 0
    public var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    /// Live leases (deadline, write id), earliest first.
    public var leases: [Lease] = []
    public var expired: UInt64 = 0
    public var clockMs: UInt64 = 0
    public let leaseEvery: UInt64

    public struct Lease: Equatable, Sendable {
        public var deadlineMs: UInt64
        public var id: UInt64
    }

    public init(leaseEvery: UInt64 = 0) {
        self.leaseEvery = leaseEvery
    }

    /// How long write `id`'s lease lasts: 30 to 230 ms of log time.
    static func leaseMs(_ id: UInt64) -> UInt64 { 30 + (id % 11) * 20 }

    public mutating func apply(_ payload: [UInt8], logTimeMs: UInt64) -> [UInt8] {
        advance(logTimeMs: logTimeMs)
        let id = Self.decode(payload)
        count += 1
        hash = (hash ^ id) &* 0x100_0000_01B3
        if leaseEvery > 0, id % leaseEvery == 0 {
            let lease = Lease(deadlineMs: clockMs + Self.leaseMs(id), id: id)
            let at = leases.firstIndex { ($0.deadlineMs, $0.id) > (lease.deadlineMs, lease.id) } ?? leases.endIndex
            leases.insert(lease, at: at)
        }
        return Self.encode(count)
    }

    public mutating func advance(logTimeMs: UInt64) {
        clockMs = max(clockMs, logTimeMs)
        while let first = leases.first, first.deadlineMs <= clockMs {
            leases.removeFirst()
            expired += 1
            hash = (hash ^ (first.id | 1 << 63)) &* 0x100_0000_01B3
        }
    }

    public var nextDeadlineMs: UInt64? { leases.first?.deadlineMs }
    public var logTimeMs: UInt64 { clockMs }

    /// The count, then the expired leases.
    public func query(_ payload: [UInt8]) -> [UInt8] { Self.encode(count) + Self.encode(expired) }

    public func snapshot() -> [UInt8] {
        var w = ByteWriter(capacity: 40 + 16 * leases.count)
        w.u64(count)
        w.u64(hash)
        w.u64(expired)
        w.u64(clockMs)
        w.u32(UInt32(leases.count))
        for lease in leases {
            w.u64(lease.deadlineMs)
            w.u64(lease.id)
        }
        return w.bytes
    }

    public mutating func restore(from snapshot: [UInt8]) throws {
        var r = ByteReader(snapshot)
        var restored = SimStateMachine(leaseEvery: leaseEvery)
        restored.count = try r.u64()
        restored.hash = try r.u64()
        restored.expired = try r.u64()
        restored.clockMs = try r.u64()
        for _ in 0..<(try r.count(minBytesEach: 16)) {
            restored.leases.append(Lease(deadlineMs: try r.u64(), id: try r.u64()))
        }
        try r.expectEnd()
        self = restored
    }

    public static func encode(_ v: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 8)
        w.u64(v)
        return w.bytes
    }

    /// The first u64 (a write id, or a reply's count).
    public static func decode(_ bytes: [UInt8]) -> UInt64 {
        var r = ByteReader(bytes)
        return (try? r.u64()) ?? UInt64.max
    }

    /// A read reply's second u64: the leases expired in the state it read.
    public static func decodeExpired(_ bytes: [UInt8]) -> UInt64? {
        var r = ByteReader(bytes)
        _ = try? r.u64()
        return try? r.u64()
    }
}
