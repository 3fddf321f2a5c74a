import Testing
@testable import Wire

private func replies(_ chunks: [ArraySlice<UInt8>], limits: RESPReplyLimits = RESPReplyLimits()) -> [RESPReplyEvent] {
    var p = RESPReplyParser(limits: limits)
    var events: [RESPReplyEvent] = []
    for c in chunks {
        p.append(contentsOf: c)
        while let e = p.next() {
            events.append(e)
            if case .protocolError = e { return events }
        }
    }
    return events
}

private let samples: [RESPValue] = [
    .simpleString("OK"), .error("ERR nope"), .integer(-9), .integer(Int64.max),
    .bulk("value"), .bulk([0, 13, 10, 255]), .bulk([]), .bulk(nil), .array(nil), .array([]),
    .array([.integer(1), .array([.bulk("x"), .array([])]), .bulk(nil)]),
]

// RESP3 has one null: a nil bulk or array reads back as `.null`.
private let samples3: [RESPValue] = samples.filter { $0 != .bulk(nil) && $0 != .array(nil) && $0 != samples.last } + [
    .array([.integer(1), .array([.bulk("x"), .array([])]), .null]),
    .null, .map([(.bulk("server"), .bulk("paxoskv")), (.bulk("proto"), .integer(3))]), .map([]),
    .set([.bulk("a")]), .double(2.5), .double(-.infinity), .double(.nan), .boolean(true), .boolean(false),
    .verbatim(format: "txt", b("# Paxos\r\nrole:leader\r\n")),
    .array([.map([(.integer(1), .set([.null, .boolean(false)]))])]),
]

@Suite("RESP reply parser")
struct RESPReplyParserTests {
    @Test("RESP2 replies round-trip through the encoder at every split point")
    func roundTrip2() {
        var out: [UInt8] = []
        for v in samples { RESPEncoder(version: .resp2).append(v, to: &out) }
        let expected = samples.map { RESPReplyEvent.reply($0) }
        for i in 0...out.count {
            let got = replies([out[..<i], out[i...]])
            #expect(got == expected, "split at \(i)")
            if got != expected { return }
        }
    }

    @Test("RESP3 replies round-trip byte by byte")
    func roundTrip3() {
        var out: [UInt8] = []
        for v in samples3 { RESPEncoder(version: .resp3).append(v, to: &out) }
        #expect(replies(out.map { [$0][...] }) == samples3.map { .reply($0) })
    }

    @Test("blob errors read as errors")
    func blobError() {
        #expect(replies([b("!9\r\nERR oops!\r\n")[...]]) == [.reply(.error("ERR oops!"))])
    }

    @Test("malformed replies are protocol errors")
    func malformed() {
        for bad in ["?\r\n", ":abc\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "#x\r\n", "_x\r\n", "%-1\r\n", "=2\r\nab\r\n"] {
            guard case .protocolError = replies([b(bad)[...]]).first else {
                Issue.record("accepted \(bad.debugDescription)")
                continue
            }
        }
        #expect(replies([b("$1099511627776\r\n")[...]]) == [.protocolError("Protocol error: invalid bulk length")])
        let deep = String(repeating: "*1\r\n", count: 65) + ":1\r\n"
        #expect(replies([b(deep)[...]]) == [.protocolError("Protocol error: nesting too deep")])
    }

    @Test("a huge announced aggregate allocates nothing up front")
    func hugeAggregate() {
        var p = RESPReplyParser()
        p.append(contentsOf: b("*2000000000\r\n:1\r\n"))
        #expect(p.next() == nil)
    }

    @Test("random bytes in random chunks never trap")
    func fuzz() {
        var rng = SeededRandom(seed: 7)
        let alphabet = b("+-:$*_,#%~=!>\r\n0123456789tf.")
        for round in 0..<2000 {
            let n = Int.random(in: 0...200, using: &rng)
            let input: [UInt8] = round % 2 == 0 ? rng.bytes(n) : (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            _ = replies(rng.chunks(of: input, maxChunk: 16), limits: RESPReplyLimits(maxBulkBytes: 64, maxElements: 64, maxDepth: 8))
        }
    }
}
