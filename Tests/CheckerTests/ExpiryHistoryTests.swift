// Keys with TTLs: the model lets a key with a deadline vanish before any
// op, never come back, and knows which writes keep or clear the deadline.
import Checker
import Testing

@Suite struct ExpiryHistoryTests {
    private func isLinearizable(_ history: [Operation]) -> Bool {
        if case .linearizable = Checker.check(history: history) { return true }
        return false
    }

    @Test("a key set with PX may read as gone at any point after; once gone it stays gone until written (control)")
    func mayVanish() {
        #expect(isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied),
            op(2, 2, 3, get("k"), read("v")),
            op(2, 4, 5, get("k"), read(nil)),
            op(1, 6, 7, get("k"), read(nil)),
            op(1, 8, 9, set("k", "w"), applied),
            op(2, 10, 11, get("k"), read("w")),
        ]))
    }

    @Test("the check bites: an expired key that comes back is a violation")
    func neverComesBack() {
        #expect(!isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied),
            op(2, 2, 3, get("k"), read(nil)),
            op(1, 4, 5, get("k"), read("v")),
        ]))
    }

    @Test("a key without a deadline never vanishes; PEXPIRE gives it one, GETSET and SET take it away")
    func whatGivesADeadline() {
        #expect(!isLinearizable([op(1, 0, 1, set("k", "v"), applied), op(2, 2, 3, get("k"), read(nil))]))
        #expect(isLinearizable([
            op(1, 0, 1, set("k", "v"), applied), op(1, 2, 3, expire("k"), swapped(true)), op(2, 4, 5, get("k"), read(nil)),
        ]))
        #expect(!isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied), op(1, 2, 3, getSet("k", "w"), read("v")), op(2, 4, 5, get("k"), read(nil)),
        ]))
        #expect(!isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied), op(1, 2, 3, set("k", "w"), applied), op(2, 4, 5, get("k"), read(nil)),
        ]))
        // PEXPIRE of a missing key answers 0 and gives nothing a deadline.
        #expect(!isLinearizable([op(1, 0, 1, expire("k"), swapped(true))]))
    }

    @Test("INCR keeps a deadline; the replies that tell whether a key had expired (GETSET nil, GETDEL nil, SET NX applied)")
    func incrAndWitnesses() {
        #expect(isLinearizable([
            op(1, 0, 1, setPX("n", "5"), applied), op(1, 2, 3, incr("n"), integer(6)), op(2, 4, 5, get("n"), read(nil)),
        ]))
        #expect(isLinearizable([
            op(1, 0, 1, setPX("n", "5"), applied), op(1, 2, 3, incr("n"), integer(1)), op(2, 4, 5, get("n"), read("1")),
        ]))
        #expect(!isLinearizable([
            op(1, 0, 1, setPX("n", "5"), applied), op(1, 2, 3, incr("n"), integer(1)), op(2, 4, 5, get("n"), read(nil)),
        ]))  // expired, then INCR made a key without a deadline
        #expect(isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied), op(1, 2, 3, getSet("k", "w"), read(nil)), op(2, 4, 5, get("k"), read("w")),
        ]))
        #expect(!isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied), op(1, 2, 3, getDel("k"), read(nil)), op(2, 4, 5, get("k"), read("v")),
        ]))
        #expect(isLinearizable([
            op(1, 0, 1, setPX("k", "v"), applied), op(1, 2, 3, set("k", "w", .nx), applied), op(2, 4, 5, get("k"), read("w")),
        ]))
    }
}
