import Glibc
import Posix

/// Delivers SIGTERM/SIGINT (or any signals) into the event loop: the loop
/// watches a `SignalPipe`, and `handler` runs on the loop thread with each
/// signal number. Confined to the loop thread.
public final class SignalSource {
    private let pipe: SignalPipe
    private unowned let loop: EventLoop
    private var isClosed = false

    /// Installs handlers for `signals`; `handler` gets each signal number.
    public init(signals: [CInt], loop: EventLoop, handler: @escaping (CInt) -> Void) throws(IOError) {
        let pipe = try SignalPipe(signals: signals)
        do throws(IOError) {
            try loop.register(pipe.readFD, interest: .readable) { _ in pipe.drain(handler) }
        } catch {
            pipe.close()
            throw error
        }
        self.pipe = pipe
        self.loop = loop
    }

    deinit {
        assert(isClosed, "close() a SignalSource before releasing it")
    }

    /// Stops watching the pipe, then restores the previous actions.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        try? loop.unregister(pipe.readFD)
        pipe.close()
    }
}
