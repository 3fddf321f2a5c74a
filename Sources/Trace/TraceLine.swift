import PaxosCore

/// A trace event as one JSON line. `host`, `clock` and `event` come first,
/// in that order, so ShiViz can parse the file with the regex in the README:
/// `{"host":"n1","clock":{"n1":3,"n2":1},"event":"send Prepare(8.2) ... to n2",...}`.
public enum TraceLine {
    public static func encode(_ e: TraceEvent) -> String {
        var s = "{\"host\":\"n\(e.node)\",\"clock\":{"
        s += e.clock.sorted.map { "\"n\($0.node)\":\($0.count)" }.joined(separator: ",")
        s += "},\"event\":" + quoted(text(e))
        s += ",\"kind\":\"\(e.kind.rawValue)\",\"node\":\(e.node)"
        if let peer = e.peer { s += ",\"peer\":\(peer)" }
        s += ",\"name\":" + quoted(e.name) + ",\"label\":" + quoted(e.label)
        if let b = e.ballot { s += ",\"ballot\":\"\(b)\"" }
        if let r = e.slots { s += ",\"slots\":[\(r.lowerBound),\(r.upperBound)]" }
        if let d = e.digest { s += ",\"digest\":\"\(d)\"" }
        s += ",\"wall_ms\":\(e.wallMs),\"mono_ms\":\(e.monoMs)"
        if let sent = e.sentAt { s += ",\"sent_at\":\(sent)" }
        return s + "}"
    }

    /// The ShiViz event text: what happened, seen from the node.
    static func text(_ e: TraceEvent) -> String {
        switch e.kind {
        case .send: return "send \(e.label) to n\(e.peer!)"
        case .receive: return "receive \(e.label) from n\(e.peer!)"
        case .local: return e.label
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Every event of a trace file's text, and the lines that were not one
    /// (1-based, with why): a node killed mid-write leaves a torn last line.
    public static func decodeAll(_ text: String) -> (events: [TraceEvent], skipped: [(line: Int, reason: TraceFormatError)]) {
        var events: [TraceEvent] = []
        var skipped: [(Int, TraceFormatError)] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do throws(TraceFormatError) {
                events.append(try decode(String(line)))
            } catch {
                skipped.append((n + 1, error))
            }
        }
        return (events, skipped)
    }

    /// Parses one line; the error says what is wrong with it.
    public static func decode(_ line: String) throws(TraceFormatError) -> TraceEvent {
        let f = try TraceJSONReader.parse(line)
        func text(_ key: String) throws(TraceFormatError) -> String? {
            switch f[key] {
            case nil: return nil
            case .string(let s)?: return s
            default: throw .malformed("field \"\(key)\" has the wrong type")
            }
        }
        func number(_ key: String) throws(TraceFormatError) -> UInt64? {
            switch f[key] {
            case nil: return nil
            case .number(let n)?: return n
            default: throw .malformed("field \"\(key)\" has the wrong type")
            }
        }
        func required<T>(_ value: T?, _ key: String) throws(TraceFormatError) -> T {
            guard let value else { throw .malformed("missing field \"\(key)\"") }
            return value
        }
        guard case .counts(let clockField)? = f["clock"] else {
            throw f["clock"] == nil ? .malformed("missing field \"clock\"") : .malformed("field \"clock\" has the wrong type")
        }
        let kindText = try required(try text("kind"), "kind")
        let nodeNumber = try required(try number("node"), "node")
        let name = try required(try text("name"), "name")
        let label = try required(try text("label"), "label")
        let wall = try required(try number("wall_ms"), "wall_ms")
        let mono = try required(try number("mono_ms"), "mono_ms")
        guard let kind = TraceEvent.Kind(rawValue: kindText) else { throw .malformed("unknown kind \"\(kindText)\"") }
        guard (1...255).contains(nodeNumber) else { throw .malformed("node \(nodeNumber) out of range") }
        let node = Int(nodeNumber)
        var peer: NodeID? = nil
        if kind != .local {
            guard let p = try number("peer"), (1...255).contains(p) else { throw .malformed("a \(kindText) needs a peer 1...255") }
            peer = Int(p)
        }
        var counts: [NodeID: UInt64] = [:]
        for (host, count) in clockField {
            guard host.first == "n", let id = Int(host.dropFirst()), (1...255).contains(id), count > 0 else {
                throw .malformed("clock entry \"\(host)\": \(count)")
            }
            counts[id] = count
        }
        guard (counts[node] ?? 0) > 0 else { throw .malformed("the clock does not count node \(node)'s own event") }
        var ballot: Ballot? = nil
        if let b = try text("ballot") {
            let parts = b.split(separator: ".")
            guard parts.count == 2, let round = UInt64(parts[0]), let bn = Int(parts[1]), (0...255).contains(bn) else {
                throw .malformed("ballot \"\(b)\"")
            }
            ballot = Ballot(round: round, node: bn)
        }
        var slots: ClosedRange<Slot>? = nil
        switch f["slots"] {
        case nil: break
        case .numbers(let s)? where s.count == 2 && s[0] <= s[1]: slots = s[0]...s[1]
        default: throw .malformed("slots must be [first, last]")
        }
        return TraceEvent(node: node, kind: kind, peer: peer, name: name, label: label, ballot: ballot, slots: slots,
                          digest: try text("digest"), wallMs: wall, monoMs: mono, clock: VectorClock(counts),
                          sentAt: try number("sent_at"))
    }
}

public enum TraceFormatError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let why): return why
        }
    }
}
