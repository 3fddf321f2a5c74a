/// Number formatting for kvctl output, without Foundation's String(format:).
public enum KvctlFormat {
    /// `512 B`, `1.5 KiB`, `12.0 MiB`.
    public static func bytes(_ bytes: UInt64) -> String {
        if bytes < 1_024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1_024
        var unit = 0
        while value >= 1_024 && unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return "\(KvctlFormat.fixed(value, digits: 1)) \(units[unit])"
    }

    /// `value` with exactly `digits` decimals, without Foundation's String(format:).
    static func fixed(_ value: Double, digits: Int) -> String {
        precondition(digits >= 0 && digits <= 6)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return "\(value)" }
        let n = Int64(scaled)
        let sign = n < 0 ? "-" : ""
        let whole = abs(n) / Int64(scale)
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fraction = String(abs(n) % Int64(scale))
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    /// Microseconds as milliseconds with two decimals: `1.23 ms`.
    public static func millis(_ micros: UInt32?) -> String {
        guard let micros else { return "-" }
        return "\(KvctlFormat.fixed(Double(micros) / 1_000, digits: 2)) ms"
    }

    /// `2 s`, `0.5 s`.
    static func seconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
