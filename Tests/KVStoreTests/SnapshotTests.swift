import Testing
@testable import KVStore

@Suite("snapshots")
struct SnapshotTests {
    func populated(order: [Int]) -> KVStateMachine {
        var kv = KVStateMachine()
        for i in order {
            _ = kv.run(.set(b("key:\(i)"), b("value \(i)"), condition: .none), at: 100)
        }
        for c in order where c < 10 {
            _ = kv.run(.rid(clientID: b("client \(c)"), seq: 1, .set(b("owned:\(c)"), b("x"), condition: .none)), at: 200)
        }
        return kv
    }

    @Test("restore gives back equal keys, sessions and clock")
    func roundTrip() throws {
        let kv = populated(order: Array(0..<1_000))
        var copy = KVStateMachine()
        try copy.restore(from: kv.snapshot())
        #expect(copy.contents == kv.contents)
        #expect(copy.sessions.byID == kv.sessions.byID)
        #expect(copy.clockMs == kv.clockMs)
        let isIdentical = copy.snapshot() == kv.snapshot()
        #expect(isIdentical)
    }

    @Test("the same state built in different orders gives byte-identical snapshots")
    func deterministicBytes() {
        var rng = SeededRandom(seed: 42)
        let a = populated(order: Array(0..<1_000))
        let c = populated(order: Array(0..<1_000).shuffled(using: &rng))
        #expect(a.contents == c.contents)
        #expect(a.sessions.byID == c.sessions.byID)
        let isIdentical = a.snapshot() == c.snapshot()  // a Bool: a failure must not print megabytes
        #expect(isIdentical)
    }

    @Test("restored sessions keep exactly-once, expiry and eviction working")
    func sessionsSurviveRestore() throws {
        var kv = KVStateMachine(sessionTTLms: 1_000, maxSessions: 2)
        _ = kv.run(.rid(clientID: b("a"), seq: 1, .incrBy(b("n"), 1)), at: 10)
        _ = kv.run(.rid(clientID: b("b"), seq: 1, .incrBy(b("n"), 1)), at: 20)
        var copy = KVStateMachine(sessionTTLms: 1_000, maxSessions: 2)
        try copy.restore(from: kv.snapshot())
        #expect(copy.run(.rid(clientID: b("a"), seq: 1, .incrBy(b("n"), 1)), at: 30) == .integer(1))
        _ = copy.run(.rid(clientID: b("c"), seq: 1, .incrBy(b("n"), 1)), at: 40)  // evicts b (20)
        #expect(copy.sessions[b("b")] == nil)
        _ = copy.run(.dbsize, at: 1_030)  // a (30) expires
        #expect(Set(copy.sessions.byID.keys) == [b("c")])
    }

    @Test("a failed restore leaves the state as it was")
    func failedRestoreChangesNothing() {
        var kv = populated(order: Array(0..<10))
        let before = kv.snapshot()
        var broken = before
        broken.removeLast()
        #expect(throws: (any Error).self) { try kv.restore(from: broken) }
        let isUnchanged = kv.snapshot() == before
        #expect(isUnchanged)
    }

    @Test("restore refuses duplicate or unordered keys and sessions")
    func canonicalOrderEnforced() throws {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("a"), b("1"), condition: .none))
        _ = kv.run(.set(b("b"), b("2"), condition: .none))
        let good = kv.snapshot()
        // Swap the two key/value records (each 4+1 + 4+1 bytes after the 24-byte header).
        let header = 4 + 4 + 8 + 8
        var swapped = Array(good[..<header])
        swapped += good[(header + 10)..<(header + 20)]
        swapped += good[header..<(header + 10)]
        swapped += good[(header + 20)...]
        var target = KVStateMachine()
        #expect(throws: (any Error).self) { try target.restore(from: swapped) }
        var duplicated = Array(good[..<header])
        duplicated += good[header..<(header + 10)]
        duplicated += good[header..<(header + 10)]
        duplicated += good[(header + 20)...]
        #expect(throws: (any Error).self) { try target.restore(from: duplicated) }
        try target.restore(from: good)
        #expect(target.count == 2)
    }

    @Test("200,000 keys snapshot and restore quickly")
    func large() throws {
        var kv = KVStateMachine()
        var keys: [[UInt8]] = []
        for i in 0..<200_000 { keys.append(RedisInteger.format(Int64(i) &* 7919)) }
        for key in keys { kv.map.set(key, for: key) }
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        var copy = KVStateMachine()
        let elapsed = try clock.measure {
            bytes = kv.snapshot()
            try copy.restore(from: bytes)
        }
        #expect(copy.count == 200_000)
        #expect(elapsed < .seconds(5))
    }
}
