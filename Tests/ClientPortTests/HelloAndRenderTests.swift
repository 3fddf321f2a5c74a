import KVStore
import PaxosCore
import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: HELLO and RESP2/RESP3 rendering")
struct HelloAndRenderTests {
    @Test("HELLO 3 switches the session and answers a RESP3 map, byte for byte")
    func hello3() {
        let h = RouterHarness(clientID: 42)
        guard case .reply(let value) = h.send("HELLO", "3") else { Issue.record("no reply"); return }
        #expect(h.session.protocolVersion == .resp3)
        #expect(wire(value, h.session.protocolVersion) ==
            "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:3\r\n" +
            "$2\r\nid\r\n:42\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n" +
            "$7\r\nmodules\r\n*0\r\n")
    }

    @Test("HELLO without a version keeps the protocol; HELLO 2 switches back; bad versions refused")
    func helloVersions() {
        let h = RouterHarness()
        guard case .reply(let value) = h.send("HELLO") else { Issue.record("no reply"); return }
        #expect(h.session.protocolVersion == .resp2)
        #expect(wire(value, .resp2).hasPrefix("*14\r\n$6\r\nserver\r\n"))
        _ = h.send("HELLO", "3")
        _ = h.send("HELLO", "2")
        #expect(h.session.protocolVersion == .resp2)
        #expect(h.error("HELLO", "4") == "NOPROTO unsupported protocol version")
        #expect(h.error("HELLO", "1") == "NOPROTO unsupported protocol version")
        #expect(h.error("HELLO", "three") == "ERR Protocol version is not an integer or out of range")
        #expect(h.error("HELLO", "3", "BOGUS") == "ERR Syntax error in HELLO option 'BOGUS'")
        #expect(h.error("HELLO", "3", "AUTH", "default") == "ERR Syntax error in HELLO option 'AUTH'")
        #expect(h.error("HELLO", "3", "SETNAME", "a b") == "ERR Client names cannot contain spaces, newlines or special characters.")
        #expect(h.session.protocolVersion == .resp2)
    }

    @Test("HELLO SETNAME names the connection for CLIENT GETNAME")
    func helloSetName() {
        let h = RouterHarness()
        guard case .reply(.map) = h.send("hello", "2", "setname", "job-7") else { Issue.record("no map"); return }
        #expect(h.send("CLIENT", "GETNAME") == .reply(.bulk(b("job-7"))))
    }

    @Test("nil renders as $-1 in RESP2 and _ in RESP3; other replies the same in both")
    func nilReplies() {
        let h = RouterHarness()
        let setNX = KVCommand.set(b("k"), b("v"), condition: .nx)
        #expect(h.rendered(.nil, for: setNX) == "$-1\r\n")
        #expect(h.rendered(.nil, for: .get(b("k"))) == "$-1\r\n")
        #expect(h.rendered(.array([.bulk(b("v")), .nil]), for: .mget([b("a"), b("b")])) == "*2\r\n$1\r\nv\r\n$-1\r\n")
        _ = h.send("HELLO", "3")
        #expect(h.rendered(.nil, for: setNX) == "_\r\n")
        #expect(h.rendered(.array([.bulk(b("v")), .nil]), for: .mget([b("a"), b("b")])) == "*2\r\n$1\r\nv\r\n_\r\n")
        #expect(h.rendered(.ok, for: setNX) == "+OK\r\n")
        #expect(h.rendered(.integer(2), for: .exists([b("a")])) == ":2\r\n")
    }

    @Test("the node's reply bytes (with the shared +OK) equal rendering then encoding, in RESP2 and RESP3")
    func shortcutMatchesGeneralPath() {
        let h = RouterHarness()
        let set = KVCommand.set(b("k"), b("v"), condition: .none)
        let replies: [ClientReply] = [
            .result(KVReply.ok.encoded()), .result(KVReply.nil.encoded()), .result(KVReply.integer(-7).encoded()),
            .result(KVReply.bulk(b("v")).encoded()), .result(KVReply.error(code: "ERR", message: "x").encoded()),
            .noQuorum("no majority"), .timeout("outcome unknown"),
        ]
        for version in ["2", "3"] {
            _ = h.send("HELLO", version)
            for reply in replies {
                let bytes = h.router.encodedReply(reply, for: set, session: h.session)
                #expect(String(decoding: bytes, as: UTF8.self) == h.renderedWithoutShortcut(reply, for: set), "\(reply) in RESP\(version)")
            }
        }
        #expect(h.router.encodedReply(.result(KVReply.ok.encoded()), for: set, session: h.session) == Array("+OK\r\n".utf8))
    }

    @Test("each reply type renders as Redis sends it")
    func replyTypes() {
        let h = RouterHarness()
        #expect(h.rendered(.ok, for: .set(b("k"), b("v"), condition: .none)) == "+OK\r\n")
        #expect(h.rendered(.bulk(b("hello")), for: .get(b("k"))) == "$5\r\nhello\r\n")
        #expect(h.rendered(.bulk([]), for: .get(b("k"))) == "$0\r\n\r\n")
        #expect(h.rendered(.integer(-3), for: .incrBy(b("k"), -4)) == ":-3\r\n")
        #expect(h.rendered(.integer(1), for: .cas(b("k"), b("a"), b("b"))) == ":1\r\n")
        #expect(h.rendered(.array([.bulk(b("0")), .array([.bulk(b("a"))])]), for: .scan(cursor: 0, match: nil, count: 10))
            == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n")
        #expect(h.rendered(.error(code: "SESSIONEXPIRED", message: "gone"), for: .rid(clientID: b("c"), seq: 3, .incrBy(b("k"), 1)))
            == "-SESSIONEXPIRED gone\r\n")
    }

    @Test("NOQUORUM and TIMEOUT outcomes keep their codes")
    func outcomes() {
        let h = RouterHarness()
        let command = KVCommand.set(b("k"), b("v"), condition: .none)
        #expect(h.router.render(.noQuorum("no leader"), for: command, session: h.session) == .error("NOQUORUM no leader"))
        #expect(h.router.render(.timeout("unknown outcome"), for: command, session: h.session) == .error("TIMEOUT unknown outcome"))
        #expect(h.router.render(.result([0xEE]), for: command, session: h.session) == .error("ERR internal error: undecodable reply to set"))
    }
}
