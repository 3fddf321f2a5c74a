import PaxosCore
import Testing
@testable import KVStore

@Suite("expiry: deadlines in log time")
struct ExpiryTests {
    func setPX(_ key: String, _ value: String, _ ms: Int64) -> KVCommand {
        .setWith(b(key), b(value), SetOptions(expiry: .after(ms: ms)))
    }

    @Test("SET PX sets a deadline at log time + ms; the key goes when a batch's log time reaches it, not before")
    func setPXExpiresAtLogTime() {
        var kv = KVStateMachine()
        #expect(kv.run(setPX("k", "v", 100), at: 1_000) == .ok)
        #expect(kv.nextDeadlineMs == 1_100)
        #expect(kv.run(.ttl(b("k"), inMs: true), at: 1_040) == .integer(60))
        kv.advance(logTimeMs: 1_099)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("v")))
        kv.advance(logTimeMs: 1_100)
        #expect(kv.ask(.get(b("k"))) == .nil)
        #expect(kv.count == 0 && kv.volatileCount == 0 && kv.nextDeadlineMs == nil)
    }

    @Test("an older log time (a leader whose clock is behind) neither moves the clock back nor brings a key back")
    func logTimeNeverGoesBack() {
        var kv = KVStateMachine()
        _ = kv.run(setPX("k", "v", 100), at: 1_000)
        kv.advance(logTimeMs: 1_200)
        #expect(kv.ask(.get(b("k"))) == .nil)
        #expect(kv.run(setPX("j", "w", 50), at: 900) == .ok)  // stamped earlier: runs at 1200
        #expect(kv.logTimeMs == 1_200)
        #expect(kv.nextDeadlineMs == 1_250)
        #expect(kv.ask(.get(b("k"))) == .nil)
    }

    @Test("TTL and PTTL: -2 missing, -1 without a deadline, seconds rounded to nearest as Redis")
    func ttlReplies() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("plain"), b("v"), condition: .none), at: 10)
        _ = kv.run(setPX("k", "v", 2_600), at: 10)
        #expect(kv.run(.ttl(b("missing"), inMs: false), at: 10) == .integer(-2))
        #expect(kv.run(.ttl(b("plain"), inMs: true), at: 10) == .integer(-1))
        #expect(kv.run(.ttl(b("k"), inMs: false), at: 10) == .integer(3))
        #expect(kv.run(.ttl(b("k"), inMs: false), at: 1_200) == .integer(1))  // 1.41 s
        #expect(kv.run(.ttl(b("k"), inMs: true), at: 2_609) == .integer(1))
        #expect(kv.ask(.expireTime(b("k"), inMs: true)) == .integer(2_610))
        #expect(kv.ask(.expireTime(b("k"), inMs: false)) == .integer(2))
        #expect(kv.ask(.expireTime(b("plain"), inMs: false)) == .integer(-1))
        #expect(kv.ask(.expireTime(b("missing"), inMs: false)) == .integer(-2))
    }

    @Test("what keeps a deadline (KEEPTTL, INCR, APPEND, SETRANGE) and what clears it (SET, GETSET, MSET, CAS, DEL then SET)")
    func writesKeepOrClear() {
        func deadline(after command: KVCommand) -> UInt64? {
            var kv = KVStateMachine()
            _ = kv.run(setPX("k", "1", 1_000), at: 100)
            _ = kv.run(command, at: 200)
            return kv.deadline(of: b("k"))
        }
        let keeps: [KVCommand] = [
            .setWith(b("k"), b("2"), SetOptions(expiry: .keep)), .incrBy(b("k"), 5), .append(b("k"), b("x")),
            .setRange(b("k"), offset: 3, b("y")), .getEx(b("k"), .keep),
        ]
        for command in keeps { #expect(deadline(after: command) == 1_100, "\(command)") }
        let clears: [KVCommand] = [
            .set(b("k"), b("2"), condition: .none), .getSet(b("k"), b("2")), .mset([(key: b("k"), value: b("2"))]),
            .cas(b("k"), b("1"), b("2")), .multi([.del([b("k")]), .setNX(b("k"), b("2"))]), .getEx(b("k"), .clear),
            .setWith(b("k"), b("2"), SetOptions(returnsOld: true)),
        ]
        for command in clears { #expect(deadline(after: command) == nil, "\(command)") }
    }

    @Test("a key set again without a deadline is not deleted at the old one")
    func oldDeadlineForgotten() {
        var kv = KVStateMachine()
        _ = kv.run(setPX("k", "1", 100), at: 1_000)
        _ = kv.run(.set(b("k"), b("2"), condition: .none), at: 1_050)
        #expect(kv.nextDeadlineMs == nil)
        kv.advance(logTimeMs: 5_000)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("2")))
    }

    @Test("RENAME moves the deadline (the destination's own is gone), COPY copies it, FLUSHALL drops them all")
    func renameCopyFlush() {
        var kv = KVStateMachine()
        _ = kv.run(setPX("src", "v", 500), at: 0)
        _ = kv.run(setPX("dst", "old", 100), at: 0)
        #expect(kv.run(.rename(b("src"), b("dst"), nx: false), at: 10) == .ok)
        #expect(kv.deadline(of: b("dst")) == 500 && kv.volatileCount == 1)
        kv.advance(logTimeMs: 100)
        #expect(kv.ask(.get(b("dst"))) == .bulk(b("v")))  // the destination's old deadline did not fire
        #expect(kv.run(.copy(b("dst"), b("c"), replace: false), at: 110) == .integer(1))
        #expect(kv.deadline(of: b("c")) == 500)
        _ = kv.run(.set(b("plain"), b("p"), condition: .none), at: 120)
        #expect(kv.run(.copy(b("plain"), b("c"), replace: true), at: 130) == .integer(1))
        #expect(kv.deadline(of: b("c")) == nil)
        #expect(kv.run(.flush, at: 140) == .ok)
        #expect(kv.volatileCount == 0 && kv.nextDeadlineMs == nil)
    }

    /// (condition, current deadline or nil, new deadline) -> whether EXPIRE sets it, as Redis 7.0 decides.
    static let conditionTable: [(ExpireCondition, Int64?, Int64, Bool)] = [
        ([], nil, 500, true), ([], 900, 500, true),
        (.nx, nil, 500, true), (.nx, 900, 500, false),
        (.xx, nil, 500, false), (.xx, 900, 500, true),
        (.gt, nil, 500, false), (.gt, 400, 500, true), (.gt, 500, 500, false), (.gt, 900, 500, false),
        (.lt, nil, 500, true), (.lt, 900, 500, true), (.lt, 500, 500, false), (.lt, 400, 500, false),
        ([.xx, .gt], nil, 500, false), ([.xx, .gt], 400, 500, true), ([.xx, .lt], nil, 500, false), ([.xx, .lt], 900, 500, true),
    ]

    @Test("EXPIRE NX|XX|GT|LT: a key without a deadline lives forever for GT and LT", arguments: 0..<18)
    func expireConditions(row: Int) {
        let (condition, current, new, sets) = Self.conditionTable[row]
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 100)
        if let current { _ = kv.run(.expire(b("k"), .at(ms: current), []), at: 100) }
        #expect(kv.run(.expire(b("k"), .at(ms: new), condition), at: 100) == .integer(sets ? 1 : 0))
        #expect(kv.deadline(of: b("k")) == (sets ? UInt64(new) : current.map(UInt64.init)))
    }

    @Test("EXPIRE on a missing key is :0; a time at or before the log time deletes the key and replies :1")
    func expirePastDeletes() {
        var kv = KVStateMachine()
        #expect(kv.run(.expire(b("k"), .after(ms: 1_000), []), at: 100) == .integer(0))
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 100)
        #expect(kv.run(.expire(b("k"), .after(ms: -5), []), at: 100) == .integer(1))
        #expect(kv.ask(.get(b("k"))) == .nil)
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 100)
        #expect(kv.run(.expire(b("k"), .at(ms: 100), []), at: 100) == .integer(1))
        #expect(kv.count == 0 && kv.volatileCount == 0)
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 100)
        #expect(kv.run(.expire(b("k"), .after(ms: .max), []), at: 100) == .integer(1))  // saturates: never expires
        #expect(kv.deadline(of: b("k")) == UInt64(Int64.max))
    }

    @Test("PERSIST removes a deadline (:1), else :0")
    func persist() {
        var kv = KVStateMachine()
        #expect(kv.run(.persist(b("k"))) == .integer(0))
        _ = kv.run(setPX("k", "v", 100), at: 0)
        #expect(kv.run(.persist(b("k")), at: 10) == .integer(1))
        #expect(kv.run(.persist(b("k")), at: 20) == .integer(0))
        kv.advance(logTimeMs: 1_000)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("v")))
    }

    @Test("GETEX returns the value and changes the deadline; a time already past deletes the key after the reply")
    func getEx() {
        var kv = KVStateMachine()
        #expect(kv.run(.getEx(b("k"), .after(ms: 10))) == .nil)
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 100)
        #expect(kv.run(.getEx(b("k"), .after(ms: 50)), at: 100) == .bulk(b("v")))
        #expect(kv.deadline(of: b("k")) == 150)
        #expect(kv.run(.getEx(b("k"), .at(ms: 50)), at: 110) == .bulk(b("v")))
        #expect(kv.ask(.get(b("k"))) == .nil)
    }

    @Test("SET GET returns the old value whether or not NX/XX let it write")
    func setGet() {
        var kv = KVStateMachine()
        let get = { (c: SetCondition) in SetOptions(condition: c, expiry: .clear, returnsOld: true) }
        #expect(kv.run(.setWith(b("k"), b("1"), get(.none))) == .nil)
        #expect(kv.run(.setWith(b("k"), b("2"), get(.none))) == .bulk(b("1")))
        #expect(kv.run(.setWith(b("k"), b("3"), get(.nx))) == .bulk(b("2")))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("2")))
        #expect(kv.run(.setWith(b("n"), b("1"), get(.xx))) == .nil)
        #expect(kv.ask(.get(b("n"))) == .nil)
        #expect(kv.run(.setWith(b("n"), b("1"), get(.nx))) == .nil)
        #expect(kv.ask(.get(b("n"))) == .bulk(b("1")))
        #expect(kv.run(.setWith(b("n"), b("2"), SetOptions(condition: .nx))) == .nil)
        #expect(kv.run(.setWith(b("n"), b("2"), SetOptions(condition: .xx, expiry: .after(ms: 5))), at: 10) == .ok)
        #expect(kv.deadline(of: b("n")) == 15)
    }

    @Test("changing one key's deadline over and over keeps the heap bounded and expires it once, at the last")
    func staleEntriesBounded() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("v"), condition: .none), at: 1)
        for i in 0..<10_000 { _ = kv.run(.expire(b("k"), .at(ms: Int64(100_000 - i)), []), at: 1) }
        #expect(kv.deadlines.count <= 2 * kv.volatileCount + 1024)
        #expect(kv.nextDeadlineMs == 90_001)
        kv.advance(logTimeMs: 90_000)
        #expect(kv.count == 1)
        kv.advance(logTimeMs: 90_001)
        #expect(kv.count == 0 && kv.nextDeadlineMs == nil)
    }

    @Test("snapshots carry deadlines: identical bytes after a round trip, and the copy expires the same keys at the same time")
    func snapshotCarriesDeadlines() throws {
        var kv = KVStateMachine()
        for i in 0..<50 { _ = kv.run(setPX("k\(i)", "v", Int64(10 * i + 10)), at: 1_000) }
        _ = kv.run(.set(b("plain"), b("p"), condition: .none), at: 1_000)
        var copy = KVStateMachine()
        try copy.restore(from: kv.snapshot())
        let identical = copy.snapshot() == kv.snapshot()
        #expect(identical)
        #expect(copy.nextDeadlineMs == 1_010 && copy.volatileCount == 50)
        kv.advance(logTimeMs: 1_255)
        copy.advance(logTimeMs: 1_255)
        #expect(copy.contents == kv.contents && copy.count == 26)
        let stillIdentical = copy.snapshot() == kv.snapshot()
        #expect(stillIdentical)
    }

    @Test("restore refuses a deadline for a missing key, one at or before the clock, or deadlines out of order")
    func deadlineInputChecked() throws {
        var kv = KVStateMachine()
        _ = kv.run(setPX("a", "v", 100), at: 1_000)
        _ = kv.run(setPX("b", "v", 200), at: 1_000)
        let good = kv.snapshot()
        var target = KVStateMachine()
        try target.restore(from: good)
        // Layout of the tail: u64 count 2, then (u32 len 1, key, u64 ms) twice: 13 bytes each.
        let first = good.count - kv.changesSectionBytes - 26
        var missing = good
        missing[first + 4] = UInt8(ascii: "z")
        #expect(throws: (any Error).self) { try target.restore(from: missing) }
        var past = good
        for i in 0..<8 { past[first + 5 + i] = i == 0 ? 1 : 0 }  // deadline 1 ms, before the clock
        #expect(throws: (any Error).self) { try target.restore(from: past) }
        var swapped = Array(good[..<first])
        swapped += good[(first + 13)...]
        swapped += good[first..<(first + 13)]
        #expect(throws: (any Error).self) { try target.restore(from: swapped) }
        #expect(target.volatileCount == 2)
    }

    @Test("against a model: random SET PX, EXPIRE, PERSIST, DEL and clock moves give the same keys and TTLs", arguments: [1, 2, 3])
    func model(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var kv = KVStateMachine()
        var model: [[UInt8]: (value: [UInt8], deadline: UInt64?)] = [:]
        var now: UInt64 = 1_000
        for step in 0..<3_000 {
            let key = b("k\(random.next() % 20)")
            let value = b("v\(step)")
            if random.next() % 3 == 0 { now += random.next() % 40 }
            // Log time as the state machine sees it, then what expired by then.
            model = model.filter { $0.value.deadline.map { $0 > now } ?? true }
            switch random.next() % 5 {
            case 0:
                let ms = Int64(random.next() % 200) + 1
                _ = kv.run(setPX(String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self), ms), at: now)
                model[key] = (value, now + UInt64(ms))
            case 1:
                let ms = Int64(random.next() % 300) - 50
                let reply = kv.run(.expire(key, .after(ms: ms), []), at: now)
                if let entry = model[key] {
                    #expect(reply == .integer(1))
                    model[key] = ms > 0 ? (entry.value, now + UInt64(ms)) : nil
                } else {
                    #expect(reply == .integer(0))
                }
            case 2:
                _ = kv.run(.persist(key), at: now)
                if let entry = model[key] { model[key] = (entry.value, nil) }
            case 3:
                _ = kv.run(.del([key]), at: now)
                model[key] = nil
            default:
                _ = kv.run(.set(key, value, condition: .none), at: now)
                model[key] = (value, nil)
            }
            #expect(kv.contents == model.mapValues(\.value))
            #expect(kv.nextDeadlineMs == model.values.compactMap(\.deadline).min())
            if kv.contents != model.mapValues(\.value) { return }
        }
    }
}
