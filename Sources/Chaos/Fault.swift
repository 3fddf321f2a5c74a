/// The fault kinds `--faults` names. A partition is one of several shapes
/// (see `PartitionShape`), picked in turn so each shows up.
public enum FaultKind: String, CaseIterable, Sendable {
    case kill, pause, partition
    /// A member change: add a spare node (`--join`, MEMBER ADD) or remove a
    /// member (sometimes the leader). Opt-in: it changes who the cluster is.
    case member

    /// What `--faults` means when not given.
    public static let defaults: [FaultKind] = [.kill, .pause, .partition]

    /// Parses `kill,pause,partition`; nil with the offending name otherwise.
    public static func parseList(_ text: String) -> Result<[FaultKind], ChaosError> {
        var kinds: [FaultKind] = []
        for name in text.split(separator: ",") {
            guard let kind = FaultKind(rawValue: String(name)) else {
                return .failure(ChaosError("unknown fault '\(name)' (known: kill, pause, partition, member)"))
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds.isEmpty ? .failure(ChaosError("--faults names no fault")) : .success(kinds)
    }
}

/// How the links are cut in a partition fault.
public enum PartitionShape: String, CaseIterable, Sendable {
    /// A random minority against the majority.
    case split
    /// The leader alone against everyone else.
    case isolateLeader = "isolate-leader"
    /// Two sides that cannot talk, and one node that sees both.
    case bridge
    /// One link cut and healed over and over.
    case flap
}

/// One injected fault, as the run reports it.
public struct FaultRecord: Sendable {
    public var number: Int
    public var kind: FaultKind
    /// The partition shape, or nil for other kinds.
    public var shape: PartitionShape?
    /// What was done: "kill node 2 (leader)", "split {1} | {2,3}".
    public var summary: String
    public var startNs: Int64
    public var healNs: Int64?
    /// What the cluster showed in response; nil when nothing was observed.
    public var effect: String?
}
