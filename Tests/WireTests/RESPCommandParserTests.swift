import Testing
@testable import Wire

/// Feeds `input` in the given chunks and collects every event.
private func parse(_ chunks: [ArraySlice<UInt8>], limits: RESPLimits = RESPLimits()) -> [RESPCommandEvent] {
    var p = RESPCommandParser(limits: limits)
    var events: [RESPCommandEvent] = []
    for c in chunks {
        p.append(contentsOf: c)
        while let e = p.next() {
            events.append(e)
            if case .protocolError = e { return events }
        }
    }
    return events
}

private func parse(_ input: String, limits: RESPLimits = RESPLimits()) -> [RESPCommandEvent] {
    parse([b(input)[...]], limits: limits)
}

private func cmd(_ args: String...) -> RESPCommandEvent { .command(args.map(b)) }

@Suite("RESP command parser")
struct RESPCommandParserTests {
    @Test("multibulk commands, binary-safe")
    func multibulk() {
        #expect(parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nx\n\r\n") == [.command([b("SET"), b("k"), b("v\r\nx\n")])])
        #expect(parse("*1\r\n$0\r\n\r\n") == [.command([[]])])
        var p = RESPCommandParser()
        p.append(contentsOf: [UInt8(ascii: "*"), 0x31, 0x0D, 0x0A, 0x24, 0x33, 0x0D, 0x0A, 0, 0xFF, 0x0D, 0x0D, 0x0A])
        #expect(p.next() == .command([[0, 0xFF, 0x0D]]))
    }

    @Test("empty multibulk requests are skipped")
    func emptyMultibulk() {
        #expect(parse("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n") == [cmd("PING")])
    }

    @Test("inline commands as typed into telnet")
    func inline() {
        #expect(parse("PING\r\n") == [cmd("PING")])
        #expect(parse("set  k   v\n") == [cmd("set", "k", "v")])
        #expect(parse("\r\n\n  \r\nPING\n") == [cmd("PING")])
        #expect(parse("\tECHO\thi \r\n") == [cmd("ECHO", "hi")])
    }

    @Test("quoted inline arguments follow sdssplitargs")
    func quotedInline() {
        #expect(parse("SET \"a b\" 'c d'\r\n") == [cmd("SET", "a b", "c d")])
        #expect(parse("SET k \"x\\ny\\t\\\"\\\\\"\r\n") == [cmd("SET", "k", "x\ny\t\"\\")])
        // An unknown escape keeps the letter, as sdssplitargs does.
        #expect(parse("SET k \"\\x41\\x7a\\xZZ\"\n") == [cmd("SET", "k", "AzxZZ")])
        #expect(parse("SET k 'it\\'s'\n") == [cmd("SET", "k", "it's")])
        #expect(parse("SET k \"\"\n") == [cmd("SET", "k", "")])
        #expect(parse("SET k \"a\"b\n") == [.protocolError("Protocol error: unbalanced quotes in request")])
        #expect(parse("SET k \"abc\n") == [.protocolError("Protocol error: unbalanced quotes in request")])
        #expect(parse("SET k 'abc\n") == [.protocolError("Protocol error: unbalanced quotes in request")])
    }

    @Test("pipelined commands parse the same at every split point")
    func everySplitPoint() {
        let input = b("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\n\r\nSET \"a b\" c\n*1\r\n$4\r\nQUIT\r\n")
        let expected = [cmd("GET", "key"), cmd("PING"), cmd("SET", "a b", "c"), cmd("QUIT")]
        #expect(parse([input[...]]) == expected)
        for i in 0...input.count {
            for j in i...input.count {
                let events = parse([input[..<i], input[i..<j], input[j...]])
                #expect(events == expected, "split at \(i), \(j)")
                if events != expected { return }
            }
        }
        #expect(parse(input.map { [$0][...] }) == expected)
    }

    @Test("a half request waits for more bytes")
    func halfRequest() {
        var p = RESPCommandParser()
        p.append(contentsOf: b("*2\r\n$3\r\nGET\r\n$3\r\nke"))
        #expect(p.next() == nil)
        #expect(p.next() == nil)
        p.append(contentsOf: b("y\r"))
        #expect(p.next() == nil)
        p.append(contentsOf: b("\nPIN"))
        #expect(p.next() == cmd("GET", "key"))
        #expect(p.next() == nil)
        p.append(contentsOf: b("G\r\n"))
        #expect(p.next() == cmd("PING"))
        #expect(p.bufferedByteCount == 0)
    }

    @Test("protocol errors carry Redis' messages and stick")
    func protocolErrors() {
        let cases: [(String, String)] = [
            ("*x\r\n", "invalid multibulk length"),
            ("*1x\r\n", "invalid multibulk length"),
            ("*1\rx", "invalid multibulk length"),
            ("*2000000\r\n", "invalid multibulk length"),
            ("*99999999999999999999999\r\n", "invalid multibulk length"),
            ("*1\r\nx3\r\nGET\r\n", "expected '$', got 'x'"),
            ("*1\r\n\u{1}3\r\n", "expected '$', got '\\x01'"),
            ("*1\r\n$-1\r\n", "invalid bulk length"),
            ("*1\r\n$abc\r\n", "invalid bulk length"),
            ("*1\r\n$01\r\n", "invalid bulk length"),
            ("*1\r\n$5000000\r\n", "invalid bulk length"),
            ("*1\r\n$3\r\nGETxx", "expected '\\r\\n' after bulk string"),
        ]
        for (input, why) in cases {
            #expect(parse(input) == [.protocolError("Protocol error: " + why)], "\(input.debugDescription)")
        }
        var p = RESPCommandParser()
        p.append(contentsOf: b("*x\r\nPING\r\n"))
        #expect(p.next() == .protocolError("Protocol error: invalid multibulk length"))
        p.append(contentsOf: b("PING\r\n"))
        #expect(p.next() == .protocolError("Protocol error: invalid multibulk length"))
    }

    @Test("a bulk length of 2^40 is refused at once, before its data")
    func hugeBulkLength() {
        var p = RESPCommandParser()
        p.append(contentsOf: b("*1\r\n$1099511627776\r\n"))
        #expect(p.next() == .protocolError("Protocol error: invalid bulk length"))
        #expect(p.bufferedByteCount == 0)
    }

    @Test("request and inline size limits")
    func sizeLimits() {
        let limits = RESPLimits(maxBulkBytes: 10, maxRequestBytes: 15, maxArguments: 3, maxInlineBytes: 16)
        #expect(parse("*2\r\n$10\r\n0123456789\r\n$5\r\n01234\r\n", limits: limits).count == 1)
        #expect(parse("*2\r\n$10\r\n0123456789\r\n$6\r\n", limits: limits) == [.protocolError("Protocol error: too big request")])
        #expect(parse("*4\r\n", limits: limits) == [.protocolError("Protocol error: invalid multibulk length")])
        #expect(parse("PING 0123456789abc", limits: limits) == [.protocolError("Protocol error: too big inline request")])
        #expect(parse("PING 0123456789abcdef\n", limits: limits) == [.protocolError("Protocol error: too big inline request")])
        #expect(parse("*0000000000000000001", limits: limits) == [.protocolError("Protocol error: too big mbulk count string")])
        #expect(parse("*1\r\n$0000000000000000001", limits: limits) == [.protocolError("Protocol error: too big bulk count string")])
        // The default inline limit is 64 KiB.
        #expect(parse(String(repeating: "a", count: 65 * 1024)) == [.protocolError("Protocol error: too big inline request")])
    }

    @Test("100,000 arguments are accepted quickly")
    func manyArguments() {
        var input = b("*100000\r\n")
        for i in 0..<100_000 {
            let arg = b(String(i % 1000))
            input += b("$\(arg.count)\r\n") + arg + b("\r\n")
        }
        var p = RESPCommandParser()
        for c in stride(from: 0, to: input.count, by: 4096) {
            p.append(contentsOf: input[c..<min(input.count, c + 4096)])
            if c + 4096 < input.count { #expect(p.next() == nil) }
        }
        guard case .command(let argv) = p.next() else { Issue.record("no command"); return }
        #expect(argv.count == 100_000)
        #expect(argv[99_999] == b("999"))
    }

    @Test("random bytes in random chunks never trap")
    func fuzz() {
        var rng = SeededRandom(seed: 42)
        let alphabet = b("*$\r\n0123456789-\"' \\xaAzZ")
        let limits = RESPLimits(maxBulkBytes: 64, maxRequestBytes: 128, maxArguments: 16, maxInlineBytes: 64)
        for round in 0..<2000 {
            let n = Int.random(in: 0...200, using: &rng)
            let input: [UInt8] = round % 2 == 0
                ? rng.bytes(n)
                : (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            _ = parse(rng.chunks(of: input, maxChunk: 16), limits: limits)
        }
    }
}
