import Glibc

/// Whether a non-blocking connect finished at once or completes later
/// (wait for writable, then call `finishConnect`).
public enum ConnectStatus: Sendable, Equatable {
    case connected
    case inProgress
}

extension Posix {
    /// A non-blocking, close-on-exec TCP listener with SO_REUSEADDR. Port 0
    /// picks a free port: read it back with `localAddress`.
    public static func makeListener(_ address: SocketAddress, backlog: CInt = 511) throws(IOError) -> CInt {
        let fd = try makeSocket(address)
        do throws(IOError) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            _ = try address.withSockAddr { (sa, len) throws(IOError) in
                try syscallValue("bind \(address)") { bind(fd, sa, len) }
            }
            _ = try syscallValue("listen \(address)") { listen(fd, backlog) }
        } catch {
            try? close(fd)
            throw error
        }
        return fd
    }

    /// A listener on 127.0.0.1 with a kernel-chosen port (tests, the chaos proxy).
    public static func makeLoopbackListener() throws(IOError) -> (fd: CInt, address: SocketAddress) {
        let fd = try makeListener(SocketAddress(numericHost: "127.0.0.1", port: 0)!)
        do throws(IOError) {
            return (fd, try localAddress(fd))
        } catch {
            try? close(fd)
            throw error
        }
    }

    /// Accepts one connection as a non-blocking, close-on-exec fd. Errors
    /// that concern only that connection (ECONNABORTED, EPROTO) read as
    /// `.wouldBlock`, like having none; EMFILE/ENFILE are thrown.
    /// (`accept` + `fcntl`: Glibc's module does not export `accept4`.)
    public static func accept(_ listener: CInt) throws(IOError) -> IOResult<(fd: CInt, peer: SocketAddress?)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result: IOResult<CInt>
        do throws(IOError) {
            result = try withUnsafeMutablePointer(to: &storage) { (p) throws(IOError) -> IOResult<CInt> in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(IOError) -> IOResult<CInt> in
                    try syscall(blocking: false, "accept") { Glibc.accept(listener, sa, &length) }
                }
            }
        } catch where error.errnoCode == ECONNABORTED || error.errnoCode == EPROTO {
            return .wouldBlock
        }
        guard case .processed(let fd) = result else { return .wouldBlock }
        do throws(IOError) {
            try setNonBlocking(fd)
            try setCloseOnExec(fd)
        } catch {
            try? close(fd)
            throw error
        }
        let peer = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
        }
        return .processed((fd, peer))
    }

    /// Starts a non-blocking connect. With `.inProgress`, wait for the fd
    /// to become writable and call `finishConnect`.
    public static func connect(to address: SocketAddress) throws(IOError) -> (fd: CInt, status: ConnectStatus) {
        let fd = try makeSocket(address)
        do throws(IOError) {
            try setNoDelay(fd)
            let rc = try address.withSockAddr { (sa, len) in Glibc.connect(fd, sa, len) }
            if rc == 0 { return (fd, .connected) }
            let code = errno
            if code == EINPROGRESS || code == EINTR { return (fd, .inProgress) }  // EINTR: it goes on in the background
            throw IOError(errnoCode: code, reason: "connect \(address)")
        } catch {
            try? close(fd)
            throw error
        }
    }

    /// After a non-blocking connect reported writable: throws the connect error, if any.
    public static func finishConnect(_ fd: CInt) throws(IOError) {
        var code: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = try syscallValue("getsockopt(SO_ERROR)") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        if code != 0 { throw IOError(errnoCode: code, reason: "connect") }
    }

    /// Sends some prefix of `bytes` on a socket. MSG_NOSIGNAL: a peer that
    /// went away gives EPIPE instead of killing the process with SIGPIPE.
    public static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) throws(IOError) -> IOResult<Int> {
        try syscall(blocking: false, "send") { Glibc.send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL)) }
    }

    /// Shuts both directions down, then closes: the FIN goes out now even
    /// if another thread still holds the fd in a poll() that has not woken.
    public static func shutdownAndClose(_ fd: CInt) {
        _ = Glibc.shutdown(fd, CInt(SHUT_RDWR))
        try? close(fd)
    }

    /// Sends small writes at once (no Nagle delay): replies and Paxos messages are latency-bound.
    public static func setNoDelay(_ fd: CInt) throws(IOError) {
        try setOption(fd, CInt(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)")
    }

    /// The address a socket is bound to (the real port after binding port 0).
    public static func localAddress(_ fd: CInt) throws(IOError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { (p) throws(IOError) -> CInt in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(IOError) -> CInt in
                try syscallValue("getsockname") { getsockname(fd, sa, &length) }
            }
        }
        let address = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
        }
        guard let address else { throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname") }
        return address
    }

    static func makeSocket(_ address: SocketAddress) throws(IOError) -> CInt {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return try syscallValue("socket") { socket(address.addressFamily, type, 0) }
    }

    static func setOption(_ fd: CInt, _ level: CInt, _ name: CInt, _ value: CInt, _ reason: String) throws(IOError) {
        var v = value
        _ = try syscallValue(reason) { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<CInt>.size)) }
    }
}
