import Testing
@testable import Wire

private func encode(_ v: RESPValue, _ version: RESPVersion) -> String {
    var out: [UInt8] = []
    RESPEncoder(version: version).append(v, to: &out)
    return String(decoding: out, as: UTF8.self)
}

@Suite("RESP encoder")
struct RESPEncoderTests {
    @Test("RESP2 types byte for byte")
    func resp2Types() {
        #expect(encode(.simpleString("OK"), .resp2) == "+OK\r\n")
        #expect(encode(.simpleString("a\r\nb"), .resp2) == "+a  b\r\n")
        #expect(encode(.error("ERR unknown command 'x'"), .resp2) == "-ERR unknown command 'x'\r\n")
        #expect(encode(.integer(0), .resp2) == ":0\r\n")
        #expect(encode(.integer(-42), .resp2) == ":-42\r\n")
        #expect(encode(.integer(Int64.max), .resp2) == ":9223372036854775807\r\n")
        #expect(encode(.integer(Int64.min), .resp2) == ":-9223372036854775808\r\n")
        #expect(encode(.bulk("hello"), .resp2) == "$5\r\nhello\r\n")
        #expect(encode(.bulk([]), .resp2) == "$0\r\n\r\n")
        #expect(encode(.bulk(nil), .resp2) == "$-1\r\n")
        #expect(encode(.array(nil), .resp2) == "*-1\r\n")
        #expect(encode(.array([]), .resp2) == "*0\r\n")
        #expect(encode(.array([.integer(1), .bulk("a"), .array([.bulk(nil)])]), .resp2) == "*3\r\n:1\r\n$1\r\na\r\n*1\r\n$-1\r\n")
    }

    @Test("RESP3-only types rendered in RESP2 as Redis does")
    func resp3TypesInResp2() {
        #expect(encode(.null, .resp2) == "$-1\r\n")
        #expect(encode(.map([(.bulk("a"), .integer(1)), (.bulk("b"), .bulk(nil))]), .resp2) == "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n")
        #expect(encode(.set([.bulk("x")]), .resp2) == "*1\r\n$1\r\nx\r\n")
        #expect(encode(.double(1.5), .resp2) == "$3\r\n1.5\r\n")
        #expect(encode(.double(3), .resp2) == "$1\r\n3\r\n")
        #expect(encode(.boolean(true), .resp2) == ":1\r\n")
        #expect(encode(.boolean(false), .resp2) == ":0\r\n")
        #expect(encode(.verbatim(format: "txt", b("hi")), .resp2) == "$2\r\nhi\r\n")
    }

    @Test("RESP3 types byte for byte")
    func resp3Types() {
        #expect(encode(.simpleString("OK"), .resp3) == "+OK\r\n")
        #expect(encode(.integer(7), .resp3) == ":7\r\n")
        #expect(encode(.bulk("v"), .resp3) == "$1\r\nv\r\n")
        #expect(encode(.null, .resp3) == "_\r\n")
        #expect(encode(.bulk(nil), .resp3) == "_\r\n")
        #expect(encode(.array(nil), .resp3) == "_\r\n")
        #expect(encode(.map([(.bulk("proto"), .integer(3))]), .resp3) == "%1\r\n$5\r\nproto\r\n:3\r\n")
        #expect(encode(.set([.integer(1), .integer(2)]), .resp3) == "~2\r\n:1\r\n:2\r\n")
        #expect(encode(.double(-0.25), .resp3) == ",-0.25\r\n")
        #expect(encode(.double(.infinity), .resp3) == ",inf\r\n")
        #expect(encode(.double(-.infinity), .resp3) == ",-inf\r\n")
        #expect(encode(.double(.nan), .resp3) == ",nan\r\n")
        #expect(encode(.boolean(true), .resp3) == "#t\r\n")
        #expect(encode(.boolean(false), .resp3) == "#f\r\n")
        #expect(encode(.verbatim(format: "txt", b("hi")), .resp3) == "=6\r\ntxt:hi\r\n")
    }

    @Test("direct appenders match the enum and reuse the buffer")
    func directAppenders() {
        let e = RESPEncoder()
        var out: [UInt8] = []
        e.appendOK(to: &out)
        e.appendArrayHeader(count: 2, to: &out)
        e.appendBulk(b("k"), to: &out)
        e.appendBulk(nil, to: &out)
        e.appendMapHeader(count: 1, to: &out)
        e.appendInteger(12345, to: &out)
        e.appendError("ERR x", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "+OK\r\n*2\r\n$1\r\nk\r\n$-1\r\n*2\r\n:12345\r\n-ERR x\r\n")
        out.removeAll(keepingCapacity: true)
        RESPEncoder(version: .resp3).appendMapHeader(count: 1, to: &out)
        #expect(out == b("%1\r\n"))
    }

    @Test("a command encoded for the server parses back")
    func commandRoundTrip() {
        var out: [UInt8] = []
        let argv = [b("SET"), [0, 13, 10], []]
        RESPEncoder().appendCommand(argv, to: &out)
        #expect(out == b("*3\r\n$3\r\nSET\r\n$3\r\n") + [0, 13, 10] + b("\r\n$0\r\n\r\n"))
        var parser = RESPCommandParser()
        parser.append(contentsOf: out)
        #expect(parser.next() == .command(argv))
    }
}
