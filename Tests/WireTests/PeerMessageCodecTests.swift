import PaxosCore
import Testing
@testable import Wire

/// Random messages covering every `Message` case (in tag order) with random contents.
private struct MessageGenerator {
    var rng: SeededRandom

    mutating func node() -> NodeID { Int.random(in: 1...255, using: &rng) }
    mutating func slot() -> Slot { UInt64.random(in: 1...UInt64.max, using: &rng) }
    mutating func u64() -> UInt64 { UInt64.random(in: 0...UInt64.max, using: &rng) }
    mutating func ballot() -> Ballot { Ballot(round: u64() | 1, node: node()) }
    mutating func requestID() -> RequestID { RequestID(origin: node(), serial: u64()) }
    mutating func payload() -> [UInt8] { rng.bytes(Int.random(in: 0...40, using: &rng)) }

    mutating func value() -> Value {
        if Bool.random(using: &rng) { return .noop }
        let n = Int.random(in: 0...5, using: &rng)
        return .batch(timeMs: u64(), requests: (0..<n).map { _ in Request(id: requestID(), payload: payload()) })
    }

    mutating func ascendingSlots() -> [Slot] {
        var s = UInt64.random(in: 1...1000, using: &rng)
        return (0..<Int.random(in: 0...6, using: &rng)).map { _ in
            defer { s += UInt64.random(in: 1...3, using: &rng) }
            return s
        }
    }

    mutating func all() -> [Message] {
        [
            .status(Status(applied: u64(), promised: Bool.random(using: &rng) ? .zero : ballot(),
                           leader: Int.random(in: 0...255, using: &rng), isVoter: Bool.random(using: &rng),
                           hasHistory: Bool.random(using: &rng),
                           hears: (1...255).filter { _ in Int.random(in: 0..<40, using: &rng) == 0 },
                           admitFloor: Bool.random(using: &rng) ? nil : ballot())),
            .election, .alive, .coordinator,
            .prepare(ballot: ballot(), fromSlot: slot()),
            .promise(ballot: ballot(), snapshotIndex: u64(),
                     accepted: ascendingSlots().map { SlotEntry(slot: $0, ballot: ballot(), value: value()) }),
            .reject(ballot: ballot(), promised: ballot()),
            .accept(ballot: ballot(), slot: slot(), value: value(), commit: u64()),
            .accepted(ballot: ballot(), slot: slot()),
            .heartbeat(ballot: ballot(), commit: u64(), seq: u64()),
            .heartbeatAck(ballot: ballot(), seq: u64()),
            .fetch(fromSlot: slot()),
            .chosen(ascendingSlots().map { ChosenEntry(slot: $0, value: value()) }),
            .snapshot(index: u64(), data: payload()),
            .forward(Request(id: requestID(), payload: payload())),
            .forwardRejected(requestID()),
            .readIndex(requestID()),
            .readIndexReply(requestID(), index: Bool.random(using: &rng) ? u64() : nil),
            .takeOver,
            .admit(ballot: ballot()),
        ]
    }
}

@Suite("Peer message codec")
struct PeerMessageCodecTests {
    @Test("every message case round-trips with random contents")
    func roundTrip() throws {
        var gen = MessageGenerator(rng: SeededRandom(seed: 11))
        for _ in 0..<200 {
            let messages = gen.all()
            #expect(messages.count == 20)
            for (i, m) in messages.enumerated() {
                let bytes = PeerMessageCodec.encode(m)
                #expect(bytes[0] == UInt8(i + 1), "tags are stable")
                #expect(try PeerMessageCodec.decode(bytes) == m)
            }
        }
    }

    @Test("every truncation and any trailing byte is refused")
    func truncation() {
        var gen = MessageGenerator(rng: SeededRandom(seed: 12))
        for m in gen.all() {
            let bytes = PeerMessageCodec.encode(m)
            for cut in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try PeerMessageCodec.decode(Array(bytes[..<cut])) }
            }
            #expect(throws: DecodeError.self) { try PeerMessageCodec.decode(bytes + [0]) }
        }
    }

    @Test("invalid ids, slots, flags and orders are refused")
    func validation() {
        func refused(_ m: Message, patch: (inout [UInt8]) -> Void) {
            var bytes = PeerMessageCodec.encode(m)
            patch(&bytes)
            #expect(throws: DecodeError.self) { try PeerMessageCodec.decode(bytes) }
        }
        let ballot = Ballot(round: 5, node: 2)
        // Ballot node 0 (offset: tag 1 + round 8).
        refused(.prepare(ballot: ballot, fromSlot: 3)) { $0[9] = 0 }
        // Slot 0.
        refused(.accepted(ballot: ballot, slot: 1)) { $0[10] = 0 }
        // Request id origin 0.
        refused(.readIndex(RequestID(origin: 3, serial: 1))) { $0[1] = 0 }
        refused(.forward(Request(id: RequestID(origin: 3, serial: 1), payload: []))) { $0[1] = 0 }
        // Flag bytes other than 0 and 1.
        refused(.readIndexReply(RequestID(origin: 3, serial: 1), index: nil)) { $0[10] = 2 }
        // Unknown tags.
        refused(.election) { $0[0] = 0 }
        refused(.election) { $0[0] = 200 }
        // A count larger than the bytes left is refused before any allocation.
        refused(.chosen([])) { $0[4] = 0xFF }
        // Slots out of order or repeated.
        refused(.chosen([ChosenEntry(slot: 2, value: .noop), ChosenEntry(slot: 1, value: .noop)])) { _ in }
        refused(.chosen([ChosenEntry(slot: 2, value: .noop), ChosenEntry(slot: 2, value: .noop)])) { _ in }
        refused(.promise(ballot: ballot, snapshotIndex: 0, accepted: [
            SlotEntry(slot: 4, ballot: ballot, value: .noop), SlotEntry(slot: 4, ballot: ballot, value: .noop),
        ])) { _ in }
        // An origin 0 hidden inside a batch value.
        let batch = Value.batch(timeMs: 1, requests: [Request(id: RequestID(origin: 7, serial: 9), payload: [])])
        refused(.accept(ballot: ballot, slot: 1, value: batch, commit: 0)) { $0[1 + 9 + 8 + 1 + 8 + 4] = 0 }
    }

    @Test("random garbage never traps the decoder")
    func fuzz() {
        var rng = SeededRandom(seed: 13)
        var gen = MessageGenerator(rng: SeededRandom(seed: 14))
        let valid = gen.all().map(PeerMessageCodec.encode)
        for round in 0..<5000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = rng.bytes(Int.random(in: 0...64, using: &rng))
                if !bytes.isEmpty { bytes[0] = UInt8.random(in: 1...18, using: &rng) }
            } else {
                bytes = valid.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            _ = try? PeerMessageCodec.decode(bytes)
            _ = try? PeerHello(decoding: bytes)
        }
    }

    @Test("a message survives fragmentation end to end")
    func throughFragments() throws {
        let entries = (1...5000).map {
            SlotEntry(slot: Slot($0), ballot: Ballot(round: 3, node: 1),
                      value: .batch(timeMs: 9, requests: [Request(id: RequestID(origin: 2, serial: UInt64($0)), payload: Array(repeating: 7, count: 50))]))
        }
        let promise = Message.promise(ballot: Ballot(round: 4, node: 3), snapshotIndex: 0, accepted: entries)
        var writer = FragmentWriter(maxFramePayloadBytes: 64 << 10)
        var stream: [UInt8] = []
        #expect(writer.append(message: PeerMessageCodec.encode(promise), to: &stream) > 1)
        var reader = PeerStreamDecoder(maxFramePayloadBytes: 64 << 10)
        reader.append(contentsOf: stream)
        let bytes = try #require(try reader.next())
        #expect(try PeerMessageCodec.decode(bytes) == promise)
    }
}

@Suite("Peer handshake")
struct PeerHelloTests {
    @Test("hello round-trips and refuses bad input")
    func helloCodec() throws {
        let hello = PeerHello(clusterName: "démo", membershipHash: 0xDEAD_BEEF_0123_4567, nodeID: 255)
        let bytes = hello.encoded()
        #expect(try PeerHello(decoding: bytes) == hello)
        #expect(hello.protocolVersion == PeerHello.currentProtocolVersion)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try PeerHello(decoding: Array(bytes[..<cut])) }
        }
        var zeroID = bytes
        zeroID[zeroID.count - 1] = 0
        #expect(throws: DecodeError.self) { try PeerHello(decoding: zeroID) }
        var notUTF8 = bytes
        notUTF8[7] = 0xFF
        #expect(throws: DecodeError.self) { try PeerHello(decoding: notUTF8) }
        // A hello is never mistaken for a message, nor a message for a hello.
        #expect(throws: DecodeError.self) { try PeerMessageCodec.decode(bytes) }
        #expect(throws: DecodeError.self) { try PeerHello(decoding: PeerMessageCodec.encode(.alive)) }
    }

    @Test("hello carries the committed configuration's slot, or that the sender does not know it")
    func helloConfigSlot() throws {
        let known = PeerHello(clusterName: "demo", membershipHash: 7, configSlot: 1_234_567, nodeID: 4)
        let unknown = PeerHello(clusterName: "demo", membershipHash: 7, configSlot: nil, nodeID: 4)
        #expect(try PeerHello(decoding: known.encoded()).configSlot == 1_234_567)
        #expect(try PeerHello(decoding: unknown.encoded()).configSlot == nil)
        #expect(try PeerHello(decoding: PeerHello(clusterName: "demo", membershipHash: 7, nodeID: 4).encoded()).configSlot == 0)
        var badFlag = known.encoded()
        badFlag[badFlag.count - 10] = 2
        #expect(throws: DecodeError.self) { try PeerHello(decoding: badFlag) }
    }

    @Test("membership hash is FNV-1a 64 over members sorted by id")
    func membershipHashIsDeterministic() {
        let members: [(id: NodeID, peerAddress: String)] = [(1, "127.0.0.1:7101"), (2, "127.0.0.1:7102"), (3, "127.0.0.1:7103")]
        let h = membershipHash(members: members)
        #expect(membershipHash(members: members.reversed()) == h)
        #expect(membershipHash(members: [(1, "127.0.0.1:7101"), (2, "127.0.0.1:7102")]) != h)
        #expect(membershipHash(members: [(1, "127.0.0.1:7101"), (2, "127.0.0.1:7102"), (3, "127.0.0.1:7104")]) != h)
        #expect(membershipHash(members: [(1, "127.0.0.1:7101"), (2, "127.0.0.1:7102"), (4, "127.0.0.1:7103")]) != h)
        // Pinned so the format never drifts between builds: FNV-1a of [0x01, 'a', 0x00].
        #expect(membershipHash(members: []) == 0xCBF2_9CE4_8422_2325)
        var expected: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte: UInt8 in [1, 0x61, 0] {
            expected ^= UInt64(byte)
            expected &*= 0x100_0000_01B3
        }
        #expect(membershipHash(members: [(1, "a")]) == expected)
    }
}
