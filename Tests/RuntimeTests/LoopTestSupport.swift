/// Runs `loop` until something calls `stop()`, failing the test (and
/// stopping) if that takes longer than `timeoutMs`.
import Glibc
import Posix
import Testing
@testable import Runtime

func runLoop(_ loop: EventLoop, timeoutMs: UInt64 = 5_000, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var timedOut = false
    let guardTimer = loop.schedule(afterMs: timeoutMs) {
        timedOut = true
        loop.stop()
    }
    try loop.run()
    loop.cancel(guardTimer)
    #expect(!timedOut, "the event loop timed out", sourceLocation: sourceLocation)
}

/// Accepts every connection on `listener` into a `Connection` that `configure` sets up.
func acceptAll(_ listener: CInt, loop: EventLoop, flushQueue: FlushQueue, highWaterBytes: Int = 4 << 20,
               configure: @escaping (Connection) -> Void) throws {
    try loop.register(listener, interest: .readable) { _ in
        while case .processed(let (fd, peer))? = try? Posix.accept(listener) {
            let connection = Connection(fd: fd, peer: peer, loop: loop, flushQueue: flushQueue,
                                        outputHighWaterBytes: highWaterBytes)
            configure(connection)
            try? connection.start()
        }
    }
}
