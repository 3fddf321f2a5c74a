// Classic anomalies must be rejected, with the offending partition named.
import Checker
import Testing

@Suite struct NonLinearizableHistoryTests {
    private func expectRejected(_ history: [Operation], keys: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let verdict = Checker.check(history: history)
        guard case .notLinearizable(let offending, let text) = verdict else {
            Issue.record("expected a violation, got \(verdict)", sourceLocation: sourceLocation)
            return
        }
        #expect(offending == keys.map(b), sourceLocation: sourceLocation)
        #expect(!text.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a read after an acknowledged write returns the old value")
    func staleRead() {
        expectRejected([
            op(1, 0, 1, set("k", "old"), applied),
            op(1, 2, 3, set("k", "new"), applied),
            op(2, 4, 5, get("k"), read("old")),
        ], keys: ["k"])
    }

    @Test("an acknowledged write is lost")
    func lostWrite() {
        expectRejected([
            op(1, 0, 1, set("k", "v"), applied),
            op(2, 2, 3, get("k"), read(nil)),
        ], keys: ["k"])
    }

    @Test("two CAS from the same expected value both succeed")
    func doubleCAS() {
        expectRejected([
            op(1, 0, 1, set("k", "0"), applied),
            op(2, 2, 10, cas("k", "0", "1"), swapped(true)),
            op(3, 2, 10, cas("k", "0", "2"), swapped(true)),
        ], keys: ["k"])
    }

    @Test("incr skips a value")
    func incrSkips() {
        expectRejected([
            op(1, 0, 1, incr("n"), integer(1)),
            op(2, 2, 3, incr("n"), integer(3)),
        ], keys: ["n"])
    }

    @Test("two concurrent incr return the same value")
    func incrRepeats() {
        expectRejected([
            op(1, 0, 5, incr("n"), integer(1)),
            op(2, 0, 5, incr("n"), integer(1)),
        ], keys: ["n"])
    }

    @Test("a read returns a value nobody wrote")
    func phantomRead() {
        expectRejected([
            op(1, 0, 5, set("k", "a"), applied),
            op(2, 1, 4, get("k"), read("ghost")),
        ], keys: ["k"])
    }

    @Test("a NOQUORUM write is later read")
    func failedWriteRead() {
        expectRejected([
            op(1, 0, 1, set("k", "never"), .fail),
            op(2, 2, 3, get("k"), read("never")),
        ], keys: ["k"])
    }

    @Test("MGET sees half of an MSET")
    func tornMultiKey() {
        expectRejected([
            op(1, 0, 1, mset(("a", "1"), ("b", "1")), ok),
            op(1, 2, 3, mset(("a", "2"), ("b", "2")), ok),
            op(2, 4, 5, mget("a", "b"), values("2", "1")),
        ], keys: ["a", "b"])
    }

    @Test("the smallest offending partition is reported")
    func smallestPartition() {
        var history: [Operation] = []
        for i in 0..<6 { history.append(op(1, Int64(2 * i), Int64(2 * i + 1), incr("big"), integer(Int64(i + 1)))) }
        history.append(op(2, 100, 101, get("big"), read("5")))  // stale: 6 was acknowledged
        history.append(op(3, 0, 1, set("small", "x"), applied))
        history.append(op(3, 2, 3, get("small"), read("y")))
        expectRejected(history, keys: ["small"])
    }
}
