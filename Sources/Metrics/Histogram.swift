/// A Prometheus-style histogram: counts of observations at or below each
/// upper bound (plus the overflow above the last), their sum and count.
/// Plain value: the owner decides how it is shared (a lock, one thread).
public struct Histogram: Sendable, Equatable {
    /// Upper bounds, strictly ascending; `+Inf` is implicit.
    public let bounds: [Double]
    /// Observations per bucket (not cumulative): `counts[i]` are those in
    /// (bounds[i-1], bounds[i]]; the last entry those above every bound.
    public private(set) var counts: [UInt64]
    public private(set) var sum: Double = 0
    public private(set) var count: UInt64 = 0

    public init(bounds: [Double]) {
        precondition(!bounds.isEmpty, "a histogram needs at least one bound")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds must ascend strictly")
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    public mutating func observe(_ value: Double) {
        var i = 0
        while i < bounds.count && value > bounds[i] { i += 1 }
        counts[i] += 1
        sum += value
        count += 1
    }

    /// Adds another histogram of the same bounds (per-thread parts merged for a scrape).
    public mutating func merge(_ other: Histogram) {
        precondition(other.bounds == bounds, "merging histograms of different bounds")
        for i in counts.indices { counts[i] += other.counts[i] }
        sum += other.sum
        count += other.count
    }

    /// Cumulative counts per bound, as the exposition format wants them
    /// (`le` buckets); the `+Inf` bucket is `count`.
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return bounds.indices.map { i in
            running += counts[i]
            return running
        }
    }

    /// The bound of the bucket holding the `q` quantile (nil: no observations,
    /// +infinity: above every bound): an upper estimate, as Prometheus's.
    public func quantileBound(_ q: Double) -> Double? {
        precondition(q > 0 && q <= 1, "a quantile is in (0, 1]")
        guard count > 0 else { return nil }
        let rank = UInt64((q * Double(count)).rounded(.up))
        for (i, c) in cumulativeCounts.enumerated() where c >= rank { return bounds[i] }
        return .infinity
    }

    /// Seconds from 50 µs to 10 s: fdatasync and command latency.
    public static let latencyBounds: [Double] = [
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
    ]
    /// Commands per slot: powers of two up to 4096.
    public static let batchBounds: [Double] = (0...12).map { Double(1 << $0) }
}
