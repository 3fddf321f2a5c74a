import Glibc
import Posix

/// A listening TCP socket in the event loop. Each accepted connection goes
/// to `onAccept` as a non-blocking fd (the handler owns it). When the
/// process runs out of fds the listener pauses for a moment instead of
/// spinning on a socket that stays readable.
final class Listener {
    let name: String
    let fd: CInt
    let address: SocketAddress
    var onAccept: ((CInt, SocketAddress?) -> Void)?

    private unowned let loop: EventLoop
    private let log: Log
    private var isClosed = false
    /// Accepts per readable event at most, so a flood cannot starve the loop.
    private static let acceptsPerEvent = 64
    private static let pauseAfterFDExhaustionMs: UInt64 = 100

    init(name: String, address: SocketAddress, loop: EventLoop, log: Log) throws(IOError) {
        self.name = name
        self.loop = loop
        self.log = log
        fd = try Posix.makeListener(address)
        do throws(IOError) {
            self.address = try Posix.localAddress(fd)
            try loop.register(fd, interest: .readable) { [unowned self] _ in self.acceptPending() }
        } catch {
            try? Posix.close(fd)
            throw error
        }
    }

    /// Stops accepting and closes the socket.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        onAccept = nil
        if loop.interest(of: fd) != nil { try? loop.unregister(fd) }
        try? Posix.close(fd)
    }

    private func acceptPending() {
        for _ in 0..<Self.acceptsPerEvent {
            guard !isClosed else { return }
            let result: IOResult<(fd: CInt, peer: SocketAddress?)>
            do throws(IOError) {
                result = try Posix.accept(fd)
            } catch {
                log.warn("accept failed", ["listener": name, "error": error])
                pauseAccepting()
                return
            }
            guard case .processed(let accepted) = result else { return }
            if let onAccept {
                onAccept(accepted.fd, accepted.peer)
            } else {
                try? Posix.close(accepted.fd)
            }
        }
    }

    /// EMFILE/ENFILE leave the connection queued and the socket readable.
    private func pauseAccepting() {
        try? loop.setInterest(fd, [])
        loop.schedule(afterMs: Self.pauseAfterFDExhaustionMs) { [weak self] in
            guard let self, !self.isClosed else { return }
            try? self.loop.setInterest(self.fd, .readable)
        }
    }
}
