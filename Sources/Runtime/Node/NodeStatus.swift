import PaxosCore

/// What INFO reports about this node, read from the core and the runtime
/// at the moment a command asks.
public struct NodeStatus: Sendable, Equatable {
    public var nodeID: NodeID
    public var role: String
    /// 0 when no leader is known.
    public var leaderID: NodeID
    public var ballot: Ballot
    public var promised: Ballot
    public var commitIndex: Slot
    public var appliedIndex: Slot
    public var snapshotIndex: Slot
    public var walBytes: Int
    public var peersUp: Int
    public var isVoter: Bool
    public var connectedClients: Int
}
