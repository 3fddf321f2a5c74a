/// A reply as the state machine produces it; the runtime renders it as
/// RESP2 or RESP3.
public enum KVReply: Sendable, Hashable {
    /// `+OK`.
    case ok
    /// The null bulk string (`$-1`), or RESP3 null.
    case `nil`
    /// `:n`.
    case integer(Int64)
    /// A bulk string.
    case bulk([UInt8])
    /// `*n` followed by each element.
    case array([KVReply])
    /// `-CODE message`, e.g. code `ERR` or `SESSIONEXPIRED`.
    case error(code: String, message: String)
    /// `+text` other than OK (TYPE's `string` / `none`).
    case simple(String)

    /// `-ERR message`.
    public static func err(_ message: String) -> KVReply {
        .error(code: "ERR", message: message)
    }

    /// True for `.error`.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }
}

extension KVReply {
    static let notInteger = KVReply.err("value is not an integer or out of range")
    static let notFloat = KVReply.err("value is not a valid float")
    static let incrOverflow = KVReply.err("increment or decrement would overflow")
    static let syntaxError = KVReply.err("syntax error")
    static let noSuchKey = KVReply.err("no such key")
    static let tooLarge = KVReply.err("string exceeds maximum allowed size (max_value_bytes)")
    static let sessionExpired = KVReply.error(
        code: "SESSIONEXPIRED", message: "session expired or unknown; start a new client id")
}
