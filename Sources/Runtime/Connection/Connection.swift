import Glibc
import Posix

/// One non-blocking TCP connection driven by an `EventLoop`: reads into
/// `input` and calls `onInput`; `send` queues bytes in `output`, which is
/// written by `flush()` (called from `beforeSleep` through a `FlushQueue`,
/// as redis writes replies before it sleeps) and, when the socket is full,
/// on writable. While `output` is above its high-water mark the connection
/// stops reading, so a client that does not read its replies cannot make
/// the node buffer without bound.
///
/// Confined to the loop thread. The loop's handler table holds the
/// connection until `close`, which unregisters it and breaks that cycle.
public final class Connection {
    public enum State: Sendable, Equatable {
        /// A non-blocking connect is under way; `onConnect` comes next.
        case connecting
        case open
        case closed
    }

    public let fd: CInt
    public let peer: SocketAddress?
    public var input = InputBuffer()
    public private(set) var output: OutputBuffer
    public private(set) var state: State
    /// A connection whose unread input reaches this is closed: its owner
    /// is not consuming (the protocol parser enforces the real limits).
    public let maxInputBytes: Int

    /// After an outgoing connect succeeded.
    public var onConnect: ((Connection) -> Void)?
    /// After new bytes landed in `input`.
    public var onInput: ((Connection) -> Void)?
    /// Once, after the fd was closed: nil for end of file or a local `close()`.
    public var onClose: ((Connection, IOError?) -> Void)?

    private unowned let loop: EventLoop
    private let flushQueue: FlushQueue?
    /// Flushed before the others in each turn (peer links).
    private let flushesFirst: Bool
    /// Set by `pauseReading()`; backpressure from `output` pauses reading too.
    private var isReadingPausedByOwner = false
    /// Set when `output` reaches its high-water mark, cleared below its
    /// low-water mark: the gap keeps reading from flapping.
    private var isBackpressured = false
    private var isFlushScheduled = false

    /// Wraps a connected (or connecting) non-blocking fd; it takes ownership
    /// and closes it in `close()`. Call `start()` to begin.
    public init(fd: CInt, peer: SocketAddress?, loop: EventLoop, flushQueue: FlushQueue? = nil, flushesFirst: Bool = false,
                isConnecting: Bool = false, outputHighWaterBytes: Int = 4 << 20, maxInputBytes: Int = 64 << 20) {
        precondition(fd >= 0)
        self.fd = fd
        self.peer = peer
        self.loop = loop
        self.flushQueue = flushQueue
        self.flushesFirst = flushesFirst
        self.state = isConnecting ? .connecting : .open
        self.output = OutputBuffer(highWaterBytes: outputHighWaterBytes)
        self.maxInputBytes = maxInputBytes
    }

    deinit {
        assert(state == .closed, "a Connection must be closed before it is released")
    }

    /// Registers with the loop: for writable while connecting, else readable.
    public func start() throws(IOError) {
        precondition(state != .closed)
        // A strong capture on purpose: the loop owns an open connection; `close()` unregisters and so releases it.
        try loop.register(fd, interest: wantedInterest()) { events in self.handle(events) }
    }

    /// Queues `bytes`; they go out at the next flush.
    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { send($0) }
    }

    public func send(_ bytes: UnsafeRawBufferPointer) {
        guard state != .closed else { return }
        output.append(bytes)
        if !isBackpressured && output.isAboveHighWater {
            isBackpressured = true
            updateInterest()
        }
        if let flushQueue, !isFlushScheduled, state == .open {
            isFlushScheduled = true
            flushQueue.schedule(self, first: flushesFirst)
        }
    }

    /// Writes what the socket takes now; waits for writable for the rest.
    public func flush() {
        isFlushScheduled = false
        guard state == .open, !output.isEmpty else { return }
        do throws(IOError) {
            _ = try output.flush(to: fd)
        } catch {
            close(error: error)
            return
        }
        if isBackpressured && output.isBelowLowWater { isBackpressured = false }
        updateInterest()
    }

    /// Stops reading until `resumeReading()` (for example while a client's
    /// earlier commands wait for consensus).
    public func pauseReading() {
        isReadingPausedByOwner = true
        updateInterest()
    }

    public func resumeReading() {
        isReadingPausedByOwner = false
        updateInterest()
    }

    /// Unregisters and closes the fd, then calls `onClose` once. Unwritten
    /// output is dropped.
    public func close(error: IOError? = nil) {
        guard state != .closed else { return }
        state = .closed
        if loop.interest(of: fd) != nil { try? loop.unregister(fd) }
        try? Posix.close(fd)
        let onClose = self.onClose
        // Drop the callbacks: they usually capture the owner, which holds us.
        self.onClose = nil
        onInput = nil
        onConnect = nil
        onClose?(self, error)
    }

    private func handle(_ events: IOEvents) {
        switch state {
        case .connecting:
            guard events.contains(.writable) else { return }
            finishConnecting()
        case .open:
            if events.contains(.readable), isReading { readAvailable() }
            if state == .open, events.contains(.writable) { flush() }
        case .closed:
            return
        }
    }

    private func finishConnecting() {
        do throws(IOError) {
            try Posix.finishConnect(fd)
        } catch {
            close(error: error)
            return
        }
        state = .open
        updateInterest()
        onConnect?(self)
        if state == .open, !output.isEmpty { flush() }
    }

    /// Reads until the socket is empty (a short read, or EAGAIN), bounded
    /// per event so one busy connection cannot starve the others.
    private func readAvailable() {
        var budget = 16
        var sawEOF = false
        var gotBytes = false
        while budget > 0 && input.readableBytes < maxInputBytes {
            budget -= 1
            let result: IOResult<Int>
            do throws(IOError) {
                result = try input.read(from: fd)
            } catch {
                close(error: error)
                return
            }
            guard case .processed(let n) = result else { break }
            if n == 0 {
                sawEOF = true
                break
            }
            gotBytes = true
            // A short read emptied the socket: another read would only say
            // EAGAIN (epoll is level-triggered, so later bytes still wake us).
            if n < input.lastReadRoom { break }
        }
        if gotBytes { onInput?(self) }
        if sawEOF {
            close()
        } else if state == .open && input.readableBytes >= maxInputBytes {
            close(error: IOError(errnoCode: ENOBUFS, reason: "input buffer over \(maxInputBytes) bytes"))
        }
    }

    public var isReading: Bool { !isReadingPausedByOwner && !isBackpressured }

    private func wantedInterest() -> IOEvents {
        switch state {
        case .connecting: return .writable
        case .closed: return []
        case .open:
            var interest: IOEvents = []
            if isReading { interest.insert(.readable) }
            if !output.isEmpty { interest.insert(.writable) }
            return interest
        }
    }

    private func updateInterest() {
        guard state == .open, loop.interest(of: fd) != nil else { return }
        do throws(IOError) {
            try loop.setInterest(fd, wantedInterest())
        } catch {
            close(error: error)
        }
    }
}
