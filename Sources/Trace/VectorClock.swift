import PaxosCore

/// A vector clock over node ids: how many events of each node happened
/// before (and including) the one it stamps. ShiViz draws happened-before
/// from these.
public struct VectorClock: Hashable, Sendable {
    public private(set) var counts: [NodeID: UInt64]

    public init(_ counts: [NodeID: UInt64] = [:]) {
        precondition(counts.values.allSatisfy { $0 > 0 }, "a vector clock counts only nodes with events")
        self.counts = counts
    }

    public subscript(node: NodeID) -> UInt64 { counts[node] ?? 0 }

    /// One more event at `node`.
    public mutating func tick(_ node: NodeID) {
        counts[node, default: 0] += 1
    }

    /// Takes in what `other` knows (a message's stamp at its receipt).
    public mutating func merge(_ other: VectorClock) {
        for (node, count) in other.counts where count > self[node] { counts[node] = count }
    }

    /// Entries in node order, for stable output.
    public var sorted: [(node: NodeID, count: UInt64)] {
        counts.keys.sorted().map { ($0, counts[$0]!) }
    }
}
