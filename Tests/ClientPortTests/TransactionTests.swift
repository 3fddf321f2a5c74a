import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: MULTI / EXEC / DISCARD")
struct TransactionTests {
    let queued = RouteDecision.reply(.simpleString("QUEUED"))

    @Test("queued writes become one .write(.multi) on EXEC, and the session leaves MULTI")
    func execWrites() {
        let h = RouterHarness()
        #expect(h.send("MULTI") == .reply(.simpleString("OK")))
        #expect(h.send("SET", "a", "1") == queued)
        #expect(h.send("incr", "n") == queued)
        #expect(h.send("GET", "a") == queued)
        #expect(h.session.multiQueue?.count == 3)
        #expect(h.send("EXEC") == .write(.multi([.set(b("a"), b("1"), condition: .none), .incrBy(b("n"), 1), .get(b("a"))])))
        #expect(h.session.multiQueue == nil)
        #expect(h.send("GET", "a") == .read(.get(b("a"))))
    }

    @Test("EXEC of reads only is a linearizable read, even on a READONLY connection")
    func execReads() {
        let h = RouterHarness()
        _ = h.send("READONLY")
        _ = h.send("MULTI")
        _ = h.send("GET", "a")
        _ = h.send("MGET", "a", "b")
        #expect(h.send("EXEC") == .read(.multi([.get(b("a")), .mget([b("a"), b("b")])])))
    }

    @Test("EXEC of nothing is an empty array at once")
    func execEmpty() {
        let h = RouterHarness()
        _ = h.send("MULTI")
        #expect(h.send("EXEC") == .reply(.array([])))
    }

    @Test("a refused command inside MULTI replies its error and EXEC aborts")
    func execAbort() {
        for bad in [["GET"], ["NOSUCH", "x"], ["SET", "k", "v", "BAD"], ["INCRBY", "k", "x"], ["RID", "c", "1", "SET", "k", "v"], ["PING"]] {
            let h = RouterHarness()
            _ = h.send("MULTI")
            _ = h.send("SET", "a", "1")
            guard case .reply(.error) = h.sendArgs(bad.map { b($0) }) else {
                Issue.record("\(bad) was not refused")
                continue
            }
            #expect(h.session.multiFailed, "\(bad)")
            #expect(h.send("SET", "b", "2") == queued)
            #expect(h.send("EXEC") == .reply(.error("EXECABORT Transaction discarded because of previous errors.")))
            #expect(h.session.multiQueue == nil && !h.session.multiFailed)
        }
    }

    @Test("an over-limit value inside MULTI dooms the transaction")
    func limitsInside() {
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 8, valueBytesMax: 2)))
        _ = h.send("MULTI")
        #expect(h.send("SET", "k", "123") == .reply(.error("ERR value is too large (3 bytes, limit 2)")))
        #expect(h.send("EXEC") == .reply(.error("EXECABORT Transaction discarded because of previous errors.")))
    }

    @Test("the queue is bounded in commands and bytes")
    func bounded() {
        let h = RouterHarness(CommandRouter(maxQueuedCommands: 2, maxQueuedBytes: 20))
        _ = h.send("MULTI")
        #expect(h.send("SET", "a", "1") == queued)
        #expect(h.send("SET", "b", "2") == queued)
        guard case .reply(.error(let text)) = h.send("SET", "c", "3") else { Issue.record("not refused"); return }
        #expect(text.hasPrefix("ERR MULTI queue is full"))
        _ = h.send("DISCARD")
        _ = h.send("MULTI")
        guard case .reply(.error) = h.send("SET", "k", String(repeating: "v", count: 20)) else { Issue.record("not refused"); return }
    }

    @Test("nested MULTI, EXEC or DISCARD without MULTI are errors; WATCH is decided by the node; UNWATCH is OK")
    func misuse() {
        let h = RouterHarness()
        #expect(h.error("EXEC") == "ERR EXEC without MULTI")
        #expect(h.error("DISCARD") == "ERR DISCARD without MULTI")
        #expect(h.send("WATCH", "k") == .watch([b("k")]))
        #expect(h.send("UNWATCH") == .reply(.simpleString("OK")))
        _ = h.send("MULTI")
        _ = h.send("SET", "a", "1")
        // Neither dooms the transaction: Redis runs them at once instead of queueing.
        #expect(h.error("MULTI") == "ERR MULTI calls can not be nested")
        #expect(h.error("WATCH", "k") == "ERR WATCH inside MULTI is not allowed")
        #expect(h.send("EXEC") == .write(.multi([.set(b("a"), b("1"), condition: .none)])))
    }

    @Test("DISCARD drops the queue and a failure mark")
    func discard() {
        let h = RouterHarness()
        _ = h.send("MULTI")
        _ = h.send("GET")
        #expect(h.send("DISCARD") == .reply(.simpleString("OK")))
        #expect(h.session.multiQueue == nil && !h.session.multiFailed)
        _ = h.send("MULTI")
        _ = h.send("DEL", "x")
        #expect(h.send("EXEC") == .write(.multi([.del([b("x")])])))
    }

    @Test("QUIT inside MULTI closes at once")
    func quitInside() {
        let h = RouterHarness()
        _ = h.send("MULTI")
        #expect(h.send("QUIT") == .replyAndClose(.simpleString("OK")))
    }

    @Test("EXEC replies render as an array of each reply, errors inside included")
    func execRender() {
        let h = RouterHarness()
        let command = KVCommand.multi([.set(b("a"), b("1"), condition: .nx), .get(b("a")), .incrBy(b("a"), 1)])
        let reply = KVReply.array([.nil, .bulk(b("1")), .err("value is not an integer or out of range")])
        #expect(h.rendered(reply, for: command) == "*3\r\n$-1\r\n$1\r\n1\r\n-ERR value is not an integer or out of range\r\n")
    }
}
