import Glibc
import PaxosCore
import Posix
import Trace

/// This node's protocol events: with `paxosd --trace FILE` as JSON lines,
/// appended (not synced) and written out once per loop turn (a restarted
/// node continues its vector clock from the file's last line of its own, so
/// one file holds every run of the node and its lifeline shows the break);
/// and the last few thousand in memory for the live page. Without a file
/// the node traces only while someone watches the page.
final class NodeTracer {
    private var recorder: TraceRecorder
    private let fd: CInt
    private var buffer: [UInt8] = []
    /// The write error that stopped the file, until `takeFailure` reports it.
    private var failed: IOError?
    private var failureReported = false
    /// The newest events, oldest first once `recentStart` wraps.
    private var recent: [TraceEvent] = []
    private var recentStart = 0
    static let recentCapacity = 4_000

    var writesFile: Bool { fd >= 0 }

    /// Traces to `path`, or only in memory when nil.
    init(path: String?, node: NodeID) throws(NodeStartError) {
        guard let path else {
            fd = -1
            recorder = TraceRecorder(node: node)
            return
        }
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw NodeStartError("cannot open the trace file \(path): \(String(cString: strerror(errno)))", exitCode: 2)
        }
        recorder = TraceRecorder(node: node, resuming: Self.lastClock(fd: fd, node: node))
    }

    deinit {
        flush()
        if fd >= 0 { close(fd) }
    }

    /// Events of the last `ms` milliseconds (wall clock), oldest first.
    func recentEvents(lastMs ms: UInt64) -> [TraceEvent] {
        let since = SystemClock.wallMs() &- ms
        let ordered = recent[recentStart...] + recent[..<recentStart]
        return ordered.filter { $0.wallMs >= since }
    }

    /// The clock of the node's last event in the file's final megabyte.
    private static func lastClock(fd: CInt, node: NodeID) -> VectorClock {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return VectorClock() }
        let want = Int(min(size, 1 << 20))
        var tail = [UInt8](repeating: 0, count: want)
        let got = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, size - off_t(want)) }
        guard got > 0 else { return VectorClock() }
        let lines = String(decoding: tail[0..<got], as: UTF8.self).split(separator: "\n")
        for line in lines.reversed() {
            if let e = try? TraceLine.decode(String(line)), e.node == node { return e.clock }
        }
        return VectorClock()
    }

    /// Records the send of `envelope` and returns the stamp to send before it.
    func sent(_ envelope: Envelope) -> [(node: NodeID, count: UInt64)] {
        let (event, stamp) = recorder.send(envelope.message, to: envelope.to, wallMs: SystemClock.wallMs(), monoMs: SystemClock.monotonicMs())
        write(event)
        return stamp.sorted
    }

    func received(_ message: Message, from peer: NodeID, stamp: [NodeID: UInt64]?) {
        // A hostile stamp could hold a zero; VectorClock counts only events.
        let clock = stamp.map { VectorClock($0.filter { $0.value > 0 }) }
        write(recorder.receive(message, from: peer, stamp: clock, wallMs: SystemClock.wallMs(), monoMs: SystemClock.monotonicMs()))
    }

    func local(_ summary: EventSummary?) {
        guard let summary else { return }
        write(recorder.local(summary, wallMs: SystemClock.wallMs(), monoMs: SystemClock.monotonicMs()))
    }

    private func write(_ event: TraceEvent) {
        if recent.count < Self.recentCapacity {
            recent.append(event)
        } else {
            recent[recentStart] = event
            recentStart = (recentStart + 1) % Self.recentCapacity
        }
        guard fd >= 0 else { return }
        buffer.append(contentsOf: TraceLine.encode(event).utf8)
        buffer.append(10)
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes what the turn traced; a failing disk stops writing the trace, never the node.
    func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !buffer.isEmpty, failed == nil else { return }
        do throws(IOError) {
            try buffer.withBytes { (bytes) throws(IOError) in try Posix.writeAll(fd, bytes) }
        } catch {
            failed = error
        }
    }

    /// The error that stopped the trace file, once.
    func takeFailure() -> IOError? {
        guard let failed, !failureReported else { return nil }
        failureReported = true
        return failed
    }
}
