// Argument helpers shared by the command parsers: byte comparisons without
// `String` (numbers: `RedisInteger` in Wire).

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

/// Text of a client argument for an error message: lossy UTF-8, at most
/// `limit` bytes (the encoder turns CR/LF into spaces).
func printable(_ bytes: [UInt8], limit: Int = 128) -> String {
    String(decoding: bytes.prefix(limit), as: UTF8.self)
}
