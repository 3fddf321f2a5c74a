import PaxosCore

/// Parses the TOML subset of DESIGN.md: `key = value` lines (double- or
/// single-quoted strings, integers with optional `_`), `[node.N]` section
/// headers, `#` comments and blank lines. Top-level keys must come before
/// the first section, as in TOML.
struct ClusterConfigParser {
    let path: String
    private var cluster: String?
    private var password: String?
    private var notifyKeyspaceEvents = ""
    private var tuning = Tuning()
    private var tuningLines: [String: Int] = [:]
    private var topLevelKeys: Set<String> = []
    private var sections: [Section] = []

    /// A `[node.N]` section while it is being read.
    private struct Section {
        var id: NodeID
        var line: Int
        var values: [String: (value: ConfigValue, line: Int)] = [:]
    }

    init(path: String) {
        self.path = path
    }

    mutating func parse(_ text: String) throws(ConfigError) -> ClusterConfig {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            try parseLine(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine, at: lineNumber)
        }
        return try finish()
    }

    private mutating func parseLine(_ line: Substring, at number: Int) throws(ConfigError) {
        var scanner = LineScanner(line)
        scanner.skipSpaces()
        if scanner.atEndOrComment { return }
        if scanner.peek == "[" {
            let id = try parseSectionHeader(&scanner, at: number)
            guard !sections.contains(where: { $0.id == id }) else { throw error(number, "duplicate node id \(id)") }
            sections.append(Section(id: id, line: number))
            return
        }
        guard let key = scanner.bareKey() else { throw error(number, "unparsable line: expected 'key = value' or '[node.N]'") }
        scanner.skipSpaces()
        guard scanner.take("=") else { throw error(number, "unparsable line: expected '=' after '\(key)'") }
        scanner.skipSpaces()
        let value: ConfigValue
        switch scanner.value() {
        case .success(let v): value = v
        case .failure(let reason): throw error(number, "bad value for '\(key)': \(reason)")
        }
        scanner.skipSpaces()
        guard scanner.atEndOrComment else { throw error(number, "unparsable line: unexpected text after the value of '\(key)'") }
        if sections.isEmpty {
            try setTopLevel(key, value, at: number)
        } else {
            try setInSection(key, value, at: number)
        }
    }

    private func parseSectionHeader(_ scanner: inout LineScanner, at number: Int) throws(ConfigError) -> NodeID {
        _ = scanner.take("[")
        scanner.skipSpaces()
        guard let name = scanner.bareKey(allowDots: true) else { throw error(number, "unparsable section header") }
        scanner.skipSpaces()
        guard scanner.take("]") else { throw error(number, "unparsable section header: missing ']'") }
        scanner.skipSpaces()
        guard scanner.atEndOrComment else { throw error(number, "unparsable line: unexpected text after section header") }
        guard name.hasPrefix("node.") else { throw error(number, "unknown section '[\(name)]': only [node.N] sections exist") }
        let idText = name.dropFirst("node.".count)
        guard !idText.isEmpty, idText.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int(idText), (1...255).contains(id)
        else { throw error(number, "node id must be 1...255, got '\(idText)'") }
        return id
    }

    private mutating func setTopLevel(_ key: String, _ value: ConfigValue, at number: Int) throws(ConfigError) {
        guard topLevelKeys.insert(key).inserted else { throw error(number, "duplicate key '\(key)'") }
        switch key {
        case "cluster":
            let name = try string(value, key, at: number)
            guard !name.isEmpty else { throw error(number, "'cluster' must not be empty") }
            cluster = name
        case "password":
            password = try string(value, key, at: number)
        case "notify_keyspace_events":
            let letters = try string(value, key, at: number)
            guard letters.allSatisfy({ "Ag$lshzxeKEtmdn".contains($0) }) else {
                throw error(number, "'notify_keyspace_events' takes Redis's letters (any of Ag$lshzxeKEtmdn), got \"\(letters)\"")
            }
            notifyKeyspaceEvents = letters
        default:
            guard let entry = Tuning.ranges.first(where: { $0.name == key }) else {
                throw error(number, "unknown key '\(key)'")
            }
            guard case .integer(let n) = value else { throw error(number, "'\(key)' must be an integer") }
            guard entry.range.contains(n) else {
                throw error(number, "'\(key)' must be \(entry.range.lowerBound)...\(entry.range.upperBound), got \(n)")
            }
            tuning.set(key, n)
            tuningLines[key] = number
        }
    }

    private mutating func setInSection(_ key: String, _ value: ConfigValue, at number: Int) throws(ConfigError) {
        let index = sections.count - 1
        let id = sections[index].id
        guard ["peer", "client", "data", "metrics"].contains(key) else {
            let isTopLevel = ["cluster", "password", "notify_keyspace_events"].contains(key) || Tuning.ranges.contains { $0.name == key }
            let hint = isTopLevel ? " (top-level keys go before the first [node.N])" : ""
            throw error(number, "unknown key '\(key)' in [node.\(id)]\(hint)")
        }
        guard sections[index].values[key] == nil else { throw error(number, "duplicate key '\(key)' in [node.\(id)]") }
        _ = try string(value, key, at: number)
        sections[index].values[key] = (value, number)
    }

    private func finish() throws(ConfigError) -> ClusterConfig {
        guard let cluster else { throw ConfigError(path: path, line: nil, "missing required key 'cluster'") }
        guard !sections.isEmpty else { throw ConfigError(path: path, line: nil, "no [node.N] sections") }
        if tuning.electionTimeoutMs <= tuning.heartbeatMs {
            // The defaults satisfy this, so one of the two keys was set.
            let line = tuningLines["election_timeout_ms"] ?? tuningLines["heartbeat_ms"]
            throw ConfigError(path: path, line: line, "election_timeout_ms must exceed heartbeat_ms")
        }
        let base = directoryOf(path)
        var nodes: [NodeConfig] = []
        var addressLines: [HostPort: Int] = [:]
        for section in sections {
            var fields: [String: HostPort] = [:]
            for key in ["peer", "client", "metrics"] {
                guard let (value, line) = section.values[key] else {
                    if key == "metrics" { continue }
                    throw error(section.line, "[node.\(section.id)] is missing required key '\(key)'")
                }
                let text = try string(value, key, at: line)
                switch HostPort.parse(text) {
                case .success(let address):
                    if let earlier = addressLines[address] {
                        throw error(line, "duplicate address \(address) (also on line \(earlier))")
                    }
                    addressLines[address] = line
                    fields[key] = address
                case .failure(let reason):
                    throw error(line, "bad address '\(text)' for '\(key)': \(reason)")
                }
            }
            guard let (dataValue, dataLine) = section.values["data"] else {
                throw error(section.line, "[node.\(section.id)] is missing required key 'data'")
            }
            let data = try string(dataValue, "data", at: dataLine)
            guard !data.isEmpty else { throw error(dataLine, "'data' must not be empty") }
            nodes.append(NodeConfig(id: section.id, peer: fields["peer"]!, client: fields["client"]!,
                                    data: resolvePath(data, against: base), metrics: fields["metrics"]))
        }
        nodes.sort { $0.id < $1.id }
        var config = ClusterConfig(path: path, cluster: cluster, password: password, nodes: nodes, tuning: tuning)
        config.notifyKeyspaceEvents = notifyKeyspaceEvents
        return config
    }

    private func string(_ value: ConfigValue, _ key: String, at number: Int) throws(ConfigError) -> String {
        guard case .string(let s) = value else { throw error(number, "'\(key)' must be a quoted string") }
        return s
    }

    private func error(_ line: Int, _ message: String) -> ConfigError {
        ConfigError(path: path, line: line, message)
    }
}

/// A config value.
enum ConfigValue: Equatable {
    case string(String)
    case integer(Int64)
}
