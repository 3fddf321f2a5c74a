/// A node's identity in the cluster: 1...255, as in the config's `[node.N]`.
public typealias NodeID = Int

/// A log position. Slots are numbered from 1; 0 means "none".
public typealias Slot = UInt64

/// A Paxos ballot: (round, node id), ordered lexicographically. Every node's
/// rounds are its own, so two nodes never propose with the same ballot.
public struct Ballot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var round: UInt64
    public var node: NodeID

    public static let zero = Ballot(round: 0, node: 0)
    /// No honest node gets near it (one round per phase 1); peers' ballots above it are dropped.
    public static let roundMax: UInt64 = 1 << 48

    public init(round: UInt64, node: NodeID) {
        precondition(node >= 0 && node <= 255, "node id out of range")
        self.round = round
        self.node = node
    }

    public static func < (a: Ballot, b: Ballot) -> Bool {
        a.round != b.round ? a.round < b.round : a.node < b.node
    }

    public var isZero: Bool { round == 0 }

    public var description: String { "\(round).\(node)" }
}
