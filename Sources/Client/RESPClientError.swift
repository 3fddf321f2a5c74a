import Posix

/// Why a `RESPClient` call failed. For a write, everything but
/// `.connectFailed` leaves the outcome unknown: the command may have been
/// applied.
public enum RESPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing was sent: the server is down or unreachable.
    case connectFailed(String, IOError)
    /// No reply within the timeout.
    case timedOut(String)
    /// The server closed the connection before replying.
    case closed(String)
    /// The server sent something that is not RESP.
    case protocolError(String, String)
    /// A read or write failed.
    case io(String, IOError)

    public var description: String {
        switch self {
        case .connectFailed(let address, let error): "\(address): connect failed: \(error)"
        case .timedOut(let address): "\(address): timed out waiting for a reply"
        case .closed(let address): "\(address): connection closed by the server"
        case .protocolError(let address, let why): "\(address): \(why)"
        case .io(let address, let error): "\(address): \(error)"
        }
    }
}
