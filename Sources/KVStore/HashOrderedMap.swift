/// The key-value map, kept in (KeyHash, key) order: a table of buckets
/// picked by the hash's top bits, each bucket sorted. That order is the same
/// on every node, so SCAN can resume from a hash (its cursor) and the
/// snapshot is written without sorting a million keys. The bucket count is
/// internal: it never shows in a reply or a snapshot.
struct HashOrderedMap {
    struct Entry {
        var hash: UInt64
        var key: [UInt8]
        var value: [UInt8]
    }

    /// Average entries per bucket before the table doubles.
    private static let loadMax = 4
    private static let bucketBitsMin = 4
    private static let bucketBitsMax = 28

    private(set) var count = 0
    /// Invariant: `buckets.count == 1 << bucketBits`; every bucket sorted by (hash, key), no duplicate keys.
    private var buckets: [[Entry]]
    private var bucketBits: Int
    /// Always `KeyHash.of` but in tests, which force collisions.
    private let hashOf: @Sendable ([UInt8]) -> UInt64

    /// `capacity` sizes the table up front (restore knows the key count).
    init(capacity: Int = 0, hashOf: @escaping @Sendable ([UInt8]) -> UInt64 = KeyHash.of) {
        self.hashOf = hashOf
        var bits = Self.bucketBitsMin
        while bits < Self.bucketBitsMax && (1 << bits) * Self.loadMax < capacity { bits += 1 }
        bucketBits = bits
        buckets = Array(repeating: [], count: 1 << bits)
    }

    @inline(__always)
    private func bucketIndex(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> UInt64(64 - bucketBits))
    }

    /// The first index in `bucket` whose entry is not below (hash, key), and whether it holds `key`.
    /// Keys are compared only within a group of equal hashes, which is almost always one entry.
    private static func position(in bucket: [Entry], hash: UInt64, key: [UInt8]) -> (index: Int, isFound: Bool) {
        var i = position(in: bucket, hashAtLeast: hash)
        while i < bucket.count && bucket[i].hash == hash {
            if bucket[i].key == key { return (i, true) }
            if !bytesPrecede(bucket[i].key, key) { break }
            i += 1
        }
        return (i, false)
    }

    /// The first index in `bucket` whose hash is at least `hash`.
    private static func position(in bucket: [Entry], hashAtLeast hash: UInt64) -> Int {
        var low = 0
        var high = bucket.count
        while low < high {
            let mid = (low + high) / 2
            if bucket[mid].hash < hash { low = mid + 1 } else { high = mid }  // reads the hash only: no retain
        }
        return low
    }

    func value(for key: [UInt8]) -> [UInt8]? {
        let hash = hashOf(key)
        let b = bucketIndex(hash)
        let (i, isFound) = Self.position(in: buckets[b], hash: hash, key: key)
        return isFound ? buckets[b][i].value : nil
    }

    /// Sets `key` to `value`; returns true when the key is new.
    @discardableResult
    mutating func set(_ value: [UInt8], for key: [UInt8]) -> Bool {
        let hash = hashOf(key)
        let b = bucketIndex(hash)
        let (i, isFound) = Self.position(in: buckets[b], hash: hash, key: key)
        if isFound {
            buckets[b][i].value = value
            return false
        }
        buckets[b].insert(Entry(hash: hash, key: key, value: value), at: i)
        count += 1
        if count > Self.loadMax << bucketBits && bucketBits < Self.bucketBitsMax { grow() }
        return true
    }

    /// Removes `key`; returns true when it was there.
    @discardableResult
    mutating func remove(_ key: [UInt8]) -> Bool {
        let hash = hashOf(key)
        let b = bucketIndex(hash)
        let (i, isFound) = Self.position(in: buckets[b], hash: hash, key: key)
        guard isFound else { return false }
        buckets[b].remove(at: i)
        count -= 1
        precondition(count >= 0, "map count went negative")
        return true
    }

    /// Appends an entry that must follow every entry already present in
    /// (hash, key) order; returns false (and changes nothing) otherwise.
    /// Restore uses it to rebuild from a snapshot without searching.
    mutating func appendInOrder(key: [UInt8], value: [UInt8], last: inout (hash: UInt64, key: [UInt8])?) -> Bool {
        let hash = hashOf(key)
        if let last {
            guard last.hash < hash || (last.hash == hash && bytesPrecede(last.key, key)) else { return false }
        }
        buckets[bucketIndex(hash)].append(Entry(hash: hash, key: key, value: value))
        count += 1
        last = (hash, key)
        if count > Self.loadMax << bucketBits && bucketBits < Self.bucketBitsMax { grow() }
        return true
    }

    /// Doubles the table. Bucket i splits into 2i and 2i+1 by the next hash
    /// bit, so each half stays sorted.
    private mutating func grow() {
        let old = buckets
        bucketBits += 1
        buckets = Array(repeating: [], count: 1 << bucketBits)
        for bucket in old {
            for entry in bucket { buckets[bucketIndex(entry.hash)].append(entry) }
        }
    }

    /// Calls `body` for every entry in (hash, key) order.
    func forEach(_ body: (Entry) throws -> Void) rethrows {
        for bucket in buckets {
            for entry in bucket { try body(entry) }
        }
    }

    /// Visits the entries whose hash is at least `cursor`, in order: `count`
    /// of them, then the rest of the last one's hash group (so a cursor never
    /// has to point inside a group of equal hashes). Returns the hash of the
    /// next entry, the cursor to resume from, or 0 when none is left.
    /// A non-zero result is always > 0: it follows at least one visited hash.
    func scan(from cursor: UInt64, count: Int, _ visit: ([UInt8]) -> Void) -> UInt64 {
        precondition(count >= 1, "scan count must be positive")
        var visited = 0
        var lastHash: UInt64 = 0
        var b = bucketIndex(cursor)
        var i = Self.position(in: buckets[b], hashAtLeast: cursor)
        while b < buckets.count {
            let bucket = buckets[b]
            while i < bucket.count {
                let entry = bucket[i]
                if visited >= count && entry.hash != lastHash {
                    return entry.hash
                }
                visit(entry.key)
                visited += 1
                lastHash = entry.hash
                i += 1
            }
            b += 1
            i = 0
        }
        return 0
    }
}
