import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: key-value commands")
struct KeyValueRoutingTests {
    @Test("GET, SET, DEL, EXISTS, MGET, MSET become commands; names ignore case")
    func basicCommands() {
        let h = RouterHarness()
        #expect(h.send("GET", "k") == .read(.get(b("k"))))
        #expect(h.send("gEt", "k") == .read(.get(b("k"))))
        #expect(h.send("SET", "k", "v") == .write(.set(b("k"), b("v"), condition: .none)))
        #expect(h.send("DEL", "a", "b") == .write(.del([b("a"), b("b")])))
        #expect(h.send("EXISTS", "a", "a") == .read(.exists([b("a"), b("a")])))
        #expect(h.send("MGET", "a", "b") == .read(.mget([b("a"), b("b")])))
        #expect(h.send("MSET", "a", "1", "b", "2") == .write(.mset([(b("a"), b("1")), (b("b"), b("2"))])))
        #expect(h.send("CAS", "k", "old", "new") == .write(.cas(b("k"), b("old"), b("new"))))
        #expect(h.send("DBSIZE") == .read(.dbsize))
        #expect(h.send("KEYS", "user:*") == .read(.keys(b("user:*"))))
        #expect(h.send("snapshot") == .read(.snapshot))
    }

    @Test("keys and values are binary-safe bytes")
    func binaryKeys() {
        let h = RouterHarness()
        let key: [UInt8] = [0, 0xFF, 0x0D, 0x0A]
        let value: [UInt8] = [0xC3, 0x28, 0]
        #expect(h.sendArgs([b("SET"), key, value]) == .write(.set(key, value, condition: .none)))
        #expect(h.sendArgs([b("GET"), key]) == .read(.get(key)))
    }

    @Test("SET NX / XX stay a plain SET; KEEPTTL is a SET that keeps the deadline; junk is refused")
    func setOptions() {
        let h = RouterHarness()
        #expect(h.send("SET", "k", "v", "nx") == .write(.set(b("k"), b("v"), condition: .nx)))
        #expect(h.send("SET", "k", "v", "XX") == .write(.set(b("k"), b("v"), condition: .xx)))
        #expect(h.send("SET", "k", "v", "NX", "NX") == .write(.set(b("k"), b("v"), condition: .nx)))
        #expect(h.send("SET", "k", "v", "KEEPTTL") == .write(.setWith(b("k"), b("v"), SetOptions(expiry: .keep))))
        #expect(h.error("SET", "k", "v", "NX", "XX") == "ERR syntax error")
        #expect(h.error("SET", "k", "v", "FOO") == "ERR syntax error")
    }

    @Test("INCR, DECR, INCRBY, DECRBY; DECRBY of Int64.min would overflow")
    func counters() {
        let h = RouterHarness()
        #expect(h.send("INCR", "c") == .write(.incrBy(b("c"), 1)))
        #expect(h.send("DECR", "c") == .write(.incrBy(b("c"), -1)))
        #expect(h.send("INCRBY", "c", "-5") == .write(.incrBy(b("c"), -5)))
        #expect(h.send("DECRBY", "c", "5") == .write(.incrBy(b("c"), -5)))
        #expect(h.send("INCRBY", "c", "9223372036854775807") == .write(.incrBy(b("c"), .max)))
        #expect(h.send("INCRBY", "c", "-9223372036854775808") == .write(.incrBy(b("c"), .min)))
        #expect(h.send("DECRBY", "c", "9223372036854775807") == .write(.incrBy(b("c"), -.max)))
        #expect(h.error("DECRBY", "c", "-9223372036854775808") == "ERR decrement would overflow")
        #expect(h.error("INCRBY", "c", "1.5") == "ERR value is not an integer or out of range")
    }

    @Test("SCAN: cursor, MATCH, COUNT in any order; bad cursor and options refused")
    func scan() {
        let h = RouterHarness()
        #expect(h.send("SCAN", "0") == .read(.scan(cursor: 0, match: nil, count: 10)))
        #expect(h.send("SCAN", "18446744073709551615", "COUNT", "3", "match", "a*")
            == .read(.scan(cursor: .max, match: b("a*"), count: 3)))
        #expect(h.error("SCAN", "18446744073709551616") == "ERR invalid cursor")
        #expect(h.error("SCAN", "-1") == "ERR invalid cursor")
        #expect(h.error("SCAN", "abc") == "ERR invalid cursor")
        #expect(h.error("SCAN", "0", "COUNT", "0") == "ERR syntax error")
        #expect(h.error("SCAN", "0", "COUNT", "x") == "ERR value is not an integer or out of range")
        #expect(h.error("SCAN", "0", "MATCH") == "ERR syntax error")
        #expect(h.send("SCAN", "0", "TYPE", "string") == .read(.scan(cursor: 0, match: nil, count: 10)))
        #expect(h.send("SCAN", "0", "TYPE", "hash") == .read(.scan(cursor: 0, match: b("[]"), count: 10)))
        #expect(h.error("SCAN", "0", "TYPE") == "ERR syntax error")
    }

    @Test("wrong arity names the command in lowercase, as Redis")
    func arity() {
        let h = RouterHarness()
        let cases: [[String]] = [
            ["GET"], ["GET", "a", "b"], ["SET", "k"], ["DEL"], ["EXISTS"], ["MGET"], ["MSET", "k"],
            ["MSET", "a", "1", "b"], ["INCR"], ["DECR", "a", "b"], ["INCRBY", "k"], ["DECRBY", "k", "1", "2"],
            ["CAS", "k", "v"], ["DBSIZE", "x"], ["SNAPSHOT", "x"], ["KEYS"], ["SCAN"], ["RID", "c", "1"],
            ["PING", "a", "b"], ["ECHO"], ["MULTI", "x"], ["EXEC", "x"], ["DISCARD", "x"], ["SELECT"],
            ["READONLY", "x"], ["CONFIG"], ["CLIENT"], ["AUTH"],
        ]
        for words in cases {
            let decision = h.sendArgs(words.map { b($0) })
            #expect(decision == .reply(.error("ERR wrong number of arguments for '\(words[0].lowercased())' command")), "\(words)")
        }
    }

    @Test("an unknown command quotes its name as typed and its first arguments")
    func unknown() {
        let h = RouterHarness()
        #expect(h.error("FOO") == "ERR unknown command 'FOO', with args beginning with: ")
        #expect(h.error("foo", "a", "b c") == "ERR unknown command 'foo', with args beginning with: 'a' 'b c' ")
        let long = String(repeating: "x", count: 300)
        let text = h.error("nope", long, "y") ?? ""
        #expect(text.utf8.count < 200)
        #expect(!text.contains("'y'"))
        #expect(h.sendArgs([]) == .reply(.error("ERR empty command")))
    }

    @Test("over-limit keys and values get the KVLimits error and no command")
    func limits() {
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 4, valueBytesMax: 8)))
        #expect(h.error("SET", "12345", "v") == "ERR key is too long (5 bytes, limit 4)")
        #expect(h.error("SET", "k", "123456789") == "ERR value is too large (9 bytes, limit 8)")
        #expect(h.error("GET", "12345") == "ERR key is too long (5 bytes, limit 4)")
        #expect(h.error("MSET", "a", "1", "b", "123456789") == "ERR value is too large (9 bytes, limit 8)")
        #expect(h.error("KEYS", "*****") == "ERR pattern is too long (5 bytes, limit 4)")
        #expect(h.send("SET", "1234", "12345678") == .write(.set(b("1234"), b("12345678"), condition: .none)))
    }

    @Test("READONLY serves GET/MGET/EXISTS locally; other reads stay linearizable; READWRITE undoes it")
    func readOnly() {
        let h = RouterHarness()
        #expect(h.send("READONLY") == .reply(.simpleString("OK")))
        #expect(h.send("GET", "k") == .localRead(.get(b("k"))))
        #expect(h.send("MGET", "k") == .localRead(.mget([b("k")])))
        #expect(h.send("EXISTS", "k") == .localRead(.exists([b("k")])))
        #expect(h.send("DBSIZE") == .read(.dbsize))
        #expect(h.send("SNAPSHOT") == .read(.snapshot))
        #expect(h.send("SET", "k", "v") == .write(.set(b("k"), b("v"), condition: .none)))
        #expect(h.send("readwrite") == .reply(.simpleString("OK")))
        #expect(h.send("GET", "k") == .read(.get(b("k"))))
    }
}
