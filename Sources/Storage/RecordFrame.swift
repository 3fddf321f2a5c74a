import PaxosCore

/// One WAL record on disk:
///
///     u32 payload length | u32 CRC-32 | u8 kind | payload
///
/// The CRC covers the length, the kind and the payload, so a torn or
/// flipped header is caught as surely as a damaged payload. The payload of
/// a `coreRecord` frame is `Record.encoded()`.
enum RecordFrame {
    static let headerBytes = 9
    static let kindCoreRecord: UInt8 = 1
    /// Bounds a length read from disk, so garbage cannot claim gigabytes.
    static let payloadBytesMax = 512 << 20

    static func encode(_ record: Record) -> [UInt8] {
        let payload = record.encoded()
        precondition(!payload.isEmpty && payload.count <= payloadBytesMax, "record size out of range")
        var frame = [UInt8](repeating: 0, count: headerBytes)
        frame.reserveCapacity(headerBytes + payload.count)
        frame.append(contentsOf: payload)
        let length = UInt32(payload.count)
        withUnsafeBytes(of: length.littleEndian) { frame.replaceSubrange(0..<4, with: $0) }
        frame[8] = kindCoreRecord
        let crc = checksum(frame, start: 0)
        withUnsafeBytes(of: crc.littleEndian) { frame.replaceSubrange(4..<8, with: $0) }
        assert(parse(frame, at: 0).isValid, "frame fails its own check")
        return frame
    }

    /// CRC over the length, kind and payload of the frame starting at `start`
    /// (the payload length is taken from the frame and must be in bounds).
    private static func checksum(_ bytes: [UInt8], start: Int) -> UInt32 {
        let length = Int(readU32(bytes, at: start))
        let lengthCRC = crc32Checksum(bytes, start..<(start + 4))
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
        /// No frame here: torn, damaged, or never written.
        case bad(reason: String)

        var isValid: Bool {
            if case .frame = self { return true }
            return false
        }
    }

    /// Parses the frame at `offset`; `offset` must be before the end.
    static func parse(_ bytes: [UInt8], at offset: Int) -> Parsed {
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
        let computed = checksum(bytes, start: offset)
        guard stored == computed else { return .bad(reason: "checksum mismatch") }
        guard bytes[offset + 8] == kindCoreRecord else { return .bad(reason: "unknown record kind \(bytes[offset + 8])") }
        let payloadStart = offset + headerBytes
        return .frame(payload: payloadStart..<(payloadStart + length), next: payloadStart + length)
    }

    /// True when some valid frame starts after `offset`: then damage at
    /// `offset` cannot be a torn tail, because later records were written.
    static func hasValidFrame(_ bytes: [UInt8], after offset: Int) -> Bool {
        var candidate = offset + 1
        while candidate + headerBytes <= bytes.count {
            let length = Int(readU32(bytes, at: candidate))
            if length > 0, length <= bytes.count - candidate - headerBytes, bytes[candidate + 8] == kindCoreRecord,
               parse(bytes, at: candidate).isValid {
                return true
            }
            candidate += 1
        }
        return false
    }
}
