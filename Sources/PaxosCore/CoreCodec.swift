/// Binary encodings of the core's values and records, used by the WAL and by
/// peer messages. Little-endian, length-prefixed, no padding.
extension ByteWriter {
    public mutating func ballot(_ b: Ballot) {
        u64(b.round)
        u8(UInt8(b.node))
    }

    public mutating func requestID(_ id: RequestID) {
        u8(UInt8(id.origin))
        u64(id.serial)
    }

    public mutating func value(_ v: Value) {
        switch v {
        case .noop:
            u8(0)
        case .batch(let timeMs, let requests):
            u8(1)
            u64(timeMs)
            u32(UInt32(requests.count))
            for r in requests {
                requestID(r.id)
                blob(r.payload)
            }
        }
    }

    public mutating func record(_ r: Record) {
        switch r {
        case .promise(let b):
            u8(1)
            ballot(b)
        case .accept(let slot, let b, let v):
            u8(2)
            u64(slot)
            ballot(b)
            value(v)
        case .snapshot(let index, let promised, let data):
            u8(3)
            u64(index)
            ballot(promised)
            blob(data)
        case .joined:
            u8(4)
        }
    }
}

extension ByteReader {
    public mutating func ballot() throws -> Ballot {
        let round = try u64()
        let node = try u8()
        return Ballot(round: round, node: NodeID(node))
    }

    public mutating func requestID() throws -> RequestID {
        let origin = try u8()
        let serial = try u64()
        return RequestID(origin: NodeID(origin), serial: serial)
    }

    public mutating func value() throws -> Value {
        switch try u8() {
        case 0:
            return .noop
        case 1:
            let timeMs = try u64()
            let n = try count(minBytesEach: 13)
            var requests: [Request] = []
            requests.reserveCapacity(n)
            for _ in 0..<n {
                let id = try requestID()
                let payload = try blob()
                requests.append(Request(id: id, payload: payload))
            }
            return .batch(timeMs: timeMs, requests: requests)
        case let tag:
            throw DecodeError.invalid("unknown value tag \(tag)")
        }
    }

    public mutating func record() throws -> Record {
        switch try u8() {
        case 1:
            return .promise(try ballot())
        case 2:
            let slot = try u64()
            let b = try ballot()
            let v = try value()
            return .accept(slot: slot, ballot: b, value: v)
        case 3:
            let index = try u64()
            let promised = try ballot()
            let data = try blob()
            return .snapshot(index: index, promised: promised, data: data)
        case 4:
            return .joined
        case let tag:
            throw DecodeError.invalid("unknown record tag \(tag)")
        }
    }
}

extension Record {
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.record(self)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        self = try r.record()
        try r.expectEnd()
    }
}
