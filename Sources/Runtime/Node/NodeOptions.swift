import Config
import PaxosCore

/// Per-process switches that are not part of the shared cluster config,
/// so they never enter the membership hash.
public struct NodeOptions: Sendable, Equatable {
    /// Reach these peers at another address (a fault-injecting proxy in the
    /// chaos tester) instead of their configured `peer` address.
    public var peerVia: [NodeID: HostPort]
    /// DEBUG ONLY, UNSAFE: serve GET/MGET/EXISTS from the local replica
    /// without a read index, so reads may be stale. The chaos tests use it
    /// to show that the linearizability checker catches stale reads.
    public var unsafeLocalReads: Bool
    /// `--bootstrap`: an empty data directory belongs to a brand-new
    /// cluster, not a wiped node, so this node may vote at once (a
    /// majority of such nodes forms the cluster). Ignored, with a log
    /// line, when the directory already holds state.
    public var bootstrap: Bool
    /// `--join`: a new node outside the configuration; it learns the
    /// members (and their addresses) from a member's snapshot, and votes
    /// once a committed change adds it.
    public var join: Bool
    /// `--trace FILE`: append this node's protocol events to FILE as JSON lines.
    public var tracePath: String?

    public init(peerVia: [NodeID: HostPort] = [:], unsafeLocalReads: Bool = false, bootstrap: Bool = false, join: Bool = false,
                tracePath: String? = nil) {
        self.tracePath = tracePath
        self.peerVia = peerVia
        self.unsafeLocalReads = unsafeLocalReads
        self.bootstrap = bootstrap
        self.join = join
    }
}
