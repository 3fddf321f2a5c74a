import KVStore
import Wire

// CONFIG: PaxosKV is configured by its cluster file, so CONFIG only
// reports a few fixed answers that stock Redis tools look for.
extension CommandRouter {
    /// Name and value pairs CONFIG GET reports. `save` "" and `appendonly`
    /// "yes" keep redis-benchmark from warning; `appendfsync always` is
    /// what every acknowledged write gets (fdatasync before the reply).
    static let configValues: [(name: String, value: String)] = [
        ("appendfsync", "always"),
        ("appendonly", "yes"),
        ("databases", "1"),
        ("maxmemory", "0"),
        ("maxmemory-policy", "noeviction"),
        ("save", ""),
        ("timeout", "0"),
    ]

    func config(_ args: [[UInt8]], session: ConnectionState, info: () -> NodeInfo) throws(CommandError) -> RouteDecision {
        let sub = args[1]
        if asciiEqualsIgnoringCase(sub, "get") {
            guard args.count >= 3 else { throw .wrongArity("config|get") }
            return .reply(.map(configPairs(matching: Array(args[2...]), info: info())))
        }
        if asciiEqualsIgnoringCase(sub, "set") {
            guard args.count >= 4, args.count % 2 == 0 else { throw .wrongArity("config|set") }
            return try configSet(args)
        }
        if asciiEqualsIgnoringCase(sub, "resetstat") {
            guard args.count == 2 else { throw .wrongArity("config|resetstat") }
            return .reply(.simpleString("OK"))
        }
        throw .unknownSubcommand(sub, of: "CONFIG")
    }

    /// Each known parameter at most once, in table order, matching any pattern (glob, case-insensitive).
    private func configPairs(matching patterns: [[UInt8]], info: NodeInfo) -> [(RESPValue, RESPValue)] {
        let globs = patterns.map { GlobPattern(asciiLowercased($0)) }
        return (Self.configValues + [("notify-keyspace-events", info.notifyKeyspaceEvents)]).sorted { $0.name < $1.name }
            .filter { entry in globs.contains { $0.matches(Array(entry.name.utf8)) } }
            .map { (.bulk($0.name), .bulk($0.value)) }
    }

    /// Accepts setting a parameter to the value it already has (tools that
    /// "turn off save" then carry on); refuses any real change.
    private func configSet(_ args: [[UInt8]]) throws(CommandError) -> RouteDecision {
        // notify-keyspace-events is this node's own setting (it changes what
        // the node announces, nothing in the replicated state).
        if args.count == 4, asciiLowercased(args[2]) == Array("notify-keyspace-events".utf8) {
            guard let flags = NotifyFlags(letters: String(decoding: args[3], as: UTF8.self)) else {
                throw CommandError("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
            }
            return .setNotifications(flags)
        }
        var i = 2
        while i + 1 < args.count {
            let name = asciiLowercased(args[i])
            guard let entry = Self.configValues.first(where: { Array($0.name.utf8) == name }) else {
                throw CommandError("ERR Unknown option or number of arguments for CONFIG SET - '\(printable(args[i]))'")
            }
            guard Array(entry.value.utf8) == args[i + 1] else {
                throw CommandError("ERR CONFIG SET '\(entry.name)' is not supported: PaxosKV reads its settings from the cluster config file")
            }
            i += 2
        }
        return .reply(.simpleString("OK"))
    }
}
