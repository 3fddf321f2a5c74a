/// Integers stored as decimal bytes, parsed as strictly as Redis's
/// `string2ll`: optional `-`, digits, no `+`, no spaces, no leading zeros,
/// no `-0`, within Int64.
enum RedisInteger {
    static func parse(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        let isNegative = bytes[0] == UInt8(ascii: "-")
        let digits = bytes[(isNegative ? 1 : 0)...]
        guard let first = digits.first else { return nil }
        if first == UInt8(ascii: "0") {
            return digits.count == 1 && !isNegative ? 0 : nil
        }
        // Accumulate as a negative number: Int64.min has no positive twin.
        var n: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !o1 && !o2 else { return nil }
            n = next
        }
        if isNegative { return n }
        return n == .min ? nil : -n
    }

    /// Decimal bytes of `n`, without going through `String`.
    static func format(_ n: Int64) -> [UInt8] {
        var digits = format(unsigned: n.magnitude)
        if n < 0 { digits.insert(UInt8(ascii: "-"), at: 0) }
        return digits
    }

    /// Decimal bytes of an unsigned number (SCAN cursors use all 64 bits, as Redis's do).
    static func format(unsigned n: UInt64) -> [UInt8] {
        if n == 0 { return [UInt8(ascii: "0")] }
        var digits: [UInt8] = []
        digits.reserveCapacity(21)
        var m = n
        while m > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(m % 10))
            m /= 10
        }
        digits.reverse()
        return digits
    }
}
