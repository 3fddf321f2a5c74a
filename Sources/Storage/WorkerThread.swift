import Posix

/// A background thread of the storage layer (the segment preparer, the
/// snapshot writer): started on first use, told to stop through a flag its
/// loop reads, then joined. The owner keeps its own state under `monitor`
/// too, so one lock covers the work and the stop.
final class WorkerThread: @unchecked Sendable {
    let monitor = Monitor()
    /// Guarded by `monitor`: the loop ends its work once it is set.
    private(set) var isStopping = false
    private var thread: PosixThread?

    /// Starts the thread unless it runs; call with `monitor` held.
    func startIfNeeded(_ body: @escaping @Sendable () -> Void) {
        if thread == nil { thread = PosixThread(body) }
    }

    /// Sets the flag, wakes the loop and waits for it to return.
    func stop() {
        let running: PosixThread? = monitor.withLock {
            isStopping = true
            monitor.broadcast()
            defer { thread = nil }
            return thread
        }
        running?.join()
    }
}
