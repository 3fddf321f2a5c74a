import Glibc

/// A joinable pthread running `body` once (bench clients block on sockets,
/// so each gets a real thread).
struct KvctlThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let id: pthread_t

    init(_ body: @escaping @Sendable () -> Void) {
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

    func join() {
        let rc = pthread_join(id, nil)
        precondition(rc == 0, "pthread_join failed: \(rc)")
    }
}

/// Microseconds on the monotonic clock, for latencies.
func monotonicMicros() -> UInt64 {
    var ts = timespec()
    let rc = clock_gettime(CLOCK_MONOTONIC, &ts)
    precondition(rc == 0, "clock_gettime failed")
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
}
