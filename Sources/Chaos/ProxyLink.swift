/// One link's listener, cut switch, counters and open connections.
/// Touched only under the hub's mutex.
import Glibc
import Posix

final class ProxyLink {
    let id: LinkID
    let targetPort: UInt16
    let listenerFD: CInt
    let listenPort: UInt16
    var isCut = false
    var stats = LinkStats()
    var connections: [ObjectIdentifier: ProxyConnection] = [:]

    init(id: LinkID, targetPort: UInt16) throws(ProxyError) {
        self.id = id
        self.targetPort = targetPort
        (listenerFD, listenPort) = try ProxySocket.makeListener()
    }

    /// Takes every connection waiting on the listener: closes it at once
    /// while cut, otherwise starts forwarding it to the target.
    func acceptPending() {
        // Bounded so a flood of connects cannot hold the mutex for long.
        for _ in 0..<64 {
            guard let clientFD = ProxySocket.accept(listenerFD) else { return }
            if isCut {
                stats.refused += 1
                Posix.shutdownAndClose(clientFD)
                continue
            }
            stats.accepted += 1
            switch ProxySocket.startConnect(port: targetPort) {
            case .failed:
                stats.connectFailed += 1
                Posix.shutdownAndClose(clientFD)
            case .connected(let targetFD):
                add(ProxyConnection(link: id, clientFD: clientFD, targetFD: targetFD, connecting: false))
            case .inProgress(let targetFD):
                add(ProxyConnection(link: id, clientFD: clientFD, targetFD: targetFD, connecting: true))
            }
        }
    }

    /// Closes every open connection (a cut); returns how many there were.
    func closeAllConnections() -> Int {
        let count = connections.count
        for connection in connections.values { connection.close() }
        connections.removeAll()
        return count
    }

    /// Counts a poll round's progress and forgets the connection once closed.
    func record(_ progress: ProxyConnection.Progress, of connection: ProxyConnection) {
        stats.bytesForwarded += progress.bytesSent
        if progress.connectFailed { stats.connectFailed += 1 }
        if connection.isClosed { connections[ObjectIdentifier(connection)] = nil }
    }

    func currentStats() -> LinkStats {
        var snapshot = stats
        snapshot.open = connections.count
        return snapshot
    }

    /// Closes the listener and every connection (the hub is stopping).
    func closeAll() {
        _ = closeAllConnections()
        try? Posix.close(listenerFD)
    }

    private func add(_ connection: ProxyConnection) {
        connections[ObjectIdentifier(connection)] = connection
    }
}
