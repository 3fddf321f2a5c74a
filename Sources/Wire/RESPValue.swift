/// A RESP reply. RESP2 types plus the RESP3 ones that `HELLO 3` clients
/// get; `RESPEncoder` renders RESP3-only types in RESP2 as Redis does.
public enum RESPValue: Sendable {
    /// `+OK`: text without CR or LF.
    case simpleString(String)
    /// `-ERR message`: the text after '-', starting with the error code.
    case error(String)
    case integer(Int64)
    /// Binary-safe; nil is the RESP2 null bulk `$-1`.
    case bulk([UInt8]?)
    /// nil is the RESP2 null array `*-1`.
    case array([RESPValue]?)
    /// RESP3 `_`; `$-1` in RESP2.
    case null
    /// RESP3 `%`; a flat array of keys and values in RESP2.
    case map([(RESPValue, RESPValue)])
    /// RESP3 `~`; an array in RESP2.
    case set([RESPValue])
    /// RESP3 `,`; a bulk string in RESP2.
    case double(Double)
    /// RESP3 `#t`/`#f`; `:1`/`:0` in RESP2.
    case boolean(Bool)
    /// RESP3 `=` with a three-letter format such as "txt"; a bulk string in RESP2.
    case verbatim(format: String, [UInt8])
    /// RESP3 `>` (pub/sub messages, subscribe confirmations); an array in RESP2.
    case push([RESPValue])
}

extension RESPValue {
    /// An error reply (what `paxoskv_commands_total` counts as `result="error"`).
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }
}

extension RESPValue: Equatable {
    public static func == (a: RESPValue, b: RESPValue) -> Bool {
        switch (a, b) {
        case let (.simpleString(x), .simpleString(y)): return x == y
        case let (.error(x), .error(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.bulk(x), .bulk(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case (.null, .null): return true
        case let (.map(x), .map(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.set(x), .set(y)): return x == y
        // Bitwise, so that NaN equals itself in round-trip tests.
        case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern || x == y
        case let (.boolean(x), .boolean(y)): return x == y
        case let (.verbatim(f, x), .verbatim(g, y)): return f == g && x == y
        case let (.push(x), .push(y)): return x == y
        default: return false
        }
    }
}

extension RESPValue {
    /// A bulk string from UTF-8 text (tests and tools; the hot path uses bytes).
    public static func bulk(_ text: String) -> RESPValue { .bulk(Array(text.utf8)) }
}
