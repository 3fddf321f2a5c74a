import PaxosCore
import Posix

/// This node's link to one peer. Rule for who connects: the node with the
/// lower id dials the higher one, so each pair has one connection and no
/// tie-break is needed. One exception: a node outside its own known
/// configuration (joining, not yet added) also dials lower ids, which do
/// not know its address yet (`reverse`); once it is a member it drops
/// those connections and waits for the members to dial it. And a lower id
/// that has not connected for `PeerNetwork.reverseAfterMs` may not know
/// our address (it removed us, or has not applied the change that added
/// us): we dial it too (`peerSilent`); one that knows it refuses. A link we dial
/// reconnects with backoff (50 ms doubling to 1 s); a link the peer dials
/// waits for it.
final class PeerLink {
    let peerID: NodeID
    /// Where to dial it; nil for a peer known only by the connection it made to us.
    var address: SocketAddress?
    /// True when our id is the lower one: ours is the pair's connection to make.
    let isLower: Bool
    /// We dial a lower id too: we are outside our configuration.
    var reverse = false
    /// We dial a lower id too: it has not connected to us for a while.
    var peerSilent = false
    /// Runs while a lower id's link is down, until `peerSilent`.
    var silenceTimer: TimerID?
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

    init(peerID: NodeID, address: SocketAddress?, isLower: Bool) {
        self.peerID = peerID
        self.address = address
        self.isLower = isLower
    }

    /// Whether this node makes the connection (and remakes it when lost).
    var dials: Bool { address != nil && (isLower || reverse || peerSilent) }

    var isUp: Bool { established?.isOpen ?? false }

    /// The connection up is a reverse one (the higher id dialed) though we
    /// know where to dial: the pair's own connection must replace it, or a
    /// cut of the path we dial (a partition) would not cut the pair.
    var isUpOnlyInReverse: Bool {
        guard isLower, address != nil, let channel = established, channel.isOpen else { return false }
        return !channel.dialedByUs
    }

    /// The next delay before redialing, doubling up to the cap.
    func nextBackoffMs() -> UInt64 {
        let delay = backoffMs
        backoffMs = min(backoffMs * 2, Self.maxBackoffMs)
        return delay
    }
}
