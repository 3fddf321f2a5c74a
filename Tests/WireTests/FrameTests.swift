import Testing
@testable import Wire

/// Every payload the decoder yields for `stream`, then the error if any.
private func decodeFrames(_ stream: [UInt8], limit: Int = Frame.defaultMaxPayloadBytes) -> ([[UInt8]], WireError?) {
    var d = FrameDecoder(maxPayloadBytes: limit)
    d.append(contentsOf: stream)
    var out: [[UInt8]] = []
    do {
        while let p = try d.next() { out.append(p) }
        return (out, nil)
    } catch {
        return (out, error)
    }
}

@Suite("Peer frames")
struct FrameTests {
    @Test("CRC-32C check value and chunked computation")
    func crcCheckValue() {
        #expect(CRC32C.checksum(b("123456789")) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        var rng = SeededRandom(seed: 1)
        let data = rng.bytes(1000)
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            #expect(CRC32C.checksum(Array(data[cut...]), continuing: CRC32C.checksum(Array(data[..<cut]))) == CRC32C.checksum(data))
        }
    }

    @Test("the CPU's CRC-32C equals the table version at every length and alignment")
    func crcHardwareMatchesSoftware() {
        #expect(CRC32C.softwareChecksum(b("123456789")) == 0xE306_9283)
        var rng = SeededRandom(seed: 2)
        let data = rng.bytes(300)
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                let piece = Array(data[start..<end])
                #expect(CRC32C.checksum(piece, continuing: 0x1234_5678) == CRC32C.softwareChecksum(piece, continuing: 0x1234_5678))
            }
        }
        print("CRC-32C: \(CRC32C.isHardware ? "SSE4.2 instruction" : "table")")
    }

    @Test("frames round-trip through every chunking")
    func roundTrip() {
        var rng = SeededRandom(seed: 2)
        let payloads = [[], b("x"), rng.bytes(100), rng.bytes(3000)]
        var stream: [UInt8] = []
        for p in payloads { Frame.append(payload: p, to: &stream) }
        #expect(stream.count == payloads.reduce(0) { $0 + $1.count + Frame.headerBytes })
        for _ in 0..<50 {
            var d = FrameDecoder()
            var got: [[UInt8]] = []
            for c in rng.chunks(of: stream, maxChunk: 64) {
                d.append(contentsOf: c)
                while let p = try! d.next() { got.append(p) }
            }
            #expect(got == payloads)
        }
    }

    @Test("flipping any bit gives an error or an incomplete frame, never a wrong payload")
    func bitFlips() {
        var rng = SeededRandom(seed: 3)
        let payloads = [rng.bytes(20), rng.bytes(5)]
        var stream: [UInt8] = []
        for p in payloads { Frame.append(payload: p, to: &stream) }
        for bit in 0..<(stream.count * 8) {
            var bad = stream
            bad[bit / 8] ^= 1 << UInt8(bit % 8)
            let (got, error) = decodeFrames(bad)
            for (i, p) in got.enumerated() { #expect(p == payloads[i], "bit \(bit)") }
            #expect(got.count < payloads.count, "bit \(bit) went unnoticed")
            if error == nil {
                // Only a length grown past the bytes sent may wait instead of failing.
                let frameStart = bit / 8 < payloads[0].count + Frame.headerBytes ? 0 : payloads[0].count + Frame.headerBytes
                #expect((frameStart + 1..<frameStart + 5).contains(bit / 8), "bit \(bit)")
            }
        }
    }

    @Test("bad magic, oversize and checksum errors")
    func errors() {
        var stream: [UInt8] = []
        Frame.append(payload: b("hello"), to: &stream)
        var wrongMagic = stream
        wrongMagic[0] = 0x2A
        #expect(decodeFrames(wrongMagic).1 == .badMagic(0x2A))
        // Refused from the header alone, before any payload arrives.
        #expect(decodeFrames(Array(stream[..<Frame.headerBytes]), limit: 4).1 == .frameTooLarge(length: 5, limit: 4))
        var wrongPayload = stream
        wrongPayload[Frame.headerBytes] ^= 0x20
        guard case .checksumMismatch = decodeFrames(wrongPayload).1 else {
            Issue.record("corrupt payload accepted")
            return
        }
    }

    @Test("a large message travels as fragments and reassembles")
    func fragmentation() throws {
        var rng = SeededRandom(seed: 4)
        let big = rng.bytes(300_000)
        let small = b("tiny")
        var writer = FragmentWriter(maxFramePayloadBytes: 4096)
        var stream: [UInt8] = []
        #expect(writer.append(message: big, to: &stream) == (300_000 + 4082) / 4083)
        #expect(writer.append(message: small, to: &stream) == 1)
        #expect(writer.append(message: [], to: &stream) == 1)
        var reader = PeerStreamDecoder(maxFramePayloadBytes: 4096)
        var got: [[UInt8]] = []
        for c in rng.chunks(of: stream, maxChunk: 10_000) {
            reader.append(contentsOf: c)
            while let m = try reader.next() { got.append(m) }
        }
        #expect(got == [big, small, []])
    }

    @Test("interleaved fragments of two messages reassemble")
    func interleaved() throws {
        var a: [UInt8] = []
        var c: [UInt8] = []
        var w1 = FragmentWriter(maxFramePayloadBytes: 20)
        w1.append(message: Array(repeating: 1, count: 14), to: &a)
        var w2 = FragmentWriter(maxFramePayloadBytes: 20)
        _ = w2.append(message: [], to: &c)  // id 1, so the next is id 2
        c.removeAll()
        w2.append(message: Array(repeating: 2, count: 7), to: &c)
        var frames = FrameDecoder()
        frames.append(contentsOf: a + c)
        var payloads: [[UInt8]] = []
        while let p = try frames.next() { payloads.append(p) }
        #expect(payloads.count == 3)
        var r = FragmentReassembler()
        #expect(try r.accept(payloads[0]) == nil)
        #expect(try r.accept(payloads[2]) == Array(repeating: 2, count: 7))
        #expect(try r.accept(payloads[1]) == Array(repeating: 1, count: 14))
    }

    @Test("reassembly refuses gaps, repeats and more than its memory bound")
    func reassemblyErrors() throws {
        var stream: [UInt8] = []
        var w = FragmentWriter(maxFramePayloadBytes: 113)
        w.append(message: Array(repeating: 9, count: 1000), to: &stream)
        var frames = FrameDecoder()
        frames.append(contentsOf: stream)
        var payloads: [[UInt8]] = []
        while let p = try frames.next() { payloads.append(p) }
        #expect(payloads.count == 10)

        var skip = FragmentReassembler()
        _ = try skip.accept(payloads[0])
        #expect(throws: WireError.self) { try skip.accept(payloads[2]) }
        var repeatStart = FragmentReassembler()
        _ = try repeatStart.accept(payloads[0])
        #expect(throws: WireError.self) { try repeatStart.accept(payloads[0]) }
        var orphan = FragmentReassembler()
        #expect(throws: WireError.self) { try orphan.accept(payloads[3]) }
        var bounded = FragmentReassembler(maxBufferedBytes: 500)
        #expect(throws: WireError.reassemblyTooLarge(bytes: 600, limit: 500)) {
            for p in payloads { _ = try bounded.accept(p) }
        }
        var short = FragmentReassembler()
        #expect(throws: WireError.self) { try short.accept([1, 2, 3]) }
    }

    @Test("random garbage never traps the stream decoder")
    func fuzz() {
        var rng = SeededRandom(seed: 5)
        var valid: [UInt8] = []
        var w = FragmentWriter(maxFramePayloadBytes: 64)
        w.append(message: rng.bytes(200), to: &valid)
        for round in 0..<1000 {
            var input = round % 2 == 0 ? rng.bytes(Int.random(in: 0...300, using: &rng)) : valid
            if round % 2 == 1 {
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    input[Int.random(in: 0..<input.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            var d = PeerStreamDecoder(maxFramePayloadBytes: 64, maxBufferedBytes: 1000)
            for c in rng.chunks(of: input, maxChunk: 32) {
                d.append(contentsOf: c)
                while (try? d.next()) != nil {}
            }
        }
    }
}
