import Testing
import Wire

@Suite("HTTP request head")
struct HTTPRequestHeadTests {
    func parse(_ text: String, max: Int = 8192) -> HTTPRequestHead.Parse {
        HTTPRequestHead.parse(Array(text.utf8), maxBytes: max)
    }

    @Test("a request line with headers; the query string is not part of the path")
    func wellFormed() {
        let text = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"
        #expect(parse(text) == .request(HTTPRequestHead(method: "GET", path: "/metrics"), headBytes: text.utf8.count))
        #expect(parse("HEAD /health HTTP/1.0\n\n") == .request(HTTPRequestHead(method: "HEAD", path: "/health"), headBytes: 23))
    }

    @Test("without the empty line it wants more, until the limit")
    func incomplete() {
        #expect(parse("GET /metrics HTTP/1.1\r\nHost: a\r\n") == .incomplete)
        #expect(parse("") == .incomplete)
        guard case .malformed(let why) = parse("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n", max: 64) else {
            Issue.record("an oversized head must be malformed")
            return
        }
        #expect(why.contains("larger than 64"))
    }

    @Test("malformed request lines and headers are rejected with a reason")
    func malformed() {
        for text in ["GET /metrics\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n", "GET /m HTTP/2\r\n\r\n",
                     "G(T /m HTTP/1.1\r\n\r\n", "GET /m HTTP/1.1\r\nno colon\r\n\r\n", "\r\n\r\n",
                     "GET  /m HTTP/1.1\r\n\r\n", "\u{1}\u{2}\u{3}\n\n"] {
            guard case .malformed = parse(text) else {
                Issue.record("accepted \(text.debugDescription)")
                continue
            }
        }
    }
}
