import PaxosCore

/// Seeded generator so every random test replays exactly.
struct SeededRandom: RandomNumberGenerator {
    private var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    mutating func bytes(_ n: Int) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// `bytes` cut into random chunks of 1...maxChunk.
    mutating func chunks(of bytes: [UInt8], maxChunk: Int) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            let n = Int.random(in: 1...maxChunk, using: &self)
            out.append(bytes[i..<min(bytes.count, i + n)])
            i += n
        }
        return out
    }
}

func b(_ s: String) -> [UInt8] { Array(s.utf8) }
