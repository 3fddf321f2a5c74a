import CZlib

/// zlib's CRC-32 over a byte range, chained from `seed`.
func crc32Checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
    return UInt32(crc32(uLong(seed), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
}

func crc32Checksum(_ bytes: [UInt8], _ range: Range<Int>, seed: UInt32 = 0) -> UInt32 {
    precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "checksum range out of bounds")
    return bytes.withUnsafeBytes { crc32Checksum(UnsafeRawBufferPointer(rebasing: $0[range]), seed: seed) }
}
