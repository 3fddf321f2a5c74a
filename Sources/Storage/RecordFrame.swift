import PaxosCore

/// One WAL record on disk, after the segment header (segment format 3):
///
///     u32 payload length | u32 CRC-32 | u8 kind | u64 durable end | payload
///
/// The CRC is CRC-32 over the segment's salt (u64, `SegmentHeader`), the
/// length, the kind, the durable end and the payload. So a torn or flipped header is caught as
/// surely as a damaged payload, and a frame validates only in the segment it
/// was written to as a frame: one embedded in a value was framed under some
/// other salt, or none. The payload of a `coreRecord` frame is
/// `Record.encoded()`; that of a `seal` frame is `Seal.encoded()`.
///
/// The durable end is the logical offset in the segment up to which the
/// bytes were durable when the frame was written: the end of the last
/// batch whose fdatasync had returned (`SegmentWriter`). Recovery uses it
/// to tell a batch torn by a power cut, which may persist a later sector
/// without an earlier one, from damage to bytes that were already durable
/// (`LogRecovery.scanSegment`).
///
/// Zero bytes never parse as a frame, under any salt: the length must be
/// nonzero (checked before the CRC) and the kind is 1 or 2. Segments are
/// preallocated with zeros (`SegmentWriter`), so a run of zeros after the
/// last record is the log's clean end, not a record and not damage.
enum RecordFrame {
    static let headerBytes = 17
    static let kindCoreRecord: UInt8 = 1
    /// The last record of every segment but the newest (`Seal`).
    static let kindSeal: UInt8 = 2
    /// Bounds a length read from disk, so garbage cannot claim gigabytes.
    static let payloadBytesMax = 512 << 20

    /// Appends the frame of `payload` (a `Record.encoded()`, or a
    /// `Seal.encoded()` with `kindSeal`) for the segment with `salt`, whose
    /// bytes are durable up to `durableEnd`.
    static func append(payload: [UInt8], kind: UInt8 = kindCoreRecord, durableEnd: Int, salt: UInt64,
                       to buffer: inout [UInt8]) {
        precondition(!payload.isEmpty, "empty record payload")
        precondition(durableEnd >= 0, "negative durable end")
        precondition(payload.count <= payloadBytesMax, "record of \(payload.count) bytes exceeds the frame limit")
        let start = buffer.count
        buffer.reserveCapacity(start + headerBytes + payload.count)
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [0, 0, 0, 0])  // the CRC, once the rest is in place
        buffer.append(kind)
        withUnsafeBytes(of: UInt64(durableEnd).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
        let crc = checksum(buffer, start: start, salt: salt)
        withUnsafeBytes(of: crc.littleEndian) { buffer.replaceSubrange((start + 4)..<(start + 8), with: $0) }
        assert(parse(buffer, at: start, salt: salt).isValid, "frame fails its own check")
    }

    static func encode(_ record: Record, durableEnd: Int, salt: UInt64) -> [UInt8] {
        var frame: [UInt8] = []
        append(payload: record.encoded(), durableEnd: durableEnd, salt: salt, to: &frame)
        return frame
    }

    /// CRC over the salt, length, kind, durable end and payload of the frame starting at
    /// `start` (the payload length is taken from the frame and must be in bounds).
    private static func checksum(_ bytes: [UInt8], start: Int, salt: UInt64) -> UInt32 {
        let length = Int(readU32(bytes, at: start))
        let saltCRC = withUnsafeBytes(of: salt.littleEndian) { crc32Checksum($0) }
        let lengthCRC = crc32Checksum(bytes, start..<(start + 4), seed: saltCRC)
        return crc32Checksum(bytes, (start + 8)..<(start + headerBytes + length), seed: lengthCRC)
    }

    private static func readU32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return v
    }

    enum Parsed {
        /// A frame whose checksum holds; `payload` indexes into the buffer.
        case frame(kind: UInt8, durableEnd: Int, payload: Range<Int>, next: Int)
        /// No frame here: torn, damaged, never written, or framed under another salt.
        case bad(reason: String)

        var isValid: Bool {
            if case .frame = self { return true }
            return false
        }
    }

    /// Parses the frame at `offset` of a segment with `salt`; `offset` must be before the end.
    static func parse(_ bytes: [UInt8], at offset: Int, salt: UInt64) -> Parsed {
        precondition(offset >= 0 && offset < bytes.count, "parse outside the buffer")
        let available = bytes.count - offset
        guard available >= headerBytes else {
            return .bad(reason: "truncated record header (\(available) of \(headerBytes) bytes)")
        }
        let length = Int(readU32(bytes, at: offset))
        guard length > 0 && length <= payloadBytesMax else { return .bad(reason: "invalid record length \(length)") }
        guard length <= available - headerBytes else {
            return .bad(reason: "record length \(length) runs past the end of the file")
        }
        let stored = readU32(bytes, at: offset + 4)
        let computed = checksum(bytes, start: offset, salt: salt)
        guard stored == computed else { return .bad(reason: "checksum mismatch") }
        let kind = bytes[offset + 8]
        guard kind == kindCoreRecord || kind == kindSeal else { return .bad(reason: "unknown record kind \(kind)") }
        var durableEnd: UInt64 = 0
        for i in 0..<8 { durableEnd |= UInt64(bytes[offset + 9 + i]) << (8 * UInt64(i)) }
        guard durableEnd <= UInt64(Int.max) else { return .bad(reason: "invalid durable end \(durableEnd)") }
        let payloadStart = offset + headerBytes
        return .frame(kind: kind, durableEnd: Int(durableEnd), payload: payloadStart..<(payloadStart + length),
                      next: payloadStart + length)
    }

    /// The first frame valid under `salt` that starts after `offset` (and
    /// before `end`, the `contentEnd` of the bytes: no frame starts in their
    /// zero tail, its length would be 0) and says the bytes were durable
    /// past `offset` when it was written: then damage at `offset` cannot be
    /// a torn batch, because it was durable (`LogRecovery.scanSegment`).
    /// Valid frames whose durable end is at or before `offset` do not count:
    /// they were written in the batch that the damage tore. The salt keeps
    /// this sound when values hold frames: those were framed under another
    /// salt (or crafted without knowing this one), so they do not count,
    /// but for the CRC's 2^-32 per candidate.
    static func frameDurablePast(_ offset: Int, in bytes: [UInt8], before end: Int? = nil, salt: UInt64) -> Int? {
        let end = min(end ?? bytes.count, bytes.count)
        var candidate = offset + 1
        while candidate < end && candidate + headerBytes <= bytes.count {
            let length = Int(readU32(bytes, at: candidate))
            let kind = bytes[candidate + 8]
            if length > 0, length <= bytes.count - candidate - headerBytes, kind == kindCoreRecord || kind == kindSeal,
               case .frame(_, let durableEnd, _, _) = parse(bytes, at: candidate, salt: salt), durableEnd > offset {
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    /// The end of the last nonzero byte at or after `start` (`start` when
    /// every byte from there on is zero): where a segment's zero tail begins.
    static func contentEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = bytes.count
        while end > start && bytes[end - 1] == 0 { end -= 1 }
        return max(end, start)
    }
}

/// The payload of a `seal` frame, the last record of every segment but the
/// newest: the segment's logical length before the seal and the number of
/// records before it. The writer syncs it before the next segment exists
/// (`SegmentWriter.rotate`), so recovery refuses a non-last segment that
/// does not end with one: its tail was lost, records a voter had reported
/// durable among them (`LogRecovery.scanSegment`).
struct Seal: Equatable {
    static let payloadBytes = 16
    static let frameBytes = RecordFrame.headerBytes + payloadBytes

    /// Where the seal frame starts: the header and every record before it.
    let length: Int
    let records: Int

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.payloadBytes)
        w.u64(UInt64(length))
        w.u64(UInt64(records))
        return w.bytes
    }

    init(length: Int, records: Int) {
        self.length = length
        self.records = records
    }

    init(decoding bytes: ArraySlice<UInt8>) throws {
        guard bytes.count == Self.payloadBytes else { throw DecodeError.invalid("seal of \(bytes.count) bytes") }
        var r = ByteReader(Array(bytes))
        let length = try r.u64()
        let records = try r.u64()
        guard length <= UInt64(Int.max), records <= UInt64(Int.max) else { throw DecodeError.invalid("seal out of range") }
        self.init(length: Int(length), records: Int(records))
    }
}
