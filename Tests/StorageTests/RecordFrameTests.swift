import PaxosCore
import Testing
@testable import Storage

@Suite("WAL record frames")
struct RecordFrameTests {
    @Test("a frame parses back to the record it encodes")
    func roundTrip() throws {
        let record = Record.accept(slot: 7, ballot: Ballot(round: 3, node: 2),
                                   value: .batch(timeMs: 99, requests: [Request(id: RequestID(origin: 2, serial: 5), payload: [1, 2, 3])]))
        let frame = RecordFrame.encode(record)
        guard case .frame(let payload, let next) = RecordFrame.parse(frame, at: 0) else {
            Issue.record("frame did not parse")
            return
        }
        #expect(next == frame.count)
        #expect(try Record(decoding: Array(frame[payload])) == record)
    }

    @Test("every single flipped bit is caught")
    func flippedBits() {
        let frame = RecordFrame.encode(.promise(Ballot(round: 9, node: 1)))
        for bit in 0..<(frame.count * 8) {
            var damaged = frame
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            #expect(!RecordFrame.parse(damaged, at: 0).isValid, "bit \(bit) not caught")
        }
    }
}
