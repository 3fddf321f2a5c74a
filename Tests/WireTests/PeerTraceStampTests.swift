import PaxosCore
import Testing
import Wire

@Suite("trace stamps on the peer port")
struct PeerTraceStampTests {
    @Test("a stamp round-trips and is told apart from every message")
    func roundTrip() throws {
        let bytes = PeerTraceStamp.encode([(1, 3), (2, 17)])
        #expect(PeerTraceStamp.isStamp(bytes))
        #expect(try PeerTraceStamp.decode(bytes) == [1: 3, 2: 17])
        #expect(!PeerTraceStamp.isStamp(PeerMessageCodec.encode(.alive)))
        #expect(!PeerTraceStamp.isStamp(PeerMessageCodec.encode(.heartbeat(ballot: Ballot(round: 1, node: 1), commit: 0, seq: 1))))
    }

    @Test("garbage stamps are refused, never trusted", arguments: [
        [0xF0],                                   // no count
        [0xF0, 1, 2],                             // entry cut short
        [0xF0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0],     // node 0
        [0xF0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0],     // count 0
        [0xF0, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0],  // node twice
        [0xF0, 0, 9],                             // trailing byte
    ] as [[UInt8]])
    func garbage(bytes: [UInt8]) {
        #expect(throws: DecodeError.self) { try PeerTraceStamp.decode(bytes) }
    }
}
