/// A slot with the ballot and value an acceptor accepted there (carried by promises).
public struct SlotEntry: Hashable, Sendable {
    public var slot: Slot
    public var ballot: Ballot
    public var value: Value

    public init(slot: Slot, ballot: Ballot, value: Value) {
        self.slot = slot
        self.ballot = ballot
        self.value = value
    }
}

/// A slot and its chosen value (carried by catch-up replies: only chosen values).
public struct ChosenEntry: Hashable, Sendable {
    public var slot: Slot
    public var value: Value

    public init(slot: Slot, value: Value) {
        self.slot = slot
        self.value = value
    }
}

/// What every node tells every other node each heartbeat interval, so each
/// knows who it reaches and how far the others have got.
public struct Status: Hashable, Sendable {
    /// Every slot up to here is applied at the sender: it can hand them over,
    /// and they are chosen.
    public var applied: Slot
    public var promised: Ballot
    public var leader: NodeID
    /// False while the node is a non-voting learner (its data was wiped).
    public var isVoter: Bool
    /// False when the node has never promised or accepted anything.
    public var hasHistory: Bool
    /// The peers this node heard from within an election timeout, sorted:
    /// a node reaches a peer only when each hears the other (a one-way link
    /// is no link).
    public var hears: [NodeID]
    /// A learner's admission floor (rule 9): the highest ballot any other
    /// member had promised when the learner first heard it after its return.
    /// Its forgotten self cannot have promised anything higher, so it may
    /// vote at a ballot above it. Nil for voters, and for a learner that
    /// has not yet heard every other member.
    public var admitFloor: Ballot?

    public init(applied: Slot, promised: Ballot, leader: NodeID, isVoter: Bool, hasHistory: Bool,
                hears: [NodeID] = [], admitFloor: Ballot? = nil) {
        self.applied = applied
        self.promised = promised
        self.leader = leader
        self.isVoter = isVoter
        self.hasHistory = hasHistory
        self.hears = hears
        self.admitFloor = admitFloor
    }
}

/// Messages between nodes. The sender's id travels beside the message
/// (the connection's handshake names it), never inside it.
public enum Message: Hashable, Sendable {
    // Liveness and bully election.
    case status(Status)
    case election
    case alive
    case coordinator

    // Phase 1.
    case prepare(ballot: Ballot, fromSlot: Slot)
    case promise(ballot: Ballot, snapshotIndex: Slot, accepted: [SlotEntry])
    /// The acceptor refused `ballot` because it promised `promised`, which is higher.
    case reject(ballot: Ballot, promised: Ballot)

    // Phase 2; `commit` is the leader's commit point.
    case accept(ballot: Ballot, slot: Slot, value: Value, commit: Slot)
    case accepted(ballot: Ballot, slot: Slot)

    // Commit point and read-index rounds.
    case heartbeat(ballot: Ballot, commit: Slot, seq: UInt64)
    case heartbeatAck(ballot: Ballot, seq: UInt64)

    // Catch-up: only chosen values, or a snapshot for compacted slots.
    case fetch(fromSlot: Slot)
    case chosen([ChosenEntry])
    case snapshot(index: Slot, data: [UInt8])

    // Client traffic that arrived at a follower (one hop only).
    case forward(Request)
    /// The receiver did not propose the request and never will.
    case forwardRejected(RequestID)
    case readIndex(RequestID)
    /// `index` is the commit index the read must wait for; nil: refused, not served.
    case readIndexReply(RequestID, index: Slot?)

    /// The leader is leaving: the receiver should stand for election now.
    case takeOver

    /// The leader of `ballot` admits a caught-up learner as a voter (rule 9).
    case admit(ballot: Ballot)
}

extension Message {
    /// A client request handed from a follower to the leader.
    public var isClientHandOff: Bool {
        switch self {
        case .forward, .readIndex: return true
        default: return false
        }
    }
}

public struct Envelope: Hashable, Sendable {
    public var from: NodeID
    public var to: NodeID
    public var message: Message

    public init(from: NodeID, to: NodeID, message: Message) {
        self.from = from
        self.to = to
        self.message = message
    }
}
