import Glibc
import Posix

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
    /// Completion is reported by POLLOUT; then call `connectError`.
    case inProgress(CInt)
    case failed
}

/// The proxy's view of the Posix socket calls: all on 127.0.0.1 and
/// non-blocking, and any error ends only the connection it concerns.
enum ProxySocket {
    /// A listener on 127.0.0.1 on an ephemeral port; returns it and the port.
    static func makeListener() throws(ProxyError) -> (fd: CInt, port: UInt16) {
        do throws(IOError) {
            let (fd, address) = try Posix.makeLoopbackListener()
            return (fd, address.port)
        } catch {
            throw .system(error)
        }
    }

    /// One pending connection, or nil when there is none (or it failed:
    /// an aborted connection concerns only itself).
    static func accept(_ listener: CInt) -> CInt? {
        guard case .processed(let accepted)? = try? Posix.accept(listener) else { return nil }
        try? Posix.setNoDelay(accepted.fd)
        return accepted.fd
    }

    /// Starts a non-blocking connect to 127.0.0.1:`port`.
    static func startConnect(port: UInt16) -> ConnectStart {
        guard let started = try? Posix.connect(to: SocketAddress(numericHost: "127.0.0.1", port: port)!) else {
            return .failed
        }
        return started.status == .connected ? .connected(started.fd) : .inProgress(started.fd)
    }

    /// Whether a finished non-blocking connect failed.
    static func connectFailed(_ fd: CInt) -> Bool {
        (try? Posix.finishConnect(fd)) == nil
    }

    static func receive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> TransferOutcome {
        switch try? Posix.read(fd, into: buffer) {
        case .processed(let n)?: return n > 0 ? .transferred(n) : .closed
        case .wouldBlock?: return .wouldBlock
        case nil: return .closed
        }
    }

    static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> TransferOutcome {
        switch try? Posix.send(fd, bytes) {
        case .processed(let n)?: return .transferred(n)
        case .wouldBlock?: return .wouldBlock
        case nil: return .closed
        }
    }

    /// A connected pair that wakes the poll thread: write a byte to `write`.
    static func makeWakePipe() throws(ProxyError) -> (read: CInt, write: CInt) {
        do throws(IOError) {
            let (read, write) = try Posix.makeSocketPair()
            return (read, write)
        } catch {
            throw .system(error)
        }
    }
}
