/// Which reply protocol a connection speaks; `HELLO 3` switches to RESP3.
public enum RESPVersion: Int, Sendable {
    case resp2 = 2
    case resp3 = 3
}

/// Appends replies to a reusable byte buffer. The `append...` methods write
/// the common replies without building a `RESPValue` first.
public struct RESPEncoder: Sendable {
    public var version: RESPVersion

    /// An encoder for one connection's protocol version.
    public init(version: RESPVersion = .resp2) {
        self.version = version
    }

    /// Appends `value` rendered in this encoder's version.
    public func append(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .simpleString(let s): appendSimpleString(s, to: &out)
        case .error(let s): appendError(s, to: &out)
        case .integer(let n): appendInteger(n, to: &out)
        case .bulk(let b): appendBulk(b, to: &out)
        case .array(nil):
            if version == .resp3 { appendNull(to: &out) } else { out.append(contentsOf: Self.nullArray2) }
        case .array(let items?):
            appendHeader(UInt8(ascii: "*"), items.count, to: &out)
            for item in items { append(item, to: &out) }
        case .null: appendNull(to: &out)
        case .map(let pairs):
            if version == .resp3 {
                appendHeader(UInt8(ascii: "%"), pairs.count, to: &out)
            } else {
                appendHeader(UInt8(ascii: "*"), pairs.count * 2, to: &out)
            }
            for (k, v) in pairs {
                append(k, to: &out)
                append(v, to: &out)
            }
        case .set(let items):
            appendHeader(version == .resp3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), items.count, to: &out)
            for item in items { append(item, to: &out) }
        case .push(let items):
            appendHeader(version == .resp3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), items.count, to: &out)
            for item in items { append(item, to: &out) }
        case .double(let d): appendDouble(d, to: &out)
        case .boolean(let b):
            if version == .resp3 {
                out.append(contentsOf: b ? Self.true3 : Self.false3)
            } else {
                appendInteger(b ? 1 : 0, to: &out)
            }
        case .verbatim(let format, let text):
            if version == .resp3 {
                let tag = Array(format.utf8.prefix(3))
                appendHeader(UInt8(ascii: "="), tag.count + 1 + text.count, to: &out)
                out.append(contentsOf: tag)
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: text)
                out.append(contentsOf: Self.crlf)
            } else {
                appendBulk(text, to: &out)
            }
        }
    }

    /// `+OK\r\n`.
    public func appendOK(to out: inout [UInt8]) {
        out.append(contentsOf: Self.ok)
    }

    /// `+text\r\n`; CR and LF in `text` become spaces so the reply stays one line.
    public func appendSimpleString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "+"))
        appendLine(text, to: &out)
    }

    /// `-text\r\n`, e.g. `appendError("ERR unknown command")`; CR and LF become spaces.
    public func appendError(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "-"))
        appendLine(text, to: &out)
    }

    /// `:n\r\n`.
    public func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ":"))
        appendDecimal(n, to: &out)
        out.append(contentsOf: Self.crlf)
    }

    /// `$len\r\nbytes\r\n`, or the null reply for nil.
    public func appendBulk(_ bytes: [UInt8]?, to out: inout [UInt8]) {
        guard let bytes else { return appendNull(to: &out) }
        appendHeader(UInt8(ascii: "$"), bytes.count, to: &out)
        out.append(contentsOf: bytes)
        out.append(contentsOf: Self.crlf)
    }

    /// The null reply: `$-1\r\n` in RESP2, `_\r\n` in RESP3.
    public func appendNull(to out: inout [UInt8]) {
        out.append(contentsOf: version == .resp3 ? Self.null3 : Self.nullBulk2)
    }

    /// `*count\r\n`; the caller appends `count` elements next.
    public func appendArrayHeader(count: Int, to out: inout [UInt8]) {
        appendHeader(UInt8(ascii: "*"), count, to: &out)
    }

    /// A client request: an array of bulk strings, as `redis-cli` sends it.
    public func appendCommand(_ arguments: [[UInt8]], to out: inout [UInt8]) {
        appendHeader(UInt8(ascii: "*"), arguments.count, to: &out)
        for argument in arguments { appendBulk(argument, to: &out) }
    }

    /// `%count\r\n` in RESP3, `*2count\r\n` in RESP2; the caller appends `count` key/value pairs next.
    public func appendMapHeader(count: Int, to out: inout [UInt8]) {
        if version == .resp3 {
            appendHeader(UInt8(ascii: "%"), count, to: &out)
        } else {
            appendHeader(UInt8(ascii: "*"), count * 2, to: &out)
        }
    }

    /// `,1.5\r\n` in RESP3 (`inf`, `-inf`, `nan`), a bulk string in RESP2.
    public func appendDouble(_ d: Double, to out: inout [UInt8]) {
        let text = Self.formatDouble(d)
        if version == .resp3 {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: text)
            out.append(contentsOf: Self.crlf)
        } else {
            appendBulk(text, to: &out)
        }
    }

    /// Shortest text that reads back as `d`; integral values without ".0", as Redis prints them.
    static func formatDouble(_ d: Double) -> [UInt8] {
        if d.isNaN { return Array("nan".utf8) }
        if d.isInfinite { return Array((d < 0 ? "-inf" : "inf").utf8) }
        var text = Array(d.description.utf8)
        if text.count >= 2 && text[text.count - 2] == UInt8(ascii: ".") && text[text.count - 1] == UInt8(ascii: "0") {
            text.removeLast(2)
        }
        return text
    }

    private func appendHeader(_ type: UInt8, _ count: Int, to out: inout [UInt8]) {
        out.append(type)
        appendDecimal(Int64(count), to: &out)
        out.append(contentsOf: Self.crlf)
    }

    private func appendLine(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 {
            out.append(b == 0x0D || b == 0x0A ? UInt8(ascii: " ") : b)
        }
        out.append(contentsOf: Self.crlf)
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let ok: [UInt8] = Array("+OK\r\n".utf8)
    private static let nullBulk2: [UInt8] = Array("$-1\r\n".utf8)
    private static let nullArray2: [UInt8] = Array("*-1\r\n".utf8)
    private static let null3: [UInt8] = Array("_\r\n".utf8)
    private static let true3: [UInt8] = Array("#t\r\n".utf8)
    private static let false3: [UInt8] = Array("#f\r\n".utf8)
}

/// Appends `n` in decimal without going through `String`.
func appendDecimal(_ n: Int64, to out: inout [UInt8]) {
    if n >= 0 && n < 10 {
        out.append(UInt8(ascii: "0") + UInt8(n))
        return
    }
    if n < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = n.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var i = 20
        while magnitude > 0 {
            i -= 1
            digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
    }
}
