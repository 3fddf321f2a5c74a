import Config
import PaxosCore
import Wire

/// One row of MEMBERS: `[id, peer, client, state, up]`.
public struct MemberRow: Sendable, Equatable {
    public enum State: String, Sendable { case voter, learner, joining }
    public var id: NodeID
    public var peer: String
    public var client: String
    public var state: State
    /// This node reaches it (itself: always).
    public var isUp: Bool

    public init(id: NodeID, peer: String, client: String, state: State, isUp: Bool) {
        self.id = id
        self.peer = peer
        self.client = client
        self.state = state
        self.isUp = isUp
    }
}

/// How a member's addresses travel in the log: `PEER|CLIENT` in UTF-8,
/// opaque to the core.
public enum MemberAddress {
    public static func encode(peer: HostPort, client: HostPort) -> [UInt8] {
        Array("\(peer)|\(client)".utf8)
    }

    /// Nil when the bytes are not two addresses.
    public static func decode(_ bytes: [UInt8]) -> (peer: HostPort, client: HostPort)? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, case .success(let peer) = HostPort.parse(String(parts[0])),
              case .success(let client) = HostPort.parse(String(parts[1])) else { return nil }
        return (peer, client)
    }
}

// MEMBER ADD id peer client / MEMBER REMOVE id (DESIGN Part 1, "Membership").
extension CommandRouter {
    func member(_ args: [[UInt8]]) throws(CommandError) -> RouteDecision {
        let sub = args[1]
        if asciiEqualsIgnoringCase(sub, "add") {
            guard args.count == 5 else { throw .wrongArity("member|add") }
            let id = try memberID(args[2])
            let peer = try address(args[3], "peer")
            let client = try address(args[4], "client")
            return .memberChange(MemberChange(kind: .add, node: id, address: MemberAddress.encode(peer: peer, client: client)))
        }
        if asciiEqualsIgnoringCase(sub, "remove") {
            guard args.count == 3 else { throw .wrongArity("member|remove") }
            return .memberChange(MemberChange(kind: .remove, node: try memberID(args[2])))
        }
        throw .unknownSubcommand(sub, of: "MEMBER")
    }

    private func memberID(_ bytes: [UInt8]) throws(CommandError) -> NodeID {
        guard let n = RedisInteger.parse(bytes), (1...255).contains(n) else {
            throw CommandError("ERR node id must be an integer 1...255, got '\(printable(bytes))'")
        }
        return NodeID(n)
    }

    private func address(_ bytes: [UInt8], _ what: String) throws(CommandError) -> HostPort {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CommandError("ERR \(what) address is not UTF-8")
        }
        switch HostPort.parse(text) {
        case .success(let address): return address
        case .failure(let error): throw CommandError("ERR bad \(what) address '\(printable(bytes))': \(error)")
        }
    }

    /// MEMBERS as RESP: one `[id, peer, client, state, up]` array per member.
    public func membersReply(_ rows: [MemberRow]) -> RESPValue {
        .array(rows.map { row in
            .array([.integer(Int64(row.id)), .bulk(Array(row.peer.utf8)), .bulk(Array(row.client.utf8)),
                    .bulk(Array(row.state.rawValue.utf8)), .integer(row.isUp ? 1 : 0)])
        })
    }

    /// The outcome of a member change: `+OK` once applied, the core's
    /// refusal as an error, or the usual -NOQUORUM / -TIMEOUT.
    public func renderMemberChange(_ reply: ClientReply) -> RESPValue {
        switch reply {
        case .result(let bytes):
            guard let refusal = MemberChange.replyText(bytes) else { return .simpleString("OK") }
            return .error(refusal)
        case .noQuorum(let message): return .error("NOQUORUM \(message)")
        case .timeout(let message): return .error("TIMEOUT \(message)")
        }
    }
}
