/// A blocking loopback TCP socket for sending bytes no well-behaved client
/// would, and reading whatever comes back until the server hangs up.
import Glibc
import Posix

final class RawSocket {
    private let fd: CInt

    init(port: UInt16, timeoutSeconds: Int = 2) throws {
        let (fd, status) = try Posix.connect(to: SocketAddress(numericHost: "127.0.0.1", port: port)!)
        self.fd = fd
        do {
            if status == .inProgress {
                var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, CInt(timeoutSeconds * 1_000))
                try Posix.finishConnect(fd)
            }
            try Posix.setBlocking(fd)
        } catch {
            try? Posix.close(fd)
            throw HarnessError("connect 127.0.0.1:\(port): \(error)")
        }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { try? Posix.close(fd) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { try? Posix.send(fd, $0) }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Everything until the server closes the connection; `closed` is false when the timeout hit first.
    func readUntilClosed() -> (text: String, closed: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                bytes.append(contentsOf: buffer[0..<n])
                continue
            }
            // 0: orderly close; ECONNRESET: closed with unread input; EAGAIN: timed out.
            let closed = n == 0 || errno == ECONNRESET
            return (String(decoding: bytes, as: UTF8.self), closed)
        }
    }
}
