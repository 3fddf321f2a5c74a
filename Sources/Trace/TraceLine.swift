import Foundation
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

    private struct Fields: Decodable {
        var clock: [String: UInt64]
        var kind: String
        var node: Int
        var peer: Int?
        var name: String
        var label: String
        var ballot: String?
        var slots: [UInt64]?
        var digest: String?
        var wall_ms: UInt64
        var mono_ms: UInt64
        var sent_at: UInt64?
    }

    /// Parses one line; the error says what is wrong with it.
    public static func decode(_ line: String) throws(TraceFormatError) -> TraceEvent {
        let f: Fields
        do {
            f = try JSONDecoder().decode(Fields.self, from: Data(line.utf8))
        } catch {
            throw .malformed(Self.reason(error))
        }
        guard let kind = TraceEvent.Kind(rawValue: f.kind) else { throw .malformed("unknown kind \"\(f.kind)\"") }
        guard (1...255).contains(f.node) else { throw .malformed("node \(f.node) out of range") }
        if kind != .local { guard let p = f.peer, (1...255).contains(p) else { throw .malformed("a \(f.kind) needs a peer 1...255") } }
        var counts: [NodeID: UInt64] = [:]
        for (host, count) in f.clock {
            guard host.first == "n", let id = Int(host.dropFirst()), (1...255).contains(id), count > 0 else {
                throw .malformed("clock entry \"\(host)\": \(count)")
            }
            counts[id] = count
        }
        guard (counts[f.node] ?? 0) > 0 else { throw .malformed("the clock does not count node \(f.node)'s own event") }
        var ballot: Ballot? = nil
        if let text = f.ballot {
            let parts = text.split(separator: ".")
            guard parts.count == 2, let round = UInt64(parts[0]), let node = Int(parts[1]), (0...255).contains(node) else {
                throw .malformed("ballot \"\(text)\"")
            }
            ballot = Ballot(round: round, node: node)
        }
        var slots: ClosedRange<Slot>? = nil
        if let s = f.slots {
            guard s.count == 2, s[0] <= s[1] else { throw .malformed("slots \(s)") }
            slots = s[0]...s[1]
        }
        return TraceEvent(node: f.node, kind: kind, peer: kind == .local ? nil : f.peer, name: f.name, label: f.label,
                          ballot: ballot, slots: slots, digest: f.digest, wallMs: f.wall_ms, monoMs: f.mono_ms,
                          clock: VectorClock(counts), sentAt: f.sent_at)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "field \"\(c.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "\(error)"
        }
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
