/// The `INFO paxos` fields of one node: `key:value` lines, `#` headers skipped.
public struct InfoPaxos: Sendable, Equatable {
    public var fields: [String: String]

    public init(parsing text: String) {
        var fields: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        self.fields = fields
    }

    public subscript(_ name: String) -> String? { fields[name] }

    public var role: String? { fields["role"] }
    public var isLeader: Bool { role == "leader" }
    public var nodeID: Int? { fields["node_id"].flatMap { Int($0) } }
    /// nil when unknown or 0 (no leader known).
    public var leaderID: Int? { fields["leader_id"].flatMap { Int($0) }.flatMap { $0 == 0 ? nil : $0 } }
    public var walBytes: UInt64? { fields["wal_bytes"].flatMap { UInt64($0) } }
}
