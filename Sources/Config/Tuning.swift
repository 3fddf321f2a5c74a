import PaxosCore

/// The optional top-level tuning keys of a config file, with their defaults.
public struct Tuning: Sendable, Equatable {
    public var heartbeatMs: UInt64 = 50
    public var electionTimeoutMs: UInt64 = 300
    public var requestTimeoutMs: UInt64 = 5_000
    public var snapshotEvery: UInt64 = 10_000
    public var maxBatch: Int = 512
    public var maxInFlight: Int = 8
    public var sessionTTLSeconds: UInt64 = 3_600
    public var maxSessions: Int = 100_000
    public var maxConnections: Int = 10_000
    public var maxKeyBytes: Int = 65_536
    public var maxValueBytes: Int = 1_048_576
    public var maxRequestBytes: Int = 4_194_304
    /// `GET /health` answers 503 when the node's applied index is more than
    /// this many slots behind the leader's commit.
    public var healthMaxLag: UInt64 = 1_000

    public init() {}

    /// Every tuning key with its allowed range. The parser accepts exactly
    /// these at top level besides `cluster` and `password`.
    static let ranges: [(name: String, range: ClosedRange<Int64>)] = [
        ("heartbeat_ms", 1...60_000),
        ("election_timeout_ms", 2...600_000),
        ("request_timeout_ms", 1...3_600_000),
        ("snapshot_every", 1...1_000_000_000),
        ("max_batch", 1...1_000_000),
        ("max_in_flight", 1...10_000),
        ("session_ttl_s", 1...1_000_000_000),
        ("max_sessions", 1...1_000_000_000),
        ("max_connections", 1...10_000_000),
        ("max_key_bytes", 1...(512 << 20)),
        ("max_value_bytes", 1...(512 << 20)),
        ("max_request_bytes", 1...(1 << 30)),
        ("health_max_lag", 0...1_000_000_000),
    ]

    /// Stores `value` (already checked against `ranges`) under config key `name`.
    mutating func set(_ name: String, _ value: Int64) {
        switch name {
        case "heartbeat_ms": heartbeatMs = UInt64(value)
        case "election_timeout_ms": electionTimeoutMs = UInt64(value)
        case "request_timeout_ms": requestTimeoutMs = UInt64(value)
        case "snapshot_every": snapshotEvery = UInt64(value)
        case "max_batch": maxBatch = Int(value)
        case "max_in_flight": maxInFlight = Int(value)
        case "session_ttl_s": sessionTTLSeconds = UInt64(value)
        case "max_sessions": maxSessions = Int(value)
        case "max_connections": maxConnections = Int(value)
        case "max_key_bytes": maxKeyBytes = Int(value)
        case "max_value_bytes": maxValueBytes = Int(value)
        case "max_request_bytes": maxRequestBytes = Int(value)
        case "health_max_lag": healthMaxLag = UInt64(value)
        default: preconditionFailure("unknown tuning key \(name)")
        }
    }

    /// The core's view of these settings for node `id` of `members`.
    public func makeCoreConfig(id: NodeID, members: [NodeID]) -> CoreConfig {
        var core = CoreConfig(id: id, members: members)
        core.heartbeatMs = heartbeatMs
        core.electionTimeoutMs = electionTimeoutMs
        core.requestTimeoutMs = requestTimeoutMs
        core.snapshotEvery = snapshotEvery
        core.maxBatch = maxBatch
        core.maxInFlight = maxInFlight
        // The node steps .endOfTurn in beforeSleep: one slot per loop turn's writes.
        core.proposesAtEndOfTurn = true
        return core
    }
}
