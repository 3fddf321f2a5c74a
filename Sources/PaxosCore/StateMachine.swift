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
}

extension StateMachine {
    public func query(_ payload: [UInt8], appliedIndex: Slot) -> [UInt8] { query(payload) }
}
