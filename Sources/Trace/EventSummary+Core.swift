import PaxosCore

/// What a trace line says about something that happened at one node.
extension EventSummary {
    /// A core event worth drawing; nil for ones a chart has no use for.
    public init?(_ event: CoreEvent) {
        switch event {
        case .becameCandidate(let b): self.init(name: "candidate", label: "stands for election with ballot \(b)", ballot: b)
        case .becameLeader(let b, let ready): self.init(name: "leader", label: "became leader of ballot \(b) (ready at slot \(ready))", ballot: b)
        case .steppedDown(let b, let reason): self.init(name: "stepped-down", label: "stepped down from ballot \(b): \(reason)", ballot: b)
        case .followingLeader(let leader): self.init(name: "following", label: "follows node \(leader)")
        case .snapshotTaken(let index): self.init(name: "snapshot-taken", label: "snapshot at slot \(index)", slots: index...index)
        case .snapshotInstalled(let index, let from): self.init(name: "snapshot-installed", label: "installed node \(from)'s snapshot at slot \(index)", slots: index...index)
        case .becameVoter: self.init(name: "voter", label: "admitted as a voter")
        case .handedOver(let to): self.init(name: "handed-over", label: "hands leadership over to node \(to)")
        case .prepareDeferred(let from, let b, let leader): self.init(name: "prepare-deferred", label: "defers node \(from)'s Prepare(\(b)) while node \(leader) leads", ballot: b)
        case .dropped(let from, let reason): self.init(name: "dropped", label: "dropped a message from node \(from): \(reason)")
        case .membershipChanged(let slot, let members):
            self.init(name: "membership", label: "members are now \(members.map(String.init).joined(separator: ",")) (slot \(slot))", slots: slot...slot)
        case .removed(let slot): self.init(name: "removed", label: "removed from the cluster (slot \(slot))", slots: slot...slot)
        }
    }

    /// Slots applied in one step: chosen, learned and applied in order.
    public static func chosen(_ applied: [(Slot, Value)]) -> EventSummary? {
        guard let first = applied.first, let last = applied.last else { return nil }
        let slots = first.0...last.0
        return EventSummary(name: "chosen", label: "applies chosen slot\(slots.count == 1 ? "" : "s") \(EventSummary.describe(slots))",
                            slots: slots, digest: EventSummary.digest(applied.map(\.1)))
    }
}
