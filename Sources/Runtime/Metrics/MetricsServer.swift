import Metrics
import Posix
import Wire

/// The metrics port: a small HTTP/1.1 responder on the event loop. One
/// request per connection (the response closes it), heads of at most
/// `maxHeadBytes`, a connection that sends no complete request within
/// `requestDeadlineMs` is closed, at most `maxConnections` at once.
final class MetricsServer {
    static let maxHeadBytes = 8_192
    static let requestDeadlineMs: UInt64 = 5_000
    static let maxConnections = 64

    let listener: Listener
    private unowned let loop: EventLoop
    private let log: Log
    private let respond: (HTTPRequestHead) -> HTTPResponse
    private var connections: [ObjectIdentifier: Connection] = [:]
    /// Answered, closed once their output is written (`closeDrained`).
    private var draining: [ObjectIdentifier: Connection] = [:]

    init(listener: Listener, loop: EventLoop, log: Log, respond: @escaping (HTTPRequestHead) -> HTTPResponse) {
        self.listener = listener
        self.loop = loop
        self.log = log
        self.respond = respond
        listener.onAccept = { [unowned self] fd, peer in self.accept(fd, peer) }
    }

    func close() {
        listener.close()
        for connection in Array(connections.values) { connection.close() }
    }

    /// Closes answered connections whose response is out (from the loop's `beforeSleep`).
    func closeDrained() {
        guard !draining.isEmpty else { return }
        for connection in Array(draining.values) where connection.output.isEmpty { connection.close() }
    }

    private func accept(_ fd: CInt, _ peer: SocketAddress?) {
        guard connections.count < Self.maxConnections else {
            try? Posix.close(fd)
            log.debug("metrics connection refused: limit", ["limit": Self.maxConnections])
            return
        }
        let connection = Connection(fd: fd, peer: peer, loop: loop, flushQueue: nil, maxInputBytes: Self.maxHeadBytes * 2)
        let key = ObjectIdentifier(connection)
        connections[key] = connection
        connection.onInput = { [unowned self] connection in self.input(connection) }
        connection.onClose = { [unowned self] _, _ in
            self.connections[key] = nil
            self.draining[key] = nil
        }
        loop.schedule(afterMs: Self.requestDeadlineMs) { [weak connection] in connection?.close() }
        do throws(IOError) {
            try connection.start()
        } catch {
            connection.close(error: error)
        }
    }

    private func input(_ connection: Connection) {
        let key = ObjectIdentifier(connection)
        guard draining[key] == nil else {
            connection.input.consume(connection.input.readableBytes)
            return
        }
        switch HTTPRequestHead.parse(connection.input.readable, maxBytes: Self.maxHeadBytes) {
        case .incomplete:
            return
        case .malformed(let reason):
            finish(connection, MetricsRoutes.badRequest(reason), headOnly: false)
        case .request(let head, _):
            finish(connection, respond(head), headOnly: head.method == "HEAD")
        }
    }

    private func finish(_ connection: Connection, _ response: HTTPResponse, headOnly: Bool) {
        connection.input.consume(connection.input.readableBytes)
        connection.pauseReading()
        connection.send(response.encoded(headOnly: headOnly))
        connection.flush()
        if connection.output.isEmpty {
            connection.close()
        } else {
            draining[ObjectIdentifier(connection)] = connection
        }
    }
}
