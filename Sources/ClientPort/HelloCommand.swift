import Wire

// HELLO [protover [AUTH user pass] [SETNAME name]]: what current clients
// (redis-py 5+, go-redis, lettuce) send first to pick RESP3.
extension CommandRouter {
    /// The version HELLO reports; INFO adds "-paxoskv", HELLO stays parseable as semver.
    static let redisVersion = "7.0.0"

    func hello(_ args: [[UInt8]], session: ConnectionState) throws(CommandError) -> RouteDecision {
        var version = session.protocolVersion
        if args.count >= 2 {
            guard let requested = RedisInteger.parse(args[1]) else {
                throw CommandError("ERR Protocol version is not an integer or out of range")
            }
            guard requested == 2 || requested == 3 else { throw CommandError("NOPROTO unsupported protocol version") }
            version = requested == 3 ? .resp3 : .resp2
        }
        // Options are all checked before any takes effect, as Redis does.
        var credentials: (user: [UInt8], password: [UInt8])?
        var newName: [UInt8]?
        var i = 2
        while i < args.count {
            let option = args[i]
            if asciiEqualsIgnoringCase(option, "auth") && i + 2 < args.count {
                credentials = (args[i + 1], args[i + 2])
                i += 3
            } else if asciiEqualsIgnoringCase(option, "setname") && i + 1 < args.count {
                newName = args[i + 1]
                i += 2
            } else {
                throw CommandError("ERR Syntax error in HELLO option '\(printable(option))'")
            }
        }
        if let credentials {
            try authenticate(user: credentials.user, password: credentials.password, session: session)
        }
        guard session.isAuthenticated else {
            throw CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
        }
        if let newName {
            try checkClientName(newName)
            session.name = newName.isEmpty ? nil : newName
        }
        session.protocolVersion = version
        return .reply(.map([
            (.bulk("server"), .bulk("redis")),
            (.bulk("version"), .bulk(Self.redisVersion)),
            (.bulk("proto"), .integer(Int64(version.rawValue))),
            (.bulk("id"), .integer(session.clientID)),
            (.bulk("mode"), .bulk("standalone")),
            // Every node takes writes (followers forward them), so each is a "master" to a client.
            (.bulk("role"), .bulk("master")),
            (.bulk("modules"), .array([])),
        ]))
    }
}
