// Human-readable text for ops and violations.

enum Describe {
    /// UTF-8 text in quotes when printable, else hex.
    static func bytes(_ value: Bytes) -> String {
        if let text = String(validating: value, as: UTF8.self),
            text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "\\" })
        {
            return "\"\(text)\""
        }
        return "0x" + value.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func optional(_ value: Bytes?) -> String { value.map(bytes) ?? "nil" }

    static func call(_ call: Call) -> String {
        switch call {
        case .get(let key): return "get \(bytes(key))"
        case .set(let key, let value, let condition):
            return "set \(bytes(key)) \(bytes(value))" + (condition == .none ? "" : " \(condition.rawValue)")
        case .del(let keys): return "del " + keys.map(bytes).joined(separator: " ")
        case .cas(let key, let expected, let new): return "cas \(bytes(key)) \(bytes(expected)) \(bytes(new))"
        case .incr(let key, let by): return "incr \(bytes(key)) \(by)"
        case .mset(let pairs): return "mset " + pairs.map { "\(bytes($0.key)) \(bytes($0.value))" }.joined(separator: " ")
        case .mget(let keys): return "mget " + keys.map(bytes).joined(separator: " ")
        case .setPX(let key, let value, let ms): return "set \(bytes(key)) \(bytes(value)) px \(ms)"
        case .expire(let key, let ms): return "pexpire \(bytes(key)) \(ms)"
        case .getSet(let key, let value): return "getset \(bytes(key)) \(bytes(value))"
        case .getDel(let key): return "getdel \(bytes(key))"
        }
    }

    static func reply(_ reply: Reply) -> String {
        switch reply {
        case .value(let value): return optional(value)
        case .applied(let applied): return applied ? "OK" : "nil (not applied)"
        case .count(let count): return String(count)
        case .swapped(let swapped): return swapped ? "1 (swapped)" : "0 (not swapped)"
        case .integer(let value): return String(value)
        case .ok: return "OK"
        case .values(let values): return "[" + values.map(optional).joined(separator: ", ") + "]"
        }
    }

    static func operation(_ op: Operation) -> String {
        let end = op.completeNs.map(String.init) ?? "open"
        let result: String
        switch op.outcome {
        case .ok(let seen): result = reply(seen)
        case .fail: result = "FAIL (not applied)"
        case .unknown: result = "UNKNOWN"
        }
        return "p\(op.process) [\(op.invokeNs), \(end)] \(call(op.call)) -> \(result)"
    }

    static func violation(_ ops: [Operation], prefix: [Operation]) -> String {
        var lines = ops.map { "  " + operation($0) }
        lines.append("longest linearizable prefix (\(prefix.count) ops):")
        lines += prefix.map { "  " + operation($0) }
        return lines.joined(separator: "\n")
    }
}
