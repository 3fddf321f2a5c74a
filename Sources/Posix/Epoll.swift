import CLinux
import Glibc

/// One thin wrapper per epoll call (as swift-nio's `Linux.swift` `enum Epoll`).
public enum Epoll {
    public static let readable = EPOLLIN.rawValue
    public static let writable = EPOLLOUT.rawValue
    public static let error = EPOLLERR.rawValue
    public static let hangup = EPOLLHUP.rawValue | EPOLLRDHUP.rawValue

    public static func create() throws(IOError) -> CInt {
        try syscallValue("epoll_create1") { epoll_create1(CInt(EPOLL_CLOEXEC)) }
    }

    /// `op` is EPOLL_CTL_ADD, _MOD or _DEL; `data` comes back with each event.
    public static func control(_ epfd: CInt, _ op: CInt, fd: CInt, events: UInt32, data: UInt64) throws(IOError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try syscallValue("epoll_ctl(fd \(fd))") { epoll_ctl(epfd, op, fd, &event) }
    }

    /// Waits up to `timeoutMs` (-1: forever). An interrupted wait returns 0
    /// events, so the caller recomputes its timers instead of waiting the
    /// full timeout again.
    public static func wait(_ epfd: CInt, into events: UnsafeMutableBufferPointer<epoll_event>, timeoutMs: CInt) throws(IOError) -> Int {
        let n = epoll_wait(epfd, events.baseAddress, CInt(events.count), timeoutMs)
        if n >= 0 { return Int(n) }
        let code = errno
        if code == EINTR { return 0 }
        precondition(code != EBADF && code != EFAULT, "epoll_wait: bad fd or buffer")
        throw IOError(errnoCode: code, reason: "epoll_wait")
    }
}
