import Checker
import Client

/// Turns a RESP reply into a history outcome. `-NOQUORUM` is a definite
/// failure; `-TIMEOUT` and anything unexpected leave the outcome unknown
/// (`unexpected` says what, so the run can report it).
enum ReplyClassifier {
    static func outcome(of call: Call, reply: ReplyValue) -> (outcome: Outcome, unexpected: String?) {
        if case .error(let message) = reply {
            if message.hasPrefix("NOQUORUM") { return (.fail, nil) }
            if message.hasPrefix("TIMEOUT") { return (.unknown, nil) }
            return (.unknown, "error reply -\(message)")
        }
        if let seen = decode(call, reply) { return (.ok(seen), nil) }
        return (.unknown, "reply \(reply) to \(call)")
    }

    private static func decode(_ call: Call, _ reply: ReplyValue) -> Reply? {
        switch (call, reply) {
        case (.get, .bulk(let value)), (.getSet, .bulk(let value)), (.getDel, .bulk(let value)): return .value(value)
        case (.get, .null), (.getSet, .null), (.getDel, .null): return .value(nil)
        case (.setPX, .simpleString("OK")): return .applied(true)
        case (.expire, .integer(let n)) where n == 0 || n == 1: return .swapped(n == 1)
        case (.set, .simpleString("OK")): return .applied(true)
        case (.set, .bulk(nil)), (.set, .null): return .applied(false)
        case (.del, .integer(let n)): return .count(Int(n))
        case (.cas, .integer(let n)) where n == 0 || n == 1: return .swapped(n == 1)
        case (.incr, .integer(let n)): return .integer(n)
        case (.mset, .simpleString("OK")): return .ok
        case (.mget(let keys), .array(let items?)) where items.count == keys.count:
            var values: [Bytes?] = []
            for item in items {
                switch item {
                case .bulk(let value): values.append(value)
                case .null: values.append(nil)
                default: return nil
                }
            }
            return .values(values)
        default: return nil
        }
    }

    /// Sends `call` on `client` and returns it as one op of `process`, timed
    /// around the call; `replied` is false when no reply came (timeout,
    /// reset), and the connection is then done for. Unknown ops stay open.
    static func execute(_ call: Call, on client: RESPClient, process: Int,
                        collector: HistoryCollector) -> (op: Operation, replied: Bool) {
        let invokeNs = monotonicNs()
        var outcome = Outcome.unknown
        var replied = false
        if let reply = try? client.call(command(call)) {
            replied = true
            let classified = Self.outcome(of: call, reply: reply)
            if let unexpected = classified.unexpected { collector.noteUnexpected(unexpected) }
            outcome = classified.outcome
        }
        let completeNs: Int64? = outcome == .unknown ? nil : monotonicNs()
        return (Operation(process: process, call: call, invokeNs: invokeNs, completeNs: completeNs, outcome: outcome),
                replied)
    }

    /// The RESP command for a call the workload makes.
    static func command(_ call: Call) -> [[UInt8]] {
        switch call {
        case .get(let key): return [Array("GET".utf8), key]
        case .set(let key, let value, let condition):
            let flag: [[UInt8]] = switch condition {
            case .none: []
            case .nx: [Array("NX".utf8)]
            case .xx: [Array("XX".utf8)]
            }
            return [Array("SET".utf8), key, value] + flag
        case .del(let keys): return [Array("DEL".utf8)] + keys
        case .cas(let key, let expected, let new): return [Array("CAS".utf8), key, expected, new]
        case .incr(let key, let by):
            return by == 1 ? [Array("INCR".utf8), key] : [Array("INCRBY".utf8), key, Array(String(by).utf8)]
        case .mset(let pairs): return [Array("MSET".utf8)] + pairs.flatMap { [$0.key, $0.value] }
        case .mget(let keys): return [Array("MGET".utf8)] + keys
        case .setPX(let key, let value, let ms): return [Array("SET".utf8), key, value, Array("PX".utf8), Array(String(ms).utf8)]
        case .expire(let key, let ms): return [Array("PEXPIRE".utf8), key, Array(String(ms).utf8)]
        case .getSet(let key, let value): return [Array("GETSET".utf8), key, value]
        case .getDel(let key): return [Array("GETDEL".utf8), key]
        }
    }
}
