import PaxosCore
@testable import Simulator
import Testing

/// Keys with TTLs (the simulator's leases) under skewed and jumping wall
/// clocks: log time comes only from batch stamps, so every replica expires
/// the same leases at the same slots (the agreement check compares whole
/// states), and a lease once expired never comes back (the read check).
@Suite("expiry under skewed and jumping clocks")
struct ExpiryScenarioTests {
    /// Clocks up to 3 s apart that jump by up to 5 s every 100-300 ms, and every write a lease.
    static func jumpy(seed: UInt64, nodes: Int) -> SimOptions {
        var o = SimOptions.derived(seed: seed, nodes: nodes)
        o.leaseEvery = 1
        o.clockSkewMs = 3_000
        o.clockJumpEveryMs = 200
        o.clockJumpMs = 5_000
        return o
    }

    @Test("expiry never differs between replicas and never resurrects a key", arguments: [3, 5])
    func jumpingClocks(nodes: Int) {
        var total = SimCounters()
        for seed in UInt64(1)...60 {
            var sim = Simulation(options: Self.jumpy(seed: seed, nodes: nodes))
            switch sim.run() {
            case .success(let c): total.add(c)
            case .failure(let v): Issue.record("seed \(seed): \(v)"); return
            }
        }
        #expect(total.clockJumps >= 60 * 10, "clock jumps: \(total.clockJumps)")
        #expect(total.leasesExpired >= 60 * 10, "leases expired: \(total.leasesExpired)")
        #expect(total.readsAnswered >= 60 * 5, "reads: \(total.readsAnswered)")
    }

    @Test("the check bites: a read that sees fewer leases expired than a read that ended before it began fails; control passes")
    func resurrectionCheckBites() throws {
        let checker = SimChecker(membership: Membership(members: [1, 2, 3]), leaseEvery: 1)
        func read(_ serial: UInt64, _ from: UInt64, _ to: UInt64, expired: UInt64) -> ClientOp {
            var op = ClientOp(kind: .read, node: 1, requestID: RequestID(origin: 1, serial: serial), invokedMs: from)
            op.completedMs = to
            op.outcome = .ok(0)
            op.expiredSeen = expired
            return op
        }
        let overlapping = [read(1, 0, 10, expired: 2), read(2, 5, 20, expired: 1)]  // concurrent: either order
        try checker.checkExpiryNeverUndone(overlapping, at: 30)
        let sequential = [read(1, 0, 10, expired: 2), read(2, 11, 20, expired: 1)]
        #expect(throws: Violation.self) { try checker.checkExpiryNeverUndone(sequential, at: 30) }
    }

    @Test("the defect expire-by-own-clock (each node applies batches at its own time) is caught; control passes")
    func ownClockCaught() {
        var o = Self.jumpy(seed: 3, nodes: 3)
        o.bugs = [.expireByOwnClock]
        var buggy = Simulation(options: o)
        guard case .failure(let v) = buggy.run() else { Issue.record("expire-by-own-clock went undetected"); return }
        #expect(v.check == .agreement)
        var clean = Simulation(options: Self.jumpy(seed: 3, nodes: 3))
        if case .failure(let v) = clean.run() { Issue.record("seed 3 fails without the defect: \(v)") }
    }
}
