/// Why a peer byte stream was refused. Each one means: log it and close that
/// peer connection (DESIGN rule 7); none can be recovered within the stream.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame header's first byte is not `Frame.magic`.
    case badMagic(UInt8)
    /// A frame announced more payload than the limit.
    case frameTooLarge(length: Int, limit: Int)
    /// The payload does not match the header's CRC-32C.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// A fragment is out of order, duplicated, malformed or of an unknown message.
    case badFragment(String)
    /// Reassembly would hold more than its memory bound.
    case reassemblyTooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .badMagic(let b): return "bad frame magic 0x\(String(b, radix: 16))"
        case .frameTooLarge(let length, let limit): return "frame of \(length) bytes over limit \(limit)"
        case .checksumMismatch(let expected, let actual):
            return "frame checksum mismatch: header 0x\(String(expected, radix: 16)), payload 0x\(String(actual, radix: 16))"
        case .badFragment(let why): return "bad fragment: \(why)"
        case .reassemblyTooLarge(let bytes, let limit): return "reassembly of \(bytes) bytes over limit \(limit)"
        }
    }
}
