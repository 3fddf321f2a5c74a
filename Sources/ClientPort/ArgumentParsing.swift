// Argument helpers shared by the command parsers: byte comparisons and
// numbers parsed as strictly as Redis parses them, without `String`.

/// `bytes` with ASCII A-Z lowercased; other bytes unchanged.
func asciiLowercased(_ bytes: [UInt8]) -> [UInt8] {
    bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
}

/// True when `bytes` spells `word` (lowercase ASCII) ignoring ASCII case.
func asciiEqualsIgnoringCase(_ bytes: [UInt8], _ word: StaticString) -> Bool {
    guard bytes.count == word.utf8CodeUnitCount else { return false }
    return word.withUTF8Buffer { lower in
        for i in 0..<bytes.count {
            let b = bytes[i]
            let folded = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if folded != lower[i] { return false }
        }
        return true
    }
}

/// A signed decimal as Redis's `string2ll` reads it: optional '-', digits,
/// no '+', no spaces, no leading zeros, no "-0", within Int64.
func parseRedisInt64(_ bytes: [UInt8]) -> Int64? {
    guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
    let isNegative = bytes[0] == UInt8(ascii: "-")
    let start = isNegative ? 1 : 0
    guard start < bytes.count else { return nil }
    if bytes[start] == UInt8(ascii: "0") {
        return bytes.count == 1 ? 0 : nil
    }
    var magnitude: UInt64 = 0
    for i in start..<bytes.count {
        let digit = bytes[i] &- UInt8(ascii: "0")
        guard digit <= 9 else { return nil }
        let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
        guard !o1, !o2 else { return nil }
        magnitude = next
    }
    if isNegative {
        // Int64.min has no positive twin, so it is built from its magnitude.
        guard magnitude <= Int64.min.magnitude else { return nil }
        return magnitude == Int64.min.magnitude ? .min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
}

/// An unsigned decimal of 1 to 20 digits (SCAN cursors, RID sequence
/// numbers). Leading zeros are accepted, as `strtoull` accepts them.
func parseUInt64(_ bytes: [UInt8]) -> UInt64? {
    guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
    var n: UInt64 = 0
    for byte in bytes {
        let digit = byte &- UInt8(ascii: "0")
        guard digit <= 9 else { return nil }
        let (times10, o1) = n.multipliedReportingOverflow(by: 10)
        let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
        guard !o1, !o2 else { return nil }
        n = next
    }
    return n
}

/// Text of a client argument for an error message: lossy UTF-8, at most
/// `limit` bytes (the encoder turns CR/LF into spaces).
func printable(_ bytes: [UInt8], limit: Int = 128) -> String {
    String(decoding: bytes.prefix(limit), as: UTF8.self)
}
