import Glibc

/// Runs one system call the way every wrapper here does: retries `EINTR`;
/// with `blocking: false` maps `EAGAIN` to `.wouldBlock`; treats `EBADF` and
/// `EFAULT` as our own bug (a closed fd or a bad pointer), and throws
/// `IOError` for everything else.
@inline(__always)
public func syscall<T: FixedWidthInteger & Sendable>(
    blocking: Bool, _ reason: @autoclosure () -> String, _ body: () -> T
) throws(IOError) -> IOResult<T> {
    while true {
        let result = body()
        if result != -1 { return .processed(result) }
        let code = errno
        switch code {
        case EINTR:
            continue
        case EAGAIN where !blocking:  // EWOULDBLOCK == EAGAIN on Linux
            return .wouldBlock
        case EBADF, EFAULT:
            preconditionFailure("\(reason()): \(String(cString: strerror(code))) (errno: \(code)): a bug in the caller")
        default:
            throw IOError(errnoCode: code, reason: reason())
        }
    }
}

/// A blocking call: `.wouldBlock` cannot happen, so this returns the value.
@inline(__always) @discardableResult
public func syscallValue<T: FixedWidthInteger & Sendable>(
    _ reason: @autoclosure () -> String, _ body: () -> T
) throws(IOError) -> T {
    switch try syscall(blocking: true, reason(), body) {
    case .processed(let value): return value
    case .wouldBlock: preconditionFailure("a blocking call reported EAGAIN")
    }
}
