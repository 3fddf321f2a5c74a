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
    /// WATCHed keys, in the order watched, each with the `changeSeq` the
    /// node had applied then; EXEC, DISCARD, UNWATCH and RESET forget them.
    public private(set) var watched: [WatchedKey] = []
    private var watchedKeys: Set<[UInt8]> = []
    /// At most this many keys watched per connection.
    public static let watchedMax = 10_000
    /// Subscribed channels and patterns (pub/sub); the node delivers by them.
    public private(set) var channels: Set<[UInt8]> = []
    public private(set) var patterns: Set<[UInt8]> = []
    /// `CHANGES prefix` feeds (kvctl watch): every applied change of a key with the prefix.
    public private(set) var changeFeeds: Set<[UInt8]> = []
    public var subscriptionCount: Int { channels.count + patterns.count + changeFeeds.count }

    /// Adds a change feed; false when it was there already.
    public func addChangeFeed(_ prefix: [UInt8]) -> Bool { changeFeeds.insert(prefix).inserted }
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

    /// Leaves MULTI state and forgets watched keys (EXEC, DISCARD, RESET).
    func endTransaction() {
        multiQueue = nil
        multiQueueBytes = 0
        multiFailed = false
        unwatch()
    }

    /// Watches `keys` as of `seq`; a key already watched keeps its first seq,
    /// as in Redis. False (nothing watched) past `watchedMax`.
    public func watch(_ keys: [[UInt8]], seq: UInt64) -> Bool {
        let new = Set(keys).subtracting(watchedKeys)
        guard watchedKeys.count + new.count <= Self.watchedMax else { return false }
        for key in keys where watchedKeys.insert(key).inserted {
            watched.append(WatchedKey(key: key, seq: seq))
        }
        return true
    }

    /// Adds a subscription; false when it was there already.
    public func subscribe(_ name: [UInt8], pattern: Bool) -> Bool {
        pattern ? patterns.insert(name).inserted : channels.insert(name).inserted
    }

    /// Drops a subscription; false when there was none.
    public func unsubscribe(_ name: [UInt8], pattern: Bool) -> Bool {
        (pattern ? patterns.remove(name) : channels.remove(name)) != nil
    }

    /// Every subscription of a kind, in byte order (UNSUBSCRIBE without names).
    public func subscriptions(pattern: Bool) -> [[UInt8]] {
        (pattern ? patterns : channels).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// RESET: no subscriptions left (the node's index drops them when it meets them).
    func unsubscribeAll() {
        channels = []
        patterns = []
        changeFeeds = []
    }

    func unwatch() {
        watched = []
        watchedKeys = []
    }
}
