/// One input to the core. Time arrives only through `tick`.
public enum Input: Sendable {
    /// The monotonic clock (for timers) and the wall clock (stamped on batches as log time).
    case tick(nowMs: UInt64, wallMs: UInt64)
    case receive(from: NodeID, Message)
    /// A client write; `request.id.origin` must be this node.
    case submit(Request)
    /// A linearizable read-only command.
    case read(RequestID, payload: [UInt8])
    /// The first `count` records this incarnation emitted are durable.
    case persisted(count: UInt64)
    /// The node is shutting down: a leader hands leadership to the most
    /// caught-up peer, and the node stops standing for election.
    case handOver
    /// The runtime could not send this message at all (the peer is down): it
    /// never left this node. Only client hand-offs are reported.
    case undeliverable(Envelope)
}

/// How a client request ended.
public enum ClientReply: Hashable, Sendable {
    case result([UInt8])
    /// Not applied, and never will be.
    case noQuorum(String)
    /// Outcome unknown: it may still be applied.
    case timeout(String)
}

/// Something worth a log line or a trace line.
public enum CoreEvent: Hashable, Sendable {
    case becameCandidate(Ballot)
    case becameLeader(Ballot, readyIndex: Slot)
    case steppedDown(Ballot, reason: String)
    case followingLeader(NodeID)
    case snapshotTaken(index: Slot)
    case snapshotInstalled(index: Slot, from: NodeID)
    case becameVoter
    case handedOver(to: NodeID)
    /// A Prepare from a node ranked below a live leader, not promised while that leader lives.
    case prepareDeferred(from: NodeID, ballot: Ballot, leader: NodeID)
    case dropped(from: NodeID, reason: String)
}

/// What the core asks the runtime to do after one input, in this order:
/// append `persist` to the log (and report it with `.persisted` once
/// durable), send `messages`, deliver `replies`.
public struct Output: Sendable {
    public var persist: [Record] = []
    public var messages: [Envelope] = []
    public var replies: [(RequestID, ClientReply)] = []
    /// Slots applied to the state machine during this step, in order.
    public var applied: [(Slot, Value)] = []
    public var events: [CoreEvent] = []

    public init() {}

    public var isEmpty: Bool {
        persist.isEmpty && messages.isEmpty && replies.isEmpty && applied.isEmpty && events.isEmpty
    }
}
