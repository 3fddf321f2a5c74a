import CCRC32C

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of the peer
/// frames: the CPU's crc32 instruction where it has one (C shim), else a
/// slicing-by-8 table. Check value: "123456789" -> 0xE3069283.
public enum CRC32C {
    /// The CRC of `bytes`, continuing from `crc` (pass a previous result to checksum in pieces).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return paxoskv_crc32c(crc, base, bytes.count)
    }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The table version alone (tests hold it equal to `checksum`).
    static func softwareChecksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { raw in raw.baseAddress.map { paxoskv_crc32c_software(crc, $0, raw.count) } ?? crc }
    }

    /// Whether `checksum` uses the CPU instruction.
    public static var isHardware: Bool { paxoskv_crc32c_is_hardware() != 0 }
}
