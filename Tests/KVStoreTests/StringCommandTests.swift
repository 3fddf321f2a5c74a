import PaxosCore
import Testing
@testable import KVStore

/// One GETRANGE case: the stored value (nil: no key), the offsets and what
/// redis-server 7.0 answers for them.
struct GetRangeCase: Sendable, CustomTestStringConvertible {
    let value: String?
    let start: Int64
    let end: Int64
    let expected: String

    var testDescription: String { "GETRANGE \(value.map { "'\($0)'" } ?? "missing") \(start) \(end) -> '\(expected)'" }
}

@Suite("string commands: state machine semantics")
struct StringCommandTests {
    let client = b("client-1")

    func rid(_ seq: UInt64, _ command: KVCommand) -> KVCommand {
        .rid(clientID: client, seq: seq, command)
    }

    /// A store holding `pairs`, each applied with SET.
    func store(_ pairs: [(String, String)], maxValueBytes: Int = 1 << 20) -> KVStateMachine {
        var kv = KVStateMachine(maxValueBytes: maxValueBytes)
        for (key, value) in pairs { _ = kv.run(.set(b(key), b(value), condition: .none)) }
        return kv
    }

    static let tooLarge = KVReply.err("string exceeds maximum allowed size (max_value_bytes)")

    // MARK: SETNX, GETSET, GETDEL

    @Test("SETNX sets a missing key (:1); on an existing key it replies :0 and leaves the value")
    func setNX() {
        var kv = KVStateMachine()
        #expect(kv.run(.setNX(b("k"), b("1"))) == .integer(1))
        #expect(kv.run(.setNX(b("k"), b("2"))) == .integer(0))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("1")))
        #expect(kv.run(.setNX(b("e"), [])) == .integer(1))
        #expect(kv.run(.setNX(b("e"), b("x"))) == .integer(0))
        #expect(kv.ask(.get(b("e"))) == .bulk([]))
        #expect(kv.count == 2)
    }

    @Test("GETSET replies the old value (nil when missing) and stores the new one")
    func getSet() {
        var kv = KVStateMachine()
        #expect(kv.run(.getSet(b("k"), b("a"))) == .nil)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("a")))
        #expect(kv.run(.getSet(b("k"), b("b"))) == .bulk(b("a")))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("b")))
        #expect(kv.run(.getSet(b("k"), [])) == .bulk(b("b")))
        #expect(kv.run(.getSet(b("k"), b("c"))) == .bulk([]))
        #expect(kv.count == 1)
    }

    @Test("GETDEL replies the value and removes the key; nil when missing")
    func getDel() {
        var kv = store([("k", "v"), ("other", "o")])
        #expect(kv.run(.getDel(b("k"))) == .bulk(b("v")))
        #expect(kv.ask(.exists([b("k")])) == .integer(0))
        #expect(kv.run(.getDel(b("k"))) == .nil)
        #expect(kv.run(.getDel(b("never"))) == .nil)
        #expect(kv.contents == [b("other"): b("o")])
    }

    // MARK: APPEND

    @Test("APPEND creates a missing key, appends to an existing one and replies the new length")
    func append() {
        var kv = KVStateMachine()
        #expect(kv.run(.append(b("k"), b("abc"))) == .integer(3))
        #expect(kv.run(.append(b("k"), b("de"))) == .integer(5))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("abcde")))
        #expect(kv.run(.append(b("k"), [])) == .integer(5))
        #expect(kv.run(.append(b("k"), [0, 255])) == .integer(7))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("abcde") + [0, 255]))
        // As Redis: an empty APPEND on a missing key creates an empty string.
        #expect(kv.run(.append(b("e"), [])) == .integer(0))
        #expect(kv.ask(.get(b("e"))) == .bulk([]))
    }

    @Test("APPEND beyond maxValueBytes replies the error and changes nothing; exactly the limit is fine")
    func appendTooLarge() {
        var kv = store([("k", "12345")], maxValueBytes: 8)
        #expect(kv.run(.append(b("k"), b("678"))) == .integer(8))
        let before = kv.snapshot()
        #expect(kv.run(.append(b("k"), b("9"))) == Self.tooLarge)
        #expect(kv.run(.append(b("fresh"), b("123456789"))) == Self.tooLarge)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("12345678")))
        #expect(kv.ask(.exists([b("fresh")])) == .integer(0))
        let isUnchanged = kv.snapshot() == before
        #expect(isUnchanged)
    }

    // MARK: SETRANGE

    @Test("SETRANGE past the end of a missing key zero-pads and creates it")
    func setRangePads() {
        var kv = KVStateMachine()
        #expect(kv.run(.setRange(b("k"), offset: 3, b("hi"))) == .integer(5))
        #expect(kv.ask(.get(b("k"))) == .bulk([0, 0, 0] + b("hi")))
        #expect(kv.run(.setRange(b("k"), offset: 7, b("!"))) == .integer(8))
        #expect(kv.ask(.get(b("k"))) == .bulk([0, 0, 0] + b("hi") + [0, 0] + b("!")))
    }

    @Test("SETRANGE overwrites in place, extending only as far as the patch reaches")
    func setRangeOverwrites() {
        var kv = store([("k", "Hello World"), ("h", "hello")])
        #expect(kv.run(.setRange(b("k"), offset: 6, b("Redis"))) == .integer(11))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("Hello Redis")))
        #expect(kv.run(.setRange(b("k"), offset: 0, b("J"))) == .integer(11))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("Jello Redis")))
        #expect(kv.run(.setRange(b("h"), offset: 4, b("O!!"))) == .integer(7))
        #expect(kv.ask(.get(b("h"))) == .bulk(b("hellO!!")))
    }

    @Test("SETRANGE with an empty patch: a missing key stays missing (:0), an existing one replies its length")
    func setRangeEmptyPatch() {
        var kv = store([("k", "hello")], maxValueBytes: 8)
        #expect(kv.run(.setRange(b("missing"), offset: 5, [])) == .integer(0))
        #expect(kv.run(.setRange(b("missing"), offset: Int(Int32.max), [])) == .integer(0))
        #expect(kv.ask(.exists([b("missing")])) == .integer(0))
        #expect(kv.run(.setRange(b("k"), offset: 1, [])) == .integer(5))
        // Beyond maxValueBytes too: with nothing to write, Redis checks no size.
        #expect(kv.run(.setRange(b("k"), offset: 100, [])) == .integer(5))
        #expect(kv.contents == [b("k"): b("hello")])
    }

    @Test("SETRANGE building more than maxValueBytes replies the error and changes nothing")
    func setRangeTooLarge() {
        var kv = store([("k", "hello")], maxValueBytes: 8)
        let before = kv.snapshot()
        #expect(kv.run(.setRange(b("k"), offset: 6, b("abc"))) == Self.tooLarge)
        #expect(kv.run(.setRange(b("k"), offset: Int(Int32.max), b("x"))) == Self.tooLarge)
        #expect(kv.run(.setRange(b("new"), offset: 8, b("x"))) == Self.tooLarge)
        #expect(kv.ask(.exists([b("new")])) == .integer(0))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("hello")))
        let isUnchanged = kv.snapshot() == before
        #expect(isUnchanged)
        // Exactly the limit is allowed.
        #expect(kv.run(.setRange(b("k"), offset: 5, b("abc"))) == .integer(8))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("helloabc")))
    }

    // MARK: STRLEN, GETRANGE, TYPE, TOUCH

    @Test("STRLEN is the byte length; 0 for a missing key or an empty value")
    func strlen() {
        var kv = store([("k", "Hello"), ("e", "")])
        _ = kv.run(.set(b("bin"), [0, 0xFF, 0xC3, 0x28], condition: .none))
        #expect(kv.ask(.strlen(b("k"))) == .integer(5))
        #expect(kv.ask(.strlen(b("e"))) == .integer(0))
        #expect(kv.ask(.strlen(b("missing"))) == .integer(0))
        #expect(kv.ask(.strlen(b("bin"))) == .integer(4))
        #expect(kv.run(.strlen(b("k"))) == .integer(5), "through the log too")
    }

    /// Each expected substring was checked against redis-server 7.0.
    static let rangeCases: [GetRangeCase] = [
        // Positive offsets.
        GetRangeCase(value: "Hello", start: 0, end: 4, expected: "Hello"),
        GetRangeCase(value: "Hello", start: 1, end: 3, expected: "ell"),
        GetRangeCase(value: "Hello", start: 0, end: 0, expected: "H"),
        // Negative offsets count from the end.
        GetRangeCase(value: "Hello", start: 0, end: -1, expected: "Hello"),
        GetRangeCase(value: "Hello", start: -3, end: -1, expected: "llo"),
        GetRangeCase(value: "Hello", start: -1, end: -1, expected: "o"),
        GetRangeCase(value: "Hello", start: 2, end: -2, expected: "ll"),
        GetRangeCase(value: "Hello", start: -5, end: -5, expected: "H"),
        // Out of range: clamped to the value.
        GetRangeCase(value: "Hello", start: -100, end: 100, expected: "Hello"),
        GetRangeCase(value: "Hello", start: 4, end: 100, expected: "o"),
        GetRangeCase(value: "Hello", start: 5, end: 10, expected: ""),
        GetRangeCase(value: "Hello", start: 10, end: 20, expected: ""),
        GetRangeCase(value: "Hello", start: 6, end: -1, expected: ""),
        // Redis clamps an end before the start of the value to 0: one byte.
        GetRangeCase(value: "Hello", start: 0, end: -100, expected: "H"),
        GetRangeCase(value: "Hello", start: -100, end: -100, expected: "H"),
        GetRangeCase(value: "Hello", start: -6, end: -6, expected: "H"),
        GetRangeCase(value: "Hello", start: .min, end: .min, expected: "H"),
        GetRangeCase(value: "Hello", start: .min, end: .max, expected: "Hello"),
        // start > end.
        GetRangeCase(value: "Hello", start: 3, end: 1, expected: ""),
        GetRangeCase(value: "Hello", start: -1, end: 0, expected: ""),
        GetRangeCase(value: "Hello", start: .max, end: .min, expected: ""),
        // Both negative with start > end.
        GetRangeCase(value: "Hello", start: -1, end: -3, expected: ""),
        GetRangeCase(value: "Hello", start: -2, end: -5, expected: ""),
        // ... even when both are before the start of the value, where clamping alone would give one byte.
        GetRangeCase(value: "Hello", start: -100, end: -200, expected: ""),
        GetRangeCase(value: "Hello", start: -6, end: -7, expected: ""),
        GetRangeCase(value: "Hello", start: -1, end: -100, expected: ""),
        GetRangeCase(value: "Hello", start: -100, end: -99, expected: "H"),
        // An empty value and a missing key: always empty.
        GetRangeCase(value: "", start: 0, end: -1, expected: ""),
        GetRangeCase(value: "", start: 0, end: 0, expected: ""),
        GetRangeCase(value: "", start: -1, end: -1, expected: ""),
        GetRangeCase(value: "", start: .min, end: .max, expected: ""),
        GetRangeCase(value: nil, start: 0, end: -1, expected: ""),
        GetRangeCase(value: nil, start: 0, end: 0, expected: ""),
        GetRangeCase(value: nil, start: -1, end: -2, expected: ""),
    ]

    @Test("GETRANGE follows Redis's offset rules", arguments: rangeCases)
    func getRange(_ c: GetRangeCase) {
        var kv = KVStateMachine()
        if let value = c.value { _ = kv.run(.set(b("k"), b(value), condition: .none)) }
        #expect(kv.ask(.getRange(b("k"), start: c.start, end: c.end)) == .bulk(b(c.expected)))
        #expect(KVStateMachine.range(of: b(c.value ?? ""), start: c.start, end: c.end) == b(c.expected))
    }

    @Test("GETRANGE is a read: it changes nothing, through the log or not")
    func getRangeReadOnly() {
        var kv = store([("k", "Hello")])
        let before = kv.snapshot()
        #expect(kv.run(.getRange(b("k"), start: 1, end: 2)) == .bulk(b("el")))
        let isUnchanged = kv.snapshot() == before
        #expect(isUnchanged)
    }

    @Test("TYPE is the simple string 'string' for a key, 'none' without one")
    func type() {
        var kv = store([("k", "v"), ("e", "")])
        #expect(kv.ask(.type(b("k"))) == .simple("string"))
        #expect(kv.ask(.type(b("e"))) == .simple("string"))
        #expect(kv.ask(.type(b("missing"))) == .simple("none"))
        #expect(kv.run(.type(b("k"))) == .simple("string"), "through the log too")
        _ = kv.run(.del([b("k")]))
        #expect(kv.ask(.type(b("k"))) == .simple("none"))
    }

    @Test("TOUCH counts the keys that exist, a key named twice counted twice")
    func touch() {
        var kv = store([("a", "1"), ("b", "2")])
        let before = kv.snapshot()
        #expect(kv.ask(.touch([b("a"), b("a"), b("b"), b("zz")])) == .integer(3))
        #expect(kv.ask(.touch([b("zz")])) == .integer(0))
        #expect(kv.run(.touch([b("b"), b("b")])) == .integer(2))
        let isUnchanged = kv.snapshot() == before
        #expect(isUnchanged)
    }

    // MARK: RENAME, RENAMENX

    @Test("RENAME moves the value (the source is gone) and overwrites the destination")
    func rename() {
        var kv = store([("a", "1"), ("b", "2")])
        #expect(kv.run(.rename(b("a"), b("c"), nx: false)) == .ok)
        #expect(kv.contents == [b("c"): b("1"), b("b"): b("2")])
        #expect(kv.run(.rename(b("c"), b("b"), nx: false)) == .ok)
        #expect(kv.contents == [b("b"): b("1")])
    }

    @Test("RENAME of a key to itself is OK when it exists; a missing source is 'no such key'")
    func renameEdges() {
        var kv = store([("a", "1")])
        #expect(kv.run(.rename(b("a"), b("a"), nx: false)) == .ok)
        #expect(kv.contents == [b("a"): b("1")])
        #expect(kv.run(.rename(b("missing"), b("x"), nx: false)) == .err("no such key"))
        #expect(kv.run(.rename(b("missing"), b("a"), nx: false)) == .err("no such key"))
        #expect(kv.run(.rename(b("missing"), b("missing"), nx: false)) == .err("no such key"))
        #expect(kv.contents == [b("a"): b("1")])
    }

    @Test("RENAMENX: :1 moved, :0 when the destination exists (same key too), 'no such key' without a source")
    func renameNX() {
        var kv = store([("a", "1"), ("b", "2")])
        #expect(kv.run(.rename(b("a"), b("b"), nx: true)) == .integer(0))
        #expect(kv.contents == [b("a"): b("1"), b("b"): b("2")])
        #expect(kv.run(.rename(b("a"), b("c"), nx: true)) == .integer(1))
        #expect(kv.contents == [b("c"): b("1"), b("b"): b("2")])
        #expect(kv.run(.rename(b("c"), b("c"), nx: true)) == .integer(0))
        #expect(kv.run(.rename(b("missing"), b("z"), nx: true)) == .err("no such key"))
        #expect(kv.run(.rename(b("missing"), b("missing"), nx: true)) == .err("no such key"))
        #expect(kv.contents == [b("c"): b("1"), b("b"): b("2")])
    }

    // MARK: MSETNX, COPY

    @Test("MSETNX sets every pair (:1) or, when any key exists, none (:0)")
    func msetNX() {
        var kv = KVStateMachine()
        #expect(kv.run(.msetNX([(b("x"), b("1")), (b("y"), b("2"))])) == .integer(1))
        #expect(kv.contents == [b("x"): b("1"), b("y"): b("2")])
        #expect(kv.run(.msetNX([(b("z"), b("3")), (b("x"), b("9"))])) == .integer(0))
        #expect(kv.contents == [b("x"): b("1"), b("y"): b("2")])
        // A new key named twice: both writes happen, in order.
        #expect(kv.run(.msetNX([(b("p"), b("1")), (b("p"), b("2"))])) == .integer(1))
        #expect(kv.ask(.get(b("p"))) == .bulk(b("2")))
    }

    @Test("COPY: :1 copied (source kept); :0 when the destination exists or the source is missing")
    func copy() {
        var kv = store([("a", "1")])
        #expect(kv.run(.copy(b("a"), b("b"), replace: false)) == .integer(1))
        #expect(kv.contents == [b("a"): b("1"), b("b"): b("1")])
        _ = kv.run(.set(b("a"), b("2"), condition: .none))
        #expect(kv.run(.copy(b("a"), b("b"), replace: false)) == .integer(0))
        #expect(kv.ask(.get(b("b"))) == .bulk(b("1")))
        #expect(kv.run(.copy(b("missing"), b("c"), replace: false)) == .integer(0))
        #expect(kv.run(.copy(b("missing"), b("b"), replace: true)) == .integer(0))
        #expect(kv.contents == [b("a"): b("2"), b("b"): b("1")])
    }

    @Test("COPY REPLACE overwrites the destination")
    func copyReplace() {
        var kv = store([("a", "new"), ("b", "old")])
        #expect(kv.run(.copy(b("a"), b("b"), replace: true)) == .integer(1))
        #expect(kv.contents == [b("a"): b("new"), b("b"): b("new")])
        #expect(kv.run(.copy(b("a"), b("c"), replace: true)) == .integer(1))
        #expect(kv.ask(.get(b("c"))) == .bulk(b("new")))
    }

    @Test("COPY of a key onto itself is an error, whether or not it exists or REPLACE is given")
    func copySameKey() {
        var kv = store([("a", "1")])
        let same = KVReply.err("source and destination objects are the same")
        #expect(kv.run(.copy(b("a"), b("a"), replace: false)) == same)
        #expect(kv.run(.copy(b("a"), b("a"), replace: true)) == same)
        #expect(kv.run(.copy(b("missing"), b("missing"), replace: false)) == same)
        #expect(kv.contents == [b("a"): b("1")])
    }

    // MARK: FLUSH

    @Test("FLUSH removes every key and replies OK; an empty store too")
    func flush() {
        var kv = store((0..<50).map { ("key:\($0)", "v\($0)") })
        #expect(kv.count == 50)
        #expect(kv.run(.flush) == .ok)
        #expect(kv.count == 0)
        #expect(kv.ask(.dbsize) == .integer(0))
        #expect(kv.ask(.get(b("key:7"))) == .nil)
        #expect(kv.run(.flush) == .ok)
        #expect(kv.run(.setNX(b("key:7"), b("again"))) == .integer(1))
        #expect(kv.contents == [b("key:7"): b("again")])
    }

    @Test("FLUSH keeps client sessions: a RID write's retry after it gets the stored reply, not a second apply")
    func flushKeepsSessions() {
        var kv = KVStateMachine()
        #expect(kv.run(rid(1, .incrBy(b("n"), 5)), at: 10) == .integer(5))
        _ = kv.run(.set(b("other"), b("x"), condition: .none), at: 11)
        #expect(kv.sessionCount == 1)
        #expect(kv.run(.flush, at: 12) == .ok)
        #expect(kv.count == 0)
        #expect(kv.sessionCount == 1)
        #expect(kv.sessions[client]?.lastSeq == 1)
        // The retry: the first reply again, and n is not recreated.
        #expect(kv.run(rid(1, .incrBy(b("n"), 5)), at: 13) == .integer(5))
        #expect(kv.count == 0)
        // The next seq applies on the empty store.
        #expect(kv.run(rid(2, .incrBy(b("n"), 5)), at: 14) == .integer(5))
        #expect(kv.contents == [b("n"): b("5")])
    }

    @Test("FLUSH wrapped in RID runs once: its retry does not flush again")
    func flushInRID() {
        var kv = store([("a", "1")])
        #expect(kv.run(rid(1, .flush)) == .ok)
        #expect(kv.count == 0)
        _ = kv.run(.set(b("b"), b("2"), condition: .none))
        #expect(kv.run(rid(1, .flush)) == .ok)
        #expect(kv.contents == [b("b"): b("2")])
    }

    // MARK: MULTI and RID

    @Test("inside MULTI the new commands apply in order, each with its own reply")
    func inMulti() {
        var kv = KVStateMachine()
        let reply = kv.run(.multi([
            .setNX(b("m"), b("1")),
            .append(b("m"), b("2")),
            .getRange(b("m"), start: 0, end: 0),
            .strlen(b("m")),
            .type(b("m")),
            .getSet(b("m"), b("x")),
            .rename(b("m"), b("n"), nx: false),
            .rename(b("n"), b("n"), nx: true),
            .copy(b("n"), b("o"), replace: false),
            .touch([b("m"), b("n"), b("o"), b("o")]),
            .msetNX([(b("n"), b("9")), (b("p"), b("9"))]),
            .getDel(b("n")),
            .setRange(b("o"), offset: 1, b("yz")),
            .get(b("o")),
            .flush,
            .type(b("o")),
            .setNX(b("after"), b("1")),
        ]))
        #expect(reply == .array([
            .integer(1), .integer(2), .bulk(b("1")), .integer(2), .simple("string"), .bulk(b("12")),
            .ok, .integer(0), .integer(1), .integer(3), .integer(0), .bulk(b("x")), .integer(3), .bulk(b("xyz")),
            .ok, .simple("none"), .integer(1),
        ]))
        #expect(kv.contents == [b("after"): b("1")])
    }

    @Test("inside MULTI an error is that command's reply and the rest still run")
    func multiErrors() {
        var kv = store([("k", "1234567")], maxValueBytes: 8)
        let reply = kv.run(.multi([
            .rename(b("missing"), b("x"), nx: false),
            .append(b("k"), b("89")),
            .copy(b("k"), b("k"), replace: true),
            .setRange(b("k"), offset: 7, b("!")),
            .setNX(b("z"), b("1")),
        ]))
        #expect(reply == .array([
            .err("no such key"), Self.tooLarge, .err("source and destination objects are the same"), .integer(8),
            .integer(1),
        ]))
        #expect(kv.contents == [b("k"): b("1234567!"), b("z"): b("1")])
    }

    @Test("a MULTI of the new reads is read-only and answered by query")
    func readOnlyMulti() {
        let kv = store([("k", "Hello")])
        let multi = KVCommand.multi([
            .strlen(b("k")), .getRange(b("k"), start: -3, end: -1), .type(b("k")), .type(b("no")), .touch([b("k"), b("no")]),
        ])
        #expect(multi.isReadOnly)
        #expect(kv.ask(multi) == .array([.integer(5), .bulk(b("llo")), .simple("string"), .simple("none"), .integer(1)]))
    }

    @Test("wrapped in RID each new write applies once; a retry gets the first reply")
    func inRID() {
        var kv = store([("k", "v")])
        #expect(kv.run(rid(1, .getDel(b("k")))) == .bulk(b("v")))
        _ = kv.run(.set(b("k"), b("v2"), condition: .none))
        #expect(kv.run(rid(1, .getDel(b("k")))) == .bulk(b("v")))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("v2")))

        #expect(kv.run(rid(2, .append(b("k"), b("+")))) == .integer(3))
        #expect(kv.run(rid(2, .append(b("k"), b("+")))) == .integer(3))
        #expect(kv.ask(.get(b("k"))) == .bulk(b("v2+")))

        #expect(kv.run(rid(3, .rename(b("k"), b("r"), nx: false))) == .ok)
        #expect(kv.run(rid(3, .rename(b("k"), b("r"), nx: false))) == .ok, "not 'no such key'")

        #expect(kv.run(rid(4, .msetNX([(b("m"), b("1"))]))) == .integer(1))
        #expect(kv.run(rid(4, .msetNX([(b("m"), b("1"))]))) == .integer(1), "not :0")

        #expect(kv.run(rid(5, .setRange(b("r"), offset: 4, b("!")))) == .integer(5))
        #expect(kv.run(rid(5, .setRange(b("r"), offset: 4, b("!")))) == .integer(5))

        #expect(kv.run(rid(6, .copy(b("r"), b("c"), replace: false))) == .integer(1))
        #expect(kv.run(rid(6, .copy(b("r"), b("c"), replace: false))) == .integer(1), "not :0")

        #expect(kv.run(rid(7, .setNX(b("s"), b("1")))) == .integer(1))
        #expect(kv.run(rid(7, .setNX(b("s"), b("1")))) == .integer(1), "not :0")

        #expect(kv.run(rid(8, .getSet(b("s"), b("2")))) == .bulk(b("1")))
        #expect(kv.run(rid(8, .getSet(b("s"), b("2")))) == .bulk(b("1")), "not the new value")

        #expect(kv.contents == [b("r"): b("v2+\0!"), b("c"): b("v2+\0!"), b("m"): b("1"), b("s"): b("2")])
        #expect(kv.sessions[client]?.lastSeq == 8)
    }

    @Test("a RID write of a MULTI of the new commands applies once")
    func ridMulti() {
        var kv = KVStateMachine()
        let command = rid(1, .multi([.append(b("k"), b("ab")), .setRange(b("k"), offset: 3, b("c"))]))
        let first = kv.run(command)
        #expect(first == .array([.integer(2), .integer(4)]))
        #expect(kv.run(command) == first)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("ab\0c")))
    }

    @Test("the new writes are not read-only, the new reads are")
    func readOnlyFlags() {
        let writes: [KVCommand] = [
            .setNX([], []), .getSet([], []), .getDel([]), .append([], []), .setRange([], offset: 0, []), .flush,
            .rename([], [1], nx: false), .rename([], [1], nx: true), .msetNX([]), .copy([], [1], replace: false),
            .multi([.strlen([]), .flush]),
        ]
        let reads: [KVCommand] = [.strlen([]), .getRange([], start: 0, end: -1), .type([]), .touch([[]])]
        for command in writes { #expect(!command.isReadOnly, "\(command)") }
        for command in reads { #expect(command.isReadOnly, "\(command)") }
        let kv = KVStateMachine()
        #expect(kv.query(.flush).isError)
        #expect(kv.query(.append(b("k"), b("v"))).isError)
    }
}

@Suite("string commands: codecs and snapshots")
struct StringCommandCodecTests {
    static let commands: [KVCommand] = [
        .setNX(b("k"), b("v")), .setNX([], []),
        .getSet(b("k"), [0, 255]), .getDel(b("k")), .getDel([]),
        .append(b("k"), b("tail")), .append([], []),
        .setRange(b("k"), offset: 0, b("v")), .setRange(b("k"), offset: Int(Int32.max), []),
        .flush,
        .rename(b("a"), b("b"), nx: false), .rename(b("a"), b("b"), nx: true), .rename([], [], nx: true),
        .msetNX([]), .msetNX([(b("a"), b("1")), ([], [])]),
        .copy(b("a"), b("b"), replace: false), .copy(b("a"), b("b"), replace: true),
        .strlen(b("k")),
        .getRange(b("k"), start: 0, end: -1), .getRange(b("k"), start: .min, end: .max),
        .type(b("k")), .touch([]), .touch([b("a"), b("a"), []]),
        .multi([.setNX(b("k"), b("v")), .flush, .getRange(b("k"), start: -2, end: 5), .copy(b("k"), b("c"), replace: true)]),
        .rid(clientID: b("c"), seq: 9, .rename(b("a"), b("b"), nx: true)),
        .rid(clientID: b("c"), seq: .max, .multi([.msetNX([(b("x"), b("y"))]), .type(b("x"))])),
    ]

    @Test("every new command survives encode then decode, deterministically", arguments: commands.indices)
    func roundTrip(index: Int) throws {
        let command = Self.commands[index]
        let bytes = command.encoded()
        #expect(try KVCommand(decoding: bytes) == command)
        #expect(command.encoded() == bytes)
    }

    @Test("commands that differ in one field encode differently and compare unequal")
    func fieldsMatter() {
        let pairs: [(KVCommand, KVCommand)] = [
            (.rename(b("a"), b("b"), nx: false), .rename(b("a"), b("b"), nx: true)),
            (.copy(b("a"), b("b"), replace: false), .copy(b("a"), b("b"), replace: true)),
            (.rename(b("a"), b("b"), nx: false), .copy(b("a"), b("b"), replace: false)),
            (.setNX(b("k"), b("v")), .getSet(b("k"), b("v"))),
            (.setNX(b("k"), b("v")), .append(b("k"), b("v"))),
            (.strlen(b("k")), .type(b("k"))),
            (.getDel(b("k")), .get(b("k"))),
            (.touch([b("k")]), .exists([b("k")])),
            (.msetNX([(b("k"), b("v"))]), .mset([(b("k"), b("v"))])),
            (.touch([b("k")]), .del([b("k")])),
            (.setRange(b("k"), offset: 1, b("v")), .setRange(b("k"), offset: 2, b("v"))),
            (.getRange(b("k"), start: 0, end: 1), .getRange(b("k"), start: 1, end: 0)),
        ]
        for (a, c) in pairs {
            #expect(a != c, "\(a) vs \(c)")
            #expect(a.encoded() != c.encoded(), "\(a) vs \(c)")
        }
    }

    @Test("every truncation of a new command's encoding is refused", arguments: commands.indices)
    func truncated(index: Int) {
        let bytes = Self.commands[index].encoded()
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self, "cut at \(cut)") { try KVCommand(decoding: Array(bytes[..<cut])) }
        }
        #expect(throws: DecodeError.self) { try KVCommand(decoding: bytes + [0]) }
    }

    @Test("a flag byte other than 0 or 1 in RENAME or COPY is refused")
    func badFlag() throws {
        for command in [KVCommand.rename(b("a"), b("b"), nx: false), .copy(b("a"), b("b"), replace: false)] {
            var bytes = command.encoded()
            #expect(bytes.last == 0)
            bytes[bytes.count - 1] = 1
            let flipped = try KVCommand(decoding: bytes)
            #expect(flipped != command, "the last byte is the flag")
            for bad: UInt8 in [2, 0x80, 0xFF] {
                bytes[bytes.count - 1] = bad
                #expect(throws: DecodeError.self, "\(command) flag \(bad)") { try KVCommand(decoding: bytes) }
            }
        }
    }

    @Test("a SETRANGE offset above Int32.max is refused when decoding; the state machine replies an error")
    func setRangeOffsetOutOfRange() throws {
        let edge = KVCommand.setRange(b("k"), offset: Int(Int32.max), b("v"))
        #expect(try KVCommand(decoding: edge.encoded()) == edge)
        for offset in [Int(Int32.max) + 1, Int(UInt32.max), Int.max] {
            let bytes = KVCommand.setRange(b("k"), offset: offset, b("v")).encoded()
            #expect(throws: DecodeError.self, "offset \(offset)") { try KVCommand(decoding: bytes) }
            var kv = KVStateMachine()
            let reply = try KVReply(decoding: kv.apply(bytes, logTimeMs: 1))
            #expect(reply.isError)
            #expect(kv.count == 0)
        }
    }

    static let replies: [KVReply] = [
        .simple("string"), .simple("none"), .simple(""), .simple("OK"), .simple("ünïcode"),
        .array([.simple("string"), .nil, .simple("none")]),
    ]

    @Test("simple-string replies survive the reply codec", arguments: replies.indices)
    func simpleRoundTrip(index: Int) throws {
        let reply = Self.replies[index]
        let bytes = reply.encoded()
        #expect(try KVReply(decoding: bytes) == reply)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try KVReply(decoding: Array(bytes[..<cut])) }
        }
    }

    @Test("a simple 'OK' is not the .ok reply, and encodes differently")
    func simpleIsNotOK() throws {
        #expect(KVReply.simple("OK") != .ok)
        #expect(KVReply.simple("OK").encoded() != KVReply.ok.encoded())
        #expect(try KVReply(decoding: KVReply.simple("OK").encoded()) == .simple("OK"))
        #expect(!KVReply.simple("string").isError)
    }

    /// A store after every new write, a flush in the middle, and RID sessions.
    static func populated() -> KVStateMachine {
        var kv = KVStateMachine(maxValueBytes: 64)
        let script: [KVCommand] = [
            .setNX(b("a"), b("1")), .getSet(b("b"), b("2")), .append(b("a"), b("23")), .rid(clientID: b("c1"), seq: 1, .flush),
            .msetNX([(b("x"), b("1")), (b("y"), b("2"))]), .setRange(b("z"), offset: 4, [0xFF, 0]),
            .rename(b("x"), b("w"), nx: false), .rename(b("y"), b("v"), nx: true), .copy(b("w"), b("u"), replace: false),
            .copy(b("z"), b("u"), replace: true), .getDel(b("v")), .append(b("a"), b("tail")),
            .rid(clientID: b("c2"), seq: 1, .append(b("a"), b("!"))),
        ]
        for (i, command) in script.enumerated() { _ = kv.run(command, at: UInt64(100 + i)) }
        return kv
    }

    @Test("a snapshot after the new commands restores to an equal state, byte for byte")
    func snapshotRoundTrip() throws {
        let kv = Self.populated()
        #expect(kv.contents == [
            b("a"): b("tail!"), b("w"): b("1"), b("u"): [0, 0, 0, 0, 0xFF, 0], b("z"): [0, 0, 0, 0, 0xFF, 0],
        ])
        var copy = KVStateMachine(maxValueBytes: 64)
        try copy.restore(from: kv.snapshot())
        #expect(copy.contents == kv.contents)
        #expect(copy.sessions.byID == kv.sessions.byID)
        #expect(copy.sessionCount == 2)
        let isIdentical = copy.snapshot() == kv.snapshot()
        #expect(isIdentical)
        // The restored copy keeps answering as the original: retries and new commands alike.
        var original = kv
        for command: KVCommand in [
            .rid(clientID: b("c1"), seq: 1, .flush), .rid(clientID: b("c2"), seq: 1, .append(b("a"), b("!"))),
            .append(b("a"), b("?")), .getRange(b("a"), start: -2, end: -1), .type(b("u")),
        ] {
            #expect(copy.run(command, at: 200) == original.run(command, at: 200), "\(command)")
        }
        let stillIdentical = copy.snapshot() == original.snapshot()
        #expect(stillIdentical)
    }

    @Test("the same commands give the same snapshot bytes, applied encoded or not")
    func deterministic() {
        let a = Self.populated()
        let c = Self.populated()
        let isIdentical = a.snapshot() == c.snapshot()
        #expect(isIdentical)
        var direct = KVStateMachine(maxValueBytes: 64)
        var encoded = KVStateMachine(maxValueBytes: 64)
        for command: KVCommand in [
            .msetNX([(b("k"), b("v"))]), .setRange(b("k"), offset: 3, b("x")), .copy(b("k"), b("c"), replace: false),
        ] {
            let reply = direct.apply(command, logTimeMs: 5)
            #expect(encoded.apply(command.encoded(), logTimeMs: 5) == reply.encoded())
        }
        let same = direct.snapshot() == encoded.snapshot()
        #expect(same)
    }
}

@Suite("string commands: limits")
struct StringCommandLimitsTests {
    let limits = KVLimits(keyBytesMax: 4, valueBytesMax: 8)
    let longKey = [UInt8](repeating: 1, count: 5)
    let longValue = [UInt8](repeating: 1, count: 9)
    let key = [UInt8](repeating: 2, count: 4)
    let value = [UInt8](repeating: 2, count: 8)

    @Test("the new commands at the limits pass")
    func within() {
        let good: [KVCommand] = [
            .setNX(key, value), .getSet(key, value), .append(key, value), .getDel(key), .strlen(key),
            .getRange(key, start: .min, end: .max), .type(key), .touch([key, key]), .setRange(key, offset: 0, value),
            .setRange(key, offset: 7, [1]), .rename(key, key, nx: false), .rename(key, key, nx: true),
            .copy(key, key, replace: true), .msetNX([(key, value), (key, value)]), .flush,
            .multi([.flush, .append(key, value)]), .rid(clientID: key, seq: 1, .copy(key, key, replace: false)),
        ]
        for command in good { #expect(limits.validate(command) == nil, "\(command)") }
    }

    @Test("an over-limit key or value in a new command is refused")
    func over() {
        let bad: [KVCommand] = [
            .setNX(longKey, []), .setNX([], longValue), .getSet(longKey, []), .getSet([], longValue),
            .append(longKey, []), .append([], longValue), .getDel(longKey), .strlen(longKey),
            .getRange(longKey, start: 0, end: -1), .type(longKey), .touch([[], longKey]),
            .setRange(longKey, offset: 0, [1]), .setRange([], offset: 0, longValue),
            .msetNX([([], []), (longKey, [])]), .msetNX([([], []), ([], longValue)]),
            .multi([.flush, .append([], longValue)]), .rid(clientID: [], seq: 1, .getSet(longKey, [])),
        ]
        for command in bad { #expect(limits.validate(command)?.isError == true, "\(command)") }
        #expect(limits.validate(.setNX(longKey, [])) == .err("key is too long (5 bytes, limit 4)"))
        #expect(limits.validate(.append([], longValue)) == .err("value is too large (9 bytes, limit 8)"))
        #expect(limits.validate(.msetNX([([], []), ([], longValue)])) == .err("value is too large (9 bytes, limit 8)"))
    }

    @Test("RENAME, RENAMENX and COPY check both keys")
    func bothKeys() {
        let tooLong = KVReply.err("key is too long (5 bytes, limit 4)")
        for nx in [false, true] {
            #expect(limits.validate(.rename(longKey, key, nx: nx)) == tooLong)
            #expect(limits.validate(.rename(key, longKey, nx: nx)) == tooLong)
        }
        for replace in [false, true] {
            #expect(limits.validate(.copy(longKey, key, replace: replace)) == tooLong)
            #expect(limits.validate(.copy(key, longKey, replace: replace)) == tooLong)
        }
    }

    @Test("SETRANGE with offset + value beyond valueBytesMax is refused")
    func setRangeBeyond() {
        let tooLarge = KVReply.err("string exceeds maximum allowed size (max_value_bytes)")
        #expect(limits.validate(.setRange(key, offset: 6, [1, 2, 3])) == tooLarge)
        #expect(limits.validate(.setRange(key, offset: 8, [1])) == tooLarge)
        #expect(limits.validate(.setRange(key, offset: Int(Int32.max), [1])) == tooLarge)
        #expect(limits.validate(.setRange(key, offset: 5, [1, 2, 3])) == nil)
        #expect(limits.validate(.multi([.setRange(key, offset: 8, [1])])) == tooLarge)
    }

    @Test("SETRANGE with an empty value writes nothing, so Redis checks no size: any offset passes")
    func setRangeEmptyPatchAnyOffset() {
        #expect(limits.validate(.setRange(key, offset: 8, [])) == nil)
        // Redis replies the current length for `SETRANGE key <offset> ""` whatever the offset.
        #expect(limits.validate(.setRange(key, offset: 9, [])) == nil)
        #expect(limits.validate(.setRange(key, offset: Int(Int32.max), [])) == nil)
    }
}

@Suite("INCRBYFLOAT: long double arithmetic, printed as Redis prints it")
struct IncrByFloatTests {
    @Test("values and increments from Redis's tests; a missing key is 0; the deadline stays", arguments: [
        (nil, "1", "1"), ("1", "0.25", "1.25"), ("1.5", "1.5", "3"), ("17179869184", "1.5", "17179869185.5"),
        ("17179869184", "17179869184", "34359738368"), ("10.5", "0.1", "10.6"), ("1", "-1.1", "-0.1"),
        ("0.024390243902439025", "-0.024390243902439025", "0"), ("5", "5.0e3", "5005"),
    ] as [(String?, String, String)])
    func arithmetic(value: String?, increment: String, expected: String) {
        var kv = KVStateMachine()
        if let value { _ = kv.run(.setWith(b("f"), b(value), SetOptions(expiry: .after(ms: 10_000))), at: 1) }
        #expect(kv.run(.incrByFloat(b("f"), b(increment)), at: 2) == .bulk(b(expected)))
        #expect(kv.ask(.get(b("f"))) == .bulk(b(expected)))
        #expect(kv.deadline(of: b("f")) == (value == nil ? nil : 10_001))
    }

    @Test("a stored value that is not a float, or a sum that is infinite, is refused and changes nothing")
    func refusals() {
        var kv = KVStateMachine()
        for stored in ["    11", "abc", "1\u{0}2", ""] {
            _ = kv.run(.set(b("f"), b(stored), condition: .none))
            #expect(kv.run(.incrByFloat(b("f"), b("1"))) == .err("value is not a valid float"), "\(stored)")
            #expect(kv.ask(.get(b("f"))) == .bulk(b(stored)))
        }
        _ = kv.run(.set(b("f"), b("1e4932"), condition: .none))
        #expect(kv.run(.incrByFloat(b("f"), b("1e4932"))) == .err("increment would produce NaN or Infinity"))
        #expect(RedisFloat.isValid(b("1.5")) && RedisFloat.isValid(b("-.5e3")) && RedisFloat.isValid(b("+inf")))
        #expect(!RedisFloat.isValid(b(" 1")) && !RedisFloat.isValid(b("nan")) && !RedisFloat.isValid(b("")) && !RedisFloat.isValid(b("1x")))
    }
}
