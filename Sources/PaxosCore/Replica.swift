/// One node's consensus state: acceptor, proposer, learner, read index and
/// bully election in a single deterministic state machine. It does no I/O
/// and reads no clock: `step` takes one input and returns what to persist,
/// send and reply. Messages that depend on records it asked to persist are
/// held inside until `.persisted` reports those records durable.
public struct Replica<SM: StateMachine> {
    public let config: CoreConfig
    public internal(set) var stateMachine: SM

    // MARK: Role
    public enum Role: String, Sendable { case follower, candidate, leader }
    public internal(set) var role: Role = .follower
    /// The node believed to lead (0: none known).
    public internal(set) var leaderID: NodeID = 0

    // MARK: Acceptor (durable through records)
    /// Invariant: never decreases within an incarnation, and never below what is durable.
    public internal(set) var promised: Ballot = .zero
    /// Slots above `snapshotIndex` this node accepted or learned chosen.
    var log: [Slot: LogEntry] = [:]
    public internal(set) var snapshotIndex: Slot = 0
    var snapshotData: [UInt8]? = nil
    /// False while this node is a non-voting learner (started with a wiped data directory).
    public internal(set) var isVoter = true
    var hasHistory = false
    /// Records that must be durable before the current promise is.
    var promiseRecordCount: UInt64 = 0

    // MARK: Learner
    /// Every slot up to here is chosen. Invariant: applied <= commitIndex.
    public internal(set) var commitIndex: Slot = 0
    /// Every slot up to here is applied to the state machine, in order.
    public internal(set) var applied: Slot = 0
    /// The newest commit point a leader told us, with that leader's ballot.
    var leaderCommit: (ballot: Ballot, index: Slot) = (.zero, 0)
    /// Slots up to `upTo` were checked for accepts of `ballot` by learnCommit.
    var commitScan: (ballot: Ballot, upTo: Slot) = (.zero, 0)
    var lastLogTimeMs: UInt64 = 0
    var fetchSentAtMs: UInt64? = nil

    // MARK: Persistence
    var recordsEmitted: UInt64 = 0
    var recordsDurable: UInt64 = 0
    /// Messages waiting for records to be durable, in emission order.
    var held: [(needs: UInt64, envelope: Envelope)] = []

    // MARK: Proposer
    /// The ballot this node proposes with while candidate or leader.
    public internal(set) var ballot: Ballot = .zero
    /// The highest round seen in any ballot; a new ballot goes above it.
    var maxSeenRound: UInt64 = 0
    var phase1: Phase1? = nil
    var proposals: [Slot: Proposal] = [:]
    var nextSlot: Slot = 1
    /// Reads are served only once this slot (the first round of this leader) is applied.
    var readyIndex: Slot = 0
    var queuedWrites: [Request] = []
    var lastProposedTimeMs: UInt64 = 0
    /// The commit point a leader advertises with its ballot: slots it chose
    /// itself, or applied before it led. Never a commit point learned from
    /// others, or a follower could mark a value of ours chosen where another
    /// ballot's value was. Invariant while leading: ownCommit <= commitIndex.
    var ownCommit: Slot = 0
    /// Set only by the `reuse-ballot` defect.
    var reusedBallot: Ballot? = nil
    var candidateSinceMs: UInt64 = 0
    /// Forwarded requests already decided here, so a duplicated message never
    /// proposes twice and a rejection, once sent, stays true.
    var seenForwards: [RequestID: (atMs: UInt64, isRejected: Bool)] = [:]
    var lastForwardPruneMs: UInt64 = 0

    // MARK: Reads
    var heartbeatSeq: UInt64 = 0
    var heartbeatAcks: [NodeID: UInt64] = [:]
    var lastHeartbeatSentMs: UInt64 = 0
    var readWaits: [ReadWait] = []
    var roundRequested = false

    // MARK: Election and liveness
    var nowMs: UInt64 = 0
    var wallMs: UInt64 = 0
    var heardFromMs: [NodeID: UInt64] = [:]
    var peerStatus: [NodeID: Status] = [:]
    var lastLeaderContactMs: UInt64 = 0
    var election: ElectionState = .idle
    var lastStatusSentMs: UInt64 = 0
    var startedMs: UInt64? = nil
    /// Set by `.handOver`: this node is leaving and never stands again.
    var isLeaving = false
    var lastLearnerPhase1Ms: UInt64 = 0
    /// While a learner: the promise each other member showed in the first
    /// status, heartbeat or accept we heard from it after our return. Rule 9:
    /// the forgotten incarnation promised nothing above their maximum,
    /// because a proposer's own promise is durable before its Prepare leaves
    /// (rule 1).
    var floorHeard: [NodeID: Ballot] = [:]
    /// When each peer last showed it hears us: its status listed us, or it
    /// answered one of our messages. With `heardFromMs`, a link both ways.
    var hearsUsMs: [NodeID: UInt64] = [:]
    /// Leader stickiness: the ballot of the last heartbeat or accept this
    /// acceptor followed, and when it arrived (our tick clock). While that
    /// ballot is still our promise and the contact is within an election
    /// timeout, its leader is live and lower nodes' Prepares are deferred.
    var leaderHeard: (ballot: Ballot, atMs: UInt64)? = nil
    /// Prepares not promised because a higher live leader exists, by sender
    /// (at most one each: the highest ballot); retried once it is not live.
    var deferredPrepares: [NodeID: DeferredPrepare] = [:]

    // MARK: Clients
    var pending: [RequestID: PendingRequest] = [:]
    /// Reads whose index a leader confirmed, waiting for `applied` to reach it.
    var confirmedReads: [RequestID] = []
    var waitingForLeader: [RequestID] = []

    // MARK: Per-step scratch
    var out = Output()
    var loopback: [(NodeID, Message)] = []

    public init(config: CoreConfig, stateMachine: SM, recovered: RecoveredState) {
        self.config = config
        self.stateMachine = stateMachine
        restore(from: recovered)
    }

    /// Feeds one input; returns what the runtime must do.
    public mutating func step(_ input: Input) -> Output {
        out = Output()
        switch input {
        case .tick(let now, let wall):
            precondition(now >= nowMs || startedMs == nil, "monotonic clock went backwards")
            nowMs = now
            wallMs = wall
            if startedMs == nil { startedMs = now; lastLeaderContactMs = now }
            onTick()
        case .receive(let from, let message):
            receive(from: from, message)
        case .submit(let request):
            precondition(request.id.origin == config.id, "a node submits only its own requests")
            submit(request)
        case .read(let id, let payload):
            precondition(id.origin == config.id, "a node reads only for its own clients")
            read(id, payload: payload)
        case .handOver:
            handOver()
        case .undeliverable(let envelope):
            precondition(envelope.from == config.id, "only our own messages come back undelivered")
            undeliverable(envelope)
        case .persisted(let count):
            precondition(count <= recordsEmitted, "more records durable than emitted")
            if count > recordsDurable { recordsDurable = count }
            releaseHeld()
        }
        drainLoopback()
        checkInvariants()
        let result = out
        out = Output()
        return result
    }

    func checkInvariants() {
        precondition(applied <= commitIndex, "applied beyond the commit point")
        precondition(snapshotIndex <= applied, "snapshot beyond applied")
        precondition(recordsDurable <= recordsEmitted, "durable beyond emitted")
        precondition(role != .leader || promised == ballot, "a leader's promise is its ballot")
        precondition(role != .leader || ownCommit <= commitIndex, "advertised commit beyond the commit point")
    }
}

/// What this node knows of one slot.
struct LogEntry {
    var accepted: AcceptedEntry?
    var chosen: Value?
}

struct Proposal {
    var value: Value
    var acks: Set<NodeID> = []
    var sentAtMs: UInt64
}

struct Phase1 {
    var fromSlot: Slot
    var promises: [NodeID: (snapshotIndex: Slot, accepted: [SlotEntry])] = [:]
    /// Waiting to catch up to this snapshot index before proposing.
    var catchUpTo: Slot? = nil
}

struct DeferredPrepare {
    var ballot: Ballot
    var fromSlot: Slot
    var receivedMs: UInt64
}

struct ReadWait {
    var id: RequestID
    /// The node whose client asked (this node, or a follower).
    var origin: NodeID
    /// The heartbeat round that must be acknowledged (0: already confirmed).
    var needSeq: UInt64
    /// Applied must reach this before the read is answered.
    var index: Slot
}

struct PendingRequest {
    enum Kind { case write(Request), read([UInt8]) }
    var kind: Kind
    var deadlineMs: UInt64
    /// A write handed to a leader (or proposed here) may still be applied.
    var isHandedOff = false
    /// The node it was handed to: only that node's rejection can undo the hand-off.
    var handedTo: NodeID = 0
    var waitingSinceMs: UInt64
    /// Commit index a read waits for (set once a leader confirmed it).
    var readIndex: Slot? = nil
}

enum ElectionState: Equatable {
    case idle
    case awaitingAlive(untilMs: UInt64)
    case awaitingCoordinator(untilMs: UInt64)
}
