import PaxosCore

/// What part of a run a chart shows.
public struct ChartOptions: Sendable {
    /// Milliseconds after the run's first event.
    public var fromMs: UInt64? = nil
    public var toMs: UInt64? = nil
    /// Only events about these slots (messages without slots are left out).
    public var slots: ClosedRange<Slot>? = nil
    /// Draw every heartbeat, ack and status message instead of a count of them.
    public var allRoutine = false
    /// One node's own events (the live page): a send nobody is seen receiving
    /// is drawn to the peer, not as lost.
    public var oneSided = false

    public init() {}

    /// The run cut down to what these options show.
    public func apply(to run: TraceRun) -> TraceRun {
        guard let start = run.events.map(\.wallMs).min() else { return run }
        return run.filtered { e in
            let t = e.wallMs - start
            if let from = fromMs, t < from { return false }
            if let to = toMs, t > to { return false }
            if let range = slots {
                guard let s = e.slots, s.overlaps(range) else { return false }
            }
            return true
        }
    }
}
