import PaxosCore

/// What a trace line says about an event: a message's type or what happened
/// at the node, a label for readers, and the ballot, slots and value digest
/// it concerns (`EventSummary+Message`, `EventSummary+Core`).
public struct EventSummary: Hashable, Sendable {
    public var name: String
    public var label: String
    public var ballot: Ballot?
    public var slots: ClosedRange<Slot>?
    public var digest: String?

    public init(name: String, label: String, ballot: Ballot? = nil, slots: ClosedRange<Slot>? = nil, digest: String? = nil) {
        self.name = name
        self.label = label
        self.ballot = ballot
        self.slots = slots
        self.digest = digest
    }
}
