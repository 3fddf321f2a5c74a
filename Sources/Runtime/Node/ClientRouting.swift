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
    mutating func makeConnectionState() -> ConnectionState {
        lastClientID += 1
        return router.makeConnectionState(clientID: lastClientID)
    }

    func route(_ args: [[UInt8]], session: ConnectionState, info: () -> NodeInfo) -> Decision {
        router.route(args, session: session, info: { withProcessFields(info()) })
    }

    /// `command` is the one the reply answers.
    func render(_ reply: ClientReply, for command: KVCommand, session: ConnectionState) -> RESPValue {
        router.render(reply, for: command, session: session)
    }

    /// `reply` as RESP bytes for the session (`+OK` without rendering); a nil command is a member change.
    func encodedReply(_ reply: ClientReply, for command: KVCommand?, session: ConnectionState) -> [UInt8] {
        guard let command else {
            var out: [UInt8] = []
            encoder(for: session).append(router.renderMemberChange(reply), to: &out)
            return out
        }
        return router.encodedReply(reply, for: command, session: session)
    }

    func membersReply(_ rows: [MemberRow]) -> RESPValue { router.membersReply(rows) }

    /// The encoder for the session's protocol version, read after routing (HELLO 3 switches it).
    func encoder(for session: ConnectionState) -> RESPEncoder { RESPEncoder(version: session.protocolVersion) }

    private func withProcessFields(_ core: NodeInfo) -> NodeInfo {
        var info = core
        info.uptimeSeconds = (SystemClock.monotonicMs() - startedMs) / 1_000
        info.clusterName = clusterName
        info.tcpPort = clientPort
        info.processID = Int(getpid())
        return info
    }
}
