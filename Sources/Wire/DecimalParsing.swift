/// Parses a signed decimal the way redis' `string2ll` does: optional '-',
/// no '+', no leading zeros, no spaces, no overflow. Nil when invalid.
func parseDecimal(_ bytes: [UInt8], _ from: Int, _ to: Int) -> Int64? {
    guard from < to, to - from <= 20 else { return nil }
    var i = from
    var negative = false
    if bytes[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
        guard i < to else { return nil }
    }
    if bytes[i] == UInt8(ascii: "0") {
        // "0" alone; "-0" and "01" are rejected as redis does.
        return (i + 1 == to && !negative) ? 0 : nil
    }
    var magnitude: UInt64 = 0
    while i < to {
        let d = bytes[i] &- UInt8(ascii: "0")
        guard d <= 9 else { return nil }
        let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(UInt64(d))
        guard !o1 && !o2 else { return nil }
        magnitude = s
        i += 1
    }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
}

/// A byte shown in an error message: printable ASCII as is, else `\xNN`.
func printableByte(_ b: UInt8) -> String {
    if b >= 0x20 && b < 0x7F { return String(UnicodeScalar(b)) }
    let hex = Array("0123456789abcdef")
    return "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
}
