/// Reads one config line left to right: keys, `=`, quoted strings, integers, comments.
struct LineScanner {
    private let text: Substring
    private var index: Substring.Index

    init(_ text: Substring) {
        self.text = text
        self.index = text.startIndex
    }

    var peek: Character? { index < text.endIndex ? text[index] : nil }

    var atEndOrComment: Bool { peek == nil || peek == "#" }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { index = text.index(after: index) }
    }

    mutating func take(_ c: Character) -> Bool {
        guard peek == c else { return false }
        index = text.index(after: index)
        return true
    }

    /// A bare TOML key: letters, digits, `_`, `-` (and `.` inside section names).
    mutating func bareKey(allowDots: Bool = false) -> String? {
        let start = index
        while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" || (allowDots && c == ".") {
            index = text.index(after: index)
        }
        return start == index ? nil : String(text[start..<index])
    }

    mutating func value() -> Result<ConfigValue, ScanError> {
        switch peek {
        case "\"": return basicString().map(ConfigValue.string)
        case "'": return literalString().map(ConfigValue.string)
        case let c? where c.isASCII && (c.isNumber || c == "-" || c == "+"): return integer().map(ConfigValue.integer)
        case nil: return .failure(ScanError("missing value"))
        default: return .failure(ScanError("expected a quoted string or an integer"))
        }
    }

    /// `"..."` with the escapes \" \\ \n \t \r.
    private mutating func basicString() -> Result<String, ScanError> {
        _ = take("\"")
        var result = ""
        while let c = peek {
            index = text.index(after: index)
            switch c {
            case "\"": return .success(result)
            case "\\":
                guard let escaped = peek else { return .failure(ScanError("unterminated string")) }
                index = text.index(after: index)
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                default: return .failure(ScanError("unknown escape '\\\(escaped)'"))
                }
            default: result.append(c)
            }
        }
        return .failure(ScanError("unterminated string"))
    }

    /// `'...'`: no escapes.
    private mutating func literalString() -> Result<String, ScanError> {
        _ = take("'")
        let start = index
        while let c = peek {
            if c == "'" {
                let s = String(text[start..<index])
                index = text.index(after: index)
                return .success(s)
            }
            index = text.index(after: index)
        }
        return .failure(ScanError("unterminated string"))
    }

    /// A decimal integer; `_` may separate digits (`10_000`).
    private mutating func integer() -> Result<Int64, ScanError> {
        let start = index
        if peek == "-" || peek == "+" { index = text.index(after: index) }
        while let c = peek, c.isASCII, c.isNumber || c == "_" { index = text.index(after: index) }
        let raw = text[start..<index]
        let digits = raw.filter { $0 != "_" }
        guard !raw.hasSuffix("_"), !raw.contains("__"), let n = Int64(digits) else {
            return .failure(ScanError("not an integer: '\(raw)'"))
        }
        return .success(n)
    }
}

struct ScanError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
