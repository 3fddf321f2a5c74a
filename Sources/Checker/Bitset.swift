// Which ops of a partition are linearized; part of the memo key.

struct Bitset: Hashable {
    private(set) var words: [UInt64]

    init(count: Int) {
        precondition(count >= 0)
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    mutating func insert(_ i: Int) {
        assert(!contains(i))
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    mutating func remove(_ i: Int) {
        assert(contains(i))
        words[i >> 6] &= ~(1 << UInt64(i & 63))
    }
}
