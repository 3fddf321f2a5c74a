/// Latency percentiles over a sorted sample of microseconds (nearest rank).
public struct LatencyStats: Sendable, Equatable {
    public private(set) var sortedMicros: [UInt32]

    public init(micros: [UInt32]) {
        sortedMicros = micros.sorted()
    }

    public var count: Int { sortedMicros.count }

    /// The smallest sample with at least `percent` % of samples at or below
    /// it; nil without samples.
    public func percentile(_ percent: Double) -> UInt32? {
        precondition(percent > 0 && percent <= 100)
        guard !sortedMicros.isEmpty else { return nil }
        // The small epsilon keeps 99.9 % of 1000 at rank 999 despite binary floating point.
        let rank = Int((percent / 100 * Double(sortedMicros.count) - 1e-9).rounded(.up))
        return sortedMicros[Swift.min(Swift.max(rank, 1), sortedMicros.count) - 1]
    }

    public var maximum: UInt32? { sortedMicros.last }
}
