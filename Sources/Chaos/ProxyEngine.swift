/// The hub's state and its poll loop. The poll thread and the API threads
/// share everything here under `mutex`; only the poll() call itself runs
/// without it, on a private copy of the fd set.
import Glibc
import Posix

final class ProxyEngine: @unchecked Sendable {
    /// Who owns an entry of the poll set, so a result is matched to an
    /// object rather than to an fd number that may have been closed and reused.
    private enum PollOwner {
        case wake
        case listener(ProxyLink)
        case connection(ProxyConnection, ProxyConnection.Side)
    }

    private let mutex = Monitor()
    private var links: [LinkID: ProxyLink] = [:]
    private var stopping = false
    private var closed = false
    private let wakePipe: (read: CInt, write: CInt)
    /// Receive buffer; used only under the mutex.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)

    init() throws(ProxyError) {
        wakePipe = try ProxySocket.makeWakePipe()
    }

    deinit {
        scratch.deallocate()
    }

    // MARK: API side

    func addLink(_ id: LinkID, targetPort: UInt16) throws(ProxyError) -> UInt16 {
        try mutex.withLock { () throws(ProxyError) -> UInt16 in
            guard !stopping else { throw .stopped }
            guard links[id] == nil else { throw .duplicateLink(id) }
            let link = try ProxyLink(id: id, targetPort: targetPort)
            links[id] = link
            wakeLocked()  // the poll thread must start watching the new listener
            return link.listenPort
        }
    }

    func setCut(_ id: LinkID, _ cut: Bool) {
        mutex.withLock {
            guard let link = links[id] else { preconditionFailure("setCut on link \(id), which was never added") }
            link.isCut = cut
            if cut {
                // Closed here, under the mutex, so the cut holds when setCut returns.
                link.stats.closedByCut += link.closeAllConnections()
                wakeLocked()  // drop the closed fds from the poll set
            }
        }
    }

    func isCut(_ id: LinkID) -> Bool {
        mutex.withLock { links[id]?.isCut ?? false }
    }

    func stats(_ id: LinkID) -> LinkStats {
        mutex.withLock { links[id]?.currentStats() ?? LinkStats() }
    }

    /// True only for the first caller, which must then join the poll thread and call `closeAll`.
    func requestStop() -> Bool {
        mutex.withLock {
            guard !stopping else { return false }
            stopping = true
            wakeLocked()
            return true
        }
    }

    /// After the poll thread ended: closes every socket and the wake pipe.
    func closeAll() {
        mutex.withLock {
            guard !closed else { return }
            closed = true
            for link in links.values { link.closeAll() }
            try? Posix.close(wakePipe.read)
            try? Posix.close(wakePipe.write)
        }
    }

    // MARK: poll thread

    func run() {
        var pollSet: [pollfd] = []
        var owners: [PollOwner] = []
        while true {
            let keepGoing = mutex.withLock { () -> Bool in
                guard !stopping else { return false }
                buildPollSet(&pollSet, &owners)
                return true
            }
            guard keepGoing else { return }
            let ready = poll(&pollSet, nfds_t(pollSet.count), -1)
            if ready < 0 {
                let code = errno
                precondition(code == EINTR, "poll failed: \(String(cString: strerror(code)))")
                continue
            }
            mutex.withLock { dispatch(pollSet, owners) }
        }
    }

    private func buildPollSet(_ pollSet: inout [pollfd], _ owners: inout [PollOwner]) {
        pollSet.removeAll(keepingCapacity: true)
        owners.removeAll(keepingCapacity: true)
        pollSet.append(pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0))
        owners.append(.wake)
        for link in links.values {
            pollSet.append(pollfd(fd: link.listenerFD, events: Int16(POLLIN), revents: 0))
            owners.append(.listener(link))
            for connection in link.connections.values {
                for side in [ProxyConnection.Side.client, .target] {
                    // Events 0 still reports errors and hangups.
                    pollSet.append(pollfd(fd: connection.fd(side), events: connection.wantedEvents(side), revents: 0))
                    owners.append(.connection(connection, side))
                }
            }
        }
    }

    private func dispatch(_ pollSet: [pollfd], _ owners: [PollOwner]) {
        for (entry, owner) in zip(pollSet, owners) where entry.revents != 0 {
            switch owner {
            case .wake:
                drainWakePipe()
            case .listener(let link):
                link.acceptPending()
            case .connection(let connection, let side):
                // Skips a connection a cut closed while poll() ran.
                guard !connection.isClosed, let link = links[connection.link] else { continue }
                let progress = connection.handle(side, revents: entry.revents, scratch: scratch)
                link.record(progress, of: connection)
            }
        }
    }

    private func wakeLocked() {
        guard !closed else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)  // EAGAIN: a wake-up is pending already
    }

    private func drainWakePipe() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakePipe.read, &bytes, bytes.count) > 0 {}
    }
}
