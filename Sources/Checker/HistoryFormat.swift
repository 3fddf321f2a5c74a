// JSON lines, one op per line, so the chaos driver and a CLI can feed the checker:
//   {"process":1,"op":"set","args":["k","v","nx"],"invoke":100,"complete":250,"outcome":"ok","result":true}
// op/args: get [k] | set [k, v] or [k, v, "nx"|"xx"] | del [k...] | cas [k, expected, new]
//          | incr [k, by] | mset [k, v, k, v...] | mget [k...]
// invoke/complete: nanoseconds; complete is null when the outcome is unknown.
// outcome: "ok" | "fail" (definitely not applied) | "unknown"; result only with "ok":
//   get: value or null; set: true (applied) / false (NX/XX did not hold); del: integer;
//   cas: true / false; incr: integer (the new value); mset: null or "OK"; mget: [value or null...]
// Keys and values: a JSON string (its UTF-8 bytes) or {"hex":"00ff"} for other bytes.
// Blank lines and lines starting with # are skipped.
import Foundation

public struct HistoryFormatError: Error, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "history line \(line): \(reason)" }
}

public enum HistoryFormat {
    public static func parse(_ text: String) throws -> [Operation] {
        var history: [Operation] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                history.append(try parseLine(trimmed))
            } catch let error as HistoryFormatError {
                throw HistoryFormatError(line: offset + 1, reason: error.reason)
            } catch {
                throw HistoryFormatError(line: offset + 1, reason: "not JSON: \(error)")
            }
        }
        return history
    }

    public static func encode(_ history: [Operation]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return history.map { op in
            let data = try! encoder.encode(HistoryCodec.object(op))  // a JSONValue always encodes
            return String(decoding: data, as: UTF8.self)
        }.joined(separator: "\n") + (history.isEmpty ? "" : "\n")
    }

    static func parseLine(_ line: String) throws -> Operation {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        guard case .object(let fields) = value else { throw HistoryFormatError(line: 0, reason: "not an object") }
        return try HistoryCodec.operation(fields)
    }
}
