import PaxosCore

/// `kvctl trace render FILE... [--from T] [--to T] [--slots A-B]
/// [--format svg|text] [--all-heartbeats] [-o OUT]`.
public struct TraceRenderOptions: Sendable, Equatable {
    public enum Format: String, Sendable {
        case svg, text
    }

    public var files: [String] = []
    /// Milliseconds after the merged trace's first event.
    public var fromMs: UInt64? = nil
    public var toMs: UInt64? = nil
    public var slots: ClosedRange<Slot>? = nil
    public var format: Format? = nil
    public var allHeartbeats = false
    /// Nil: standard output.
    public var output: String? = nil

    public init() {}

    /// The format asked for, else the output's extension says (`.svg`), else text.
    public var effectiveFormat: Format {
        format ?? (output?.hasSuffix(".svg") == true ? .svg : .text)
    }

    /// `2.5` or `2.5s` (seconds) or `2500ms`, after the trace's first event.
    static func parseTime(_ text: String) -> UInt64? {
        var t = Substring(text)
        var scale = 1000.0
        if t.hasSuffix("ms") { t = t.dropLast(2); scale = 1 } else if t.hasSuffix("s") { t = t.dropLast() }
        guard let v = Double(t), v >= 0, v.isFinite, v * scale < 1e15 else { return nil }
        return UInt64((v * scale).rounded())
    }

    /// `A-B` or one slot `A`.
    static func parseSlots(_ text: String) -> ClosedRange<Slot>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let a = Slot(parts[0]), let b = Slot(parts.last!), a <= b else { return nil }
        return a...b
    }
}
