/// Builds the Prometheus text exposition format, version 0.0.4: for each
/// metric a `# HELP` and a `# TYPE` line, then its samples
/// `name{label="value",...} number`.
public struct PrometheusText {
    public private(set) var text = ""

    public init() {}

    public typealias Labels = [(String, String)]

    public mutating func counter(_ name: String, help: String, _ samples: [(Labels, UInt64)]) {
        header(name, help: help, type: "counter")
        for (labels, value) in samples { sample(name, labels, String(value)) }
    }

    public mutating func counter(_ name: String, help: String, _ value: UInt64) {
        counter(name, help: help, [([], value)])
    }

    public mutating func gauge(_ name: String, help: String, _ samples: [(Labels, Double)]) {
        header(name, help: help, type: "gauge")
        for (labels, value) in samples { sample(name, labels, Self.number(value)) }
    }

    public mutating func gauge(_ name: String, help: String, _ value: Double) {
        gauge(name, help: help, [([], value)])
    }

    public mutating func histogram(_ name: String, help: String, _ histogram: Histogram) {
        header(name, help: help, type: "histogram")
        for (bound, count) in zip(histogram.bounds, histogram.cumulativeCounts) {
            sample(name + "_bucket", [("le", Self.number(bound))], String(count))
        }
        sample(name + "_bucket", [("le", "+Inf")], String(histogram.count))
        sample(name + "_sum", [], Self.number(histogram.sum))
        sample(name + "_count", [], String(histogram.count))
    }

    private mutating func header(_ name: String, help: String, type: String) {
        precondition(Self.isValidName(name), "bad metric name \(name)")
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: Labels, _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (i, (key, value)) in labels.enumerated() {
                precondition(Self.isValidName(key), "bad label name \(key)")
                text += (i == 0 ? "" : ",") + key + "=\"" + Self.escapeLabel(value) + "\""
            }
            text += "}"
        }
        text += " " + value + "\n"
    }

    /// Integers without a fraction, others as Swift prints them (Go's
    /// ParseFloat, which Prometheus uses, reads both).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { c in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "_")
        }
    }

    /// Label values escape backslash, double quote and newline.
    static func escapeLabel(_ value: String) -> String { escape(value, quotes: true) }

    /// HELP text escapes backslash and newline.
    static func escapeHelp(_ value: String) -> String { escape(value, quotes: false) }

    private static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"" where quotes: out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
