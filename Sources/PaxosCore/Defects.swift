/// The one seam for the deliberate defects (`CoreConfig.bugs`, switched on
/// only by `paxos-sim --bug` and the tests that prove the checkers catch
/// them). The core asks these named questions and never `bugs` itself; a
/// defect changes what the core does, never what a precondition checks:
/// where a defect breaks an invariant, its branch acts before the check.
struct Defects {
    /// forget-promise: a restarted acceptor forgets its promise (and so may
    /// accept below what it accepted before).
    let forgetsPromise: Bool
    /// skip-phase1: a new leader proposes at once, over slots that may hold chosen values.
    let skipsPhase1: Bool
    /// ack-before-persist: messages leave before the records they depend on are durable.
    let acksBeforePersist: Bool
    /// reuse-ballot: the first ballot after a restart repeats the last one this node used.
    let reusesBallot: Bool
    /// stale-read: a leader answers reads from what it has applied, with no heartbeat round.
    let readsStale: Bool
    /// compact-promise: a snapshot record forgets the promise.
    let compactsPromise: Bool
    /// admit-early: rule 9 without the floor (F1).
    let admitsAtFloor: Bool
    /// fresh-counts-learners: the fresh-cluster rule met by a majority, wiped learners among them (F2).
    let countsLearnersFresh: Bool
    /// keep-reads-on-reprepare: a leader's new phase 1 keeps reads waiting for its old ballot's round (F3).
    let keepsReadsOnReprepare: Bool
    /// skip-coverage: a leader proposes above a member change without a majority of the new configuration's promises.
    let skipsCoverage: Bool
    /// expire-by-own-clock: each node moves its state machine's log time by its own wall clock, not the batch's.
    let expiresByOwnClock: Bool

    /// Set at restore by `reusesBallot`: the ballot the next phase 1 repeats, once.
    private(set) var reusedBallot: Ballot? = nil

    init(_ bugs: Set<Bug>) {
        forgetsPromise = bugs.contains(.forgetPromise)
        skipsPhase1 = bugs.contains(.skipPhase1)
        acksBeforePersist = bugs.contains(.ackBeforePersist)
        reusesBallot = bugs.contains(.reuseBallot)
        readsStale = bugs.contains(.staleRead)
        compactsPromise = bugs.contains(.compactPromise)
        admitsAtFloor = bugs.contains(.admitEarly)
        countsLearnersFresh = bugs.contains(.freshCountsLearners)
        keepsReadsOnReprepare = bugs.contains(.keepReadsOnReprepare)
        skipsCoverage = bugs.contains(.skipCoverage)
        expiresByOwnClock = bugs.contains(.expireByOwnClock)
    }

    /// The promise a restarted acceptor starts from.
    func restoredPromise(_ durable: Ballot) -> Ballot { forgetsPromise ? .zero : durable }

    /// Whether an acceptor overwrites what it accepted at a higher ballot
    /// than `b`: only one that forgot its promise gets such an accept past
    /// the promise check.
    func overwritesHigherAccept(_ accepted: AcceptedEntry?, with b: Ballot) -> Bool {
        forgetsPromise && accepted.map { $0.ballot > b } ?? false
    }

    /// The promise a snapshot record keeps.
    func snapshotPromise(_ promised: Ballot) -> Ballot { compactsPromise ? .zero : promised }

    /// Whether a learner may vote at ballot `b` given its admission floor.
    func admits(_ b: Ballot, above floor: Ballot) -> Bool { b > floor || admitsAtFloor }

    /// How many fresh peers make a brand-new cluster: every one, or (the defect) a majority.
    func freshPeersNeeded(_ config: CoreConfig) -> Int { countsLearnersFresh ? config.majority : config.peers.count }

    /// The log time a batch is applied at: its own, or (the defect) this node's clock.
    func appliedLogTime(_ logTimeMs: UInt64, ownWallMs: UInt64) -> UInt64 { expiresByOwnClock ? ownWallMs : logTimeMs }

    mutating func noteLastBallot(_ b: Ballot) {
        if reusesBallot { reusedBallot = b }
    }

    /// The reused ballot, once: the defect's first phase 1 after a restart.
    mutating func takeReusedBallot() -> Ballot? {
        defer { reusedBallot = nil }
        return reusedBallot
    }
}
