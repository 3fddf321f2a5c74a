import Testing
@testable import KVStore

@Suite("read commands")
struct ReadCommandTests {
    @Test("EXISTS counts a key once per mention, as Redis")
    func existsCountsDuplicates() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("a"), b("1"), condition: .none))
        #expect(kv.ask(.exists([b("a"), b("a"), b("b"), b("a")])) == .integer(3))
        #expect(kv.ask(.exists([b("b")])) == .integer(0))
    }

    @Test("DBSIZE counts keys")
    func dbsize() {
        var kv = KVStateMachine()
        #expect(kv.ask(.dbsize) == .integer(0))
        for i in 0..<100 { _ = kv.run(.set(b("k\(i)"), b("v"), condition: .none)) }
        _ = kv.run(.del([b("k1"), b("k2")]))
        #expect(kv.ask(.dbsize) == .integer(98))
    }

    @Test("KEYS returns the matching keys in byte order")
    func keys() {
        var kv = KVStateMachine()
        for k in ["hello", "hallo", "hxllo", "hllo", "heeeello", "b", "a", "255"] {
            _ = kv.run(.set(b(k), b("v"), condition: .none))
        }
        #expect(kv.ask(.keys(b("h?llo"))) == .array([.bulk(b("hallo")), .bulk(b("hello")), .bulk(b("hxllo"))]))
        #expect(kv.ask(.keys(b("h*llo"))) == .array(
            ["hallo", "heeeello", "hello", "hllo", "hxllo"].map { .bulk(b($0)) }))
        #expect(kv.ask(.keys(b("nothing*"))) == .array([]))
        guard case .array(let all) = kv.ask(.keys(b("*"))) else { Issue.record("not an array"); return }
        #expect(all.count == kv.count)
        #expect(all.first == .bulk(b("255")))  // "255" < "a" in bytes
    }

    @Test("KEYS and SCAN MATCH on binary keys")
    func binaryKeys() {
        var kv = KVStateMachine()
        _ = kv.run(.set([0, 1, 2], b("v"), condition: .none))
        _ = kv.run(.set([0, 0xFF], b("v"), condition: .none))
        #expect(kv.ask(.keys([0, UInt8(ascii: "*")])) == .array([.bulk([0, 1, 2]), .bulk([0, 0xFF])]))
        #expect(kv.fullScan(match: [UInt8(ascii: "?"), 0xFF]) == [[0, 0xFF]])
    }
}
