/// What the acceptor must have on disk before it answers. The runtime
/// appends these to the write-ahead log and reports them durable in order.
public enum Record: Hashable, Sendable {
    /// The acceptor promised not to accept ballots below this one.
    case promise(Ballot)
    /// The acceptor accepted `value` at `slot` in `ballot` (this implies a
    /// promise of `ballot`).
    case accept(slot: Slot, ballot: Ballot, value: Value)
    /// A state-machine snapshot covering every slot up to `index` (all
    /// chosen). `promised` is the acceptor's promise when it was taken, so
    /// compaction can never forget it. Once durable, log records of slots at
    /// or below `index` may be dropped.
    case snapshot(index: Slot, promised: Ballot, data: [UInt8])
    /// This node may vote: from here on its log holds everything it promised
    /// or accepted (written when a new or wiped node leaves learner mode).
    case joined
}

/// The acceptor state rebuilt from durable records at restart.
public struct RecoveredState: Sendable, Equatable {
    public var promised: Ballot = .zero
    public var accepted: [Slot: AcceptedEntry] = [:]
    public var snapshotIndex: Slot = 0
    public var snapshotData: [UInt8]? = nil
    /// True when the node had no durable state at all (a new or wiped data directory).
    public var isEmpty: Bool = true
    /// The log holds a `.joined` record: this node left learner mode.
    public var hasJoined = false

    /// Whether the log proves this node voted (rule 9): it joined, promised
    /// or accepted. A snapshot alone does not: a learner installs them too.
    public var mayVote: Bool { hasJoined || promised > .zero || !accepted.isEmpty }

    public init() {}

    /// Folds one durable record in, in log order.
    public mutating func apply(_ record: Record) {
        isEmpty = false
        switch record {
        case .promise(let b):
            promised = max(promised, b)
        case .accept(let slot, let ballot, let value):
            promised = max(promised, ballot)
            guard slot > snapshotIndex else { return }
            if let old = accepted[slot], old.ballot > ballot { return }
            accepted[slot] = AcceptedEntry(ballot: ballot, value: value)
        case .snapshot(let index, let p, let data):
            promised = max(promised, p)
            guard index >= snapshotIndex else { return }
            snapshotIndex = index
            snapshotData = data
            accepted = accepted.filter { $0.key > index }
        case .joined:
            hasJoined = true
        }
    }

    public static func replay(_ records: [Record]) -> RecoveredState {
        var state = RecoveredState()
        for r in records { state.apply(r) }
        return state
    }
}

public struct AcceptedEntry: Hashable, Sendable {
    public var ballot: Ballot
    public var value: Value

    public init(ballot: Ballot, value: Value) {
        self.ballot = ballot
        self.value = value
    }
}
