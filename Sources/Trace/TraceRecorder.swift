import PaxosCore

/// One node's tracing: keeps its vector clock and turns what it sends,
/// receives and does into events. A message's stamp is the sender's clock
/// at the send; the receiver merges it (ShiVector's rule).
public struct TraceRecorder: Sendable {
    public let node: NodeID
    public private(set) var clock = VectorClock()

    public init(node: NodeID, resuming clock: VectorClock = VectorClock()) {
        self.node = node
        self.clock = clock
    }

    /// A message leaving; returns the event and the stamp to carry with it.
    public mutating func send(_ message: Message, to peer: NodeID, wallMs: UInt64, monoMs: UInt64) -> (TraceEvent, VectorClock) {
        clock.tick(node)
        let s = EventSummary(message)
        let event = TraceEvent(node: node, kind: .send, peer: peer, name: s.name, label: s.label, ballot: s.ballot,
                               slots: s.slots, digest: s.digest, wallMs: wallMs, monoMs: monoMs, clock: clock)
        return (event, clock)
    }

    /// A message arriving with the sender's stamp (nil when the sender does not trace).
    public mutating func receive(_ message: Message, from peer: NodeID, stamp: VectorClock?, wallMs: UInt64, monoMs: UInt64) -> TraceEvent {
        if let stamp { clock.merge(stamp) }
        clock.tick(node)
        let s = EventSummary(message)
        return TraceEvent(node: node, kind: .receive, peer: peer, name: s.name, label: s.label, ballot: s.ballot,
                          slots: s.slots, digest: s.digest, wallMs: wallMs, monoMs: monoMs, clock: clock,
                          sentAt: stamp.map { $0[peer] })
    }

    /// Something that happened here.
    public mutating func local(_ s: EventSummary, wallMs: UInt64, monoMs: UInt64) -> TraceEvent {
        clock.tick(node)
        return TraceEvent(node: node, kind: .local, name: s.name, label: s.label, ballot: s.ballot,
                          slots: s.slots, digest: s.digest, wallMs: wallMs, monoMs: monoMs, clock: clock)
    }
}
