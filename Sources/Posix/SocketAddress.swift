import Glibc

/// An IPv4 or IPv6 socket address, ready for bind/connect.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    /// Host bytes in network order (4 or 16) and the port.
    public let family: Family
    public let hostBytes: [UInt8]
    public let port: UInt16

    /// A numeric address (`127.0.0.1`, `::1`); nil if `host` is not one.
    public init?(numericHost host: String, port: UInt16) {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            self.family = .ipv4
            self.hostBytes = withUnsafeBytes(of: &v4) { Array($0) }
            self.port = port
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            self.family = .ipv6
            self.hostBytes = withUnsafeBytes(of: &v6) { Array($0) }
            self.port = port
            return
        }
        return nil
    }

    /// Resolves a config address: numeric hosts directly, names with
    /// getaddrinfo (blocking; meant for startup and kvctl).
    public init(resolvingHost host: String, port: UInt16) throws(IOError) {
        if let numeric = SocketAddress(numericHost: host, port: port) {
            self = numeric
            return
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0, let first = list else {
            let reason = rc == 0 ? "no addresses" : String(cString: gai_strerror(rc))
            throw IOError(errnoCode: ENOENT, reason: "resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let e = entry {
            if let addr = e.pointee.ai_addr, let found = SocketAddress(sockaddr: addr, port: port) {
                self = found
                return
            }
            entry = e.pointee.ai_next
        }
        throw IOError(errnoCode: ENOENT, reason: "resolve \(host): no IPv4 or IPv6 address")
    }

    /// From a kernel-filled sockaddr; `port` overrides the one inside when given.
    init?(sockaddr pointer: UnsafePointer<sockaddr>, port: UInt16? = nil) {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let sin = UnsafeRawPointer(pointer).load(as: sockaddr_in.self)
            var a = sin.sin_addr
            family = .ipv4
            hostBytes = withUnsafeBytes(of: &a) { Array($0) }
            self.port = port ?? UInt16(bigEndian: sin.sin_port)
        case AF_INET6:
            let sin6 = UnsafeRawPointer(pointer).load(as: sockaddr_in6.self)
            var a = sin6.sin6_addr
            family = .ipv6
            hostBytes = withUnsafeBytes(of: &a) { Array($0) }
            self.port = port ?? UInt16(bigEndian: sin6.sin6_port)
        default:
            return nil
        }
    }

    var addressFamily: CInt { family == .ipv4 ? AF_INET : AF_INET6 }

    /// Calls `body` with a sockaddr pointer and length for bind/connect.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(IOError) -> R) throws(IOError) -> R {
        var storage = sockaddr_storage()
        let length: socklen_t
        switch family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: hostBytes) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin, as: sockaddr_in.self) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: hostBytes) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin6, as: sockaddr_in6.self) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        return try withUnsafePointer(to: &storage) { (p) throws(IOError) -> R in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(IOError) -> R in try body(sa, length) }
        }
    }

    /// The numeric host: `127.0.0.1`, `::1`.
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        hostBytes.withUnsafeBytes { raw in
            _ = inet_ntop(addressFamily, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)" }
}
