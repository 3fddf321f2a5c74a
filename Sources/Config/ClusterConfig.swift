import PaxosCore

/// One `[node.N]` section.
public struct NodeConfig: Sendable, Equatable {
    public var id: NodeID
    /// Paxos traffic between nodes.
    public var peer: HostPort
    /// RESP clients.
    public var client: HostPort
    /// The data directory, already resolved against the config file's directory.
    public var data: String
    /// Where `GET /metrics` and `GET /health` are served (HTTP); nil: not served.
    public var metrics: HostPort? = nil
}

/// A parsed cluster config file (DESIGN.md Part 1, "Configuration").
public struct ClusterConfig: Sendable, Equatable {
    /// The file it came from, as given (used in messages).
    public var path: String
    public var cluster: String
    /// When set, clients must AUTH first.
    public var password: String?
    /// Redis's notify-keyspace-events letters ("" : off), checked to be only those letters.
    public var notifyKeyspaceEvents: String = ""
    /// Sorted by id.
    public var nodes: [NodeConfig]
    public var tuning: Tuning

    /// Every member's id, sorted.
    public var members: [NodeID] { nodes.map(\.id) }

    public func node(_ id: NodeID) -> NodeConfig? { nodes.first { $0.id == id } }

    /// Reads `path` with `read` (the caller's file I/O: this module stays
    /// pure) and parses it; `data` paths resolve against its directory.
    public static func load(path: String, reading read: (String) throws -> String) throws(ConfigError) -> ClusterConfig {
        let text: String
        do {
            text = try read(path)
        } catch {
            throw ConfigError(path: path, line: nil, "\(error)")
        }
        return try parse(text, path: path)
    }

    /// Parses config text; `path` names it in errors and is the base for
    /// relative `data` paths.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> ClusterConfig {
        var parser = ClusterConfigParser(path: path)
        return try parser.parse(text)
    }
}

/// The directory part of `path`: `config` for `config/cluster3.conf`, `.` for `x.conf`.
func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}

/// `relative` against `base`, unless it is absolute.
func resolvePath(_ relative: String, against base: String) -> String {
    if relative.hasPrefix("/") || base == "." { return relative }
    return base.hasSuffix("/") ? base + relative : base + "/" + relative
}
