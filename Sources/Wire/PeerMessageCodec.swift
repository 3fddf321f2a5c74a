import PaxosCore

/// Binary encoding of `PaxosCore.Message` for the peer port: a tag byte,
/// then the fields with PaxosCore's `ByteWriter` primitives. Decoding treats
/// the bytes as hostile (DESIGN rule 7): every id, ballot, slot and count is
/// checked and a bad one throws `DecodeError`, so the core's preconditions
/// never see a peer's mistake.
public enum PeerMessageCodec {
    /// The message's bytes, to be sent with `FragmentWriter`.
    public static func encode(_ message: Message) -> [UInt8] {
        var w = ByteWriter()
        w.peerMessage(message)
        return w.bytes
    }

    /// Decodes exactly one message from `bytes`; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Message {
        do {
            var r = ByteReader(bytes)
            let m = try r.peerMessage()
            try r.expectEnd()
            return m
        } catch let e as DecodeError {
            throw e
        } catch {
            throw .invalid("\(error)")
        }
    }
}

/// One tag per `Message` case; never renumber, only add.
enum PeerMessageTag: UInt8 {
    case status = 1, election, alive, coordinator
    case prepare, promise, reject
    case accept, accepted
    case heartbeat, heartbeatAck
    case fetch, chosen, snapshot
    case forward, forwardRejected, readIndex, readIndexReply
    case takeOver, admit
}

extension ByteWriter {
    /// Appends `m` in the peer wire format.
    public mutating func peerMessage(_ m: Message) {
        switch m {
        case .status(let s):
            tag(.status)
            u64(s.applied)
            ballot(s.promised)
            u8(UInt8(s.leader))
            u8(s.isVoter ? 1 : 0)
            u8(s.hasHistory ? 1 : 0)
            u8(UInt8(s.hears.count))
            for id in s.hears { u8(UInt8(id)) }
            u8(s.admitFloor == nil ? 0 : 1)
            if let floor = s.admitFloor { ballot(floor) }
        case .takeOver: tag(.takeOver)
        case .admit(let b):
            tag(.admit)
            ballot(b)
        case .election: tag(.election)
        case .alive: tag(.alive)
        case .coordinator: tag(.coordinator)
        case .prepare(let b, let fromSlot):
            tag(.prepare)
            ballot(b)
            u64(fromSlot)
        case .promise(let b, let snapshotIndex, let accepted):
            tag(.promise)
            ballot(b)
            u64(snapshotIndex)
            u32(UInt32(accepted.count))
            for e in accepted {
                u64(e.slot)
                ballot(e.ballot)
                value(e.value)
            }
        case .reject(let b, let promised):
            tag(.reject)
            ballot(b)
            ballot(promised)
        case .accept(let b, let slot, let v, let commit):
            tag(.accept)
            ballot(b)
            u64(slot)
            value(v)
            u64(commit)
        case .accepted(let b, let slot):
            tag(.accepted)
            ballot(b)
            u64(slot)
        case .heartbeat(let b, let commit, let seq):
            tag(.heartbeat)
            ballot(b)
            u64(commit)
            u64(seq)
        case .heartbeatAck(let b, let seq):
            tag(.heartbeatAck)
            ballot(b)
            u64(seq)
        case .fetch(let fromSlot):
            tag(.fetch)
            u64(fromSlot)
        case .chosen(let entries):
            tag(.chosen)
            u32(UInt32(entries.count))
            for e in entries {
                u64(e.slot)
                value(e.value)
            }
        case .snapshot(let index, let data):
            tag(.snapshot)
            u64(index)
            blob(data)
        case .forward(let request):
            tag(.forward)
            requestID(request.id)
            blob(request.payload)
        case .forwardRejected(let id):
            tag(.forwardRejected)
            requestID(id)
        case .readIndex(let id):
            tag(.readIndex)
            requestID(id)
        case .readIndexReply(let id, let index):
            tag(.readIndexReply)
            requestID(id)
            if let index {
                u8(1)
                u64(index)
            } else {
                u8(0)
            }
        }
    }

    private mutating func tag(_ t: PeerMessageTag) { u8(t.rawValue) }
}

extension ByteReader {
    /// Reads one message written by `peerMessage(_:)`, validating every field.
    public mutating func peerMessage() throws -> Message {
        let raw = try u8()
        guard let tag = PeerMessageTag(rawValue: raw) else { throw DecodeError.invalid("unknown message tag \(raw)") }
        switch tag {
        case .status:
            let applied = try u64()
            let promised = try validBallot(allowZero: true)
            let leader = Int(try u8())  // 0: no leader known
            let isVoter = try validFlag()
            let hasHistory = try validFlag()
            var hears: [NodeID] = []
            for _ in 0..<Int(try u8()) {
                let id = Int(try u8())
                guard id >= 1, id > (hears.last ?? 0) else { throw DecodeError.invalid("status peer list not ascending ids") }
                hears.append(id)
            }
            let admitFloor = try validFlag() ? try validBallot(allowZero: true) : nil
            return .status(Status(applied: applied, promised: promised, leader: leader, isVoter: isVoter, hasHistory: hasHistory,
                                  hears: hears, admitFloor: admitFloor))
        case .takeOver: return .takeOver
        case .admit: return .admit(ballot: try validBallot())
        case .election: return .election
        case .alive: return .alive
        case .coordinator: return .coordinator
        case .prepare:
            return .prepare(ballot: try validBallot(), fromSlot: try validSlot())
        case .promise:
            let b = try validBallot()
            let snapshotIndex = try u64()
            // Each entry: slot 8 + ballot 9 + value tag 1.
            let n = try count(minBytesEach: 18)
            var accepted: [SlotEntry] = []
            accepted.reserveCapacity(n)
            for _ in 0..<n {
                let s = try validSlot()
                if let last = accepted.last, s <= last.slot { throw DecodeError.invalid("promise slots not ascending at \(s)") }
                accepted.append(SlotEntry(slot: s, ballot: try validBallot(), value: try validValue()))
            }
            return .promise(ballot: b, snapshotIndex: snapshotIndex, accepted: accepted)
        case .reject:
            return .reject(ballot: try validBallot(), promised: try validBallot())
        case .accept:
            let b = try validBallot()
            let s = try validSlot()
            let v = try validValue()
            return .accept(ballot: b, slot: s, value: v, commit: try u64())
        case .accepted:
            return .accepted(ballot: try validBallot(), slot: try validSlot())
        case .heartbeat:
            return .heartbeat(ballot: try validBallot(), commit: try u64(), seq: try u64())
        case .heartbeatAck:
            return .heartbeatAck(ballot: try validBallot(), seq: try u64())
        case .fetch:
            // Slot 0 is a joining node's ask for the snapshot (and configuration) first.
            return .fetch(fromSlot: try u64())
        case .chosen:
            // Each entry: slot 8 + value tag 1.
            let n = try count(minBytesEach: 9)
            var entries: [ChosenEntry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n {
                let s = try validSlot()
                if let last = entries.last, s <= last.slot { throw DecodeError.invalid("chosen slots not ascending at \(s)") }
                entries.append(ChosenEntry(slot: s, value: try validValue()))
            }
            return .chosen(entries)
        case .snapshot:
            return .snapshot(index: try u64(), data: try blob())
        case .forward:
            let id = try validRequestID()
            return .forward(Request(id: id, payload: try blob()))
        case .forwardRejected:
            return .forwardRejected(try validRequestID())
        case .readIndex:
            return .readIndex(try validRequestID())
        case .readIndexReply:
            let id = try validRequestID()
            let index: Slot? = try validFlag() ? try u64() : nil
            return .readIndexReply(id, index: index)
        }
    }

    /// A ballot whose node is a valid id (1...255); `Ballot.zero` only where it means "none".
    mutating func validBallot(allowZero: Bool = false) throws -> Ballot {
        let b = try ballot()
        if b == .zero && allowZero { return b }
        guard b.node >= 1 else { throw DecodeError.invalid("ballot \(b) has no valid node id") }
        return b
    }

    /// A request id whose origin is a valid node id (1...255).
    mutating func validRequestID() throws -> RequestID {
        let id = try requestID()
        guard id.origin >= 1 else { throw DecodeError.invalid("request id \(id) has origin 0") }
        return id
    }

    /// A value whose request ids are all valid.
    mutating func validValue() throws -> Value {
        let v = try value()
        for r in v.requests where r.id.origin < 1 {
            throw DecodeError.invalid("request id \(r.id) has origin 0")
        }
        return v
    }

    /// A slot number: slots start at 1, 0 is "none" and never addressed.
    mutating func validSlot() throws -> Slot {
        let s = try u64()
        guard s >= 1 else { throw DecodeError.invalid("slot 0") }
        return s
    }

    /// A boolean byte: exactly 0 or 1.
    mutating func validFlag() throws -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let b: throw DecodeError.invalid("flag byte \(b)")
        }
    }
}
