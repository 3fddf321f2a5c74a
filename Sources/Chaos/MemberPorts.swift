import Posix

/// The members' client ports as the nemesis changes them, read by the
/// client threads: a client whose node was removed moves to a member.
public final class MemberPorts: Sendable {
    private let ports = Locked<[UInt16]>([])

    func set(_ new: [UInt16]) { ports.withLock { $0 = new } }

    var current: [UInt16] { ports.withLock { $0 } }
}
