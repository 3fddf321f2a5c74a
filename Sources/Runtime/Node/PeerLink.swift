import PaxosCore
import Posix

/// This node's link to one peer. Rule for who connects: the node with the
/// lower id dials the higher one, and only that way, so each pair has one
/// connection and no tie-break is needed. A link we dial reconnects with
/// backoff (50 ms doubling to 1 s); a link the peer dials waits for it.
final class PeerLink {
    let peerID: NodeID
    let address: SocketAddress
    /// True when this node dials (its id is lower).
    let dials: Bool
    /// The connection whose handshake finished; messages go here.
    var established: PeerChannel?
    /// A dial in progress or awaiting the peer's hello.
    var dialing: PeerChannel?
    var backoffMs: UInt64 = PeerLink.initialBackoffMs
    var redialTimer: TimerID?
    /// Whether "peer down" was already logged since the link was last up.
    var isReportedDown = false

    static let initialBackoffMs: UInt64 = 50
    static let maxBackoffMs: UInt64 = 1_000

    init(peerID: NodeID, address: SocketAddress, dials: Bool) {
        self.peerID = peerID
        self.address = address
        self.dials = dials
    }

    var isUp: Bool { established?.isOpen ?? false }

    /// The next delay before redialing, doubling up to the cap.
    func nextBackoffMs() -> UInt64 {
        let delay = backoffMs
        backoffMs = min(backoffMs * 2, Self.maxBackoffMs)
        return delay
    }
}
