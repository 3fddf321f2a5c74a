import PaxosCore

/// One protocol event at one node: a message sent or received, or something
/// that happened there (an election, a commit, a crash).
public struct TraceEvent: Hashable, Sendable {
    public enum Kind: String, Sendable {
        case send, receive, local
    }

    public var node: NodeID
    public var kind: Kind
    /// The other end of a message; nil for local events.
    public var peer: NodeID?
    /// The message type (`Prepare`) or the local event (`became-leader`).
    public var name: String
    /// What a reader sees: `Prepare(8.2) from slot 5`.
    public var label: String
    public var ballot: Ballot?
    public var slots: ClosedRange<Slot>?
    /// A short digest of the value(s) carried, to follow one value through slots.
    public var digest: String?
    /// Wall-clock milliseconds since the epoch (simulated time in the simulator).
    public var wallMs: UInt64
    /// The node's monotonic clock in milliseconds.
    public var monoMs: UInt64
    /// This node's vector clock after the event.
    public var clock: VectorClock
    /// For a receive: the sender's own count at the send, which names it.
    public var sentAt: UInt64?

    public init(node: NodeID, kind: Kind, peer: NodeID? = nil, name: String, label: String,
                ballot: Ballot? = nil, slots: ClosedRange<Slot>? = nil, digest: String? = nil,
                wallMs: UInt64, monoMs: UInt64, clock: VectorClock, sentAt: UInt64? = nil) {
        precondition(kind == .local || peer != nil, "a message event names its peer")
        precondition(clock[node] > 0, "an event counts itself in its clock")
        self.node = node
        self.kind = kind
        self.peer = peer
        self.name = name
        self.label = label
        self.ballot = ballot
        self.slots = slots
        self.digest = digest
        self.wallMs = wallMs
        self.monoMs = monoMs
        self.clock = clock
        self.sentAt = sentAt
    }

    /// This event's own count at its node: (node, seq) names it in a run.
    public var seq: UInt64 { clock[node] }

    /// Heartbeats, their acks and status gossip: the routine a chart may summarise.
    public var isRoutine: Bool {
        name == "Heartbeat" || name == "HeartbeatAck" || name == "Status"
    }
}
