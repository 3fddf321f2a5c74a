// Maps between Operation and the JSON object of one history line.

enum HistoryCodec {
    private static func fail(_ reason: String) -> HistoryFormatError { HistoryFormatError(line: 0, reason: reason) }

    static func operation(_ fields: [String: JSONValue]) throws -> Operation {
        guard case .int(let process)? = fields["process"] else { throw fail("process must be an integer") }
        guard case .string(let name)? = fields["op"] else { throw fail("op must be a string") }
        guard case .array(let args)? = fields["args"] else { throw fail("args must be an array") }
        guard case .int(let invoke)? = fields["invoke"] else { throw fail("invoke must be an integer") }
        let complete: Int64?
        switch fields["complete"] {
        case .int(let value)?: complete = value
        case .null?, nil: complete = nil
        default: throw fail("complete must be an integer or null")
        }
        let call = try self.call(name, args)
        let outcome: Outcome
        switch fields["outcome"] {
        case .string("ok")?: outcome = .ok(try reply(to: call, fields["result"] ?? .null))
        case .string("fail")?: outcome = .fail
        case .string("unknown")?: outcome = .unknown
        default: throw fail("outcome must be ok, fail or unknown")
        }
        let op = Operation(process: Int(process), call: call, invokeNs: invoke, completeNs: complete, outcome: outcome)
        if let problem = op.malformation { throw fail(problem) }
        return op
    }

    static func call(_ name: String, _ args: [JSONValue]) throws -> Call {
        switch (name, args.count) {
        case ("get", 1): return .get(key: try bytes(args[0]))
        case ("set", 2): return .set(key: try bytes(args[0]), value: try bytes(args[1]), condition: .none)
        case ("set", 3):
            guard case .string(let flag) = args[2], let condition = SetCondition(rawValue: flag.lowercased()) else {
                throw fail("set condition must be nx or xx")
            }
            return .set(key: try bytes(args[0]), value: try bytes(args[1]), condition: condition)
        case ("del", 1...): return .del(keys: try args.map(bytes))
        case ("cas", 3): return .cas(key: try bytes(args[0]), expected: try bytes(args[1]), new: try bytes(args[2]))
        case ("incr", 2):
            guard case .int(let by) = args[1] else { throw fail("incr amount must be an integer") }
            return .incr(key: try bytes(args[0]), by: by)
        case ("mset", let n) where n > 0 && n % 2 == 0:
            let pairs = try stride(from: 0, to: n, by: 2).map { KeyValue(key: try bytes(args[$0]), value: try bytes(args[$0 + 1])) }
            return .mset(pairs: pairs)
        case ("mget", 1...): return .mget(keys: try args.map(bytes))
        case ("setpx", 3):
            guard case .int(let ms) = args[2], ms > 0 else { throw fail("setpx ms must be a positive integer") }
            return .setPX(key: try bytes(args[0]), value: try bytes(args[1]), ms: ms)
        case ("expire", 2):
            guard case .int(let ms) = args[1], ms > 0 else { throw fail("expire ms must be a positive integer") }
            return .expire(key: try bytes(args[0]), ms: ms)
        case ("getset", 2): return .getSet(key: try bytes(args[0]), value: try bytes(args[1]))
        case ("getdel", 1): return .getDel(key: try bytes(args[0]))
        default: throw fail("unknown op \(name) with \(args.count) args")
        }
    }

    static func reply(to call: Call, _ result: JSONValue) throws -> Reply {
        switch (call, result) {
        case (.get, _), (.getSet, _), (.getDel, _): return .value(try optionalBytes(result))
        case (.setPX, .string("OK")), (.setPX, .bool(true)): return .applied(true)
        case (.expire, .bool(let flag)): return .swapped(flag)
        case (.expire, .int(let n)) where n == 0 || n == 1: return .swapped(n == 1)
        case (.set, .bool(let flag)): return .applied(flag)
        case (.set, .null): return .applied(false)
        case (.set, .string("OK")): return .applied(true)
        case (.del, .int(let n)): return .count(Int(n))
        case (.cas, .bool(let flag)): return .swapped(flag)
        case (.cas, .int(let n)) where n == 0 || n == 1: return .swapped(n == 1)
        case (.incr, .int(let n)): return .integer(n)
        case (.mset, .null), (.mset, .string("OK")): return .ok
        case (.mget, .array(let items)): return .values(try items.map(optionalBytes))
        default: throw fail("result \(result) does not answer \(Describe.call(call))")
        }
    }

    static func bytes(_ value: JSONValue) throws -> Bytes {
        switch value {
        case .string(let text): return Array(text.utf8)
        case .object(let fields):
            guard fields.count == 1, case .string(let hex)? = fields["hex"], let decoded = decodeHex(hex) else {
                throw fail("bytes object must be {\"hex\": \"...\"}")
            }
            return decoded
        default: throw fail("expected a string or {\"hex\": ...}, got \(value)")
        }
    }

    static func optionalBytes(_ value: JSONValue) throws -> Bytes? {
        if value == .null { return nil }
        return try bytes(value)
    }

    private static func decodeHex(_ hex: String) -> Bytes? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: Bytes = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }

    // MARK: encoding

    static func object(_ op: Operation) -> JSONValue {
        var fields: [String: JSONValue] = [
            "process": .int(Int64(op.process)),
            "op": .string(name(op.call)),
            "args": .array(args(op.call)),
            "invoke": .int(op.invokeNs),
            "complete": op.completeNs.map(JSONValue.int) ?? .null,
        ]
        switch op.outcome {
        case .ok(let seen):
            fields["outcome"] = .string("ok")
            fields["result"] = result(seen)
        case .fail: fields["outcome"] = .string("fail")
        case .unknown: fields["outcome"] = .string("unknown")
        }
        return .object(fields)
    }

    private static func name(_ call: Call) -> String {
        switch call {
        case .get: "get"
        case .set: "set"
        case .del: "del"
        case .cas: "cas"
        case .incr: "incr"
        case .mset: "mset"
        case .mget: "mget"
        case .setPX: "setpx"
        case .expire: "expire"
        case .getSet: "getset"
        case .getDel: "getdel"
        }
    }

    private static func args(_ call: Call) -> [JSONValue] {
        switch call {
        case .get(let key): return [json(key)]
        case .set(let key, let value, let condition):
            return [json(key), json(value)] + (condition == .none ? [] : [.string(condition.rawValue)])
        case .del(let keys), .mget(let keys): return keys.map(json)
        case .cas(let key, let expected, let new): return [json(key), json(expected), json(new)]
        case .incr(let key, let by): return [json(key), .int(by)]
        case .mset(let pairs): return pairs.flatMap { [json($0.key), json($0.value)] }
        case .setPX(let key, let value, let ms): return [json(key), json(value), .int(ms)]
        case .expire(let key, let ms): return [json(key), .int(ms)]
        case .getSet(let key, let value): return [json(key), json(value)]
        case .getDel(let key): return [json(key)]
        }
    }

    private static func result(_ reply: Reply) -> JSONValue {
        switch reply {
        case .value(let value): return value.map(json) ?? .null
        case .applied(let flag), .swapped(let flag): return .bool(flag)
        case .count(let n): return .int(Int64(n))
        case .integer(let n): return .int(n)
        case .ok: return .string("OK")
        case .values(let values): return .array(values.map { $0.map(json) ?? .null })
        }
    }

    private static func json(_ value: Bytes) -> JSONValue {
        if let text = String(validating: value, as: UTF8.self) { return .string(text) }
        return .object(["hex": .string(value.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())])
    }
}
