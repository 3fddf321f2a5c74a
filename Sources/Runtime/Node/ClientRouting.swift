import KVStore
import PaxosCore
import Wire

/// The node's one seam to the client command layer: which router turns a
/// parsed command into a decision and a core reply into RESP. Only this
/// file changes when the router does.
struct ClientRouting {
    typealias Session = InterimRouter.Session

    /// What to do with one client command.
    enum Decision {
        case reply(RESPValue)
        /// Through the log.
        case write(KVCommand)
        /// Linearizable: at a read index confirmed by the leader.
        case read(KVCommand)
        /// From this replica's state, possibly stale (READONLY connections).
        case localRead(KVCommand)
        /// Reply, then close the connection (QUIT).
        case replyAndClose(RESPValue)
    }

    private let router: InterimRouter

    init(config: ClusterConfig) {
        router = InterimRouter(limits: KVLimits(keyBytesMax: config.tuning.maxKeyBytes, valueBytesMax: config.tuning.maxValueBytes))
    }

    func makeSession() -> Session { Session() }

    func route(_ args: [[UInt8]], session: Session, status: () -> NodeStatus) -> Decision {
        router.route(args, session: session, status: status)
    }

    /// `command` is the one the reply answers (the renderer shapes some replies by it).
    func render(_ reply: ClientReply, for command: KVCommand, session: Session) -> RESPValue {
        router.render(reply, session: session)
    }

    /// The encoder for the session's protocol version.
    func encoder(for session: Session) -> RESPEncoder { RESPEncoder(version: .resp2) }
}
