import KVStore
import PaxosCore
import Wire

extension CommandRouter {
    /// The RESP reply for how a `.write`, `.read` or `.localRead` ended.
    /// The state machine already picks Redis's reply types (SET NX refused
    /// is nil, EXISTS an integer, MGET an array with nils), so this only
    /// maps them, plus the NOQUORUM/TIMEOUT outcomes of the log.
    public func render(_ reply: ClientReply, for command: KVCommand, session: ConnectionState) -> RESPValue {
        switch reply {
        case .result(let bytes):
            guard let decoded = try? KVReply(decoding: bytes) else {
                // Our own bytes: undecodable means a bug, but the client still gets an answer.
                return .error("ERR internal error: undecodable reply to \(command.verb)")
            }
            // An EXEC whose watched keys changed: Redis's null array.
            if case .watchedMulti = command, decoded == .nil { return .array(nil) }
            return Self.respValue(decoded, version: session.protocolVersion)
        case .noQuorum(let message):
            return .error("NOQUORUM \(message)")
        case .timeout(let message):
            return .error("TIMEOUT \(message)")
        }
    }

    /// The RESP bytes of `reply` in the session's protocol version. `+OK`,
    /// the answer of most writes, is one shared array: no decoding, no
    /// rendering, no allocation.
    public func encodedReply(_ reply: ClientReply, for command: KVCommand, session: ConnectionState) -> [UInt8] {
        if case .result(let bytes) = reply, bytes == KVReply.okEncoded { return Self.okReply }
        var out: [UInt8] = []
        RESPEncoder(version: session.protocolVersion).append(render(reply, for: command, session: session), to: &out)
        return out
    }

    static let okReply: [UInt8] = Array("+OK\r\n".utf8)

    /// A state-machine reply as RESP; nil is `$-1` in RESP2 and `_` in RESP3.
    static func respValue(_ reply: KVReply, version: RESPVersion) -> RESPValue {
        switch reply {
        case .ok: return .simpleString("OK")
        case .nil: return version == .resp3 ? .null : .bulk(nil)
        case .integer(let n): return .integer(n)
        case .bulk(let bytes): return .bulk(bytes)
        case .array(let elements): return .array(elements.map { respValue($0, version: version) })
        case let .error(code, message): return .error("\(code) \(message)")
        case .simple(let text): return .simpleString(text)
        }
    }
}

extension KVCommand {
    /// The Redis command name, for messages.
    var verb: String {
        switch self {
        case .set: return "set"
        case .del: return "del"
        case .mset: return "mset"
        case .incrBy: return "incrby"
        case .incrByFloat: return "incrbyfloat"
        case .publish: return "publish"
        case .cas: return "cas"
        case .multi, .watchedMulti: return "exec"
        case .rid(_, _, let inner): return inner.verb
        case .get: return "get"
        case .mget: return "mget"
        case .exists: return "exists"
        case .dbsize: return "dbsize"
        case .snapshot: return "snapshot"
        case .keys: return "keys"
        case .scan: return "scan"
        case .setNX: return "setnx"
        case .getSet: return "getset"
        case .getDel: return "getdel"
        case .append: return "append"
        case .setRange: return "setrange"
        case .flush: return "flushdb"
        case .rename(_, _, let nx): return nx ? "renamenx" : "rename"
        case .msetNX: return "msetnx"
        case .copy: return "copy"
        case .strlen: return "strlen"
        case .getRange: return "getrange"
        case .type: return "type"
        case .touch: return "touch"
        case .randomKey: return "randomkey"
        case .objectEncoding: return "object"
        case .setWith: return "set"
        case .getEx: return "getex"
        case .expire: return "expire"
        case .persist: return "persist"
        case .ttl(_, let inMs): return inMs ? "pttl" : "ttl"
        case .expireTime(_, let inMs): return inMs ? "pexpiretime" : "expiretime"
        }
    }
}
