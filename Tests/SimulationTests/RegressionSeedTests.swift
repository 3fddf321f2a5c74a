import PaxosCore
import Simulator
import Testing

/// Seeds that once broke a check, kept so the fix stays in place.
@Suite("seeds that found bugs")
struct RegressionSeedTests {
    /// 5 nodes, seed 1217: a leader counted a late phase-1 promise toward
    /// covering a later configuration without reading what that member had
    /// accepted, and overwrote slot 22, chosen under the new configuration
    /// (agreement). Found once the clock-jump seeds changed the schedules.
    @Test("a late promise does not count toward a new configuration's coverage (5 nodes, seed 1217)")
    func latePromiseCoverage() {
        var sim = Simulation(options: SimOptions.derived(seed: 1217, nodes: 5))
        if case .failure(let v) = sim.run() { Issue.record("\(v)") }
        #expect(sim.counters.memberChanges >= 1)  // the change before slot 22; the fixed run diverges after it
    }
}
