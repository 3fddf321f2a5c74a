// The JSON-lines history format round-trips and rejects bad lines clearly.
import Checker
import Testing

@Suite struct HistoryFormatTests {
    @Test("every op kind survives encode then parse")
    func roundTrip() throws {
        let history = [
            op(1, 0, 5, set("k", "v", .nx), applied),
            op(2, 1, nil, cas("k", "v", "w"), .unknown),
            op(3, 2, 6, .set(key: b("bin"), value: [0, 255], condition: .none), .fail),
            op(1, 7, 9, incr("n", -3), integer(-3)),
            op(1, 10, 11, mset(("a", "1"), ("b", "2")), ok),
            op(1, 12, 13, mget("a", "zz"), values("1", nil)),
            op(1, 14, 15, del("a", "b"), count(2)),
            op(1, 16, 17, get("k"), read(nil)),
            op(1, 18, 19, cas("k", "v", "x"), swapped(false)),
            op(1, 20, 21, setPX("t", "v", 250), applied),
            op(1, 22, 23, expire("t", 40), swapped(true)),
            op(1, 24, 25, getSet("t", "w"), read("v")),
            op(1, 26, 27, getDel("t"), read("w")),
        ]
        let text = HistoryFormat.encode(history)
        #expect(try HistoryFormat.parse(text) == history)
        #expect(text.contains(#"{"hex":"00ff"}"#))
    }

    @Test("a hand-written history parses and is checked")
    func parseAndCheck() throws {
        let text = """
            # a NOQUORUM write whose value is later read
            {"process":1,"op":"set","args":["k","never"],"invoke":0,"complete":10,"outcome":"fail"}
            {"process":2,"op":"get","args":["k"],"invoke":20,"complete":30,"outcome":"ok","result":"never"}
            """
        let history = try HistoryFormat.parse(text)
        #expect(history.count == 2)
        #expect(Checker.check(history: history).isNotLinearizable)
    }

    @Test("a bad line is reported with its line number")
    func badLine() {
        let text = """
            {"process":1,"op":"get","args":["k"],"invoke":0,"complete":1,"outcome":"ok","result":null}
            {"process":1,"op":"incr","args":["k","x"],"invoke":2,"complete":3,"outcome":"ok","result":1}
            """
        #expect(throws: HistoryFormatError.self) { try HistoryFormat.parse(text) }
        do {
            _ = try HistoryFormat.parse(text)
        } catch let error as HistoryFormatError {
            #expect(error.line == 2)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
