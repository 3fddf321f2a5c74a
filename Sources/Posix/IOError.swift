import Glibc

/// A failed system call, printed as "reason: strerror (errno: N)".
public struct IOError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errnoCode: CInt
    public var reason: String

    public init(errnoCode: CInt, reason: String) {
        self.errnoCode = errnoCode
        self.reason = reason
    }

    public var description: String {
        "\(reason): \(String(cString: strerror(errnoCode))) (errno: \(errnoCode))"
    }
}

/// The outcome of a non-blocking call: it did something, or it would have blocked.
public enum IOResult<T: Sendable>: Sendable {
    case processed(T)
    case wouldBlock
}

extension IOResult: Equatable where T: Equatable {}
