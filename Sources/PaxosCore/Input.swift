/// One input to the core. Time arrives only through `tick`.
public enum Input: Sendable {
    /// The monotonic clock (for timers) and the wall clock (stamped on batches as log time).
    case tick(nowMs: UInt64, wallMs: UInt64)
    case receive(from: NodeID, Message)
    /// A client write; `request.id.origin` must be this node.
    case submit(Request)
    /// A linearizable read-only command.
    case read(RequestID, payload: [UInt8])
    /// The first `count` records this incarnation emitted are durable.
    case persisted(count: UInt64)
    /// The runtime fed every input of one loop turn: with
    /// `proposesAtEndOfTurn`, a leader now proposes what they queued.
    case endOfTurn
    /// The node is shutting down: a leader hands leadership to the most
    /// caught-up peer, and the node stops standing for election.
    case handOver
    /// The runtime could not send this message at all (the peer is down): it
    /// never left this node. Only client hand-offs are reported.
    case undeliverable(Envelope)
}
