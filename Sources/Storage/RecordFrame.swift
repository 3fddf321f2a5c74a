import PaxosCore

/// One WAL record on disk, after the segment header:
///
///     u32 payload length | u32 CRC-32 | u8 kind | payload
///
/// The CRC is CRC-32 over the segment's salt (u64, `SegmentHeader`), the
/// length, the kind and the payload. So a torn or flipped header is caught as
/// surely as a damaged payload, and a frame validates only in the segment it
/// was written to as a frame: one embedded in a value was framed under some
/// other salt, or none. The payload of a `coreRecord` frame is
/// `Record.encoded()`.
///
/// Zero bytes never parse as a frame, under any salt: the length must be
/// nonzero (checked before the CRC) and the kind is 1. Segments are
/// preallocated with zeros (`SegmentWriter`), so a run of zeros after the
/// last record is the log's clean end, not a record and not damage.
enum RecordFrame {
    static let headerBytes = 9
    static let kindCoreRecord: UInt8 = 1
    /// Bounds a length read from disk, so garbage cannot claim gigabytes.
    static let payloadBytesMax = 512 << 20

    /// Appends the frame of `payload` (a `Record.encoded()`) for the segment with `salt`.
    static func append(payload: [UInt8], salt: UInt64, to buffer: inout [UInt8]) {
        precondition(!payload.isEmpty, "empty record payload")
        precondition(payload.count <= payloadBytesMax, "record of \(payload.count) bytes exceeds the frame limit")
        let start = buffer.count
        buffer.reserveCapacity(start + headerBytes + payload.count)
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [0, 0, 0, 0])  // the CRC, once the rest is in place
        buffer.append(kindCoreRecord)
        buffer.append(contentsOf: payload)
        let crc = checksum(buffer, start: start, salt: salt)
        withUnsafeBytes(of: crc.littleEndian) { buffer.replaceSubrange((start + 4)..<(start + 8), with: $0) }
        assert(parse(buffer, at: start, salt: salt).isValid, "frame fails its own check")
    }

    static func encode(_ record: Record, salt: UInt64) -> [UInt8] {
        var frame: [UInt8] = []
        append(payload: record.encoded(), salt: salt, to: &frame)
        return frame
    }

    /// CRC over the salt, length, kind and payload of the frame starting at
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
        case frame(payload: Range<Int>, next: Int)
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
        guard bytes[offset + 8] == kindCoreRecord else { return .bad(reason: "unknown record kind \(bytes[offset + 8])") }
        let payloadStart = offset + headerBytes
        return .frame(payload: payloadStart..<(payloadStart + length), next: payloadStart + length)
    }

    /// True when some frame valid under `salt` starts after `offset` (and
    /// before `end`, the `contentEnd` of the bytes: no frame starts in their
    /// zero tail, its length would be 0): then damage at `offset` cannot be
    /// a torn tail, because this segment's writer wrote records after it.
    /// The salt keeps this sound when values hold frames: those were framed
    /// under another salt (or crafted without knowing this one), so they do
    /// not count, but for the CRC's 2^-32 per candidate.
    static func hasValidFrame(_ bytes: [UInt8], after offset: Int, before end: Int? = nil, salt: UInt64) -> Bool {
        let end = min(end ?? bytes.count, bytes.count)
        var candidate = offset + 1
        while candidate < end && candidate + headerBytes <= bytes.count {
            let length = Int(readU32(bytes, at: candidate))
            if length > 0, length <= bytes.count - candidate - headerBytes, bytes[candidate + 8] == kindCoreRecord,
               parse(bytes, at: candidate, salt: salt).isValid {
                return true
            }
            candidate += 1
        }
        return false
    }

    /// The end of the last nonzero byte at or after `start` (`start` when
    /// every byte from there on is zero): where a segment's zero tail begins.
    static func contentEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = bytes.count
        while end > start && bytes[end - 1] == 0 { end -= 1 }
        return max(end, start)
    }
}
