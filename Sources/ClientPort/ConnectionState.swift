import KVStore
import Wire

/// What the command layer remembers about one client connection. Owned by
/// the connection on the event loop thread; never shared between threads.
public final class ConnectionState {
    /// `.resp2` until `HELLO 3`; the daemon encodes every reply in this version.
    public var protocolVersion: RESPVersion = .resp2
    /// False until AUTH succeeds when the cluster sets a password.
    public var isAuthenticated: Bool
    /// READONLY: GET/MGET/EXISTS are served from the local replica, possibly stale.
    public var isReadOnly = false
    /// Non-nil between MULTI and EXEC/DISCARD.
    /// Invariant: `multiQueueBytes` is the summed argument bytes of what it holds.
    public var multiQueue: [KVCommand]?
    /// Bytes of the arguments queued since MULTI: the whole queue becomes one log entry.
    public var multiQueueBytes = 0
    /// A command queued since MULTI was refused: EXEC answers EXECABORT.
    public var multiFailed = false
    /// CLIENT SETNAME / HELLO SETNAME.
    public var name: [UInt8]?
    /// CLIENT ID and HELLO's `id`; the daemon picks it (unique per connection).
    public let clientID: Int64
    /// Whether the cluster has a password; RESET forgets a login only then.
    public let requiresAuth: Bool

    public init(requiresAuth: Bool, clientID: Int64 = 0) {
        self.requiresAuth = requiresAuth
        self.isAuthenticated = !requiresAuth
        self.clientID = clientID
    }

    /// Leaves MULTI state (EXEC, DISCARD, RESET).
    func endTransaction() {
        multiQueue = nil
        multiQueueBytes = 0
        multiFailed = false
    }
}
