/// One node's consensus state: acceptor, proposer, learner, read index and
/// bully election in a single deterministic state machine. It does no I/O
/// and reads no clock: `step` takes one input and returns what to persist,
/// send and reply. Messages that depend on records it asked to persist are
/// held inside until `.persisted` reports those records durable.
///
/// Each role owns its state and its invariants, in its own file: `Acceptor`
/// (with leader stickiness), `Proposer` (phase 1, phase 2, forwards),
/// `Learner` (with catch-up), `ReadIndex` (with `Heartbeat.swift`),
/// `Election` (liveness, hand-over, rule-9 admission), `ClientRequests` and
/// `Outbox`. Their handlers are extensions of `Replica`, because one input
/// touches several roles.
public struct Replica<SM: StateMachine> {
    /// Its `members` follow `membership` (see `applyMemberChange`).
    public internal(set) var config: CoreConfig
    /// The configuration as of `applied`: it governs every slot above.
    public internal(set) var membership: Membership
    public internal(set) var stateMachine: SM
    public typealias Role = ReplicaRole

    var acceptor = Acceptor()
    var proposer: Proposer
    var learner = Learner()
    var reads: ReadIndex
    var election: Election
    var clients = ClientRequests()
    var outbox = Outbox()
    /// The only place the core asks about deliberate defects.
    var defects: Defects

    /// The tick clock (monotonic, for timers) and the wall clock (log time).
    var nowMs: UInt64 = 0
    var wallMs: UInt64 = 0
    /// The first tick's time; nil before it.
    var startedMs: UInt64? = nil

    public init(config: CoreConfig, stateMachine: SM, recovered: RecoveredState) {
        do {
            try self.init(config: config, stateMachine: stateMachine, recovering: recovered)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// As `init(config:stateMachine:recovered:)`, but a durable snapshot
    /// that does not decode (written by another version, say) is an error
    /// the runtime can report, not a trap.
    public init(config: CoreConfig, stateMachine: SM, recovering recovered: RecoveredState) throws(SnapshotUnreadable) {
        precondition(config.snapshotLogShare >= 1, "snapshotLogShare must be at least 1")
        self.config = config
        membership = Membership(members: config.members, addresses: config.memberAddresses.filter { config.members.contains($0.key) })
        self.stateMachine = stateMachine
        proposer = Proposer(config)
        reads = ReadIndex(config)
        election = Election(config)
        defects = Defects(config.bugs)
        learner.knowsMembers = config.knowsMembers
        try restore(from: recovered)
        // A restored snapshot's configuration is the starting point, not news.
        precondition(outbox.out.persist.isEmpty && outbox.out.messages.isEmpty, "restoring asked for I/O")
        outbox.out = Output()
        checkInvariants()
    }

    // MARK: What the runtime, the simulator and the tests read

    public var role: Role { proposer.role }
    /// The node believed to lead (0: none known).
    public var leaderID: NodeID { election.leaderID }
    public var promised: Ballot { acceptor.promised }
    public var snapshotIndex: Slot { acceptor.snapshotIndex }
    /// False while this node is a non-voting learner (started with a wiped data directory).
    public var isVoter: Bool { acceptor.isVoter }
    /// Every slot up to here is chosen.
    public var commitIndex: Slot { learner.commitIndex }
    /// Every slot up to here is applied to the state machine, in order.
    public var applied: Slot { learner.applied }
    /// The ballot this node proposes with while candidate or leader.
    public var ballot: Ballot { proposer.ballot }
    /// What each peer last reported of itself (status or heartbeat): applied slot and vote.
    public var peerProgress: [NodeID: (applied: Slot, isVoter: Bool)] {
        election.peers.mapValues { ($0.applied, $0.isVoter) }
    }

    /// Changes a node-local setting of the state machine: one that changes
    /// neither its state nor any reply (what it announces, e.g.), so nodes
    /// may differ in it.
    public mutating func changeLocalSetting(_ change: (inout SM) -> Void) {
        change(&stateMachine)
    }

    /// Whether `ms` have passed since the first tick (false before it).
    func hasRun(forMs ms: UInt64) -> Bool {
        guard let started = startedMs else { return false }
        return Timeout(ms, startingAt: started).hasExpired(at: nowMs)
    }

    /// Feeds one input; returns what the runtime must do.
    public mutating func step(_ input: Input) -> Output {
        precondition(outbox.out.isEmpty, "output left over from the last step")
        switch input {
        case .tick(let now, let wall):
            precondition(now >= nowMs || startedMs == nil, "monotonic clock went backwards")
            nowMs = now
            wallMs = wall
            if startedMs == nil {
                startedMs = now
                election.leaderContact.start(at: now)
            }
            tick()
        case .receive(let from, let message):
            receive(from: from, message)
        case .submit(let request):
            precondition(request.id.origin == config.id, "a node submits only its own requests")
            submit(request)
        case .read(let id, let payload):
            precondition(id.origin == config.id, "a node reads only for its own clients")
            read(id, payload: payload)
        case .endOfTurn:
            proposeQueued()
            if proposer.isLeading, reads.roundRequested || proposer.ownCommit > proposer.advertisedCommit { sendHeartbeat() }
        case .handOver:
            handOver()
        case .undeliverable(let envelope):
            precondition(envelope.from == config.id, "only our own messages come back undelivered")
            undeliverable(envelope)
        case .persisted(let count):
            precondition(count <= outbox.recordsEmitted, "more records durable than emitted")
            if count > outbox.recordsDurable { outbox.recordsDurable = count }
            releaseHeld()
        }
        drainLoopback()
        checkInvariants()
        let result = outbox.out
        outbox.out = Output()
        return result
    }

    /// Time passed: timers, retransmissions, and the election.
    mutating func tick() {
        expireRequests()
        retryDeferredPrepares()
        if role == .leader {
            if !reachesMajority {
                stepDown(reason: "lost contact with a majority")
            } else {
                if reads.heartbeatDue.hasExpired(at: nowMs) { sendHeartbeat() }
                retransmitAccepts()
                proposeClockIfDue()
                if proposer.extending, proposer.coverageRetry.hasExpired(at: nowMs) { checkCoverage() }
            }
        } else if election.statusDue.hasExpired(at: nowMs) {
            sendStatus()
        }
        if role == .candidate, proposer.candidacy.hasExpired(at: nowMs) {
            stepDown(reason: "phase 1 did not complete in time")
        }
        if !acceptor.isVoter { maybeBecomeVoter() }
        runElectionTimers()
        maybeFetch()
        dispatchWaiting()
    }

    /// Each role's own invariants, then those that span roles.
    func checkInvariants() {
        acceptor.invariants(config)
        proposer.invariants(config)
        learner.invariants(config)
        reads.invariants(config)
        election.invariants(config)
        clients.invariants(config)
        outbox.invariants()
        precondition(snapshotIndex <= applied, "snapshot beyond applied")
        precondition(config.members == membership.members, "the configuration in use is not the applied one")
        precondition(config.isMember || !acceptor.isVoter, "a voter outside the configuration")
        precondition(acceptor.promiseRecordCount <= outbox.recordsEmitted, "a promise waiting for records never asked for")
        precondition(role == .follower || acceptor.isVoter, "a learner standing or leading")
        precondition(role != .leader || promised == ballot, "a leader's promise is its ballot")
        precondition(role != .leader || proposer.ownCommit <= commitIndex, "advertised commit beyond the commit point")
        precondition(role != .leader || proposer.highestSlot >= commitIndex,
                     "a leader with no slot above the commit point (node \(config.id): next slot \(proposer.nextSlot), commit \(commitIndex), applied \(applied))")
        precondition(role != .leader || leaderID == config.id, "a leader that follows another")
        precondition(role != .follower || reads.waits.isEmpty, "a follower holding reads for a round")
        // So our own queued writes are bounded by `pending`: each is one of them, not yet handed off.
        assert(proposer.queuedWrites.allSatisfy { $0.id.origin != config.id || clients.pending[$0.id]?.isHandedOff == false },
               "a queued write of ours not pending here")
    }
}
