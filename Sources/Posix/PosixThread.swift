import Glibc

/// A joinable pthread running `body` once (the WAL's sync thread, bench and
/// chaos clients, the proxy's poll loop: each blocks in syscalls, so each
/// gets a real thread).
public struct PosixThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let id: pthread_t

    public init(_ body: @escaping @Sendable () -> Void) {
        var id = pthread_t()
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(&id, nil, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        self.id = id
    }

    public func join() {
        let rc = pthread_join(id, nil)
        precondition(rc == 0, "pthread_join failed: \(rc)")
    }
}
