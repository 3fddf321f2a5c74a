import KVStore
import PaxosCore
import Wire

/// A stand-in for the client port's `CommandRouter` until it lands: just
/// PING, ECHO, QUIT, GET, SET, DEL, READONLY/READWRITE and INFO, enough to
/// run the daemon end to end. Delete it once `ClientRouting` uses the real one.
struct InterimRouter {
    final class Session {
        var isReadOnly = false
    }

    let limits: KVLimits

    func route(_ args: [[UInt8]], session: Session, status: () -> NodeStatus) -> ClientRouting.Decision {
        guard let first = args.first else { return .reply(.error("ERR empty command")) }
        let name = String(decoding: first, as: UTF8.self).uppercased()
        let rest = Array(args.dropFirst())
        switch (name, rest.count) {
        case ("PING", 0): return .reply(.simpleString("PONG"))
        case ("PING", 1), ("ECHO", 1): return .reply(.bulk(rest[0]))
        case ("QUIT", _): return .replyAndClose(.simpleString("OK"))
        case ("GET", 1):
            let command = KVCommand.get(rest[0])
            return session.isReadOnly ? .localRead(command) : .read(command)
        case ("SET", 2): return checked(.set(rest[0], rest[1], condition: .none))
        case ("SET", 3):
            switch String(decoding: rest[2], as: UTF8.self).uppercased() {
            case "NX": return checked(.set(rest[0], rest[1], condition: .nx))
            case "XX": return checked(.set(rest[0], rest[1], condition: .xx))
            default: return .reply(.error("ERR syntax error"))
            }
        case ("DEL", 1...): return checked(.del(rest))
        case ("READONLY", 0):
            session.isReadOnly = true
            return .reply(.simpleString("OK"))
        case ("READWRITE", 0):
            session.isReadOnly = false
            return .reply(.simpleString("OK"))
        case ("INFO", 0...1): return .reply(.bulk(Array(Self.info(status()).utf8)))
        case ("PING", _), ("ECHO", _), ("GET", _), ("SET", _), ("DEL", _), ("READONLY", _), ("READWRITE", _), ("INFO", _):
            return .reply(.error("ERR wrong number of arguments for '\(name.lowercased())' command"))
        default:
            return .reply(.error("ERR unknown command '\(name.lowercased())'"))
        }
    }

    func render(_ reply: ClientReply, session: Session) -> RESPValue {
        switch reply {
        case .result(let bytes):
            guard let decoded = try? KVReply(decoding: bytes) else { return .error("ERR undecodable reply") }
            return Self.value(decoded)
        case .noQuorum(let message): return .error("NOQUORUM \(message)")
        case .timeout(let message): return .error("TIMEOUT \(message)")
        }
    }

    private func checked(_ command: KVCommand) -> ClientRouting.Decision {
        if let error = limits.validate(command) { return .reply(Self.value(error)) }
        return .write(command)
    }

    static func value(_ reply: KVReply) -> RESPValue {
        switch reply {
        case .ok: return .simpleString("OK")
        case .nil: return .bulk(nil)
        case .integer(let n): return .integer(n)
        case .bulk(let bytes): return .bulk(bytes)
        case .array(let items): return .array(items.map(value))
        case .error(let code, let message): return .error("\(code) \(message)")
        }
    }

    static func info(_ s: NodeStatus) -> String {
        let lines = [
            "# Paxos", "node_id:\(s.nodeID)", "role:\(s.role)", "leader_id:\(s.leaderID)", "ballot:\(s.ballot)",
            "commit_index:\(s.commitIndex)", "applied_index:\(s.appliedIndex)", "snapshot_index:\(s.snapshotIndex)",
            "wal_bytes:\(s.walBytes)", "peers_up:\(s.peersUp)", "voter:\(s.isVoter ? 1 : 0)",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
