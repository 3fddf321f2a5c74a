/// The core's fixed limits and multipliers, in one place. The tunable ones
/// (timeouts, batch sizes) are `CoreConfig`'s; these follow from the
/// algorithm and are the same on every node.
enum CoreLimits {
    /// What one slot of the log costs beyond its commands' payload (entry,
    /// value and request objects), counted when weighing a snapshot.
    static let logSlotOverheadBytes = 64
    /// A peer that asks again for compacted slots gets no second snapshot
    /// within this many election timeouts of the first.
    static let snapshotResendElectionTimeouts: UInt64 = 2
    /// `learnCommit` marks at most this many slots beyond `applied` per call:
    /// it bounds one step's work, and a node that far behind catches up by
    /// fetching (or a snapshot) instead.
    static let commitScanAheadSlots: Slot = 4_096

    /// Messages a node sends itself settle within a step in a handful of
    /// rounds (prepare, promise, accept, accepted, …); this many rounds can
    /// only be a loop.
    static let loopbackRoundsMax = 10_000

    /// `seenForwards` is walked whole to prune it, so only this often.
    static let forwardPruneIntervalMs: UInt64 = 1_000
    /// A forwarded id is remembered for this many request timeouts: well past
    /// its origin's own deadline (one request timeout), after which no copy
    /// of the forward can matter.
    static let forwardMemoryRequestTimeouts: UInt64 = 4

    /// An accept unanswered for this many heartbeat intervals is sent again.
    static let retransmitHeartbeats: UInt64 = 2
    /// A fetch unanswered for this many heartbeat intervals may be sent again.
    static let fetchRetryHeartbeats: UInt64 = 2
    /// A request that waited this many election timeouts for a leader ends
    /// with -NOQUORUM: an election usually takes one.
    static let leaderWaitElectionTimeouts: UInt64 = 2
    /// How long a fresh voter in a brand-new cluster waits for fresh learners
    /// to join first (`isWaitingForFreshPeers`), in election timeouts.
    static let freshPeerWaitElectionTimeouts: UInt64 = 2

    /// How long a bully candidate waits for ALIVE from higher nodes: long
    /// enough for a round trip (two heartbeats), and half an election
    /// timeout on slower settings.
    static func aliveWaitMs(_ config: CoreConfig) -> UInt64 {
        max(2 * config.heartbeatMs, config.electionTimeoutMs / 2)
    }
}
