import KVStore
import PaxosCore
import Wire

/// What the daemon does with one client request.
public enum RouteDecision: Equatable, Sendable {
    /// Answer at once with this value (PING, errors, HELLO, INFO, QUEUED, ...).
    case reply(RESPValue)
    /// Replicate through the log, then answer `CommandRouter.render(_:for:session:)` of the outcome.
    case write(KVCommand)
    /// A linearizable read through the read index, then `render`.
    case read(KVCommand)
    /// READONLY connection: answer from the local replica (possibly stale), then `render`.
    case localRead(KVCommand)
    /// Send this value, then close the connection (QUIT).
    case replyAndClose(RESPValue)
    /// MEMBERS: the node answers with its configuration (`CommandRouter.membersReply`).
    case members
    /// MEMBER ADD/REMOVE: through the log, then `CommandRouter.renderMemberChange`.
    case memberChange(MemberChange)
    /// WATCH: the node records these keys on the session with its state
    /// machine's `changeSeq` (`ConnectionState.watch`), then answers `+OK`.
    case watch([[UInt8]])
    /// SUBSCRIBE / PSUBSCRIBE: the node records them (session and its index)
    /// and answers one confirmation per channel (`PubSubReplies`).
    case subscribe([[UInt8]], patterns: Bool)
    /// UNSUBSCRIBE / PUNSUBSCRIBE; no names: all of that kind.
    case unsubscribe([[UInt8]], patterns: Bool)
    /// CHANGES prefix: the node streams each applied change of a key with it.
    case changes([UInt8])
    /// CONFIG SET notify-keyspace-events: the node changes its state machine's setting.
    case setNotifications(NotifyFlags)
}
