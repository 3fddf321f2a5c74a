extension Log {
    /// The whole line, newline included.
    public static func formatLine(
        wallMs: UInt64, node: Int, level: LogLevel, message: String, fields: Fields
    ) -> String {
        var line = formatTimestamp(wallMs: wallMs)
        line += " node=\(node) level=\(level) msg="
        appendValue(message, to: &line)
        for (key, value) in fields {
            line += " \(key)="
            appendValue(value.description, to: &line)
        }
        line += "\n"
        return line
    }

    /// `2026-11-22T10:00:00.123Z`: UTC, milliseconds.
    public static func formatTimestamp(wallMs: UInt64) -> String {
        let days = Int64(wallMs / 86_400_000)
        let msOfDay = Int(wallMs % 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var s = ""
        s.reserveCapacity(24)
        appendPadded(Int(year), width: 4, to: &s)
        s += "-"
        appendPadded(month, width: 2, to: &s)
        s += "-"
        appendPadded(day, width: 2, to: &s)
        s += "T"
        appendPadded(msOfDay / 3_600_000, width: 2, to: &s)
        s += ":"
        appendPadded(msOfDay / 60_000 % 60, width: 2, to: &s)
        s += ":"
        appendPadded(msOfDay / 1_000 % 60, width: 2, to: &s)
        s += "."
        appendPadded(msOfDay % 1_000, width: 3, to: &s)
        s += "Z"
        return s
    }

    /// A value as is when it needs no quoting, else in double quotes with
    /// `"`, `\` and control characters escaped, so every line splits cleanly.
    static func appendValue(_ value: String, to line: inout String) {
        let needsQuotes = value.isEmpty || value.utf8.contains { $0 <= 0x20 || $0 == 0x22 || $0 == 0x3D || $0 == 0x5C || $0 == 0x7F }
        guard needsQuotes else {
            line += value
            return
        }
        line += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                line += "\\u00"
                appendHex(UInt8(scalar.value), to: &line)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    private static func appendPadded(_ n: Int, width: Int, to s: inout String) {
        let digits = String(n)
        if digits.count < width { s += String(repeating: "0", count: width - digits.count) }
        s += digits
    }

    private static func appendHex(_ byte: UInt8, to s: inout String) {
        let hex = Array("0123456789abcdef")
        s.append(hex[Int(byte >> 4)])
        s.append(hex[Int(byte & 15)])
    }

    /// Proleptic Gregorian (year, month, day) for days since 1970-01-01
    /// (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
