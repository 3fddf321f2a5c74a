import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("pub/sub routing")
struct PubSubRoutingTests {
    @Test("SUBSCRIBE/PSUBSCRIBE/UNSUBSCRIBE go to the node; PUBLISH through the log")
    func decisions() {
        let h = RouterHarness()
        #expect(h.send("SUBSCRIBE", "a", "b") == .subscribe([b("a"), b("b")], patterns: false))
        #expect(h.send("PSUBSCRIBE", "n*") == .subscribe([b("n*")], patterns: true))
        #expect(h.send("UNSUBSCRIBE") == .unsubscribe([], patterns: false))
        #expect(h.send("PUNSUBSCRIBE", "n*") == .unsubscribe([b("n*")], patterns: true))
        #expect(h.send("PUBLISH", "ch", "m") == .write(.publish(b("ch"), b("m"))))
        #expect(h.error("PUBLISH", "ch") == "ERR wrong number of arguments for 'publish' command")
        #expect(h.error("SUBSCRIBE") == "ERR wrong number of arguments for 'subscribe' command")
    }

    @Test("a subscribed RESP2 connection may only (un)subscribe, PING (answered [pong, msg]), QUIT and RESET; RESP3 may do anything; RESET forgets")
    func subscribedMode() {
        let h = RouterHarness()
        #expect(h.session.subscribe(b("ch"), pattern: false))
        #expect(h.error("GET", "k") == "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
        #expect(h.send("PING") == .reply(.array([.bulk(b("pong")), .bulk(b(""))])))
        #expect(h.send("PING", "hi") == .reply(.array([.bulk(b("pong")), .bulk(b("hi"))])))
        h.session.protocolVersion = .resp3
        #expect(h.send("GET", "k") == .read(.get(b("k"))))
        #expect(h.send("PING") == .reply(.simpleString("PONG")))
        _ = h.send("RESET")
        #expect(h.session.subscriptionCount == 0)
        #expect(h.send("GET", "k") == .read(.get(b("k"))))
    }

    @Test("CONFIG SET notify-keyspace-events goes to the node; bad letters get Redis's error; CONFIG GET reports the node's")
    func config() {
        let h = RouterHarness()
        #expect(h.send("CONFIG", "SET", "notify-keyspace-events", "KEA") == .setNotifications(NotifyFlags(letters: "KEA")!))
        #expect(h.error("CONFIG", "SET", "notify-keyspace-events", "KQ")?.hasPrefix("ERR CONFIG SET failed") == true)
        h.info.notifyKeyspaceEvents = "AKE"
        #expect(h.send("CONFIG", "GET", "notify-*") == .reply(.map([(.bulk(b("notify-keyspace-events")), .bulk(b("AKE")))])))
    }

    @Test("confirmations and messages are push values: arrays in RESP2, `>` in RESP3")
    func shapes() {
        let value = PubSubReplies.confirmation("subscribe", b("ch"), count: 1)
        #expect(wire(value, .resp2) == "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        #expect(wire(value, .resp3) == ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        #expect(wire(PubSubReplies.confirmation("unsubscribe", nil, count: 0), .resp2) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(wire(PubSubReplies.patternMessage(pattern: b("c*"), channel: b("ch"), b("m")), .resp2)
                == "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$1\r\nm\r\n")
    }
}
