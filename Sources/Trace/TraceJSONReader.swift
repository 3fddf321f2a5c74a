/// A reader for the one JSON shape trace lines have: a flat object whose
/// values are strings, unsigned integers, arrays of them, or one level of
/// object mapping names to unsigned integers (the clock). No Foundation:
/// paxosd reads its own trace back at start.
struct TraceJSONReader {
    enum Field: Equatable {
        case string(String)
        case number(UInt64)
        case numbers([UInt64])
        case counts([String: UInt64])
    }

    private let bytes: [UInt8]
    private var i = 0

    /// The object's fields; throws the reason the text is not such an object.
    static func parse(_ text: String) throws(TraceFormatError) -> [String: Field] {
        var r = TraceJSONReader(bytes: Array(text.utf8))
        return try r.object()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func object() throws(TraceFormatError) -> [String: Field] {
        var fields: [String: Field] = [:]
        try expect(UInt8(ascii: "{"))
        try members(closing: UInt8(ascii: "}")) { (r: inout TraceJSONReader) throws(TraceFormatError) in
            let key = try r.string()
            try r.expect(UInt8(ascii: ":"))
            fields[key] = try r.value()
        }
        skipSpace()
        guard i == bytes.count else { throw .malformed("not JSON") }
        return fields
    }

    private mutating func value() throws(TraceFormatError) -> Field {
        switch peek() {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var out: [UInt64] = []
            try members(closing: UInt8(ascii: "]")) { (r: inout TraceJSONReader) throws(TraceFormatError) in out.append(try r.number()) }
            return .numbers(out)
        case UInt8(ascii: "{"):
            i += 1
            var out: [String: UInt64] = [:]
            try members(closing: UInt8(ascii: "}")) { (r: inout TraceJSONReader) throws(TraceFormatError) in
                let key = try r.string()
                try r.expect(UInt8(ascii: ":"))
                out[key] = try r.number()
            }
            return .counts(out)
        default: return .number(try number())
        }
    }

    /// Comma-separated members up to `closing` (just past the opening bracket).
    private mutating func members(closing: UInt8, _ member: (inout TraceJSONReader) throws(TraceFormatError) -> Void) throws(TraceFormatError) {
        if peek() == closing { i += 1; return }
        while true {
            try member(&self)
            if peek() == UInt8(ascii: ",") { i += 1; continue }
            try expect(closing)
            return
        }
    }

    private mutating func number() throws(TraceFormatError) -> UInt64 {
        skipSpace()
        var v: UInt64 = 0
        let start = i
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] - 48))
            guard !o1, !o2 else { throw .malformed("number too large") }
            v = a
            i += 1
        }
        guard i > start else { throw .malformed("not JSON") }
        return v
    }

    private mutating func string() throws(TraceFormatError) -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw .malformed("not JSON") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw .malformed("not JSON") }
                    i += 4
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            default: out.append(b)
            }
        }
        throw .malformed("not JSON")
    }

    private mutating func expect(_ c: UInt8) throws(TraceFormatError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw .malformed("not JSON") }
        i += 1
    }

    private mutating func peek() -> UInt8? {
        skipSpace()
        return i < bytes.count ? bytes[i] : nil
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
    }
}
