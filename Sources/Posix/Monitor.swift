import Glibc

/// The one lock: a pthread mutex with one condition variable on the
/// monotonic clock. The WAL waits on it for durability; everything else
/// only locks (usually through `Locked`).
public final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a broadcast; call only inside `withLock`.
    public func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Waits for a broadcast or the deadline (monotonic ns); false once the
    /// deadline passed. Call only inside `withLock`.
    public func wait(untilNanoseconds deadline: UInt64) -> Bool {
        guard SystemClock.monotonicNs() < deadline else { return false }
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        pthread_cond_timedwait(condition, mutex, &ts)
        return true
    }

    public func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// A value shared between threads, reachable only under its lock.
public final class Locked<Value>: @unchecked Sendable {
    private let monitor = Monitor()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try monitor.withLock { () throws(E) -> R in try body(&value) }
    }
}
