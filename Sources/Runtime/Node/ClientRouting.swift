import ClientPort
import Config
import Glibc
import KVStore
import PaxosCore
import Posix
import Wire

/// The node's one seam to the client command layer (`ClientPort`): it
/// builds the router from the config and the INFO snapshot from the node.
struct ClientRouting {
    typealias Session = ClientSessionState
    typealias Decision = RouteDecision

    private let router: CommandRouter
    private let clusterName: String
    private let clientPort: Int
    private let startedMs = SystemClock.monotonicMs()
    private var lastClientID: Int64 = 0

    init(config: ClusterConfig, clientPort: Int) {
        let tuning = config.tuning
        router = CommandRouter(limits: KVLimits(keyBytesMax: tuning.maxKeyBytes, valueBytesMax: tuning.maxValueBytes),
                               password: config.password.map { Array($0.utf8) },
                               maxQueuedBytes: tuning.maxRequestBytes)
        clusterName = config.cluster
        self.clientPort = clientPort
    }

    /// A session for a new connection, with a client id unique in this process.
    mutating func makeSession() -> Session {
        lastClientID += 1
        return router.makeSession(clientID: lastClientID)
    }

    func route(_ args: [[UInt8]], session: Session, status: () -> NodeStatus) -> Decision {
        router.route(args, session: session, info: { info(status()) })
    }

    /// `command` is the one the reply answers.
    func render(_ reply: ClientReply, for command: KVCommand, session: Session) -> RESPValue {
        router.render(reply, for: command, session: session)
    }

    /// The encoder for the session's protocol version, read after routing (HELLO 3 switches it).
    func encoder(for session: Session) -> RESPEncoder { RESPEncoder(version: session.protocolVersion) }

    private func info(_ s: NodeStatus) -> NodeInfo {
        NodeInfo(nodeID: s.nodeID, role: s.role, leaderID: s.leaderID, ballot: s.ballot.description,
                 commitIndex: s.commitIndex, appliedIndex: s.appliedIndex, snapshotIndex: s.snapshotIndex,
                 walBytes: UInt64(max(0, s.walBytes)), peersUp: s.peersUp, isVoter: s.isVoter,
                 connectedClients: s.connectedClients, uptimeSeconds: (SystemClock.monotonicMs() - startedMs) / 1_000,
                 clusterName: clusterName, tcpPort: clientPort, processID: Int(getpid()))
    }
}
