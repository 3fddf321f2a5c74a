import Posix

/// A fault-injecting TCP proxy for the chaos tester. Each peer link (i, j)
/// gets its own listener on 127.0.0.1; node i dials it instead of node j,
/// and the hub forwards the bytes to node j's real peer port. Cutting a link
/// closes its real TCP connections and refuses new ones, so a partition
/// made by the nemesis is one the nodes' sockets actually see.
public final class ProxyHub: @unchecked Sendable {
    private let engine: ProxyEngine
    private let pollThread: PosixThread

    /// Starts the poll thread.
    public init() throws {
        let engine = try ProxyEngine()
        self.engine = engine
        // The thread holds the engine, not the hub, so dropping the hub runs deinit.
        pollThread = PosixThread { engine.run() }
    }

    deinit {
        stop()
    }

    /// Starts forwarding a new link to 127.0.0.1:`targetPort`; returns the
    /// hub's listening port for it (ephemeral, on 127.0.0.1). Throws
    /// `ProxyError.duplicateLink` for a link added before, `.stopped` after `stop()`.
    public func addLink(_ id: LinkID, targetPort: UInt16) throws -> UInt16 {
        try engine.addLink(id, targetPort: targetPort)
    }

    /// cut=true closes every open forwarded connection of the link now (both
    /// sides) and from then on closes each new connection at once, without
    /// connecting to the target, until cut=false. Done when it returns.
    public func setCut(_ id: LinkID, _ cut: Bool) {
        engine.setCut(id, cut)
    }

    public func isCut(_ id: LinkID) -> Bool {
        engine.isCut(id)
    }

    /// The link's counters; all zero for a link never added.
    public func stats(_ id: LinkID) -> LinkStats {
        engine.stats(id)
    }

    /// Joins the poll thread and closes every socket. Idempotent: a second
    /// call returns at once (while a first one on another thread may still be joining).
    public func stop() {
        guard engine.requestStop() else { return }
        pollThread.join()
        engine.closeAll()
    }
}
