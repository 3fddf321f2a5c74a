/// Connections with replies queued since the loop last slept. The node
/// calls `flushAll()` from `beforeSleep`, after the fsync whose durability
/// those replies depend on (redis `handleClientsWithPendingWrites`).
/// Confined to the loop thread.
public final class FlushQueue {
    private var pending: [Connection] = []

    public init() {}

    public var count: Int { pending.count }

    func schedule(_ connection: Connection) {
        pending.append(connection)
    }

    /// Writes every scheduled connection's output. Bounded: connections
    /// scheduled while flushing wait for the next call.
    public func flushAll() {
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        for connection in batch { connection.flush() }
    }
}
