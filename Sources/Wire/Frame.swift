/// Peer frame layout: `magic u8 | length u32 LE | crc32c u32 LE | payload`.
/// The CRC covers the length bytes and the payload, so a flipped length bit
/// is caught too (once the bytes it claims have arrived).
public enum Frame {
    /// Magic and format version in one byte (0xB1: frame format 1); a peer of another format fails at once.
    public static let magic: UInt8 = 0xB1
    /// Bytes before the payload.
    public static let headerBytes = 9
    /// Default largest payload one frame may carry.
    public static let defaultMaxPayloadBytes = 16 << 20

    /// Appends one frame holding `payload`.
    public static func append(payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        precondition(payload.count <= Int(UInt32.max), "frame payload too large")
        let length = UInt32(payload.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: length) { Array($0) }
        let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum(lengthBytes))
        out.append(magic)
        out.append(contentsOf: lengthBytes)
        withUnsafeBytes(of: crc.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: payload)
    }

    /// Appends one frame holding `payload`.
    public static func append(payload: [UInt8], to out: inout [UInt8]) {
        payload.withUnsafeBytes { append(payload: $0, to: &out) }
    }
}

/// Cuts a peer byte stream into frame payloads, checking magic, length
/// limit and checksum. Incremental: `append` chunks, call `next()` until nil.
/// After an error it keeps throwing it.
public struct FrameDecoder: Sendable {
    /// Largest payload accepted; a header announcing more fails at once.
    public let maxPayloadBytes: Int
    private var queue = ByteQueue()
    private var failure: WireError?

    /// A decoder refusing frames over `maxPayloadBytes`.
    public init(maxPayloadBytes: Int = Frame.defaultMaxPayloadBytes) {
        precondition(maxPayloadBytes > 0, "frame limit must be positive")
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Bytes buffered and not yet returned.
    public var bufferedByteCount: Int { queue.count }

    /// Adds received bytes.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        queue.append(chunk)
    }

    /// Adds received bytes.
    public mutating func append<S: Sequence>(contentsOf chunk: S) where S.Element == UInt8 {
        guard failure == nil else { return }
        queue.append(contentsOf: chunk)
    }

    /// The next frame's payload, nil when more bytes are needed.
    public mutating func next() throws(WireError) -> [UInt8]? {
        if let failure { throw failure }
        guard queue.count >= 1 else { return nil }
        let h = queue.start
        let b = queue.bytes
        guard b[h] == Frame.magic else { return try fail(.badMagic(b[h])) }
        guard queue.count >= Frame.headerBytes else { return nil }
        let length = Int(Self.u32(b, h + 1))
        // Refused before its payload is buffered: a bad length costs no memory.
        guard length <= maxPayloadBytes else { return try fail(.frameTooLarge(length: length, limit: maxPayloadBytes)) }
        guard queue.count >= Frame.headerBytes + length else { return nil }
        let expected = Self.u32(b, h + 5)
        let actual = b.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(h + 5 + 4)..<(h + 9 + length)]),
                            continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(h + 1)..<(h + 5)])))
        }
        guard actual == expected else { return try fail(.checksumMismatch(expected: expected, actual: actual)) }
        let payload = queue.copy(h + Frame.headerBytes, h + Frame.headerBytes + length)
        queue.consume(upTo: h + Frame.headerBytes + length)
        return payload
    }

    private mutating func fail(_ error: WireError) throws(WireError) -> [UInt8]? {
        failure = error
        queue.reset()
        throw error
    }

    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
