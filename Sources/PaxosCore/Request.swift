/// Identifies one client submission: the node that received it from the
/// client and that node's serial number. The node replies when it applies
/// the slot that holds this very id.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    public var origin: NodeID
    public var serial: UInt64

    public init(origin: NodeID, serial: UInt64) {
        self.origin = origin
        self.serial = serial
    }

    public var description: String { "\(origin)/\(serial)" }
}

/// One client command, opaque to the core (the state machine decodes it).
public struct Request: Hashable, Sendable {
    public var id: RequestID
    public var payload: [UInt8]

    public init(id: RequestID, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// What a slot holds.
public enum Value: Hashable, Sendable {
    /// Fills a hole left by a previous leader.
    case noop
    /// Client commands proposed together; `timeMs` is the leader's wall-clock
    /// time at proposal, the log time the state machine uses.
    case batch(timeMs: UInt64, requests: [Request])

    public var requests: [Request] {
        if case .batch(_, let requests) = self { return requests }
        return []
    }

    /// A batch's log time; nil for a no-op.
    public var timeMs: UInt64? {
        if case .batch(let timeMs, _) = self { return timeMs }
        return nil
    }
}

extension RequestID {
    /// A total order (origin, then serial), so a batch of replies never goes out in dictionary order (rule 5).
    static func ordered(_ a: RequestID, _ b: RequestID) -> Bool {
        a.origin != b.origin ? a.origin < b.origin : a.serial < b.serial
    }
}
