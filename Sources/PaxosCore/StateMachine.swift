/// The replicated state machine as the core drives it. Implementations must
/// be deterministic: the same commands in the same order with the same log
/// times give the same replies and the same snapshot bytes on every node.
public protocol StateMachine {
    /// Applies one command from a chosen slot; returns the reply for the client.
    mutating func apply(_ payload: [UInt8], logTimeMs: UInt64) -> [UInt8]
    /// Answers a read-only command against the current state.
    func query(_ payload: [UInt8]) -> [UInt8]
    /// The same, told the slot the state is at (a read index's answer may
    /// report it, e.g. a backup names its slot).
    func query(_ payload: [UInt8], appliedIndex: Slot) -> [UInt8]
    /// Serializes the whole state (including client sessions).
    func snapshot() -> [UInt8]
    /// Replaces the whole state with a snapshot's.
    mutating func restore(from snapshot: [UInt8]) throws
    /// Moves log time to a batch's time, before its commands: once per
    /// batch, also for one with no commands (which the leader proposes only
    /// to move log time past `nextDeadlineMs`). Whatever expires by then
    /// expires here, so every node expires the same things at the same slot.
    mutating func advance(logTimeMs: UInt64)
    /// The earliest log time at which `advance` would change the state
    /// (a key's deadline), or nil when nothing waits for time.
    var nextDeadlineMs: UInt64? { get }
    /// The highest log time applied (kept in snapshots), so a leader that
    /// restarted from one never stamps a batch earlier.
    var logTimeMs: UInt64 { get }
    /// What applying the last slot produced for the runtime to announce
    /// (published messages, keyspace notifications), then forgotten; nil
    /// when nothing. Never part of the state or of any reply.
    mutating func takeNotices() -> [UInt8]?
}

extension StateMachine {
    public mutating func advance(logTimeMs: UInt64) {}
    public var nextDeadlineMs: UInt64? { nil }
    public var logTimeMs: UInt64 { 0 }
    public mutating func takeNotices() -> [UInt8]? { nil }
    public func query(_ payload: [UInt8], appliedIndex: Slot) -> [UInt8] { query(payload) }
}
