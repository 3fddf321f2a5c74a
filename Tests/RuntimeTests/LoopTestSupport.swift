import Glibc
import Testing
@testable import Runtime

/// Runs `loop` until something calls `stop()`, failing the test (and
/// stopping) if that takes longer than `timeoutMs`.
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

/// A listener on 127.0.0.1 with a kernel-chosen port.
func makeLoopbackListener() throws -> (fd: CInt, address: SocketAddress) {
    let fd = try Posix.makeListener(SocketAddress(numericHost: "127.0.0.1", port: 0)!)
    return (fd, try Posix.localAddress(fd))
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

/// A real OS thread: blocking work (a blocking client, a delayed wake) must
/// not sit on Swift's small cooperative pool, which parallel tests that run
/// event loops already occupy.
final class TestThread: @unchecked Sendable {
    // @unchecked: `thread` is written once in init, read only by join().
    private var thread = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed")
    }

    func join() {
        pthread_join(thread, nil)
    }
}
