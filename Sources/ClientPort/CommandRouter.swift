import KVStore
import Wire

/// The client port's command layer: turns one request's arguments into what
/// the daemon must do (answer now, replicate, read), and renders the outcome.
/// Pure: no sockets, no clock, so every command is testable byte for byte.
public struct CommandRouter: Sendable {
    public let limits: KVLimits
    /// The cluster password; nil when clients need no AUTH.
    public let password: [UInt8]?
    /// Commands one MULTI may queue: they all go into one log entry.
    public let maxQueuedCommands: Int
    /// Argument bytes one MULTI may queue (the request limit: one entry stays one request's size).
    public let maxQueuedBytes: Int

    public init(
        limits: KVLimits = KVLimits(), password: [UInt8]? = nil,
        maxQueuedCommands: Int = 100_000, maxQueuedBytes: Int = 4 << 20
    ) {
        precondition(maxQueuedCommands >= 1 && maxQueuedBytes >= 1, "MULTI bounds must be positive")
        self.limits = limits
        self.password = password
        self.maxQueuedCommands = maxQueuedCommands
        self.maxQueuedBytes = maxQueuedBytes
    }

    /// A fresh session for a new connection: it must AUTH first when a password is set.
    public func makeConnectionState(clientID: Int64) -> ConnectionState {
        ConnectionState(requiresAuth: password != nil, clientID: clientID)
    }

    /// Decides what to do with one request. `args[0]` is the command name,
    /// matched ASCII case-insensitively. `info` is called only for INFO.
    /// Encode the reply with `session.protocolVersion` read *after* this
    /// returns: HELLO 3 switches it and its own reply is already RESP3.
    public func route(_ args: [[UInt8]], session: ConnectionState, info: () -> NodeInfo) -> RouteDecision {
        guard !args.isEmpty else { return .reply(.error("ERR empty command")) }
        let name: CommandName
        do throws(CommandError) {
            name = try KVCommandParser.lookUp(args)
        } catch {
            // As Redis: a command refused while queueing dooms the transaction.
            if session.multiQueue != nil { session.multiFailed = true }
            return .reply(.error(error.text))
        }
        guard session.isAuthenticated || name.isAllowedBeforeAuth else {
            return .reply(.error("NOAUTH Authentication required."))
        }
        if session.protocolVersion == .resp2, session.subscriptionCount > 0, !name.isAllowedWhileSubscribed {
            return .reply(.error("ERR Can't execute '\(name.rawValue)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"))
        }
        if session.multiQueue != nil && !name.runsInsideMulti {
            return enqueue(name, args, session: session)
        }
        do throws(CommandError) {
            return try dispatch(name, args, session: session, info: info)
        } catch {
            return .reply(.error(error.text))
        }
    }

    private func dispatch(
        _ name: CommandName, _ args: [[UInt8]], session: ConnectionState, info: () -> NodeInfo
    ) throws(CommandError) -> RouteDecision {
        if name.isKeyValue {
            return try decide(KVCommandParser.parse(name, args), session: session)
        }
        switch name {
        case .ping:
            guard args.count <= 2 else { throw .wrongArity("ping") }
            // Subscribed (RESP2): Redis answers ["pong", message].
            if session.protocolVersion == .resp2, session.subscriptionCount > 0 {
                return .reply(.array([.bulk(Array("pong".utf8)), .bulk(args.count == 2 ? args[1] : [])]))
            }
            return .reply(args.count == 1 ? .simpleString("PONG") : .bulk(args[1]))
        case .subscribe, .psubscribe:
            return .subscribe(Array(args[1...]), patterns: name == .psubscribe)
        case .unsubscribe, .punsubscribe:
            return .unsubscribe(Array(args[1...]), patterns: name == .punsubscribe)
        case .changes:
            guard args.count <= 2 else { throw .wrongArity("changes") }
            return .changes(args.count == 2 ? args[1] : [])
        case .echo:
            return .reply(.bulk(args[1]))
        case .quit:
            return .replyAndClose(.simpleString("OK"))
        case .multi, .exec, .discard, .watch, .unwatch:
            return try transaction(name, args, session: session)
        case .auth:
            return try auth(args, session: session)
        case .hello:
            return try hello(args, session: session)
        case .readonly, .readwrite:
            session.isReadOnly = name == .readonly
            return .reply(.simpleString("OK"))
        case .select:
            guard let index = RedisInteger.parse(args[1]) else { throw .notInteger }
            guard index == 0 else { throw CommandError("ERR DB index is out of range") }
            return .reply(.simpleString("OK"))
        case .reset:
            return reset(session)
        case .info:
            return .reply(.verbatim(format: "txt", InfoText.render(info(), sections: Array(args.dropFirst()))))
        case .config:
            return try config(args, session: session, info: info)
        case .command:
            return try command(args)
        case .client:
            return try client(args, session: session)
        case .members:
            return .members
        case .member:
            return try member(args)
        case .get, .set, .del, .exists, .mget, .mset, .incr, .decr, .incrby, .decrby,
             .cas, .dbsize, .keys, .scan, .rid, .snapshot,
             .setnx, .getset, .getdel, .append, .strlen, .getrange, .setrange, .flushdb, .flushall, .type, .rename,
             .renamenx, .unlink, .touch, .msetnx, .copy, .randomkey, .object,
             .setex, .psetex, .getex, .expire, .pexpire, .expireat, .pexpireat, .ttl, .pttl, .expiretime, .pexpiretime,
             .persist, .incrbyfloat, .publish:
            preconditionFailure("key-value commands are parsed above")
        }
    }

    /// Checks limits, then picks write, linearizable read or local read.
    func decide(_ command: KVCommand, session: ConnectionState) throws(CommandError) -> RouteDecision {
        if let refusal = limits.validate(command) { throw CommandError(refusal) }
        guard command.isReadOnly else { return .write(command) }
        return session.isReadOnly && command.isLocallyReadable ? .localRead(command) : .read(command)
    }

    /// RESET: back to a fresh connection's state, as Redis 6.2+ does.
    private func reset(_ session: ConnectionState) -> RouteDecision {
        session.endTransaction()
        session.unsubscribeAll()
        session.isReadOnly = false
        session.protocolVersion = .resp2
        session.name = nil
        if session.requiresAuth { session.isAuthenticated = false }
        return .reply(.simpleString("RESET"))
    }
}

extension KVCommand {
    /// What READONLY serves from the local replica (DESIGN Part 1); other
    /// reads stay linearizable.
    public var isLocallyReadable: Bool {
        switch self {
        case .get, .mget, .exists: return true
        default: return false
        }
    }
}

extension CommandError {
    /// A state-machine error reply (`KVLimits.validate`) as refusal text.
    init(_ reply: KVReply) {
        guard case let .error(code, message) = reply else { preconditionFailure("not an error reply: \(reply)") }
        self.init("\(code) \(message)")
    }
}
