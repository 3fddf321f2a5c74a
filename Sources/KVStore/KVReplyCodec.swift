import PaxosCore

// The reply codec: one tag byte, then the payload. It is what `apply` and
// `query` return and what client sessions store, so a retried RID gets the
// very bytes of its first reply.
private enum ReplyTag: UInt8 {
    case ok = 0, null = 1, integer = 2, bulk = 3, array = 4, error = 5, simple = 6
}

extension KVReply {
    /// Nesting allowed when decoding: RID(MULTI(SCAN)) is the deepest we
    /// produce (3 levels of arrays); the bound stops hostile recursion.
    static let depthMax = 8

    /// `.ok` encoded: most writes answer exactly this, so callers compare
    /// against it instead of decoding.
    public static let okEncoded: [UInt8] = [ReplyTag.ok.rawValue]

    /// The reply's binary encoding.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        encode(into: &w)
        return w.bytes
    }

    /// Decodes what `encoded()` produced; throws `DecodeError` on anything else.
    public init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        self = try KVReply.decode(from: &r, depth: 0)
        try r.expectEnd()
    }

    func encode(into w: inout ByteWriter) {
        switch self {
        case .ok:
            w.u8(ReplyTag.ok.rawValue)
        case .nil:
            w.u8(ReplyTag.null.rawValue)
        case .integer(let n):
            w.u8(ReplyTag.integer.rawValue)
            w.u64(UInt64(bitPattern: n))
        case .bulk(let bytes):
            w.u8(ReplyTag.bulk.rawValue)
            w.blob(bytes)
        case .array(let elements):
            w.u8(ReplyTag.array.rawValue)
            w.u32(UInt32(elements.count))
            for element in elements { element.encode(into: &w) }
        case let .error(code, message):
            w.u8(ReplyTag.error.rawValue)
            w.blob(Array(code.utf8))
            w.blob(Array(message.utf8))
        case .simple(let text):
            w.u8(ReplyTag.simple.rawValue)
            w.blob(Array(text.utf8))
        }
    }

    static func decode(from r: inout ByteReader, depth: Int) throws -> KVReply {
        guard depth <= depthMax else { throw DecodeError.invalid("reply nested too deeply") }
        let raw = try r.u8()
        guard let tag = ReplyTag(rawValue: raw) else { throw DecodeError.invalid("unknown reply tag \(raw)") }
        switch tag {
        case .ok:
            return .ok
        case .null:
            return .nil
        case .integer:
            return .integer(Int64(bitPattern: try r.u64()))
        case .bulk:
            return .bulk(try r.blob())
        case .array:
            let n = try r.count(minBytesEach: 1)
            var elements: [KVReply] = []
            elements.reserveCapacity(n)
            for _ in 0..<n { elements.append(try decode(from: &r, depth: depth + 1)) }
            return .array(elements)
        case .error:
            let code = String(decoding: try r.blob(), as: UTF8.self)
            let message = String(decoding: try r.blob(), as: UTF8.self)
            return .error(code: code, message: message)
        case .simple:
            return .simple(String(decoding: try r.blob(), as: UTF8.self))
        }
    }
}
