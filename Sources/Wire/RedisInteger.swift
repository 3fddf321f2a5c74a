/// Integers as Redis reads and writes them, in one place: the RESP parsers'
/// lengths and integers, command arguments, and values INCR stores as
/// decimal bytes.
public enum RedisInteger {
    /// A signed decimal as Redis's `string2ll` reads it: optional `-`,
    /// digits, no `+`, no spaces, no leading zeros, no `-0`, within Int64.
    @inlinable
    public static func parse<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Int64? where Bytes.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var i = bytes.startIndex
        let isNegative = bytes[i] == UInt8(ascii: "-")
        if isNegative { i = bytes.index(after: i) }
        guard i < bytes.endIndex else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            // "0" alone; "-0" and "01" are refused, as Redis does.
            return bytes.count == 1 ? 0 : nil
        }
        var magnitude: UInt64 = 0
        while i < bytes.endIndex {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            magnitude = next
            i = bytes.index(after: i)
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
    public static func parseUnsigned(_ bytes: [UInt8]) -> UInt64? {
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

    /// Decimal bytes of `n`, without going through `String`.
    public static func format(_ n: Int64) -> [UInt8] {
        var digits = format(unsigned: n.magnitude)
        if n < 0 { digits.insert(UInt8(ascii: "-"), at: 0) }
        return digits
    }

    /// Decimal bytes of an unsigned number (SCAN cursors use all 64 bits, as Redis's do).
    public static func format(unsigned n: UInt64) -> [UInt8] {
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
