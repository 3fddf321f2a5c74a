import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("WATCH: what the connection remembers and what EXEC carries")
struct WatchTests {
    @Test("EXEC after WATCH carries each watched key with the seq it was watched at (the first one for a key watched twice)")
    func execCarriesWatches() {
        let h = RouterHarness()
        #expect(h.send("WATCH", "a", "b") == .watch([b("a"), b("b")]))
        #expect(h.session.watch([b("a"), b("b")], seq: 5))
        #expect(h.session.watch([b("b"), b("c")], seq: 9))
        #expect(h.send("MULTI") == .reply(.simpleString("OK")))
        #expect(h.send("GET", "a") == .reply(.simpleString("QUEUED")))
        let expected: [WatchedKey] = [WatchedKey(key: b("a"), seq: 5), WatchedKey(key: b("b"), seq: 5), WatchedKey(key: b("c"), seq: 9)]
        #expect(h.send("EXEC") == .write(.watchedMulti(expected, [.get(b("a"))])))
        // EXEC forgot them: the next transaction is a plain one.
        #expect(h.session.watched.isEmpty)
        _ = h.send("MULTI")
        _ = h.send("GET", "a")
        #expect(h.send("EXEC") == .read(.multi([.get(b("a"))])))
    }

    @Test("an empty transaction with watches still goes through the log (it may answer nil); UNWATCH, DISCARD and RESET forget")
    func forgetting() {
        let h = RouterHarness()
        #expect(h.session.watch([b("k")], seq: 1))
        _ = h.send("MULTI")
        #expect(h.send("EXEC") == .write(.watchedMulti([WatchedKey(key: b("k"), seq: 1)], [])))
        for forget in [["UNWATCH"], ["MULTI", "DISCARD"], ["RESET"]] {
            #expect(h.session.watch([b("k")], seq: 1))
            for word in forget { _ = h.sendArgs([b(word)]) }
            #expect(h.session.watched.isEmpty, "\(forget)")
        }
        #expect(h.error("WATCH") == "ERR wrong number of arguments for 'watch' command")
    }

    @Test("at most watchedMax keys per connection; an over-long key is refused")
    func bounds() {
        let h = RouterHarness()
        let many = (0..<ConnectionState.watchedMax).map { b("k\($0)") }
        #expect(h.session.watch(many, seq: 1))
        #expect(h.session.watch([b("k1")], seq: 2))  // already watched: no growth
        #expect(!h.session.watch([b("one more")], seq: 2))
        let huge = [UInt8](repeating: 0x61, count: 70_000)
        guard case .reply(.error(let text)) = h.sendArgs([b("WATCH"), huge]) else {
            Issue.record("an over-long watched key was accepted")
            return
        }
        #expect(text.hasPrefix("ERR key is too long"), "\(text)")
    }

    @Test("an aborted EXEC renders as Redis's null array (RESP2 *-1, RESP3 _)")
    func abortedRendering() {
        let h = RouterHarness()
        let command = KVCommand.watchedMulti([WatchedKey(key: b("k"), seq: 1)], [.get(b("k"))])
        #expect(h.renderedWithoutShortcut(.result(KVReply.nil.encoded()), for: command) == "*-1\r\n")
        #expect(h.rendered(.array([.nil]), for: command) == "*1\r\n$-1\r\n")
        h.session.protocolVersion = .resp3
        #expect(h.renderedWithoutShortcut(.result(KVReply.nil.encoded()), for: command) == "_\r\n")
    }
}
