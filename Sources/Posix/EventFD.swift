import CLinux
import Glibc

extension Posix {
    /// A non-blocking, close-on-exec eventfd counter starting at 0.
    public static func makeEventFD() throws(IOError) -> CInt {
        try syscallValue("eventfd") { eventfd(0, CInt(EFD_NONBLOCK) | CInt(EFD_CLOEXEC)) }
    }

    /// Adds 1 to the counter. Safe from any thread. A full counter (EAGAIN)
    /// already guarantees a wake-up, so it is not an error.
    public static func signalEventFD(_ fd: CInt) throws(IOError) {
        var one: UInt64 = 1
        _ = try syscall(blocking: false, "eventfd write") { Glibc.write(fd, &one, 8) }
    }

    /// Reads and resets the counter; 0 when it was not signalled.
    @discardableResult
    public static func drainEventFD(_ fd: CInt) throws(IOError) -> UInt64 {
        var value: UInt64 = 0
        switch try syscall(blocking: false, "eventfd read", { Glibc.read(fd, &value, 8) }) {
        case .processed: return value
        case .wouldBlock: return 0
        }
    }
}
