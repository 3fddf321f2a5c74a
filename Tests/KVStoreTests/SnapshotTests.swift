import Testing
import Wire
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

    @Test("the same state built in different orders gives byte-identical snapshots (but for the history of changes)")
    func deterministicBytes() {
        var rng = SeededRandom(seed: 42)
        var a = populated(order: Array(0..<1_000))
        var c = populated(order: Array(0..<1_000).shuffled(using: &rng))
        a.forgetChangeHistory()
        c.forgetChangeHistory()
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

    /// A machine with two live sessions (4, 5) and three tombstones: client 1
    /// evicted at 600, client 2 expired at 1500, client 3 evicted at 1510
    /// (client 0's, made at 500, went at 1500).
    func withTombstones() -> KVStateMachine {
        var kv = KVStateMachine(sessionTTLms: 1_000, maxSessions: 2)
        for (i, t) in [(0, 10), (1, 20), (2, 500), (3, 600), (4, 1_500), (5, 1_510)] {
            _ = kv.run(.rid(clientID: b("client \(i)"), seq: 1, .incrBy(b("n"), 1)), at: UInt64(t))
        }
        return kv
    }

    @Test("tombstones round-trip byte-identically and keep refusing forgotten clients")
    func tombstonesRoundTrip() throws {
        let kv = withTombstones()
        #expect(kv.forgottenSessionCount == 3)
        var copy = KVStateMachine(sessionTTLms: 1_000, maxSessions: 2)
        try copy.restore(from: kv.snapshot())
        #expect(copy.sessions.forgotten.inOrder == kv.sessions.forgotten.inOrder)
        let isIdentical = copy.snapshot() == kv.snapshot()
        #expect(isIdentical)
        #expect(copy.sessions.forgotten.inOrder.map(\.forgottenAtMs) == [600, 1_500, 1_510])
        for i in 1...3 {
            #expect(copy.run(.rid(clientID: b("client \(i)"), seq: 1, .incrBy(b("n"), 1)), at: 1_520) == .sessionExpired)
        }
        #expect(copy.ask(.get(b("n"))) == .bulk(b("6")))
    }

    @Test("a version-1 (before tombstones), 2 (before deadlines) or 3 (before changes) snapshot still restores", arguments: [1, 2, 3])
    func olderVersionsRestore(version: UInt8) throws {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 5)
        _ = kv.run(.rid(clientID: b("c"), seq: 1, .dbsize), at: 6)
        let body = kv.snapshot().dropLast(kv.changesSectionBytes)
        #expect(Array(body[4..<8]) == [5, 0, 0, 0])
        #expect(Array(body.suffix(12)) == [UInt8](repeating: 0, count: 12))  // no tombstones, no deadlines
        var old = Array(body.dropLast([1: 12, 2: 8, 3: 0][version]!))
        old[4] = version
        var copy = KVStateMachine()
        try copy.restore(from: old)
        #expect(copy.contents == kv.contents)
        #expect(copy.sessions.byID == kv.sessions.byID)
        #expect(copy.forgottenSessionCount == 0)
        kv.forgetChangeHistory()
        let upgraded = copy.snapshot() == kv.snapshot()
        #expect(upgraded)
        old[4] = version + 1  // claims the sections it lacks
        #expect(throws: (any Error).self) { try copy.restore(from: old) }
    }

    @Test("restore refuses tombstones out of order, after the clock or over the input")
    func tombstoneInputChecked() throws {
        let good = withTombstones().snapshot()
        let end = good.count - withTombstones().changesSectionBytes - 8  // before the deadline section's (zero) count
        let section = end - 3 * 16  // the three 16-byte tombstones after their u32 count
        var target = KVStateMachine(sessionTTLms: 1_000, maxSessions: 2)
        try target.restore(from: good)

        var swapped = Array(good[..<section])
        swapped += good[(section + 16)..<end]  // 1500, 1510, then 600
        swapped += good[section..<(section + 16)]
        swapped += good[end...]
        #expect(throws: (any Error).self) { try target.restore(from: swapped) }

        var late = good
        late[end - 1] = 0x7F  // the last tombstone's time far after the clock
        #expect(throws: (any Error).self) { try target.restore(from: late) }

        var huge = good
        huge[section - 4] = 0xFF
        huge[section - 1] = 0xFF
        #expect(throws: (any Error).self) { try target.restore(from: huge) }
        #expect(target.forgottenSessionCount == 3)  // failed restores changed nothing
    }

    @Test("a node with a smaller bound cuts restored tombstones to it, oldest first")
    func tombstonesCutToThisNodesBound() throws {
        var kv = KVStateMachine(maxSessions: 10)
        for i in 0..<30 { _ = kv.run(.rid(clientID: b("c\(i)"), seq: 1, .dbsize), at: UInt64(i)) }
        #expect(kv.forgottenSessionCount == 20)
        var small = KVStateMachine(maxSessions: 1)
        try small.restore(from: kv.snapshot())
        #expect(small.forgottenSessionCount == 4)
        #expect(small.run(.rid(clientID: b("c19"), seq: 1, .dbsize), at: 40) == .sessionExpired)
        #expect(small.run(.rid(clientID: b("c15"), seq: 1, .dbsize), at: 40) == .integer(0))  // c15 was cut: it opens afresh
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

@Suite("SNAPSHOT, the backup read")
struct BackupQueryTests {
    @Test("answers [slot, keys, state] at the applied slot, and the state restores to the same store")
    func answer() throws {
        var kv = KVStateMachine()
        for i in 0..<50 { _ = kv.run(.set(b("k\(i)"), b("v\(i)"), condition: .none), at: 10) }
        let reply = try KVReply(decoding: kv.query(KVCommand.snapshot.encoded(), appliedIndex: 77))
        guard case .array(let parts) = reply, parts.count == 3, case .bulk(let state) = parts[2] else {
            Issue.record("unexpected reply \(reply)")
            return
        }
        #expect(parts[0] == .integer(77))
        #expect(parts[1] == .integer(50))
        var copy = KVStateMachine()
        try copy.restore(from: state)
        #expect(copy.contents == kv.contents)
        #expect(state == kv.snapshot())
    }

    @Test("other reads answer as before; inside MULTI or without a slot it is an error")
    func elsewhere() throws {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("v"), condition: .none))
        #expect(try KVReply(decoding: kv.query(KVCommand.get(b("k")).encoded(), appliedIndex: 5)) == .bulk(b("v")))
        #expect(kv.ask(.snapshot).isError)
        guard case .array(let inner) = kv.ask(.multi([.snapshot])) else {
            Issue.record("MULTI answers an array")
            return
        }
        #expect(inner.first?.isError == true)
    }
}
