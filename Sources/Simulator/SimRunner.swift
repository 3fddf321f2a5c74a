import PaxosCore

/// Runs many seeds and sums what they exercised.
public struct SimSummary: Sendable {
    public var seeds = 0
    public var counters = SimCounters()
    public var firstFailure: (options: SimOptions, violation: Violation)? = nil
    public var violations = 0

    public init() {}

    /// Kinds of fault or event the seeds did not exercise at all.
    public var missing: [String] {
        counters.exercised.filter { $0.1 == 0 }.map(\.0)
    }
}

public enum SimRunner {
    /// Runs `count` seeds from `firstSeed`; stops at the first violation when `stopAtFirst`.
    public static func run(nodes: Int, firstSeed: UInt64, count: Int, bugs: Set<Bug> = [], stopAtFirst: Bool = true,
                           progress: ((Int) -> Void)? = nil) -> SimSummary {
        var summary = SimSummary()
        for i in 0..<count {
            let options = SimOptions.derived(seed: firstSeed + UInt64(i), nodes: nodes, bugs: bugs)
            var sim = Simulation(options: options)
            summary.seeds += 1
            switch sim.run() {
            case .success(let c):
                summary.counters.add(c)
            case .failure(let v):
                summary.counters.add(sim.counters)
                summary.violations += 1
                if summary.firstFailure == nil { summary.firstFailure = (options, v) }
                if stopAtFirst { return summary }
            }
            progress?(i + 1)
        }
        return summary
    }
}
