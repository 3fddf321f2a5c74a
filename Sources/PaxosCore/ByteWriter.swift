/// Appends little-endian integers and length-prefixed byte strings to a
/// buffer. Shared by the WAL record codec, the peer message codec and
/// snapshots, so every byte format in PaxosKV has one set of primitives.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A length (u32) followed by the bytes.
    public mutating func blob(_ b: [UInt8]) {
        precondition(b.count <= Int(UInt32.max), "blob too large")
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }

    /// The same encoding from a view (a packed map entry's key or value).
    public mutating func blob(_ b: UnsafeRawBufferPointer) {
        precondition(b.count <= Int(UInt32.max), "blob too large")
        u32(UInt32(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

public enum DecodeError: Error, Equatable, CustomStringConvertible {
    case truncated
    case invalid(String)

    public var description: String {
        switch self {
        case .truncated: return "truncated input"
        case .invalid(let why): return why
        }
    }
}

/// Reads what `ByteWriter` wrote. Every read checks bounds and throws
/// `DecodeError` instead of trapping: the input may come from a peer or a
/// damaged file.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func u8() throws -> UInt8 {
        guard remaining >= 1 else { throw DecodeError.truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw DecodeError.truncated }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return v
    }

    public mutating func u64() throws -> UInt64 {
        guard remaining >= 8 else { throw DecodeError.truncated }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    /// A u32 length then that many bytes; `limit` bounds the length so a
    /// corrupt length cannot ask for gigabytes.
    public mutating func blob(limit: Int = Int(Int32.max)) throws -> [UInt8] {
        let n = Int(try u32())
        guard n <= limit else { throw DecodeError.invalid("length \(n) over limit \(limit)") }
        guard remaining >= n else { throw DecodeError.truncated }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    /// A count that bounds a following loop; each element takes at least
    /// `minBytes`, so a count larger than the input is rejected at once.
    public mutating func count(minBytesEach: Int) throws -> Int {
        let n = Int(try u32())
        guard n * max(1, minBytesEach) <= remaining else { throw DecodeError.invalid("count \(n) exceeds input") }
        return n
    }

    public mutating func expectEnd() throws {
        guard isAtEnd else { throw DecodeError.invalid("\(remaining) trailing bytes") }
    }
}
