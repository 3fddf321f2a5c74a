import Testing
@testable import KVStore

@Suite("hash-ordered map")
struct HashOrderedMapTests {
    /// A hash with few values, so most keys collide.
    static let coarseHash: @Sendable ([UInt8]) -> UInt64 = { key in
        UInt64(key.last ?? 0) % 4 &* 0x4000_0000_0000_0000
    }

    @Test("colliding hashes: lookups, deletes and order by key within a group")
    func collisions() {
        var map = HashOrderedMap(hashOf: Self.coarseHash)
        for i in 0..<200 { map.set(b("v\(i)"), for: b("k\(i)")) }
        #expect(map.count == 200)
        for i in 0..<200 { #expect(map.value(for: b("k\(i)")) == b("v\(i)")) }
        var removed = 0
        for i in stride(from: 0, to: 200, by: 2) where map.remove(b("k\(i)")) { removed += 1 }
        #expect(removed == 100)
        let removedAgain = map.remove(b("k0"))
        #expect(!removedAgain)
        #expect(map.count == 100)
        var previous: (UInt64, [UInt8])?
        map.forEach { entry in
            if let (hash, key) = previous {
                #expect(hash < entry.hash || (hash == entry.hash && bytesPrecede(key, entry.key)))
            }
            previous = (entry.hash, entry.key)
        }
    }

    @Test("SCAN never splits a group of equal hashes: the page runs to the group's end")
    func scanWholeGroups() {
        var map = HashOrderedMap(hashOf: Self.coarseHash)
        for i in 0..<40 { map.set([], for: b("k\(i)")) }
        var cursor: UInt64 = 0
        var seen: [[UInt8]] = []
        var pages = 0
        repeat {
            var page: [[UInt8]] = []
            cursor = map.scan(from: cursor, count: 1) { page.append($0) }
            #expect(Set(page.map { Self.coarseHash($0) }).count == 1, "one hash group per page")
            seen += page
            pages += 1
        } while cursor != 0
        #expect(pages == 4)
        #expect(Set(seen).count == 40 && seen.count == 40)
    }

    /// Random sets (values of changing length, so buckets are rebuilt as
    /// well as overwritten in place), removes and table growth, checked
    /// against a dictionary after every step; a copy taken halfway must not
    /// see what the original does next (buckets are copy-on-write).
    @Test("packed buckets agree with a dictionary under random writes; a copy keeps its contents")
    func randomWritesAgainstModel() {
        for hash in [KeyHash.of, Self.coarseHash] {
            var map = HashOrderedMap(hashOf: hash)
            var model: [[UInt8]: [UInt8]] = [:]
            var rng = SeededRandom(seed: 7)
            var copy: (HashOrderedMap, [[UInt8]: [UInt8]])?
            for step in 0..<3_000 {
                let key = b("k\(rng.next() % 500)")
                if rng.next() % 4 == 0 {
                    #expect(map.remove(key) == (model.removeValue(forKey: key) != nil))
                } else {
                    let value = [UInt8](repeating: UInt8(step % 251), count: Int(rng.next() % 40))
                    #expect(map.set(value, for: key) == (model.updateValue(value, forKey: key) == nil))
                }
                #expect(map.count == model.count)
                #expect(map.value(for: key) == model[key])
                #expect(map.contains(key) == (model[key] != nil))
                if step == 1_500 { copy = (map, model) }
            }
            var seen: [[UInt8]: [UInt8]] = [:]
            var previous: (UInt64, [UInt8])?
            map.forEach { entry in
                if let (h, k) = previous { #expect(h < entry.hash || (h == entry.hash && bytesPrecede(k, entry.key))) }
                #expect(entry.hash == hash(entry.key))
                previous = (entry.hash, entry.key)
                seen[entry.key] = entry.value
            }
            #expect(seen == model)
            #expect(map.payloadBytes == model.reduce(0) { $0 + $1.key.count + $1.value.count })
            if let (old, oldModel) = copy {
                var oldSeen: [[UInt8]: [UInt8]] = [:]
                old.forEachBytes { key, value in oldSeen[Array(key)] = Array(value) }
                #expect(oldSeen == oldModel)
            }
        }
    }
}

