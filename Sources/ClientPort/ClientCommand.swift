import Wire

// CLIENT subcommands: enough for redis-cli, redis-py and redis-benchmark.
extension CommandRouter {
    func client(_ args: [[UInt8]], session: ConnectionState) throws(CommandError) -> RouteDecision {
        let sub = args[1]
        if asciiEqualsIgnoringCase(sub, "setname") {
            guard args.count == 3 else { throw .wrongArity("client|setname") }
            try checkClientName(args[2])
            session.name = args[2].isEmpty ? nil : args[2]
            return .reply(.simpleString("OK"))
        }
        if asciiEqualsIgnoringCase(sub, "getname") {
            guard args.count == 2 else { throw .wrongArity("client|getname") }
            return .reply(session.name.map { .bulk($0) } ?? .null)
        }
        if asciiEqualsIgnoringCase(sub, "id") {
            guard args.count == 2 else { throw .wrongArity("client|id") }
            return .reply(.integer(session.clientID))
        }
        if asciiEqualsIgnoringCase(sub, "setinfo") {
            // redis-py and go-redis send LIB-NAME / LIB-VER; we accept and forget them.
            guard args.count == 4 else { throw .wrongArity("client|setinfo") }
            guard asciiEqualsIgnoringCase(args[2], "lib-name") || asciiEqualsIgnoringCase(args[2], "lib-ver") else {
                throw CommandError("ERR Unrecognized option '\(printable(args[2]))'")
            }
            return .reply(.simpleString("OK"))
        }
        if asciiEqualsIgnoringCase(sub, "info") {
            guard args.count == 2 else { throw .wrongArity("client|info") }
            return .reply(.verbatim(format: "txt", clientLine(session)))
        }
        if asciiEqualsIgnoringCase(sub, "list") {
            // Only this connection: the router does not see the others.
            return .reply(.verbatim(format: "txt", clientLine(session)))
        }
        if asciiEqualsIgnoringCase(sub, "reply") || asciiEqualsIgnoringCase(sub, "no-evict")
            || asciiEqualsIgnoringCase(sub, "no-touch") {
            guard args.count == 3, asciiEqualsIgnoringCase(args[2], "on") else {
                throw CommandError("ERR CLIENT \(printable(sub)) is supported only with ON")
            }
            return .reply(.simpleString("OK"))
        }
        throw .unknownSubcommand(sub, of: "CLIENT")
    }

    /// As Redis: a name may not hold spaces, newlines or other bytes outside '!'...'~'.
    func checkClientName(_ name: [UInt8]) throws(CommandError) {
        guard name.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw CommandError("ERR Client names cannot contain spaces, newlines or special characters.")
        }
    }

    private func clientLine(_ session: ConnectionState) -> [UInt8] {
        var line = Array("id=\(session.clientID) name=".utf8)
        line += session.name ?? []
        line += Array(" db=0 multi=\(session.multiQueue?.count ?? -1) resp=\(session.protocolVersion.rawValue)\n".utf8)
        return line
    }
}
