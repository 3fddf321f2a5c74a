/// Connections with output queued since the loop last slept. The node
/// calls `flushAll()` from `beforeSleep`, after the fsync whose durability
/// those replies depend on (redis `handleClientsWithPendingWrites`). Peer
/// links go first: an accept or an ack sent a moment earlier shortens every
/// client's wait, a reply sent earlier helps only its own client.
/// Confined to the loop thread.
public final class FlushQueue {
    private var first: [Connection] = []
    private var rest: [Connection] = []
    /// Spare arrays swapped in while flushing, so neither list is copied.
    private var spareFirst: [Connection] = []
    private var spareRest: [Connection] = []

    public init() {}

    public var count: Int { first.count + rest.count }

    func schedule(_ connection: Connection, first isFirst: Bool) {
        if isFirst { first.append(connection) } else { rest.append(connection) }
    }

    /// Writes every scheduled connection's output, peers first. Bounded:
    /// connections scheduled while flushing wait for the next call.
    public func flushAll() {
        swap(&first, &spareFirst)
        swap(&rest, &spareRest)
        for connection in spareFirst { connection.flush() }
        for connection in spareRest { connection.flush() }
        spareFirst.removeAll(keepingCapacity: true)
        spareRest.removeAll(keepingCapacity: true)
    }
}
