import Glibc

/// Why a `ProxyHub` call failed.
public enum ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A socket call failed with this errno.
    case system(call: String, errno: CInt)
    /// `addLink` was called twice for one link.
    case duplicateLink(LinkID)
    /// The hub was stopped.
    case stopped

    public var description: String {
        switch self {
        case .system(let call, let code): return "\(call): \(String(cString: strerror(code)))"
        case .duplicateLink(let id): return "link \(id) was already added"
        case .stopped: return "the proxy hub was stopped"
        }
    }
}
