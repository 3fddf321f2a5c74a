import Config

/// One row of `kvctl status`: a node that answered `INFO paxos`, or one that did not.
public struct KvctlNodeStatus: Sendable, Equatable {
    /// From the config; nil with `--endpoints` (then INFO's node_id is shown).
    public var configuredID: Int?
    public var address: HostPort
    public var info: InfoPaxos?
    /// Why the node is marked down.
    public var problem: String?

    public init(configuredID: Int?, address: HostPort, info: InfoPaxos?, problem: String?) {
        precondition((info == nil) != (problem == nil), "a node is either up with INFO or down with a reason")
        self.configuredID = configuredID
        self.address = address
        self.info = info
        self.problem = problem
    }
}

/// Formats `kvctl status`: an aligned table, then a one-line summary.
public enum StatusTable {
    static let headers = ["ID", "ADDRESS", "STATE", "ROLE", "MEMBER", "LEADER", "BALLOT", "COMMIT", "APPLIED", "LAG",
                          "SNAPSHOT", "WAL"]
    /// Numbers read best right-aligned.
    static let rightAligned: Set<Int> = [0, 5, 7, 8, 9, 10, 11]

    public static func render(_ nodes: [KvctlNodeStatus]) -> String {
        var rows = [headers]
        let leaderCommit = nodes.compactMap(\.info).first { $0.isLeader }?["commit_index"].flatMap { UInt64($0) }
        for node in nodes { rows.append(cells(node, leaderCommit: leaderCommit)) }
        var lines = TextTable.lines(rows, rightAligned: rightAligned)
        for (r, node) in nodes.enumerated() {
            if let problem = node.problem { lines[r + 1] += "  (\(problem))" }
        }
        lines.append(summary(nodes))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `leaderCommit`: the leader's commit index, when a leader answered;
    /// LAG is how far this node's applied index is behind it.
    static func cells(_ node: KvctlNodeStatus, leaderCommit: UInt64? = nil) -> [String] {
        let id = node.configuredID.map(String.init) ?? node.info?.nodeID.map(String.init) ?? "?"
        guard let info = node.info else {
            return [id, node.address.description, "DOWN"] + Array(repeating: "-", count: headers.count - 3)
        }
        let applied = info["applied_index"].flatMap { UInt64($0) }
        let lag = leaderCommit.flatMap { commit in applied.map { commit > $0 ? String(commit - $0) : "0" } }
        return [
            id, node.address.description, "up",
            info.role ?? "?",
            info["member_state"] ?? info["is_voter"].map { $0 == "1" ? "voter" : "learner" } ?? "?",
            info.leaderID.map(String.init) ?? "-",
            info["ballot"] ?? "?",
            info["commit_index"] ?? "?",
            info["applied_index"] ?? "?",
            lag ?? "-",
            info["snapshot_index"] ?? "?",
            info.walBytes.map(KvctlFormat.bytes) ?? "?",
        ]
    }

    static func summary(_ nodes: [KvctlNodeStatus]) -> String {
        let up = nodes.filter { $0.info != nil }
        let counts = "\(up.count) of \(nodes.count) nodes up"
        let leaders = up.filter { $0.info!.isLeader }.map { $0.configuredID ?? $0.info!.nodeID ?? 0 }
        switch leaders.count {
        case 0: return "no leader; \(counts)"
        case 1: return "leader: node \(leaders[0]); \(counts)"
        default: return "several nodes claim to lead (\(leaders.map(String.init).joined(separator: ", "))): an election is settling; \(counts)"
        }
    }
}
