import Posix

/// Why a `ProxyHub` call failed.
public enum ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A socket call failed.
    case system(IOError)
    /// `addLink` was called twice for one link.
    case duplicateLink(LinkID)
    /// The hub was stopped.
    case stopped

    public var description: String {
        switch self {
        case .system(let error): return error.description
        case .duplicateLink(let id): return "link \(id) was already added"
        case .stopped: return "the proxy hub was stopped"
        }
    }
}
