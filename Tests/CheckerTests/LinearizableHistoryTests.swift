// Histories that some linearization explains must pass.
import Checker
import Testing

@Suite struct LinearizableHistoryTests {
    @Test("a sequential history of every command passes")
    func sequential() {
        let history = [
            op(1, 0, 1, set("a", "1"), applied),
            op(1, 2, 3, get("a"), read("1")),
            op(1, 4, 5, set("a", "2", .nx), notApplied),
            op(1, 6, 7, set("b", "x", .xx), notApplied),
            op(1, 8, 9, cas("a", "1", "5"), swapped(true)),
            op(1, 10, 11, cas("a", "1", "6"), swapped(false)),
            op(1, 12, 13, incr("a", 3), integer(8)),
            op(1, 14, 15, mset(("a", "x"), ("b", "y")), ok),
            op(1, 16, 17, mget("a", "b", "c"), values("x", "y", nil)),
            op(1, 18, 19, del("a", "c"), count(1)),
            op(1, 20, 21, get("a"), read(nil)),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }

    @Test("overlapping ops may take effect in either order")
    func concurrentOverlap() {
        let history = [
            op(1, 0, 10, set("k", "1"), applied),
            op(2, 1, 9, set("k", "2"), applied),
            op(3, 2, 3, get("k"), read("2")),
            op(4, 4, 8, get("k"), read("1")),
            op(5, 11, 12, get("k"), read("1")),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }

    @Test("an unknown write may take effect long after its client gave up")
    func unknownTookEffectLate() {
        let history = [
            op(1, 0, nil, set("k", "late"), .unknown),
            op(2, 10, 11, get("k"), read(nil)),
            op(2, 20, 21, get("k"), read("late")),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }

    @Test("an unknown write may never take effect")
    func unknownNeverTookEffect() {
        let history = [
            op(1, 0, nil, set("k", "lost"), .unknown),
            op(1, 1, nil, incr("n"), .unknown),
            op(2, 10, 11, get("k"), read(nil)),
            op(2, 12, 13, incr("n"), integer(1)),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }

    @Test("failed writes never take effect, and an unknown read constrains nothing")
    func failedOps() {
        let history = [
            op(1, 0, 1, set("k", "a"), applied),
            op(2, 2, 3, set("k", "b"), .fail),
            op(3, 2, nil, get("k"), .unknown),
            op(1, 4, 5, get("k"), read("a")),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }

    @Test("a multi-key op joins its keys into one partition")
    func multiKeyAtomicity() {
        let history = [
            op(1, 0, 10, mset(("a", "1"), ("b", "1")), ok),
            op(2, 1, 9, mget("a", "b"), values("1", "1")),
            op(3, 11, 12, del("a", "b"), count(2)),
            op(3, 13, 14, get("b"), read(nil)),
        ]
        #expect(Checker.check(history: history) == .linearizable)
    }
}
