import ClientPort
import Metrics
import PaxosCore
import Posix
import Trace

/// What the node counts for `GET /metrics`, on the loop thread (the WAL
/// keeps its fsync histogram itself, under its lock).
struct NodeMetrics {
    /// How a command ended, a label of `paxoskv_commands_total`.
    enum Result: Int, CaseIterable {
        case ok, error, noquorum, timeout
        var label: String { "\(self)" }
    }

    /// Per command (nil: unknown names) and result.
    private(set) var commands: [CommandName?: [UInt64]] = [:]
    private(set) var commandSeconds = Histogram(bounds: Histogram.latencyBounds)
    private(set) var batchCommands = Histogram(bounds: Histogram.batchBounds)
    private(set) var elections: UInt64 = 0
    private(set) var leaderChanges: UInt64 = 0
    private(set) var snapshots: UInt64 = 0
    /// The last elections, leader changes and membership changes, for the live page: wall ms and what happened.
    private(set) var recentChanges: [(wallMs: UInt64, text: String)] = []
    /// The commit index at start: `slots_committed_total` counts from there.
    let startCommit: Slot

    init(startCommit: Slot) {
        self.startCommit = startCommit
    }

    mutating func count(_ name: CommandName?, _ result: Result) {
        commands[name, default: Array(repeating: 0, count: Result.allCases.count)][result.rawValue] += 1
    }

    /// A command that went through consensus, from parse to reply.
    mutating func observeLatency(startedNs: UInt64, nowNs: UInt64) {
        commandSeconds.observe(Double(nowNs &- startedNs) / 1e9)
    }

    /// What the core asked to persist: each accepted batch's size.
    mutating func notePersisted(_ records: [Record]) {
        for record in records {
            if case .accept(_, _, .batch(_, let requests)) = record { batchCommands.observe(Double(requests.count)) }
        }
    }

    mutating func note(_ event: CoreEvent) {
        switch event {
        case .becameCandidate: elections += 1
        case .becameLeader, .followingLeader: leaderChanges += 1
        case .snapshotTaken, .snapshotInstalled: snapshots += 1
        default: break
        }
        switch event {
        case .becameCandidate, .becameLeader, .steppedDown, .followingLeader, .membershipChanged, .handedOver, .becameVoter:
            if let summary = EventSummary(event) {
                recentChanges.append((SystemClock.wallMs(), summary.label))
                if recentChanges.count > 12 { recentChanges.removeFirst() }
            }
        default: break
        }
    }

    /// `paxoskv_commands_total` samples, in a stable order.
    var commandSamples: [(PrometheusText.Labels, UInt64)] {
        commands.sorted { ($0.key?.rawValue ?? "~") < ($1.key?.rawValue ?? "~") }.flatMap { name, counts in
            Result.allCases.compactMap { result in
                counts[result.rawValue] == 0 ? nil
                    : ([("command", name?.rawValue ?? "unknown"), ("result", result.label)], counts[result.rawValue])
            }
        }
    }
}
