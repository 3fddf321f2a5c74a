import Glibc

/// The write end of the self-pipe, read by the C signal handler. Set before
/// the handlers are installed and cleared after they are restored, so the
/// handler never sees a closed fd; at most one `SignalPipe` exists at a time.
nonisolated(unsafe) private var signalPipeWriteFD: CInt = -1

/// Async-signal-safe: one write(2) of the signal number, errno preserved.
private func deliverSignal(_ signal: CInt) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalPipeWriteFD, &byte, 1)  // a full pipe already holds a wake-up
    errno = saved
}

/// Signals as bytes on a self-pipe: a C handler writes each signal number to
/// it, and whoever watches `readFD` (the event loop) calls `drain`. A
/// self-pipe rather than signalfd because signalfd needs the signals blocked
/// in every thread, which a process with helper threads (the fsync thread,
/// test runners) cannot promise.
public final class SignalPipe {
    /// Readable whenever a signal arrived; non-blocking.
    public let readFD: CInt
    private let writeFD: CInt
    private let signals: [CInt]
    private var previousActions: [sigaction] = []
    private var isClosed = false

    /// Installs handlers for `signals` (1...255).
    public init(signals: [CInt]) throws(IOError) {
        precondition(signalPipeWriteFD == -1, "only one SignalPipe at a time")
        precondition(!signals.isEmpty && signals.allSatisfy { $0 > 0 && $0 < 256 })
        (readFD, writeFD) = try Posix.makeSocketPair()
        self.signals = signals
        signalPipeWriteFD = writeFD
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { deliverSignal($0) }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            var previous = sigaction()
            let rc = sigaction(signal, &action, &previous)
            precondition(rc == 0, "sigaction(\(signal)) failed")
            previousActions.append(previous)
        }
    }

    deinit {
        assert(isClosed, "close() a SignalPipe before releasing it")
    }

    /// Calls `handler` with each signal that arrived since the last drain.
    public func drain(_ handler: (CInt) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while case .processed(let n)? = try? buffer.withUnsafeMutableBytes({ try Posix.read(readFD, into: $0) }), n > 0 {
            for signal in buffer[0..<n] { handler(CInt(signal)) }
        }
    }

    /// Restores the previous actions and closes the pipe. Stop watching
    /// `readFD` first.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for (signal, var previous) in zip(signals, previousActions) {
            sigaction(signal, &previous, nil)
        }
        signalPipeWriteFD = -1
        try? Posix.close(readFD)
        try? Posix.close(writeFD)
    }
}
