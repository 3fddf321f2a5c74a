// The budget turns a hopeless search into an explicit `.unknown`.
import Checker
import Testing

@Suite struct BudgetTests {
    @Test("many concurrent unknown writes exhaust the budget quickly and say so")
    func adversarial() {
        // 2^40 subsets of unknown writes could precede the impossible read:
        // no verdict is possible within the budget, so none may be guessed.
        var history = (0..<40).map { op($0, 0, nil, set("k", "v\($0 % 2)"), .unknown) }
        history.append(op(99, 1, 1_000, get("k"), read("never")))
        let start = ContinuousClock.now
        let verdict = Checker.check(history: history, budget: Budget(maxStates: 20_000, maxDuration: .seconds(5)))
        #expect(verdict.isUnknown)
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test("the time limit also yields unknown")
    func timeLimit() {
        var history = (0..<40).map { op($0, 0, nil, incr("n", Int64($0) + 1), .unknown) }
        history.append(op(99, 1, 1_000, get("n"), read("x")))
        let verdict = Checker.check(history: history, budget: Budget(maxStates: .max, maxDuration: .milliseconds(200)))
        guard case .unknown(let reason) = verdict else {
            Issue.record("expected unknown, got \(verdict)")
            return
        }
        #expect(reason.contains("time"))
    }
}
