import Wire

// COMMAND: redis-cli asks for COMMAND DOCS at start for hints, others
// for COMMAND COUNT. Empty but well-formed answers keep them working.
extension CommandRouter {
    func command(_ args: [[UInt8]]) throws(CommandError) -> RouteDecision {
        guard args.count >= 2 else { return .reply(.array([])) }
        let sub = args[1]
        if asciiEqualsIgnoringCase(sub, "count") {
            guard args.count == 2 else { throw .wrongArity("command|count") }
            return .reply(.integer(Int64(CommandName.allCases.count)))
        }
        if asciiEqualsIgnoringCase(sub, "list") {
            return .reply(.array(CommandName.allCases.map { .bulk($0.rawValue) }))
        }
        if asciiEqualsIgnoringCase(sub, "docs") {
            return .reply(.map([]))
        }
        if asciiEqualsIgnoringCase(sub, "info") {
            // One nil per name asked: "no details", which clients accept.
            return .reply(.array(args.dropFirst(2).map { _ in .null }))
        }
        throw .unknownSubcommand(sub, of: "COMMAND")
    }
}
