import Testing
@testable import KVStore

@Suite("RID exactly-once sessions")
struct SessionTests {
    let client = b("client-1")

    func rid(_ id: [UInt8], _ seq: UInt64, _ command: KVCommand) -> KVCommand {
        .rid(clientID: id, seq: seq, command)
    }

    @Test("a retry of the last seq returns the first reply and does not apply again")
    func retryReturnsFirstReply() {
        var kv = KVStateMachine()
        #expect(kv.run(rid(client, 1, .incrBy(b("n"), 1)), at: 10) == .integer(1))
        #expect(kv.run(rid(client, 1, .incrBy(b("n"), 1)), at: 20) == .integer(1))
        #expect(kv.ask(.get(b("n"))) == .bulk(b("1")))
        #expect(kv.run(rid(client, 2, .incrBy(b("n"), 1)), at: 30) == .integer(2))
        #expect(kv.run(rid(client, 2, .incrBy(b("n"), 1)), at: 40) == .integer(2))
        #expect(kv.ask(.get(b("n"))) == .bulk(b("2")))
    }

    @Test("through the encoded path a retry returns byte-identical reply bytes")
    func retryBytes() {
        var kv = KVStateMachine()
        let payload = rid(client, 1, .mset([(b("a"), b("1"))])).encoded()
        let first = kv.apply(payload, logTimeMs: 1)
        _ = kv.run(.set(b("a"), b("2"), condition: .none))
        #expect(kv.apply(payload, logTimeMs: 2) == first)
        #expect(kv.ask(.get(b("a"))) == .bulk(b("2")))
    }

    @Test("an error reply is stored too: the retry gets the same error")
    func retryOfError() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("s"), b("text"), condition: .none))
        let first = kv.run(rid(client, 1, .incrBy(b("s"), 1)))
        #expect(first == .err("value is not an integer or out of range"))
        _ = kv.run(.set(b("s"), b("5"), condition: .none))
        #expect(kv.run(rid(client, 1, .incrBy(b("s"), 1))) == first)
        #expect(kv.ask(.get(b("s"))) == .bulk(b("5")))
    }

    @Test("a seq above the last applies (gaps allowed); below the last is an error")
    func seqOrder() {
        var kv = KVStateMachine()
        #expect(kv.run(rid(client, 1, .incrBy(b("n"), 1))) == .integer(1))
        #expect(kv.run(rid(client, 5, .incrBy(b("n"), 1))) == .integer(2))
        #expect(kv.run(rid(client, 3, .incrBy(b("n"), 1))).isError)
        #expect(kv.run(rid(client, 0, .incrBy(b("n"), 1))).isError)
        #expect(kv.ask(.get(b("n"))) == .bulk(b("2")))
        #expect(kv.sessions[client]?.lastSeq == 5)
    }

    @Test("an unknown client must start at seq 1, else SESSIONEXPIRED and nothing applied")
    func unknownClient() {
        var kv = KVStateMachine()
        let reply = kv.run(rid(client, 2, .set(b("k"), b("v"), condition: .none)))
        #expect(reply == .error(code: "SESSIONEXPIRED", message: "session expired or unknown; start a new client id"))
        #expect(kv.count == 0)
        #expect(kv.sessionCount == 0)
    }

    @Test("RID wraps MULTI; its array reply is what a retry gets")
    func ridMulti() {
        var kv = KVStateMachine()
        let command = rid(client, 1, .multi([.incrBy(b("a"), 1), .incrBy(b("b"), 2)]))
        #expect(kv.run(command) == .array([.integer(1), .integer(2)]))
        #expect(kv.run(command) == .array([.integer(1), .integer(2)]))
        #expect(kv.ask(.mget([b("a"), b("b")])) == .array([.bulk(b("1")), .bulk(b("2"))]))
    }

    @Test("a session unused for the TTL of log time expires; used sessions live on")
    func ttlExpiry() {
        var kv = KVStateMachine(sessionTTLms: 1_000)
        _ = kv.run(rid(b("idle"), 1, .incrBy(b("n"), 1)), at: 0)
        _ = kv.run(rid(b("busy"), 1, .incrBy(b("n"), 1)), at: 0)
        _ = kv.run(rid(b("busy"), 1, .incrBy(b("n"), 1)), at: 600)  // a retry is a use
        _ = kv.run(.get(b("n")), at: 999)
        #expect(kv.sessionCount == 2)
        _ = kv.run(.get(b("n")), at: 1_000)  // any applied command moves log time
        #expect(kv.sessions[b("idle")] == nil)
        #expect(kv.sessions[b("busy")] != nil)
        #expect(kv.run(rid(b("idle"), 2, .incrBy(b("n"), 1)), at: 1_001).isError)
        #expect(kv.run(rid(b("busy"), 2, .incrBy(b("n"), 1)), at: 1_599) == .integer(3))
    }

    @Test("log time stepping back (a new leader's clock) neither expires nor revives sessions")
    func clockSteppingBack() {
        var kv = KVStateMachine(sessionTTLms: 1_000)
        _ = kv.run(rid(b("a"), 1, .incrBy(b("n"), 1)), at: 5_000)
        _ = kv.run(rid(b("b"), 1, .incrBy(b("n"), 1)), at: 100)  // clamped to 5000
        #expect(kv.sessions[b("b")]?.lastUsedMs == 5_000)
        _ = kv.run(.dbsize, at: 5_999)
        #expect(kv.sessionCount == 2)
        _ = kv.run(.dbsize, at: 6_000)
        #expect(kv.sessionCount == 0)
    }

    @Test("past maxSessions the least recently used go first, ties by client id")
    func evictionOrder() {
        var kv = KVStateMachine(maxSessions: 3)
        _ = kv.run(rid(b("c"), 1, .dbsize), at: 10)
        _ = kv.run(rid(b("b"), 1, .dbsize), at: 10)
        _ = kv.run(rid(b("a"), 1, .dbsize), at: 20)
        _ = kv.run(rid(b("d"), 1, .dbsize), at: 30)  // evicts b: oldest time 10, and "b" < "c"
        #expect(Set(kv.sessions.byID.keys) == [b("a"), b("c"), b("d")])
        _ = kv.run(rid(b("c"), 2, .dbsize), at: 40)  // c is now the most recent
        _ = kv.run(rid(b("e"), 1, .dbsize), at: 40)  // evicts a (20)
        #expect(Set(kv.sessions.byID.keys) == [b("c"), b("d"), b("e")])
        _ = kv.run(rid(b("f"), 1, .dbsize), at: 40)  // evicts d (30)
        _ = kv.run(rid(b("g"), 1, .dbsize), at: 40)  // all at 40: evicts c, the smallest id
        #expect(Set(kv.sessions.byID.keys) == [b("e"), b("f"), b("g")])
        #expect(kv.run(rid(b("b"), 2, .dbsize), at: 50) == .sessionExpired)
    }

    @Test("a new session survives even when every session shares its log time")
    func newSessionSurvives() {
        var kv = KVStateMachine(maxSessions: 1)
        _ = kv.run(rid(b("z"), 1, .incrBy(b("n"), 1)), at: 1)
        _ = kv.run(rid(b("a"), 1, .incrBy(b("n"), 1)), at: 1)
        #expect(kv.run(rid(b("a"), 1, .incrBy(b("n"), 1)), at: 1) == .integer(2))
        #expect(kv.ask(.get(b("n"))) == .bulk(b("2")))
    }

    // Issue 9, F6: a forgotten client's retry of seq 1 must not be taken for a new client.

    @Test("max_sessions = 1: A's retry of seq 1 after B evicted A gets SESSIONEXPIRED, x stays 1")
    func evictedClientRetryOfFirstSeq() {
        var kv = KVStateMachine(maxSessions: 1)
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 10) == .integer(1))
        #expect(kv.run(rid(b("clientB"), 1, .incrBy(b("y"), 1)), at: 20) == .integer(1))
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 30) == .sessionExpired)
        #expect(kv.ask(.get(b("x"))) == .bulk(b("1")))
        #expect(kv.sessions[b("clientA")] == nil)  // the refusal opens no session
    }

    @Test("a client whose session expired by TTL and retries seq 1 gets SESSIONEXPIRED, nothing applied")
    func expiredClientRetryOfFirstSeq() {
        var kv = KVStateMachine(sessionTTLms: 1_000)
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 0) == .integer(1))
        _ = kv.run(.dbsize, at: 1_000)  // clientA expires
        #expect(kv.sessions[b("clientA")] == nil)
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 1_001) == .sessionExpired)
        #expect(kv.ask(.get(b("x"))) == .bulk(b("1")))
    }

    @Test("a brand-new client id still opens at seq 1 while forgotten ones are refused")
    func newClientStillOpens() {
        var kv = KVStateMachine(maxSessions: 1)
        _ = kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 10)
        _ = kv.run(rid(b("clientB"), 1, .incrBy(b("x"), 1)), at: 20)  // evicts A
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 30) == .sessionExpired)
        #expect(kv.run(rid(b("clientC"), 1, .incrBy(b("x"), 1)), at: 40) == .integer(3))  // evicts B
        #expect(kv.sessions[b("clientC")]?.lastSeq == 1)
        #expect(kv.run(rid(b("clientC"), 2, .incrBy(b("x"), 1)), at: 50) == .integer(4))
        #expect(kv.run(rid(b("clientB"), 1, .incrBy(b("x"), 1)), at: 60) == .sessionExpired)
        #expect(kv.ask(.get(b("x"))) == .bulk(b("4")))
    }

    @Test("forgotten clients survive a snapshot round trip: the retry on the restored machine gets SESSIONEXPIRED")
    func forgottenSurviveSnapshot() throws {
        var kv = KVStateMachine(sessionTTLms: 1_000, maxSessions: 1)
        _ = kv.run(rid(b("clientB"), 1, .incrBy(b("y"), 1)), at: 10)
        _ = kv.run(.dbsize, at: 1_010)  // B expires
        _ = kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 1_020)
        _ = kv.run(rid(b("clientC"), 1, .dbsize), at: 1_025)  // evicts A
        #expect(kv.forgottenSessionCount == 2)
        let bytes = kv.snapshot()
        var copy = KVStateMachine(sessionTTLms: 1_000, maxSessions: 1)
        try copy.restore(from: bytes)
        let isIdentical = copy.snapshot() == bytes
        #expect(isIdentical)
        #expect(copy.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 1_030) == .sessionExpired)
        #expect(copy.run(rid(b("clientB"), 1, .incrBy(b("y"), 1)), at: 1_030) == .sessionExpired)
        #expect(copy.ask(.mget([b("x"), b("y")])) == .array([.bulk(b("1")), .bulk(b("1"))]))
    }

    @Test("forgotten clients are bounded: dropped after the TTL of log time and past 4 x max_sessions, oldest first")
    func forgottenBounded() {
        // By time: A is forgotten at 1000 (expiry), remembered until 2000.
        var kv = KVStateMachine(sessionTTLms: 1_000)
        _ = kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 0)
        _ = kv.run(.dbsize, at: 1_000)
        #expect(kv.forgottenSessionCount == 1)
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 1_999) == .sessionExpired)
        #expect(kv.forgottenSessionCount == 1)
        _ = kv.run(.dbsize, at: 2_000)
        #expect(kv.forgottenSessionCount == 0)
        // The documented window: past it, the retry is indistinguishable from a new client.
        #expect(kv.run(rid(b("clientA"), 1, .incrBy(b("x"), 1)), at: 2_000) == .integer(2))

        // By count: with max_sessions = 1 at most 4 are remembered, the latest forgotten.
        var small = KVStateMachine(maxSessions: 1)
        for i in 0..<10 {
            #expect(small.run(rid(b("c\(i)"), 1, .dbsize), at: 10) == .integer(0))
            #expect(small.forgottenSessionCount == min(i, 4))
        }
        // c0...c8 were evicted in that order; only c5...c8 are remembered.
        for i in 5..<9 { #expect(small.run(rid(b("c\(i)"), 1, .dbsize), at: 20) == .sessionExpired) }
        #expect(small.run(rid(b("c4"), 1, .dbsize), at: 20) == .integer(0))  // evicts c9
        #expect(small.forgottenSessionCount == 4)
        #expect(small.run(rid(b("c5"), 1, .dbsize), at: 20) == .integer(0))  // c5 pushed out by c9

        // Under heavy churn the count never passes 4 x max_sessions.
        var churn = KVStateMachine(sessionTTLms: 1_000_000, maxSessions: 3)
        for i in 0..<1_000 {
            _ = churn.run(rid(b("n\(i)"), 1, .dbsize), at: UInt64(i))
            #expect(churn.forgottenSessionCount <= 12)
        }
        #expect(churn.forgottenSessionCount == 12)
        #expect(churn.sessionCount == 3)
    }

    @Test("many sessions at scattered times: expiry, eviction and tombstones agree with a simple model", arguments: [7, 8])
    func modelCheck(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let ttl: UInt64 = 500
        let sessionsMax = 8
        let tombstonesMax = 4 * sessionsMax
        var kv = KVStateMachine(sessionTTLms: ttl, maxSessions: sessionsMax)
        var model: [[UInt8]: (seq: UInt64, used: UInt64)] = [:]
        var tombstones: [(id: [UInt8], at: UInt64)] = []  // oldest first
        func forget(_ id: [UInt8], at now: UInt64) {
            model[id] = nil
            tombstones.append((id, now))
            if tombstones.count > tombstonesMax { tombstones.removeFirst() }
        }
        func precedes(_ x: (key: [UInt8], value: (seq: UInt64, used: UInt64)), _ y: (key: [UInt8], value: (seq: UInt64, used: UInt64))) -> Bool {
            x.value.used != y.value.used ? x.value.used < y.value.used : x.key.lexicographicallyPrecedes(y.key)
        }
        var now: UInt64 = 0
        var refusals = 0
        for _ in 0..<2_000 {
            now += UInt64.random(in: 0...20, using: &rng)
            tombstones.removeAll { now - $0.at >= ttl }
            for expired in model.filter({ now - $0.value.used >= ttl }).sorted(by: precedes) { forget(expired.key, at: now) }
            let id = b("c\(Int.random(in: 0..<40, using: &rng))")
            let seq = (model[id]?.seq ?? 0) + 1
            let reply = kv.run(rid(id, seq, .dbsize), at: now)
            if model[id] == nil && tombstones.contains(where: { $0.id == id }) {
                #expect(reply == .sessionExpired)
                refusals += 1
            } else {
                if model[id] == nil && model.count >= sessionsMax { forget(model.min(by: precedes)!.key, at: now) }
                #expect(!reply.isError)
                model[id] = (seq, now)
            }
            #expect(Set(kv.sessions.byID.keys) == Set(model.keys))
            #expect(kv.forgottenSessionCount == tombstones.count)
        }
        #expect(refusals > 100)  // the tombstone path was exercised
    }
}
