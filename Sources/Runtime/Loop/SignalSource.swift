import Glibc
import Posix

/// The write end of the self-pipe, read by the C signal handler. Set before
/// the handlers are installed and cleared after they are restored, so the
/// handler never sees a closed fd; at most one `SignalSource` exists at a time.
nonisolated(unsafe) private var signalPipeWriteFD: CInt = -1

/// Async-signal-safe: one write(2) of the signal number, errno preserved.
private func deliverSignal(_ signal: CInt) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalPipeWriteFD, &byte, 1)  // a full pipe already holds a wake-up
    errno = saved
}

/// Delivers SIGTERM/SIGINT (or any signals) into the event loop: a C
/// handler writes the signal number to a self-pipe whose read end the loop
/// watches, and `handler` runs on the loop thread. A self-pipe rather than
/// signalfd because signalfd needs the signals blocked in every thread,
/// which a process with helper threads (the fsync thread, test runners)
/// cannot promise. Confined to the loop thread.
public final class SignalSource {
    private let signals: [CInt]
    private let readFD: CInt
    private let writeFD: CInt
    private var previousActions: [sigaction]
    private unowned let loop: EventLoop
    private var isClosed = false

    /// Installs handlers for `signals`; `handler` gets each signal number.
    public init(signals: [CInt], loop: EventLoop, handler: @escaping (CInt) -> Void) throws(IOError) {
        precondition(signalPipeWriteFD == -1, "only one SignalSource at a time")
        precondition(!signals.isEmpty && signals.allSatisfy { $0 > 0 && $0 < 256 })
        (readFD, writeFD) = try Posix.makeSocketPair()
        self.signals = signals
        self.loop = loop
        previousActions = []
        let fd = readFD
        do throws(IOError) {
            try loop.register(fd, interest: .readable) { _ in
                var buffer = [UInt8](repeating: 0, count: 64)
                while case .processed(let n)? = try? buffer.withUnsafeMutableBytes({ try Posix.read(fd, into: $0) }), n > 0 {
                    for signal in buffer[0..<n] { handler(CInt(signal)) }
                }
            }
        } catch {
            try? Posix.close(readFD)
            try? Posix.close(writeFD)
            throw error
        }
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
        assert(isClosed, "close() a SignalSource before releasing it")
    }

    /// Restores the previous actions, then stops watching the pipe.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for (signal, var previous) in zip(signals, previousActions) {
            sigaction(signal, &previous, nil)
        }
        signalPipeWriteFD = -1
        try? loop.unregister(readFD)
        try? Posix.close(readFD)
        try? Posix.close(writeFD)
    }
}
