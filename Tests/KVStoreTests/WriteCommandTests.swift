import Testing
@testable import KVStore

@Suite("write commands")
struct WriteCommandTests {
    @Test("SET then GET; GET of a missing key is nil")
    func setGet() {
        var kv = KVStateMachine()
        #expect(kv.run(.set(b("k"), b("v"), condition: .none)) == .ok)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("v")))
        #expect(kv.ask(.get(b("nope"))) == .nil)
        #expect(kv.run(.set(b("k"), [0, 255, 13, 10], condition: .none)) == .ok)
        #expect(kv.ask(.get(b("k"))) == .bulk([0, 255, 13, 10]))
    }

    @Test("SET NX writes only a new key, XX only an existing one; nil when the condition fails")
    func setConditions() {
        var kv = KVStateMachine()
        #expect(kv.run(.set(b("k"), b("1"), condition: .xx)) == .nil)
        #expect(kv.ask(.get(b("k"))) == .nil)
        #expect(kv.run(.set(b("k"), b("1"), condition: .nx)) == .ok)
        #expect(kv.run(.set(b("k"), b("2"), condition: .nx)) == .nil)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("1")))
        #expect(kv.run(.set(b("k"), b("3"), condition: .xx)) == .ok)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("3")))
    }

    @Test("empty key and empty value are ordinary")
    func emptyKeyAndValue() {
        var kv = KVStateMachine()
        #expect(kv.run(.set([], [], condition: .none)) == .ok)
        #expect(kv.ask(.get([])) == .bulk([]))
        #expect(kv.ask(.exists([[]])) == .integer(1))
    }

    @Test("DEL counts the keys removed; a key named twice counts once")
    func del() {
        var kv = KVStateMachine()
        _ = kv.run(.mset([(b("a"), b("1")), (b("b"), b("2"))]))
        #expect(kv.run(.del([b("a"), b("a"), b("zz"), b("b")])) == .integer(2))
        #expect(kv.ask(.dbsize) == .integer(0))
        #expect(kv.run(.del([b("a")])) == .integer(0))
    }

    @Test("MSET writes every pair in order; a repeated key keeps the last value")
    func mset() {
        var kv = KVStateMachine()
        #expect(kv.run(.mset([(b("a"), b("1")), (b("b"), b("2")), (b("a"), b("3"))])) == .ok)
        #expect(kv.ask(.mget([b("a"), b("b"), b("c")])) == .array([.bulk(b("3")), .bulk(b("2")), .nil]))
    }

    @Test("INCRBY starts a missing key at 0 and stores decimal text")
    func incr() {
        var kv = KVStateMachine()
        #expect(kv.run(.incrBy(b("n"), 1)) == .integer(1))
        #expect(kv.run(.incrBy(b("n"), 41)) == .integer(42))
        #expect(kv.run(.incrBy(b("n"), -50)) == .integer(-8))
        #expect(kv.ask(.get(b("n"))) == .bulk(b("-8")))
        _ = kv.run(.set(b("m"), b("-9223372036854775808"), condition: .none))
        #expect(kv.run(.incrBy(b("m"), 0)) == .integer(.min))
    }

    @Test("INCRBY on a non-integer is an error and changes nothing", arguments: [
        "abc", "", " 1", "1 ", "+1", "01", "-0", "1.5", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999",
    ])
    func incrNotInteger(stored: String) {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b(stored), condition: .none))
        #expect(kv.run(.incrBy(b("k"), 1)) == .err("value is not an integer or out of range"))
        #expect(kv.ask(.get(b("k"))) == .bulk(b(stored)))
    }

    @Test("INCRBY past Int64 either way is an error and changes nothing")
    func incrOverflow() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("9223372036854775807"), condition: .none))
        #expect(kv.run(.incrBy(b("k"), 1)) == .err("increment or decrement would overflow"))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("9223372036854775807")))
        _ = kv.run(.set(b("k"), b("-9223372036854775807"), condition: .none))
        #expect(kv.run(.incrBy(b("k"), -1)) == .integer(.min))
        #expect(kv.run(.incrBy(b("k"), -1)) == .err("increment or decrement would overflow"))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("-9223372036854775808")))
    }

    @Test("CAS swaps when the value matches, not when it differs or the key is missing")
    func cas() {
        var kv = KVStateMachine()
        #expect(kv.run(.cas(b("k"), b("a"), b("b"))) == .integer(0))
        #expect(kv.run(.cas(b("k"), [], b("b"))) == .integer(0))
        #expect(kv.ask(.exists([b("k")])) == .integer(0))
        _ = kv.run(.set(b("k"), b("a"), condition: .none))
        #expect(kv.run(.cas(b("k"), b("x"), b("b"))) == .integer(0))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("a")))
        #expect(kv.run(.cas(b("k"), b("a"), b("b"))) == .integer(1))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("b")))
    }

    @Test("MULTI runs in order and replies each; an error inside rolls nothing back")
    func multiWithError() {
        var kv = KVStateMachine()
        let reply = kv.run(.multi([
            .set(b("s"), b("text"), condition: .none),
            .incrBy(b("s"), 1),
            .incrBy(b("n"), 5),
            .get(b("n")),
            .set(b("s"), b("x"), condition: .nx),
            .del([b("s")]),
        ]))
        #expect(reply == .array([
            .ok, .err("value is not an integer or out of range"), .integer(5), .bulk(b("5")), .nil, .integer(1),
        ]))
        #expect(kv.contents == [b("n"): b("5")])
    }

    @Test("MULTI refuses nested MULTI and RID inside, runs the rest; empty MULTI is an empty array")
    func multiNesting() {
        var kv = KVStateMachine()
        let reply = kv.run(.multi([
            .multi([.set(b("x"), b("1"), condition: .none)]),
            .rid(clientID: b("c"), seq: 1, .set(b("y"), b("1"), condition: .none)),
            .set(b("z"), b("1"), condition: .none),
        ]))
        guard case .array(let parts) = reply else { Issue.record("not an array"); return }
        #expect(parts[0].isError && parts[1].isError && parts[2] == .ok)
        #expect(kv.contents == [b("z"): b("1")])
        #expect(kv.sessionCount == 0)
        #expect(kv.run(.multi([])) == .array([]))
    }

    @Test("a write sent to query is refused and changes nothing")
    func writeAsQuery() {
        let kv = KVStateMachine()
        #expect(kv.ask(.set(b("k"), b("v"), condition: .none)).isError)
        #expect(kv.ask(.multi([.get(b("k")), .del([b("k")])])).isError)
        #expect(kv.ask(.multi([.get(b("k")), .exists([b("k")])])) == .array([.nil, .integer(0)]))
    }

    @Test("an undecodable payload in the log is an error reply, not a crash")
    func malformedPayload() {
        var kv = KVStateMachine()
        let reply = try? KVReply(decoding: kv.apply([0xEE, 1, 2], logTimeMs: 5))
        #expect(reply?.isError == true)
        #expect(kv.count == 0)
    }
}
