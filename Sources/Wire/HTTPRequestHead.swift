/// The request line of an HTTP/1.x request, parsed from its head (request
/// line and header lines up to the empty line). Headers are checked for
/// shape and otherwise ignored: the metrics port needs only method and path.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The target's path, without a query string.
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public enum Parse: Sendable, Equatable {
        /// No empty line yet, and within the size limit: read more.
        case incomplete
        case request(HTTPRequestHead, headBytes: Int)
        /// Answer 400 with this reason.
        case malformed(String)
    }

    /// Parses the head at the start of `bytes`, at most `maxBytes` long.
    public static func parse(_ bytes: [UInt8], maxBytes: Int) -> Parse {
        guard let end = headEnd(bytes, limit: maxBytes) else {
            return bytes.count > maxBytes ? .malformed("request head larger than \(maxBytes) bytes") : .incomplete
        }
        var lines = splitLines(bytes[..<end])
        guard !lines.isEmpty else { return .malformed("empty request") }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .malformed("request line is not METHOD TARGET VERSION") }
        guard !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else { return .malformed("bad method") }
        guard parts[1].first == UInt8(ascii: "/"), parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            return .malformed("bad request target")
        }
        guard Array(parts[2]) == Array("HTTP/1.1".utf8) || Array(parts[2]) == Array("HTTP/1.0".utf8) else {
            return .malformed("unsupported HTTP version")
        }
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[..<colon].allSatisfy(isTokenByte) else {
                return .malformed("bad header line")
            }
        }
        let target = parts[1]
        let path = target.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        return .request(HTTPRequestHead(method: String(decoding: parts[0], as: UTF8.self),
                                        path: String(decoding: path, as: UTF8.self)),
                        headBytes: end)
    }

    /// Index just past the empty line (CRLF CRLF, or bare LF LF), if within `limit`.
    private static func headEnd(_ bytes: [UInt8], limit: Int) -> Int? {
        let n = min(bytes.count, limit)
        var i = 0
        while i < n {
            if bytes[i] == UInt8(ascii: "\n") {
                if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") { return i + 2 }
                if i + 2 < n, bytes[i + 1] == UInt8(ascii: "\r"), bytes[i + 2] == UInt8(ascii: "\n") { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// The head's lines without their CR LF, the final empty one dropped.
    private static func splitLines(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }
    }
}
