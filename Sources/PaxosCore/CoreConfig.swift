/// Deliberate defects, switched on only by `paxos-sim --bug` and the tests
/// that prove the checkers catch them.
public enum Bug: String, CaseIterable, Sendable {
    case forgetPromise = "forget-promise"
    case skipPhase1 = "skip-phase1"
    case ackBeforePersist = "ack-before-persist"
    case reuseBallot = "reuse-ballot"
    case staleRead = "stale-read"
    case compactPromise = "compact-promise"
    /// Rule 9 without the floor: a learner votes at a ballot below one its forgotten self may have promised (F1).
    case admitEarly = "admit-early"
    /// The fresh-cluster rule satisfied by a majority of history-less peers, wiped learners among them (F2).
    case freshCountsLearners = "fresh-counts-learners"
    /// A leader's new phase 1 keeps the reads waiting for a round of its old ballot (F3).
    case keepReadsOnReprepare = "keep-reads-on-reprepare"
    /// A leader proposes above a member change without promises from a majority of the new configuration.
    case skipCoverage = "skip-coverage"
    /// Each node applies batches at its own wall-clock time, not the batch's: expiry differs between replicas.
    case expireByOwnClock = "expire-by-own-clock"
}

public struct CoreConfig: Sendable {
    public var id: NodeID
    /// Every member's id, sorted: the configuration the node starts with;
    /// the replica keeps it equal to its `membership` as changes apply.
    /// A node joining through the log starts outside it (a learner).
    public var members: [NodeID]
    public var heartbeatMs: UInt64 = 50
    public var electionTimeoutMs: UInt64 = 300
    public var requestTimeoutMs: UInt64 = 5_000
    /// Client commands per slot at most.
    public var maxBatch: Int = 512
    /// Payload bytes per slot at most (a single larger command still gets its own slot).
    public var maxBatchBytes: Int = 1 << 20
    /// Proposed-but-unchosen slots at most.
    public var maxInFlight: Int = 8
    /// Take a snapshot and compact every this many applied slots.
    public var snapshotEvery: UInt64 = 10_000
    /// ... or once the commands applied since the last snapshot hold this
    /// many payload bytes, whichever comes first: with a turn's writes in one
    /// slot a slot may hold hundreds of commands, and the log kept in memory
    /// (and on disk) until the next snapshot grows with commands, not slots.
    public var snapshotEveryBytes: Int = 16 << 20
    /// ... and, either way, not before the log since the last snapshot holds
    /// 1/`snapshotLogShare` of that snapshot's bytes (see `maybeTakeSnapshot`).
    public var snapshotLogShare: Int = 4
    /// A leader proposes queued writes only at `.endOfTurn`, so the writes
    /// of one runtime loop turn (its clients' and those forwarded to it)
    /// share a slot instead of each taking a free one. Off: each write is
    /// proposed as it arrives while slots are free.
    public var proposesAtEndOfTurn = false
    /// Chosen slots per catch-up message at most.
    public var catchUpChunk: Int = 64
    public var bugs: Set<Bug> = []
    /// Started outside `members` as a brand-new node (`paxosd --join`): it
    /// votes once a member change adds it and it has applied that change.
    /// (A wiped member restarts without it, and is a rule-9 learner.)
    public var joining = false
    /// False for a node that does not know the configuration: one joining
    /// (`paxosd --join`, whose file may list only some members: `members`
    /// are then only whom to ask) or one with an empty data directory (its
    /// file may be older or newer than the cluster). It applies nothing
    /// until a snapshot (which carries the configuration) is installed, or
    /// the fresh-cluster rule shows the cluster is new and `members` is it.
    public var knowsMembers = true
    /// The runtime's addresses of the starting members (opaque to the core):
    /// they go into the initial configuration, and so into every snapshot.
    public var memberAddresses: [NodeID: [UInt8]] = [:]

    public init(id: NodeID, members: [NodeID]) {
        precondition(!members.isEmpty, "a configuration needs a member")
        precondition(Set(members).count == members.count, "duplicate member id")
        self.id = id
        self.members = members.sorted()
    }

    public var majority: Int { members.count / 2 + 1 }
    public var peers: [NodeID] { members.filter { $0 != id } }
    public var isMember: Bool { members.contains(id) }
}
