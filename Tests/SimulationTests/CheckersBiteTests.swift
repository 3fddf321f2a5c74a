import PaxosCore
import Simulator
import Testing

/// Each deliberate defect in the core must be caught by the end-to-end
/// checks (agreement, validity, lost acknowledged write, linearizable
/// reads, liveness) within 1,000 seeds on 3 nodes.
@Suite("The simulator's checks catch known bugs")
struct CheckersBiteTests {
    /// The defects the random simulator finds within 1,000 seeds. The three
    /// rule-9/re-prepare defects (admit-early, fresh-counts-learners,
    /// keep-reads-on-reprepare) need several faults lined up at once, and
    /// forget-promise needs a restart between a promise and a deposed
    /// leader's accept (the sweep meets that about once in 1,000-1,700
    /// seeds: first at seed 843, and at 1,353 once snapshot transfers
    /// changed); their scripted scenarios in
    /// PaxosCoreTests/SafetyScenarioTests (F1-F3, F8) show each loses data.
    /// skip-coverage needs a leader two member changes behind, which the
    /// liveness guards (a lagging node does not stand) make rare: 3,000
    /// 5-node seeds never met it; scripted scenario F10 shows it loses data.
    static let foundBySweep: [PaxosCore.Bug] = [.skipPhase1, .ackBeforePersist, .reuseBallot, .staleRead, .compactPromise, .expireByOwnClock]

    @Test("a deliberate defect is detected within 1,000 seeds", arguments: foundBySweep)
    func detects(bug: PaxosCore.Bug) throws {
        let summary = SimRunner.run(nodes: 3, firstSeed: 1, count: 1_000, bugs: [bug])
        let (options, violation) = try #require(summary.firstFailure, "\(bug.rawValue) went undetected in 1,000 seeds")
        print("\(bug.rawValue): caught by \(violation.check.rawValue) at seed \(options.seed): \(violation.detail)")
        #expect(summary.seeds <= 1_000)
        // Control: the same seed without the defect passes, so the core itself is fine there.
        var clean = Simulation(options: SimOptions.derived(seed: options.seed, nodes: 3))
        if case .failure(let v) = clean.run() {
            Issue.record("seed \(options.seed) fails even without \(bug.rawValue): \(v)")
        }
    }
}
