import PaxosCore

/// The simulator's state machine: a count of applied writes and a running
/// hash of their ids. Any divergence between nodes changes the hash; a read
/// returns the count, which orders it against every write.
public struct SimStateMachine: StateMachine, Equatable, Sendable {
    public var count: UInt64 = 0
    public var hash: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func apply(_ payload: [UInt8], logTimeMs: UInt64) -> [UInt8] {
        let id = Self.decode(payload)
        count += 1
        hash = (hash ^ id) &* 0x100_0000_01B3
        return Self.encode(count)
    }

    public func query(_ payload: [UInt8]) -> [UInt8] { Self.encode(count) }

    public func snapshot() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        w.u64(count)
        w.u64(hash)
        return w.bytes
    }

    public mutating func restore(from snapshot: [UInt8]) throws {
        var r = ByteReader(snapshot)
        count = try r.u64()
        hash = try r.u64()
        try r.expectEnd()
    }

    public static func encode(_ v: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 8)
        w.u64(v)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) -> UInt64 {
        var r = ByteReader(bytes)
        return (try? r.u64()) ?? UInt64.max
    }
}
