import PaxosCore

/// Everything that shapes one simulated run. `derived(seed:)` draws the
/// fault rates from the seed, so one number names the whole run.
public struct SimOptions: Sendable {
    public var nodes: Int = 3
    public var seed: UInt64 = 1
    /// Simulated milliseconds of client load with faults.
    public var faultMs: UInt64 = 4_000
    /// Simulated milliseconds allowed for the healed cluster to settle.
    public var settleMs: UInt64 = 20_000
    public var bugs: Set<Bug> = []
    public var trace = false
    /// Record every protocol event (`Simulation.traceEvents`), for `--trace-json`.
    public var recordsTrace = false

    // Fault rates, drawn from the seed by `derived`.
    public var lossRate = 0.02
    public var duplicateRate = 0.02
    public var maxDelayMs: UInt64 = 20
    public var reorderRate = 0.1
    public var crashEveryMs: UInt64 = 900
    public var partitionEveryMs: UInt64 = 1_100
    public var clients = 4
    public var readRate = 0.3
    public var snapshotEvery: UInt64 = 24
    public var restartAllAtEnd = true
    /// Chance of a crash right after a promise or snapshot is durable.
    public var crashPointRate = 0.03
    /// Chance that a crashed node's data directory is wiped (rule 9).
    public var wipeRate = 0.1
    /// Chance that a crash right after a durable promise also wipes the disk.
    public var wipeAtPromiseRate = 0.1
    /// Chance that the bridge node of a bridge partition crashes right after a durable promise.
    public var contestedCrashRate = 0.3
    /// A restart storm (quick crashes and restarts) from this simulated time, for `stormMs`.
    public var stormAtMs: UInt64 = UInt64.max
    public var stormMs: UInt64 = 0
    /// Leaders propose at `.endOfTurn` (paxosd's mode), stepped after every event.
    public var proposesAtEndOfTurn = false
    /// Members at the start (nodes 1...members; 0: every node). The others
    /// start outside the configuration, as learners waiting to be added.
    public var members = 0
    /// How often a member change (add a node, remove a member) is submitted; 0: never.
    public var memberChangeEveryMs: UInt64 = 0
    /// Every write whose id is a multiple of this takes an expiring lease
    /// (SimStateMachine); 0: none.
    public var leaseEvery: UInt64 = 0
    /// How far apart the nodes' wall clocks start, at most.
    public var clockSkewMs: UInt64 = 50
    /// How often some node's wall clock jumps (up to `clockJumpMs` either way); 0: never.
    public var clockJumpEveryMs: UInt64 = 0
    public var clockJumpMs: UInt64 = 0

    public init() {}

    /// The ids that are members at the start.
    public var initialMembers: [NodeID] { Array(1...(members == 0 ? nodes : members)) }

    public static func derived(seed: UInt64, nodes: Int, bugs: Set<Bug> = []) -> SimOptions {
        var o = SimOptions()
        var rng = SimRandom(seed: seed ^ 0x5EED_0F_FA17)
        o.seed = seed
        o.nodes = nodes
        o.bugs = bugs
        o.lossRate = Double(rng.int(in: 0...8)) / 100
        o.duplicateRate = Double(rng.int(in: 0...5)) / 100
        o.maxDelayMs = rng.u64(in: 2...40)
        o.reorderRate = Double(rng.int(in: 0...30)) / 100
        o.crashEveryMs = rng.u64(in: 400...1_500)
        o.partitionEveryMs = rng.u64(in: 300...1_500)
        o.clients = rng.int(in: 2...6)
        o.readRate = Double(rng.int(in: 10...50)) / 100
        o.snapshotEvery = rng.chance(0.5) ? rng.u64(in: 1...3) : rng.u64(in: 4...24)
        o.restartAllAtEnd = rng.chance(0.5)
        o.crashPointRate = Double(rng.int(in: 5...35)) / 100
        o.wipeRate = Double(rng.int(in: 0...30)) / 100
        o.wipeAtPromiseRate = Double(rng.int(in: 0...50)) / 100
        o.contestedCrashRate = Double(rng.int(in: 10...60)) / 100
        if rng.chance(0.3) {
            o.stormAtMs = rng.u64(in: 0...o.faultMs)
            o.stormMs = rng.u64(in: 200...1_000)
        }
        // Drawn from its own stream, so every other option of a seed stays as it was.
        var turnRNG = SimRandom(seed: seed ^ 0x7E27_0F7E_5EED)
        o.proposesAtEndOfTurn = turnRNG.chance(0.5)
        // Half the 5-node runs start with 3 members and change them: 3 -> 5 -> fewer.
        var memberRNG = SimRandom(seed: seed ^ 0x3E3B_E2C4_A26E)
        if nodes >= 5, memberRNG.chance(0.5) {
            o.members = 3
            o.memberChangeEveryMs = memberRNG.u64(in: 250...1_000)
        }
        // Half the seeds write keys with TTLs under skewed, jumping clocks.
        var clockRNG = SimRandom(seed: seed ^ 0xC10C_4E1A_5E5D)
        if clockRNG.chance(0.5) {
            o.leaseEvery = clockRNG.u64(in: 2...4)
            o.clockSkewMs = clockRNG.u64(in: 0...3_000)
            o.clockJumpEveryMs = clockRNG.u64(in: 200...1_000)
            o.clockJumpMs = clockRNG.u64(in: 100...5_000)
        }
        return o
    }

    /// The command that replays this run.
    public var replayCommand: String {
        var c = "swift run -c release paxos-sim --nodes \(nodes) --seed \(seed)"
        for b in bugs.map(\.rawValue).sorted() { c += " --bug \(b)" }
        return c
    }
}
