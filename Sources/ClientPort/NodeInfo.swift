/// A snapshot of this node's state for INFO; the daemon fills it when asked.
public struct NodeInfo: Sendable, Equatable {
    public var nodeID: Int
    /// "leader", "follower" or "candidate".
    public var role: String
    /// 0 when no leader is known.
    public var leaderID: Int
    /// The ballot as `round.node`, e.g. "7.1".
    public var ballot: String
    public var commitIndex: UInt64
    public var appliedIndex: UInt64
    public var snapshotIndex: UInt64
    public var walBytes: UInt64
    /// Peers with a live connection, not counting this node.
    public var peersUp: Int
    /// False while this node is a catching-up learner (empty data directory).
    public var isVoter: Bool
    /// Members of the configuration in use, and the slot of the change that made it (0: the initial one).
    public var members: Int
    public var configSlot: UInt64
    /// `voter`, `learner` (a wiped member catching up) or `joining` (a new
    /// node not yet added, or added and catching up).
    public var memberState: String = "voter"
    public var connectedClients: Int
    public var uptimeSeconds: UInt64
    public var clusterName: String
    /// The client port, for INFO `tcp_port`; 0 when unknown.
    public var tcpPort: Int
    /// notify-keyspace-events as Redis prints it (CONFIG GET).
    public var notifyKeyspaceEvents: String = ""
    /// For INFO `process_id`; 0 when unknown.
    public var processID: Int

    public init(
        nodeID: Int, role: String = "follower", leaderID: Int = 0, ballot: String = "0.0",
        commitIndex: UInt64 = 0, appliedIndex: UInt64 = 0, snapshotIndex: UInt64 = 0,
        walBytes: UInt64 = 0, peersUp: Int = 0, isVoter: Bool = true, members: Int = 1, configSlot: UInt64 = 0,
        connectedClients: Int = 0, memberState: String = "voter",
        uptimeSeconds: UInt64 = 0, clusterName: String = "", tcpPort: Int = 0, processID: Int = 0
    ) {
        self.nodeID = nodeID
        self.role = role
        self.leaderID = leaderID
        self.ballot = ballot
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.snapshotIndex = snapshotIndex
        self.walBytes = walBytes
        self.peersUp = peersUp
        self.isVoter = isVoter
        self.members = members
        self.configSlot = configSlot
        self.connectedClients = connectedClients
        self.memberState = memberState
        self.uptimeSeconds = uptimeSeconds
        self.clusterName = clusterName
        self.tcpPort = tcpPort
        self.processID = processID
    }
}
