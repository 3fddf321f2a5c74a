import Glibc

/// How one non-blocking send or receive went.
enum TransferOutcome {
    case transferred(Int)
    case wouldBlock
    /// End of file or an error: either way the pair is done.
    case closed
}

/// How starting a non-blocking connect went.
enum ConnectStart {
    case connected(CInt)
    /// Completion is reported by POLLOUT; then read SO_ERROR.
    case inProgress(CInt)
    case failed(errno: CInt)
}

/// The few socket calls the hub makes, all on 127.0.0.1 and non-blocking.
enum ProxySocket {
    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    /// A listener on 127.0.0.1 on an ephemeral port; returns it and the port.
    static func makeListener() throws(ProxyError) -> (fd: CInt, port: UInt16) {
        let fd = try makeTCPSocket()
        var one: CInt = 1
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let failedCall: String? = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                if setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) != 0 {
                    return "setsockopt(SO_REUSEADDR)"
                }
                if bind(fd, sa, length) != 0 { return "bind" }
                if listen(fd, 128) != 0 { return "listen" }
                if getsockname(fd, sa, &length) != 0 { return "getsockname" }
                return nil
            }
        }
        if let failedCall {
            let code = errno
            close(fd)
            throw .system(call: failedCall, errno: code)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    /// One pending connection as a non-blocking fd, or nil when there is none
    /// (or it failed: an aborted connection concerns only itself).
    static func accept(_ listener: CInt) -> CInt? {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        setNoDelay(fd)
        return fd
    }

    /// Starts a non-blocking connect to 127.0.0.1:`port`.
    static func startConnect(port: UInt16) -> ConnectStart {
        let fd: CInt
        do { fd = try makeTCPSocket() } catch { return .failed(errno: errnoOf(error)) }
        setNoDelay(fd)
        var address = loopback(port: port)
        let rc = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc == 0 { return .connected(fd) }
        let code = errno
        // EINTR: the connect goes on in the background, like EINPROGRESS.
        if code == EINPROGRESS || code == EINTR { return .inProgress(fd) }
        close(fd)
        return .failed(errno: code)
    }

    /// The outcome of a finished non-blocking connect: 0 or its errno.
    static func connectError(_ fd: CInt) -> CInt {
        var code: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { return errno }
        return code
    }

    static func receive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> TransferOutcome {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return .transferred(n) }
            if n == 0 { return .closed }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    /// MSG_NOSIGNAL: a peer that went away must not kill the process with SIGPIPE.
    static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> TransferOutcome {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL))
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .closed
        }
    }

    /// Shuts the socket down before closing it: the FIN goes out now even if
    /// the poll thread still holds the file in a poll() that has not woken.
    static func shutdownAndClose(_ fd: CInt) {
        shutdown(fd, CInt(SHUT_RDWR))
        close(fd)
    }

    /// A non-blocking pipe that wakes the poll thread (Glibc does not export pipe2).
    static func makeWakePipe() throws(ProxyError) -> (read: CInt, write: CInt) {
        var fds: [CInt] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .system(call: "pipe", errno: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }

    private static func makeTCPSocket() throws(ProxyError) -> CInt {
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: errno) }
        return fd
    }

    /// Small messages (Paxos traffic) go out at once, no Nagle delay.
    private static func setNoDelay(_ fd: CInt) {
        var one: CInt = 1
        _ = setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
    }

    private static func errnoOf(_ error: ProxyError) -> CInt {
        if case .system(_, let code) = error { return code }
        return EIO
    }
}
