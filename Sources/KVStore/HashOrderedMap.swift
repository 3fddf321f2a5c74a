/// The key-value map, kept in (KeyHash, key) order: a table of buckets
/// picked by the hash's top bits, each bucket sorted. That order is the same
/// on every node, so SCAN can resume from a hash (its cursor) and the
/// snapshot is written without sorting a million keys. The bucket count is
/// internal: it never shows in a reply or a snapshot.
///
/// Each bucket is ONE byte array of packed entries (`PackedEntry`: hash, key
/// length, value length, key, value), sized exactly, so an entry costs its
/// bytes plus 16 instead of three heap objects: for 100-byte values the map
/// took 2.3 × the raw key+value bytes as arrays of (hash, [UInt8], [UInt8])
/// and about 1.3 × packed. Buckets hold ~2-4 entries, so finding a key is a
/// short walk; a write rebuilds only its own bucket (a value of the same
/// length is overwritten in place). Copying the map is O(1) (copy-on-write
/// per bucket), so a copy can be serialised while the original moves on.
struct HashOrderedMap {
    /// One entry as the caller sees it (materialised: for KEYS and tests).
    struct Entry {
        var hash: UInt64
        var key: [UInt8]
        var value: [UInt8]
    }

    /// Average entries per bucket before the table doubles.
    private static let loadMax = 8
    private static let bucketBitsMin = 4
    private static let bucketBitsMax = 28

    private(set) var count = 0
    /// Sum of every key's and value's length (the snapshot sizes itself from it).
    private(set) var payloadBytes = 0
    /// Invariant: `buckets.count == 1 << bucketBits`; every bucket a
    /// sequence of packed entries sorted by (hash, key), no duplicate keys.
    private var buckets: [[UInt8]]
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

    /// Where `key` is or would go in `bucket`: the entry holding it, or the
    /// offset of the first entry above (hash, key).
    private static func find(in bucket: [UInt8], hash: UInt64, key: [UInt8]) -> (offset: Int, found: PackedEntry?) {
        bucket.withUnsafeBytes { bytes in
            key.withUnsafeBytes { k in
                var offset = 0
                while offset < bytes.count {
                    let e = PackedEntry(at: offset, in: bytes)
                    if e.hash > hash { break }
                    if e.hash == hash {
                        let order = PackedEntry.compare(e.key(in: bytes), k)
                        if order == 0 { return (offset, e) }
                        if order > 0 { break }
                    }
                    offset = e.end
                }
                return (offset, nil)
            }
        }
    }

    /// The offset of the first entry in `bucket` whose hash is at least `hash`.
    private static func offset(in bucket: [UInt8], hashAtLeast hash: UInt64) -> Int {
        bucket.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let e = PackedEntry(at: offset, in: bytes)
                if e.hash >= hash { break }
                offset = e.end
            }
            return offset
        }
    }

    func value(for key: [UInt8]) -> [UInt8]? {
        let hash = hashOf(key)
        let bucket = buckets[bucketIndex(hash)]
        guard let e = Self.find(in: bucket, hash: hash, key: key).found else { return nil }
        return bucket.withUnsafeBytes { Array(e.value(in: $0)) }
    }

    func contains(_ key: [UInt8]) -> Bool {
        let hash = hashOf(key)
        return Self.find(in: buckets[bucketIndex(hash)], hash: hash, key: key).found != nil
    }

    /// Sets `key` to `value`; returns true when the key is new.
    @discardableResult
    mutating func set(_ value: [UInt8], for key: [UInt8]) -> Bool {
        let hash = hashOf(key)
        let b = bucketIndex(hash)
        let (offset, found) = Self.find(in: buckets[b], hash: hash, key: key)
        if let found {
            payloadBytes += value.count - found.valueCount
            if found.valueCount == value.count {
                buckets[b].withUnsafeMutableBytes { bytes in
                    value.withUnsafeBytes { v in
                        guard let source = v.baseAddress else { return }
                        (bytes.baseAddress! + found.valueStart).copyMemory(from: source, byteCount: v.count)
                    }
                }
            } else {
                buckets[b] = Self.replacing(offset..<found.end, in: buckets[b], hash: hash, key: key, value: value)
            }
            return false
        }
        buckets[b] = Self.replacing(offset..<offset, in: buckets[b], hash: hash, key: key, value: value)
        count += 1
        payloadBytes += key.count + value.count
        if count > Self.loadMax << bucketBits && bucketBits < Self.bucketBitsMax { grow() }
        return true
    }

    /// Removes `key`; returns true when it was there.
    @discardableResult
    mutating func remove(_ key: [UInt8]) -> Bool {
        let hash = hashOf(key)
        let b = bucketIndex(hash)
        let (offset, found) = Self.find(in: buckets[b], hash: hash, key: key)
        guard let found else { return false }
        buckets[b] = Self.replacing(offset..<found.end, in: buckets[b], hash: hash, key: nil, value: [])
        count -= 1
        payloadBytes -= found.keyCount + found.valueCount
        precondition(count >= 0 && payloadBytes >= 0, "map count went negative")
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
        let b = bucketIndex(hash)
        let end = buckets[b].count
        buckets[b] = Self.replacing(end..<end, in: buckets[b], hash: hash, key: key, value: value)
        count += 1
        payloadBytes += key.count + value.count
        last = (hash, key)
        if count > Self.loadMax << bucketBits && bucketBits < Self.bucketBitsMax { grow() }
        return true
    }

    /// A copy of `bucket`, exactly sized, with `range` replaced by the entry
    /// (hash, key, value), or just cut out when `key` is nil.
    private static func replacing(_ range: Range<Int>, in bucket: [UInt8], hash: UInt64, key: [UInt8]?, value: [UInt8]) -> [UInt8] {
        let entryBytes = key.map { PackedEntry.headerBytes + $0.count + value.count } ?? 0
        let total = bucket.count - range.count + entryBytes
        return bucket.withUnsafeBytes { old in
            [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                let raw = UnsafeMutableRawBufferPointer(out)
                var at = 0
                func put(_ source: UnsafeRawBufferPointer) {
                    guard let base = source.baseAddress, source.count > 0 else { return }
                    (raw.baseAddress! + at).copyMemory(from: base, byteCount: source.count)
                    at += source.count
                }
                put(UnsafeRawBufferPointer(rebasing: old[..<range.lowerBound]))
                if let key {
                    at = PackedEntry.writeHeader(into: raw, at: at, hash: hash, keyCount: key.count, valueCount: value.count)
                    key.withUnsafeBytes(put)
                    value.withUnsafeBytes(put)
                }
                put(UnsafeRawBufferPointer(rebasing: old[range.upperBound...]))
                precondition(at == total, "bucket rebuilt to the wrong size")
                initialized = total
            }
        }
    }

    /// Doubles the table. Bucket i splits into 2i and 2i+1 by the next hash
    /// bit, so each half stays sorted.
    private mutating func grow() {
        let old = buckets
        bucketBits += 1
        buckets = Array(repeating: [], count: 1 << bucketBits)
        for (i, bucket) in old.enumerated() {
            bucket.withUnsafeBytes { bytes in
                // Entries with the next bit 0 all precede those with 1.
                var split = 0
                while split < bytes.count {
                    let e = PackedEntry(at: split, in: bytes)
                    if bucketIndex(e.hash) != 2 * i { break }
                    split = e.end
                }
                buckets[2 * i] = Array(bytes[..<split])
                buckets[2 * i + 1] = Array(bytes[split...])
            }
        }
    }

    /// Calls `body` with every packed entry and its bucket's bytes, in (hash, key) order.
    private func forEachPacked(_ body: (PackedEntry, UnsafeRawBufferPointer) throws -> Void) rethrows {
        for bucket in buckets {
            try bucket.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let e = PackedEntry(at: offset, in: bytes)
                    try body(e, bytes)
                    offset = e.end
                }
            }
        }
    }

    /// Calls `body` with every key and value in (hash, key) order, as views
    /// valid only during the call (the snapshot copies them out).
    func forEachBytes(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) rethrows {
        try forEachPacked { e, bytes in try body(e.key(in: bytes), e.value(in: bytes)) }
    }

    /// Calls `body` for every entry in (hash, key) order.
    func forEach(_ body: (Entry) throws -> Void) rethrows {
        try forEachPacked { e, bytes in
            try body(Entry(hash: e.hash, key: Array(e.key(in: bytes)), value: Array(e.value(in: bytes))))
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
        var offset = Self.offset(in: buckets[b], hashAtLeast: cursor)
        while b < buckets.count {
            let next: UInt64? = buckets[b].withUnsafeBytes { bytes in
                while offset < bytes.count {
                    let e = PackedEntry(at: offset, in: bytes)
                    if visited >= count && e.hash != lastHash { return e.hash }
                    visit(Array(e.key(in: bytes)))
                    visited += 1
                    lastHash = e.hash
                    offset = e.end
                }
                return nil
            }
            if let next { return next }
            b += 1
            offset = 0
        }
        return 0
    }
}

/// One entry's place in a bucket's bytes: a 16-byte header (u64 hash, u32
/// key length, u32 value length, native byte order: it never leaves the
/// process), then the key, then the value.
struct PackedEntry {
    static let headerBytes = 16

    let start: Int
    let hash: UInt64
    let keyCount: Int
    let valueCount: Int

    init(at start: Int, in bytes: UnsafeRawBufferPointer) {
        precondition(start + Self.headerBytes <= bytes.count, "entry header beyond its bucket")
        self.start = start
        hash = bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self)
        keyCount = Int(bytes.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self))
        valueCount = Int(bytes.loadUnaligned(fromByteOffset: start + 12, as: UInt32.self))
        precondition(end <= bytes.count, "entry beyond its bucket")
    }

    var valueStart: Int { start + Self.headerBytes + keyCount }
    var end: Int { valueStart + valueCount }

    func key(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[(start + Self.headerBytes)..<valueStart])
    }

    func value(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[valueStart..<end])
    }

    /// Writes a header at `at`; returns the offset just after it.
    static func writeHeader(into bytes: UnsafeMutableRawBufferPointer, at: Int, hash: UInt64, keyCount: Int, valueCount: Int) -> Int {
        precondition(keyCount <= Int(UInt32.max) && valueCount <= Int(UInt32.max), "entry too large to pack")
        bytes.storeBytes(of: hash, toByteOffset: at, as: UInt64.self)
        bytes.storeBytes(of: UInt32(keyCount), toByteOffset: at + 8, as: UInt32.self)
        bytes.storeBytes(of: UInt32(valueCount), toByteOffset: at + 12, as: UInt32.self)
        return at + headerBytes
    }

    /// memcmp order, shorter first on a common prefix (as `bytesPrecede`).
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return a.count - b.count
    }
}
