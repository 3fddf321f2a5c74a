import PaxosCore

/// Every choice in a simulated run comes from one of these, so a seed
/// replays the same run exactly.
public struct SimRandom: RandomNumberGenerator, Sendable {
    private var source: SplitMix64

    public init(seed: UInt64) { source = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { source.next() }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        p > 0 && Double(next() >> 11) / Double(1 << 53) < p
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    public mutating func u64(in range: ClosedRange<UInt64>) -> UInt64 { UInt64.random(in: range, using: &self) }
}
