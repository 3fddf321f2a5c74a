import PaxosCore
import Testing
@testable import KVStore

@Suite("WATCH in the state machine: EXEC applies only if no watched key changed")
struct WatchStateTests {
    func exec(_ kv: inout KVStateMachine, watching keys: [String], at seq: UInt64, _ commands: [KVCommand], time: UInt64 = 1) -> KVReply {
        kv.run(.watchedMulti(keys.map { WatchedKey(key: b($0), seq: seq) }, commands), at: time)
    }

    @Test("no change since the watch: the commands run; a change (even to the same value) makes EXEC nil and runs nothing")
    func changeAborts() {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("k"), b("1"), condition: .none))
        let watched = kv.changeSeq
        _ = kv.run(.set(b("other"), b("x"), condition: .none))
        #expect(exec(&kv, watching: ["k"], at: watched, [.incrBy(b("k"), 1)]) == .array([.integer(2)]))
        let again = kv.changeSeq
        _ = kv.run(.set(b("k"), b("2"), condition: .none))  // the same value INCR left: still a change
        #expect(exec(&kv, watching: ["k"], at: again, [.incrBy(b("k"), 1)]) == .nil)
        #expect(kv.ask(.get(b("k"))) == .bulk(b("2")))
    }

    @Test("what counts as a change: writes, deletes, a new deadline, expiry, FLUSHALL; what wrote nothing (SET NX, CAS mismatch, PERSIST without a deadline) does not")
    func whatChanges() {
        let changers: [KVCommand] = [
            .del([b("k")]), .append(b("k"), b("x")), .expire(b("k"), .after(ms: 10_000), []), .rename(b("k"), b("j"), nx: false),
            .flush, .getDel(b("k")), .setWith(b("k"), b("v"), SetOptions(expiry: .keep)),
        ]
        for changer in changers {
            var kv = KVStateMachine()
            _ = kv.run(.set(b("k"), b("v"), condition: .none))
            let seq = kv.changeSeq
            _ = kv.run(changer)
            #expect(exec(&kv, watching: ["k"], at: seq, []) == .nil, "\(changer)")
        }
        let quiet: [KVCommand] = [.setNX(b("k"), b("w")), .get(b("k")), .ttl(b("k"), inMs: false), .persist(b("k")),
                                  .cas(b("k"), b("no"), b("w")), .set(b("j"), b("w"), condition: .xx), .del([b("j")])]
        for command in quiet {
            var kv = KVStateMachine()
            _ = kv.run(.set(b("k"), b("v"), condition: .none))
            let seq = kv.changeSeq
            _ = kv.run(command)
            #expect(exec(&kv, watching: ["k"], at: seq, []) == .array([]), "\(command)")
        }
        // Expiry: the key's deadline passing is a change.
        var kv = KVStateMachine()
        _ = kv.run(.setWith(b("k"), b("v"), SetOptions(expiry: .after(ms: 100))), at: 1_000)
        let seq = kv.changeSeq
        #expect(exec(&kv, watching: ["k"], at: seq, [], time: 1_099) == .array([]))
        #expect(exec(&kv, watching: ["k"], at: seq, [], time: 1_100) == .nil)
    }

    @Test("a watched key that did not exist and was created and deleted since has changed")
    func createdAndDeleted() {
        var kv = KVStateMachine()
        let seq = kv.changeSeq
        _ = kv.run(.set(b("k"), b("v"), condition: .none))
        _ = kv.run(.del([b("k")]))
        #expect(exec(&kv, watching: ["k"], at: seq, [.set(b("k"), b("mine"), condition: .none)]) == .nil)
        #expect(kv.count == 0)
    }

    @Test("a watch older than what is remembered fails safe; a recent one is still exact")
    func horizon() {
        var kv = KVStateMachine()
        kv.changes = RecentChanges(capacity: 8)
        _ = kv.run(.set(b("k"), b("v"), condition: .none))
        let old = kv.changeSeq
        for i in 0..<8 { _ = kv.run(.set(b("o\(i)"), b("x"), condition: .none)) }
        // Only k's own change (seq 1, which the watcher saw) is forgotten: still exact.
        #expect(exec(&kv, watching: ["k"], at: old, []) == .array([]))
        _ = kv.run(.set(b("o8"), b("x"), condition: .none))
        #expect(exec(&kv, watching: ["k"], at: old, []) == .nil)  // k did not change, but changes after the watch are forgotten
        let recent = kv.changeSeq
        _ = kv.run(.set(b("o0"), b("y"), condition: .none))
        #expect(exec(&kv, watching: ["k"], at: recent, []) == .array([]))
    }

    @Test("snapshots carry the changes: a restored replica decides EXEC as the original does, byte-identical")
    func snapshots() throws {
        var kv = KVStateMachine()
        _ = kv.run(.set(b("a"), b("1"), condition: .none))
        let seq = kv.changeSeq
        _ = kv.run(.set(b("b"), b("1"), condition: .none))
        var copy = KVStateMachine()
        try copy.restore(from: kv.snapshot())
        let identical = copy.snapshot() == kv.snapshot()
        #expect(identical)
        #expect(copy.changeSeq == kv.changeSeq)
        #expect(exec(&copy, watching: ["a"], at: seq, []) == .array([]))
        #expect(exec(&copy, watching: ["b"], at: seq, []) == .nil)
        // A version-3 snapshot (before changes) restores with nothing remembered.
        var v3 = Array(kv.snapshot())
        let tail = 8 + 8 + 4 + 2 * 16  // seq, horizon, count, two changes (key hash, seq)
        v3.removeLast(tail)
        v3[4] = 3
        var old = KVStateMachine()
        try old.restore(from: v3)
        #expect(old.changeSeq == 0 && old.contents == kv.contents)
        // A version-4 snapshot (changes remembered by key bytes) restores to the same decisions.
        var v4 = Array(kv.snapshot().dropLast(2 * 16))
        v4[4] = 4
        for key in ["a", "b"] {
            v4 += [1, 0, 0, 0] + b(key)
            let seq: UInt64 = key == "a" ? 1 : 2
            v4 += (0..<8).map { UInt8(truncatingIfNeeded: seq >> (8 * UInt64($0))) }
        }
        var fromV4 = KVStateMachine()
        try fromV4.restore(from: v4)
        #expect(exec(&fromV4, watching: ["a"], at: seq, []) == .array([]))
        #expect(exec(&fromV4, watching: ["b"], at: seq, []) == .nil)
    }
}
