/// Seeded generator so every random test replays exactly (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
