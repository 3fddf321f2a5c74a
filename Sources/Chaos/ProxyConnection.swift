/// One forwarded TCP connection: the socket the dialing node connected to
/// the hub (client) and the hub's own socket to the target node, each with
/// the bytes waiting to be sent to it. Touched only under the hub's mutex.
import Glibc
import Posix

final class ProxyConnection {
    enum Side { case client, target }

    /// Stop reading a side while the other side has this much unsent: the
    /// slow reader pushes back on the fast writer instead of growing memory.
    static let pendingLimit = 4 << 20
    /// Receives per ready socket per poll round, so one busy pair cannot hold the mutex long.
    static let receivesPerRound = 16

    let link: LinkID
    private let clientFD: CInt
    private let targetFD: CInt
    /// The connect to the target has not completed yet.
    private(set) var connecting: Bool
    private(set) var isClosed = false
    private var toClient = InputBuffer()
    private var toTarget = InputBuffer()

    init(link: LinkID, clientFD: CInt, targetFD: CInt, connecting: Bool) {
        self.link = link
        self.clientFD = clientFD
        self.targetFD = targetFD
        self.connecting = connecting
    }

    func fd(_ side: Side) -> CInt { side == .client ? clientFD : targetFD }

    /// The poll events this side waits for now.
    func wantedEvents(_ side: Side) -> Int16 {
        if side == .target && connecting { return Int16(POLLOUT) }
        var events: Int16 = 0
        if pendingCount(toward: other(side)) < Self.pendingLimit { events |= Int16(POLLIN) }
        if pendingCount(toward: side) > 0 { events |= Int16(POLLOUT) }
        return events
    }

    /// What one call to `handle` did, for the link's counters.
    struct Progress {
        var bytesSent: UInt64 = 0
        var connectFailed = false
    }

    /// Acts on the poll result for one side. Any EOF or error closes the pair.
    func handle(_ side: Side, revents: Int16, scratch: UnsafeMutableRawBufferPointer) -> Progress {
        var progress = Progress()
        guard !isClosed, revents != 0 else { return progress }
        if revents & Int16(POLLNVAL) != 0 {
            close()
            return progress
        }
        if side == .target && connecting {
            if ProxySocket.connectFailed(targetFD) {
                progress.connectFailed = true
                close()
                return progress
            }
            connecting = false
            progress.bytesSent += flush(toward: .target)  // what the client sent meanwhile
            return progress
        }
        if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            progress.bytesSent += receive(from: side, scratch: scratch)
            if isClosed { return progress }
            if revents & Int16(POLLHUP | POLLERR) != 0 && revents & Int16(POLLIN) == 0 {
                // Hung up with nothing left to read (or reading is paused by backpressure).
                close()
                return progress
            }
        }
        if revents & Int16(POLLOUT) != 0 {
            progress.bytesSent += flush(toward: side)
        }
        return progress
    }

    /// Closes both sockets; the peers see EOF.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        Posix.shutdownAndClose(clientFD)
        Posix.shutdownAndClose(targetFD)
    }

    /// Reads what `side` sent and passes it on at once; returns the bytes sent on.
    private func receive(from side: Side, scratch: UnsafeMutableRawBufferPointer) -> UInt64 {
        let destination = other(side)
        var sent: UInt64 = 0
        for _ in 0..<Self.receivesPerRound {
            guard !isClosed, pendingCount(toward: destination) < Self.pendingLimit else { break }
            switch ProxySocket.receive(fd(side), into: scratch) {
            case .transferred(let n):
                withQueue(toward: destination) { $0.append(UnsafeRawBufferPointer(rebasing: scratch[..<n])) }
                sent += flush(toward: destination)
            case .wouldBlock:
                return sent
            case .closed:
                close()
                return sent
            }
        }
        return sent
    }

    /// Sends as much of the bytes queued for `side` as its socket takes.
    private func flush(toward side: Side) -> UInt64 {
        if side == .target && connecting { return 0 }
        var sent: UInt64 = 0
        let socket = fd(side)
        while !isClosed && pendingCount(toward: side) > 0 {
            let outcome = withQueue(toward: side) { queue in
                let outcome = queue.withUnsafeReadableBytes { ProxySocket.send(socket, $0) }
                if case .transferred(let n) = outcome { queue.consume(n) }
                return outcome
            }
            switch outcome {
            case .transferred(let n):
                sent += UInt64(n)
            case .wouldBlock:
                return sent
            case .closed:
                close()
            }
        }
        return sent
    }

    private func other(_ side: Side) -> Side { side == .client ? .target : .client }

    private func pendingCount(toward side: Side) -> Int { side == .client ? toClient.readableBytes : toTarget.readableBytes }

    /// The queue of bytes waiting to be sent to `side`, in place (no copy-on-write).
    private func withQueue<R>(toward side: Side, _ body: (inout InputBuffer) -> R) -> R {
        side == .client ? body(&toClient) : body(&toTarget)
    }
}
