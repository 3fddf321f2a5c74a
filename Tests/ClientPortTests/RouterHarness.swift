import KVStore
import PaxosCore
import Wire
@testable import ClientPort

/// One client connection against a router: send words, look at decisions
/// and at the exact bytes a reply encodes to.
final class RouterHarness {
    let router: CommandRouter
    let session: ConnectionState
    var info = NodeInfo(nodeID: 2)

    init(_ router: CommandRouter = CommandRouter(), clientID: Int64 = 7) {
        self.router = router
        self.session = router.makeConnectionState(clientID: clientID)
    }

    /// Routes a request given as text words (each word one argument).
    func send(_ words: String...) -> RouteDecision {
        sendArgs(words.map { Array($0.utf8) })
    }

    func sendArgs(_ args: [[UInt8]]) -> RouteDecision {
        router.route(args, session: session, info: { self.info })
    }

    /// The error text of an immediate error reply, or nil for anything else.
    func error(_ words: String...) -> String? {
        if case .reply(.error(let text)) = sendArgs(words.map { Array($0.utf8) }) { return text }
        return nil
    }

    /// The reply a state machine result renders to, encoded in the session's version.
    /// The bytes the node sends for `reply` (`encodedReply`, with its `+OK` shortcut).
    func rendered(_ reply: KVReply, for command: KVCommand) -> String {
        String(decoding: router.encodedReply(.result(reply.encoded()), for: command, session: session), as: UTF8.self)
    }

    /// The same through the general path: render to a RESPValue, then encode.
    func renderedWithoutShortcut(_ reply: ClientReply, for command: KVCommand) -> String {
        wire(router.render(reply, for: command, session: session), session.protocolVersion)
    }
}

/// `value` as the bytes a client receives, shown as text.
func wire(_ value: RESPValue, _ version: RESPVersion) -> String {
    var out: [UInt8] = []
    RESPEncoder(version: version).append(value, to: &out)
    return String(decoding: out, as: UTF8.self)
}

func b(_ text: String) -> [UInt8] { Array(text.utf8) }
