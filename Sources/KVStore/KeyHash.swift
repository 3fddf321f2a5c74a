/// A fixed 64-bit hash of a key: FNV-1a, then MurmurHash3's fmix64 so the
/// top bits (which pick a bucket) depend on every byte. It must never be
/// seeded per process (Swift's `Hasher` is): SCAN cursors and the snapshot
/// order derive from it and must be the same on every node and restart.
enum KeyHash {
    static func of(_ key: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}

/// Byte-wise lexicographic order, as Redis compares keys (memcmp).
@inline(__always)
func bytesPrecede(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.lexicographicallyPrecedes(b)
}
