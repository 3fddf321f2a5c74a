/// What the workload sends and how hard: a few hot keys per time window,
/// many clients on every node, unique written values.
public struct WorkloadOptions: Sendable {
    /// Client connections per node, each one blocking op at a time.
    public var clientsPerNode: Int = 3
    /// Register keys (GET/SET/CAS/DEL) in use at once; one counter key (INCR) besides.
    public var registersPerWindow: Int = 3
    /// Keys change every window so each key's history stays small enough to check.
    public var windowMs: Int = 2_000
    /// How long a client waits for a reply before it calls the op unknown.
    public var replyTimeoutSeconds: Double = 3

    public init() {}

    /// The keys of one window: registers, the INCR counter, and a pair that
    /// MSET/MGET use (apart from the registers, so each register stays a
    /// one-key partition for the checker).
    public static func keys(window: Int, registers: Int)
        -> (registers: [[UInt8]], counter: [UInt8], pair: [[UInt8]], volatile: [UInt8]) {
        ((0..<registers).map { Array("w\(window).r\($0)".utf8) }, Array("w\(window).n".utf8),
         [Array("w\(window).p0".utf8), Array("w\(window).p1".utf8)], Array("w\(window).t".utf8))
    }
}
