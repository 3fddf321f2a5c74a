import Glibc

/// A failed system call, printed as "operation path: strerror (errno: N)".
public struct SystemError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let path: String
    public let code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code))) (errno: \(code))"
    }
}

/// Runs a syscall until it stops failing with EINTR; any other failure throws.
@discardableResult
func retryingInterrupts(_ operation: String, _ path: String, _ call: () -> Int) throws -> Int {
    while true {
        let result = call()
        if result >= 0 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SystemError(operation: operation, path: path, code: code)
    }
}
