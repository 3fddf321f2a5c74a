import Wire

/// INFO's Redis-style text: `# Section` headers, `field:value` lines, CRLF
/// endings, a blank line between sections.
enum InfoText {
    static let sectionNames = ["server", "clients", "paxos"]

    /// The sections asked for (none, "all", "default" or "everything" means
    /// every one; unknown names are skipped, as Redis skips them).
    static func render(_ info: NodeInfo, sections requested: [[UInt8]]) -> [UInt8] {
        let asked = Set(requested.map { String(decoding: asciiLowercased($0), as: UTF8.self) })
        let wantsAll = asked.isEmpty || !asked.isDisjoint(with: ["all", "default", "everything"])
        var text = ""
        for name in sectionNames where wantsAll || asked.contains(name) {
            if !text.isEmpty { text += "\r\n" }
            text += section(name, info)
        }
        return Array(text.utf8)
    }

    private static func section(_ name: String, _ info: NodeInfo) -> String {
        let lines: [(String, String)]
        let title: String
        switch name {
        case "server":
            title = "Server"
            lines = [
                ("redis_version", CommandRouter.redisVersion + "-paxoskv"),
                ("redis_mode", "standalone"),
                ("process_id", "\(info.processID)"),
                ("tcp_port", "\(info.tcpPort)"),
                ("uptime_in_seconds", "\(info.uptimeSeconds)"),
                ("uptime_in_days", "\(info.uptimeSeconds / 86_400)"),
            ]
        case "clients":
            title = "Clients"
            lines = [("connected_clients", "\(info.connectedClients)")]
        default:
            title = "Paxos"
            lines = [
                ("cluster", info.clusterName),
                ("node_id", "\(info.nodeID)"),
                ("role", info.role),
                ("leader_id", "\(info.leaderID)"),
                ("ballot", info.ballot),
                ("commit_index", "\(info.commitIndex)"),
                ("applied_index", "\(info.appliedIndex)"),
                ("snapshot_index", "\(info.snapshotIndex)"),
                ("wal_bytes", "\(info.walBytes)"),
                ("peers_up", "\(info.peersUp)"),
                ("is_voter", info.isVoter ? "1" : "0"),
                ("voter", info.isVoter ? "1" : "0"),
                ("members", "\(info.members)"),
                ("config_slot", "\(info.configSlot)"),
                ("member_state", info.memberState),
            ]
        }
        return "# \(title)\r\n" + lines.map { "\($0.0):\($0.1)\r\n" }.joined()
    }
}
