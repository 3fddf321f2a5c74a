import Config
import Glibc
import Posix
import Wire

public typealias ReplyValue = RESPValue

/// A small blocking RESP client for kvctl and tests: one TCP connection,
/// commands as arrays of bulk strings, a timeout on connect and on each
/// reply. Not for the daemon's event loop. One thread at a time.
public final class RESPClient {
    public let address: String
    private let fd: CInt
    private var parser = RESPReplyParser()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var isClosed = false

    /// Connects to `host:port` (a numeric address or a name), waiting at
    /// most `timeoutSeconds` for the connection and later for each reply.
    public init(host: String, port: UInt16, timeoutSeconds: Double) throws(RESPClientError) {
        precondition(timeoutSeconds > 0)
        let hostPort = HostPort(host: host, port: port)
        address = hostPort.description
        do throws(IOError) {
            let socketAddress = try SocketAddress(resolvingHost: hostPort.host, port: hostPort.port)
            let (fd, status) = try Posix.connect(to: socketAddress)
            do throws(IOError) {
                if status == .inProgress { try Self.waitWritable(fd, timeoutSeconds: timeoutSeconds) }
                try Posix.finishConnect(fd)
                try Posix.setBlocking(fd)
                try Self.setTimeouts(fd, seconds: timeoutSeconds)
            } catch {
                try? Posix.close(fd)
                throw error
            }
            self.fd = fd
        } catch {
            throw .connectFailed(hostPort.description, error)
        }
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        try? Posix.close(fd)
    }

    /// Sends one command and waits for its reply. An error reply (`-ERR`)
    /// is a value, not a thrown error.
    public func call(_ arguments: [[UInt8]]) throws(RESPClientError) -> ReplyValue {
        try send(arguments)
        return try readReply()
    }

    /// `call` with string arguments (UTF-8), for tests and simple commands.
    public func call(_ arguments: String...) throws(RESPClientError) -> ReplyValue {
        try call(arguments.map { Array($0.utf8) })
    }

    /// Sends one command without waiting (pipelining: read its reply later, in order).
    public func send(_ arguments: [[UInt8]]) throws(RESPClientError) {
        precondition(!isClosed && !arguments.isEmpty)
        var out: [UInt8] = []
        out.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.count + 16 })
        let encoder = RESPEncoder()
        encoder.appendArrayHeader(count: arguments.count, to: &out)
        for argument in arguments { encoder.appendBulk(argument, to: &out) }
        do throws(IOError) {
            try out.withBytes { (bytes) throws(IOError) in try Posix.writeAll(fd, bytes) }
        } catch where error.errnoCode == EAGAIN {
            throw .timedOut(address)
        } catch {
            throw .io(address, error)
        }
    }

    /// Waits for the next reply.
    public func readReply() throws(RESPClientError) -> ReplyValue {
        precondition(!isClosed)
        while true {
            switch parser.next() {
            case .reply(let value)?: return value
            case .protocolError(let why)?: throw .protocolError(address, why)
            case nil: break
            }
            let result: IOResult<Int>
            do throws(IOError) {
                result = try Self.read(fd, into: &buffer)
            } catch {
                throw .io(address, error)
            }
            switch result {
            case .wouldBlock: throw .timedOut(address)  // SO_RCVTIMEO expired
            case .processed(0): throw .closed(address)
            case .processed(let n): buffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
    }

    private static func read(_ fd: CInt, into buffer: inout [UInt8]) throws(IOError) -> IOResult<Int> {
        // A blocking socket reports an SO_RCVTIMEO timeout as EAGAIN.
        try buffer.withMutableBytes { (bytes) throws(IOError) in try Posix.read(fd, into: bytes) }
    }

    private static func waitWritable(_ fd: CInt, timeoutSeconds: Double) throws(IOError) {
        let deadline = SystemClock.monotonicMs() + UInt64(timeoutSeconds * 1_000)
        while true {
            let now = SystemClock.monotonicMs()
            guard now < deadline else { throw IOError(errnoCode: ETIMEDOUT, reason: "connect") }
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = try syscallValue("poll") { poll(&entry, 1, CInt(clamping: deadline - now)) }
            if ready > 0 { return }
        }
    }

    private static func setTimeouts(_ fd: CInt, seconds: Double) throws(IOError) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            _ = try syscallValue("setsockopt(timeout)") {
                setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
            }
        }
    }
}
