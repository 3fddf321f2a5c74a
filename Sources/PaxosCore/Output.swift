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
    /// What the state machine reported while applying each slot
    /// (`StateMachine.takeNotices`), in log order: for the runtime to publish.
    public var notices: [(Slot, [UInt8])] = []

    public init() {}

    public var isEmpty: Bool {
        persist.isEmpty && messages.isEmpty && replies.isEmpty && applied.isEmpty && events.isEmpty && notices.isEmpty
    }
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
    /// The configuration changed by the member change applied at `slot` (or a snapshot's).
    case membershipChanged(slot: Slot, members: [NodeID])
    /// This node is no longer a member (the runtime stops it).
    case removed(slot: Slot)
}
