import PaxosCore
import Testing
@testable import KVStore

@Suite("what applying a slot announces: PUBLISH and keyspace notifications")
struct NoticeTests {
    func announced(_ kv: inout KVStateMachine) -> [String] {
        guard let bytes = kv.takeNotices() else { return [] }
        return Notices.decode(bytes).map { notice in
            switch notice {
            case let .message(channel, message): "\(String(decoding: channel, as: UTF8.self)) \(String(decoding: message, as: UTF8.self))"
            case let .change(event, key, value): "change \(event) \(String(decoding: key, as: UTF8.self)) \(value.map { String(decoding: $0, as: UTF8.self) } ?? "nil")"
            }
        }
    }

    @Test("PUBLISH is announced whatever the flags; taking the notices clears them; the reply is 0")
    func publish() {
        var kv = KVStateMachine()
        #expect(kv.run(.publish(b("ch"), b("hi"))) == .integer(0))
        #expect(announced(&kv) == ["ch hi"])
        #expect(kv.takeNotices() == nil)
        _ = kv.run(.set(b("k"), b("v"), condition: .none))
        #expect(kv.takeNotices() == nil)  // keyspace notifications off
    }

    @Test("each write's events as Redis names them, keyspace then keyevent channel")
    func eventNames() {
        let cases: [(KVCommand, [String])] = [
            (.set(b("k"), b("v"), condition: .none), ["set"]),
            (.setWith(b("k"), b("v"), SetOptions(expiry: .after(ms: 1_000))), ["set", "expire"]),
            (.incrBy(b("n"), 2), ["incrby"]), (.incrByFloat(b("n"), b("1.5")), ["incrbyfloat"]),
            (.append(b("k"), b("x")), ["append"]), (.setRange(b("k"), offset: 1, b("y")), ["setrange"]),
            (.del([b("k"), b("missing")]), ["del"]), (.expire(b("k"), .after(ms: 500), []), ["expire"]),
            (.expire(b("k"), .after(ms: -1), []), ["del"]), (.rename(b("k"), b("j"), nx: false), ["rename_from", "rename_to"]),
            (.copy(b("k"), b("c"), replace: false), ["copy_to"]), (.getDel(b("k")), ["del"]),
            (.setNX(b("k"), b("w")), []), (.cas(b("k"), b("no"), b("w")), []),
        ]
        for (command, events) in cases {
            var kv = KVStateMachine()
            kv.notifyFlags = NotifyFlags(letters: "KEA")!
            _ = kv.run(.set(b("k"), b("v"), condition: .none))
            _ = kv.run(.set(b("n"), b("1"), condition: .none))
            _ = kv.takeNotices()
            _ = kv.run(command)
            let got = announced(&kv).filter { $0.hasPrefix("__keyspace") }.map { String($0.split(separator: " ")[1]) }
            #expect(got == events, "\(command)")
        }
    }

    @Test("expiry announces `expired` as the batch's log time deletes the key; classes and K/E filter")
    func expiredAndFilters() {
        var kv = KVStateMachine()
        kv.notifyFlags = NotifyFlags(letters: "Ex")!
        _ = kv.run(.setWith(b("t"), b("v"), SetOptions(expiry: .after(ms: 100))), at: 1_000)
        #expect(kv.takeNotices() == nil)  // set and expire are not of class x
        kv.advance(logTimeMs: 1_100)
        #expect(announced(&kv) == ["__keyevent@0__:expired t"])
        kv.notifyFlags = NotifyFlags(letters: "Kn$")!
        _ = kv.run(.set(b("fresh"), b("v"), condition: .none), at: 1_200)
        #expect(announced(&kv) == ["__keyspace@0__:fresh new", "__keyspace@0__:fresh set"])
    }

    @Test("the flags are this node's: a snapshot restore keeps them, and the snapshot bytes do not depend on them")
    func flagsAreLocal() throws {
        var a = KVStateMachine()
        a.notifyFlags = NotifyFlags(letters: "KEA")!
        let b_ = KVStateMachine()
        _ = a.run(.set(b("k"), b("v"), condition: .none))
        var copy = b_
        try copy.restore(from: a.snapshot())
        #expect(copy.notifyFlags.isEmpty)
        var same = a
        try same.restore(from: a.snapshot())
        #expect(same.notifyFlags == a.notifyFlags)
        var c = KVStateMachine()
        _ = c.run(.set(b("k"), b("v"), condition: .none))
        let identical = c.snapshot() == a.snapshot()
        #expect(identical)
    }

    @Test("notify-keyspace-events letters parse and print as Redis (A is g$lshzxetd; unknown letters refused)")
    func letters() {
        #expect(NotifyFlags(letters: "KEA")?.letters == "AKE")
        #expect(NotifyFlags(letters: "Kx$g")?.letters == "g$xK")
        #expect(NotifyFlags(letters: "")?.letters == "")
        #expect(NotifyFlags(letters: "An")?.letters == "A")  // n is outside A but A prints alone, as Redis
        #expect(NotifyFlags(letters: "Q") == nil)
    }

    @Test("with change feeds on, every change is announced with the value it left (nil when gone), in order")
    func changeFeed() {
        var kv = KVStateMachine()
        kv.announcesChanges = true
        _ = kv.run(.set(b("k"), b("1"), condition: .none), at: 1)
        _ = kv.run(.incrBy(b("k"), 4), at: 2)
        _ = kv.run(.setWith(b("t"), b("v"), SetOptions(expiry: .after(ms: 10))), at: 3)
        _ = kv.run(.del([b("k")]), at: 4)
        kv.advance(logTimeMs: 20)
        #expect(announced(&kv) == ["change set k 1", "change incrby k 5", "change set t v", "change expire t v", "change del k nil",
                                   "change expired t nil"])
    }
}
