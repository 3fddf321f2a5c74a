import PaxosCore

extension Log {
    /// One line per core event, in the contract's shape
    /// (`msg="became leader" ballot=7.1 slot=1042`).
    func coreEvent(_ event: CoreEvent) {
        switch event {
        case .becameCandidate(let ballot):
            info("became candidate", ["ballot": ballot])
        case .becameLeader(let ballot, let readyIndex):
            info("became leader", ["ballot": ballot, "slot": readyIndex])
        case .steppedDown(let ballot, let reason):
            info("stepped down", ["ballot": ballot, "reason": reason])
        case .followingLeader(let leader):
            info("following leader", ["leader": leader])
        case .snapshotTaken(let index):
            info("snapshot taken", ["slot": index])
        case .snapshotInstalled(let index, let from):
            info("snapshot installed", ["slot": index, "from": from])
        case .becameVoter:
            info("became voter")
        case .handedOver(let to):
            info("handed leadership over", ["to": to])
        case .prepareDeferred(let from, let ballot, let leader):
            info("prepare deferred", ["from": from, "ballot": ballot, "leader": leader])
        case .membershipChanged(let slot, let members):
            info("membership changed", ["slot": slot, "members": members.map(String.init).joined(separator: ",")])
        case .removed(let slot):
            warn("removed from the cluster", ["slot": slot])
        case .dropped(let from, let reason):
            // Rule 7: a peer's bad message is dropped with a line saying why.
            warn("dropped peer message", ["from": from, "reason": reason])
        }
    }
}
