import PaxosCore
import Testing
@testable import Storage

@Suite("WAL record frames")
struct RecordFrameTests {
    @Test("a frame parses back to the record it encodes")
    func roundTrip() throws {
        let record = Record.accept(slot: 7, ballot: Ballot(round: 3, node: 2),
                                   value: .batch(timeMs: 99, requests: [Request(id: RequestID(origin: 2, serial: 5), payload: [1, 2, 3])]))
        let frame = RecordFrame.encode(record, durableEnd: 24, salt: 0x0123_4567_89AB_CDEF)
        guard case .frame(let kind, let durableEnd, let payload, let next) = RecordFrame.parse(frame, at: 0, salt: 0x0123_4567_89AB_CDEF) else {
            Issue.record("frame did not parse")
            return
        }
        #expect(next == frame.count)
        #expect(kind == RecordFrame.kindCoreRecord)
        #expect(durableEnd == 24)
        #expect(try Record(decoding: Array(frame[payload])) == record)
    }

    @Test("every single flipped bit is caught")
    func flippedBits() {
        let frame = RecordFrame.encode(.promise(Ballot(round: 9, node: 1)), durableEnd: 1000, salt: 42)
        for bit in 0..<(frame.count * 8) {
            var damaged = frame
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(!RecordFrame.parse(damaged, at: 0, salt: 42).isValid, "bit \(bit) not caught")
        }
    }

    @Test("a frame validates only under the salt of the segment it was written to")
    func saltedFrames() {
        let record = Record.promise(Ballot(round: 9, node: 1))
        let frame = RecordFrame.encode(record, durableEnd: 3, salt: 42)
        #expect(RecordFrame.parse(frame, at: 0, salt: 42).isValid)
        for salt: UInt64 in [0, 43, 42 ^ (1 << 63), .max] {
            guard case .bad(let reason) = RecordFrame.parse(frame, at: 0, salt: salt) else {
                Issue.record("frame of salt 42 parsed under salt \(salt)")
                continue
            }
            #expect(reason == "checksum mismatch")
        }
        // The damage scan applies the salt too: a frame embedded after damage counts only under its own salt.
        let damagedThenFrame = [UInt8](repeating: 0, count: 5) + frame + [7, 7, 7]
        #expect(RecordFrame.frameDurablePast(0, in: damagedThenFrame, salt: 42) == 5)
        #expect(RecordFrame.frameDurablePast(0, in: damagedThenFrame, salt: 43) == nil)
        // And only a frame written once the damaged bytes were durable counts.
        #expect(RecordFrame.frameDurablePast(3, in: damagedThenFrame, salt: 42) == nil)
    }

    @Test("a segment header round-trips with a fresh salt each time, and damage is caught")
    func segmentHeader() throws {
        let header = SegmentHeader.makeRandom()
        let bytes = header.encoded()
        #expect(bytes.count == SegmentHeader.bytes)
        #expect(Array(bytes[0..<8]) == Array("PXWALSEG".utf8))
        #expect(try SegmentHeader(decoding: bytes) == header)
        #expect(try SegmentHeader(decoding: bytes + [1, 2, 3]) == header, "records follow the header")
        #expect(SegmentHeader.makeRandom().salt != header.salt)
        for bit in 0..<(bytes.count * 8) {
            var damaged = bytes
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(throws: DecodeError.self, "bit \(bit) not caught") { try SegmentHeader(decoding: damaged) }
        }
        #expect(throws: DecodeError.invalid("truncated segment header (23 of 24 bytes)")) {
            try SegmentHeader(decoding: Array(bytes.dropLast()))
        }
    }
}
