import PaxosCore
import Posix

/// One line per event, to stderr by default:
/// `2026-11-22T10:00:00.123Z node=1 level=info msg="became leader" ballot=7.1 slot=1042`.
/// Message and fields are autoclosures, so a filtered-out call costs one
/// comparison. A value type over immutable state: any thread may log (the
/// fsync thread does); each line goes out in a single write(2).
public struct Log: Sendable {
    public typealias Fields = KeyValuePairs<String, any CustomStringConvertible>

    public let node: NodeID
    public let minimumLevel: LogLevel
    private let sink: @Sendable (String) -> Void
    private let wallClock: @Sendable () -> UInt64

    /// `sink` receives each finished line with its newline; tests capture it.
    public init(
        node: NodeID, minimumLevel: LogLevel = .info,
        sink: @escaping @Sendable (String) -> Void = Log.writeToStandardError,
        wallClock: @escaping @Sendable () -> UInt64 = SystemClock.wallMs
    ) {
        self.node = node
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.wallClock = wallClock
    }

    @inline(__always)
    public func isEnabled(_ level: LogLevel) -> Bool { level >= minimumLevel }

    @inline(__always)
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> Fields = [:]) {
        guard isEnabled(level) else { return }
        sink(Log.formatLine(wallMs: wallClock(), node: node, level: level, message: message(), fields: fields()))
    }

    @inline(__always)
    public func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> Fields = [:]) {
        log(.debug, message(), fields())
    }

    @inline(__always)
    public func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> Fields = [:]) {
        log(.info, message(), fields())
    }

    @inline(__always)
    public func warn(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> Fields = [:]) {
        log(.warn, message(), fields())
    }

    @inline(__always)
    public func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> Fields = [:]) {
        log(.error, message(), fields())
    }

    /// Writes `line` to fd 2 in one call where the kernel allows; errors are
    /// dropped (there is nowhere left to report them).
    public static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { bytes in try? Posix.writeAll(2, UnsafeRawBufferPointer(bytes)) }
    }
}
