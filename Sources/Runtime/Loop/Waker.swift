import Glibc
import Posix

/// The loop's wake-up eventfd. A class so the fd stays open while any
/// `Waker` still refers to it, even after the loop is gone.
final class WakeupFD: Sendable {
    let fd: CInt

    init() throws(IOError) {
        fd = try Posix.makeEventFD()
    }

    deinit {
        try? Posix.close(fd)
    }
}

/// Wakes an `EventLoop` from any thread: the loop then runs its `onWake`
/// hook (and `beforeSleep`) on its own thread. Sendable: it holds only an
/// immutable fd, and eventfd writes are atomic.
public struct Waker: Sendable {
    let wakeup: WakeupFD

    public func wake() {
        // EAGAIN means the counter is full, which already guarantees a wake-up.
        try? Posix.signalEventFD(wakeup.fd)
    }
}
