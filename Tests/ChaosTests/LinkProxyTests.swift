/// The proxy hub forwards real TCP bytes, cuts and heals links, survives a
/// dead target, and stops cleanly. Every wait is a poll() with a deadline.
import Glibc
import Posix
import XCTest
@testable import Chaos

final class LinkProxyTests: XCTestCase {
    private let link = LinkID(1, 2)

    func testLinkIDOrdersItsEnds() {
        XCTAssertEqual(LinkID(3, 1), LinkID(1, 3))
        XCTAssertEqual(LinkID(3, 1).description, "1-3")
        XCTAssertLessThan(LinkID(1, 2), LinkID(1, 3))
        XCTAssertLessThan(LinkID(1, 3), LinkID(2, 3))
    }

    func testBytesRoundTripIncludingEightMiB() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let hub = try ProxyHub()
        defer { hub.stop() }
        let port = try hub.addLink(link, targetPort: echo.port)
        XCTAssertNotEqual(port, echo.port)

        let client = try TestSocket.connect(port: port)
        defer { close(client) }
        let hello = Array("hello through the proxy".utf8)
        XCTAssertEqual(TestSocket.roundTrip(client, hello, within: 5), hello)

        let big = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let started = SystemClock.monotonicNs()
        let echoed = TestSocket.roundTrip(client, big, within: 60)
        XCTAssertEqual(echoed?.count, big.count)
        XCTAssertTrue(echoed == big, "8 MiB came back altered")
        print("8 MiB round trip took \((SystemClock.monotonicNs() - started) / 1_000_000) ms")

        let stats = hub.stats(link)
        XCTAssertEqual(stats.accepted, 1)
        XCTAssertEqual(stats.open, 1)
        XCTAssertEqual(stats.bytesForwarded, 2 * UInt64(hello.count + big.count))
        XCTAssertEqual(echo.acceptedCount, 1)
    }

    func testCutClosesOpenConnectionsAndRefusesNewOnes() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let hub = try ProxyHub()
        defer { hub.stop() }
        let port = try hub.addLink(link, targetPort: echo.port)

        let open = try TestSocket.connect(port: port)
        defer { close(open) }
        XCTAssertEqual(TestSocket.roundTrip(open, Array("ping".utf8), within: 5), Array("ping".utf8))
        XCTAssertFalse(hub.isCut(link))

        hub.setCut(link, true)
        XCTAssertTrue(hub.isCut(link))
        // setCut already closed it: the client must see the end quickly.
        XCTAssertTrue(TestSocket.waitForClose(open, within: 2), "the open connection survived the cut")
        var stats = hub.stats(link)
        XCTAssertEqual(stats.closedByCut, 1)
        XCTAssertEqual(stats.open, 0)

        let refused = try TestSocket.connect(port: port)
        defer { close(refused) }
        XCTAssertTrue(TestSocket.waitForClose(refused, within: 2), "a new connection was let through a cut link")
        stats = hub.stats(link)
        XCTAssertEqual(stats.refused, 1)
        XCTAssertEqual(stats.accepted, 1)
        XCTAssertEqual(echo.acceptedCount, 1, "the hub dialed the target through a cut")
    }

    func testHealedLinkForwardsAgain() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let hub = try ProxyHub()
        defer { hub.stop() }
        let port = try hub.addLink(link, targetPort: echo.port)

        hub.setCut(link, true)
        let refused = try TestSocket.connect(port: port)
        defer { close(refused) }
        XCTAssertTrue(TestSocket.waitForClose(refused, within: 2))

        hub.setCut(link, false)
        XCTAssertFalse(hub.isCut(link))
        let healed = try TestSocket.connect(port: port)
        defer { close(healed) }
        XCTAssertEqual(TestSocket.roundTrip(healed, Array("after heal".utf8), within: 5), Array("after heal".utf8))
        let stats = hub.stats(link)
        XCTAssertEqual(stats.refused, 1)
        XCTAssertEqual(stats.accepted, 1)
        XCTAssertEqual(stats.open, 1)
    }

    func testDownTargetClosesTheProxiedConnectionAndTheHubGoesOn() throws {
        let deadPort = try TestSocket.unusedPort()
        let echo = try EchoServer()
        defer { echo.stop() }
        let hub = try ProxyHub()
        defer { hub.stop() }
        let deadLink = LinkID(1, 3)
        let deadProxyPort = try hub.addLink(deadLink, targetPort: deadPort)
        let livePort = try hub.addLink(link, targetPort: echo.port)

        for attempt in 1...2 {
            let client = try TestSocket.connect(port: deadProxyPort)
            defer { close(client) }
            XCTAssertTrue(TestSocket.waitForClose(client, within: 2), "attempt \(attempt): still open to a dead target")
            let stats = hub.stats(deadLink)
            XCTAssertEqual(stats.accepted, attempt)
            XCTAssertEqual(stats.connectFailed, attempt)
            XCTAssertEqual(stats.open, 0)
        }

        let client = try TestSocket.connect(port: livePort)
        defer { close(client) }
        XCTAssertEqual(TestSocket.roundTrip(client, Array("still here".utf8), within: 5), Array("still here".utf8))
    }

    func testTargetClosingEndsTheClientSide() throws {
        let echo = try EchoServer()
        let hub = try ProxyHub()
        defer { hub.stop() }
        let port = try hub.addLink(link, targetPort: echo.port)
        let client = try TestSocket.connect(port: port)
        defer { close(client) }
        XCTAssertEqual(TestSocket.roundTrip(client, Array("x".utf8), within: 5), Array("x".utf8))

        echo.stop()  // closes the target's side of the connection
        XCTAssertTrue(TestSocket.waitForClose(client, within: 2), "the hub kept a pair open after the target closed")
        XCTAssertEqual(hub.stats(link).open, 0)
    }

    /// A target that never reads: the hub must stop reading from the client
    /// once ~4 MiB are queued, so the client's writes stall well short of 64 MiB.
    func testBackpressureStallsAWriterWhoseTargetDoesNotRead() throws {
        let (sink, sinkPort) = try TestSocket.listenerThatNeverAccepts()
        defer { close(sink) }
        let hub = try ProxyHub()
        defer { hub.stop() }
        let port = try hub.addLink(link, targetPort: sinkPort)
        let client = try TestSocket.connect(port: port)
        defer { close(client) }
        TestSocket.setNonBlocking(client)

        let chunk = [UInt8](repeating: 0x5a, count: 64 << 10)
        var written = 0
        let cap = 64 << 20
        while written < cap {
            let n = chunk.withUnsafeBytes { send(client, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
            if n > 0 { written += n; continue }
            XCTAssertEqual(errno, EAGAIN)
            // Stalled: done once the socket stays unwritable for a while.
            if !TestSocket.waitFor(client, events: Int16(POLLOUT), within: 1) { break }
        }
        XCTAssertLessThan(written, cap, "the hub read without bound from a client whose target does not read")
        XCTAssertGreaterThanOrEqual(hub.stats(link).bytesForwarded, 1, "nothing reached the target at all")
        print("writer stalled after \(written >> 10) KiB")
    }

    func testStopIsIdempotentAndClosesEverything() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let hub = try ProxyHub()
        let port = try hub.addLink(link, targetPort: echo.port)
        let client = try TestSocket.connect(port: port)
        defer { close(client) }
        XCTAssertEqual(TestSocket.roundTrip(client, Array("y".utf8), within: 5), Array("y".utf8))

        hub.stop()
        // The sockets are closed only after the join, so these prove it returned.
        XCTAssertTrue(TestSocket.waitForClose(client, within: 2))
        XCTAssertThrowsError(try TestSocket.connect(port: port), "the listener outlived stop()")
        hub.stop()
        XCTAssertThrowsError(try hub.addLink(LinkID(2, 3), targetPort: echo.port)) { error in
            XCTAssertEqual(error as? ProxyError, .stopped)
        }
        hub.setCut(link, true)  // harmless after stop
        XCTAssertTrue(hub.isCut(link))
    }

    func testDroppingTheHubStopsIt() throws {
        weak var dropped: ProxyHub?
        var port: UInt16 = 0
        do {
            let hub = try ProxyHub()
            dropped = hub
            port = try hub.addLink(link, targetPort: try TestSocket.unusedPort())
        }
        XCTAssertNil(dropped, "the poll thread keeps the hub alive")
        XCTAssertThrowsError(try TestSocket.connect(port: port), "deinit did not close the listener")
    }

    func testAddingALinkTwiceThrows() throws {
        let hub = try ProxyHub()
        defer { hub.stop() }
        _ = try hub.addLink(link, targetPort: 1)
        XCTAssertThrowsError(try hub.addLink(LinkID(2, 1), targetPort: 1)) { error in
            XCTAssertEqual(error as? ProxyError, .duplicateLink(link))
        }
    }
}

// MARK: - test helpers

/// A blocking echo server on 127.0.0.1: one thread accepts, one per connection echoes.
private final class EchoServer: @unchecked Sendable {
    let port: UInt16
    private let listener: CInt
    private let mutex = Monitor()
    private var acceptThread: PosixThread?
    private var echoThreads: [PosixThread] = []
    private var connections: [CInt] = []
    private var accepted = 0
    private var stopped = false

    var acceptedCount: Int { mutex.withLock { accepted } }

    init() throws {
        (listener, port) = try TestSocket.listen()
        let thread = PosixThread { [self] in acceptLoop() }
        mutex.withLock { acceptThread = thread }
    }

    /// Shuts the listener and every connection down (waking the blocked
    /// threads) and joins them.
    func stop() {
        let threads: [PosixThread] = mutex.withLock {
            guard !stopped else { return [] }
            stopped = true
            shutdown(listener, CInt(SHUT_RDWR))
            for fd in connections { shutdown(fd, CInt(SHUT_RDWR)) }
            return (acceptThread.map { [$0] } ?? []) + echoThreads
        }
        for thread in threads { thread.join() }
        mutex.withLock {
            for fd in connections { close(fd) }
            connections.removeAll()
        }
        if !threads.isEmpty { close(listener) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let admitted = mutex.withLock { () -> Bool in
                guard !stopped else { return false }
                accepted += 1
                connections.append(fd)
                echoThreads.append(PosixThread { Self.echo(fd) })
                return true
            }
            if !admitted { close(fd) }
        }
    }

    private static func echo(_ fd: CInt) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            guard buffer.withUnsafeBytes({ TestSocket.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<n])) }) else { return }
        }
    }
}

private enum TestSocket {
    /// A blocking listener on 127.0.0.1 on an ephemeral port.
    static func listen() throws -> (CInt, UInt16) {
        let (fd, address) = try Posix.makeLoopbackListener()
        try Posix.setBlocking(fd)
        return (fd, address.port)
    }

    /// A listener nobody accepts from: the kernel completes connections into
    /// its backlog, and their bytes pile up unread.
    static func listenerThatNeverAccepts() throws -> (CInt, UInt16) {
        try listen()
    }

    /// A port nothing listens on: bound once to learn a free port, then closed.
    static func unusedPort() throws -> UInt16 {
        let (fd, port) = try listen()
        try Posix.close(fd)
        return port
    }

    /// A blocking connect to the hub; throws when refused.
    static func connect(port: UInt16) throws -> CInt {
        let (fd, status) = try Posix.connect(to: SocketAddress(numericHost: "127.0.0.1", port: port)!)
        do {
            if status == .inProgress {
                _ = waitFor(fd, events: Int16(POLLOUT), within: 10)
                try Posix.finishConnect(fd)
            }
            try Posix.setBlocking(fd)
        } catch {
            try? Posix.close(fd)
            throw error
        }
        return fd
    }

    static func setNonBlocking(_ fd: CInt) {
        try? Posix.setNonBlocking(fd)
    }

    static func sendAll(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = send(fd, bytes.baseAddress! + done, bytes.count - done, CInt(MSG_NOSIGNAL))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Whether `events` came (or an error/hangup) before the deadline.
    static func waitFor(_ fd: CInt, events: Int16, within seconds: Double) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return poll(&entry, 1, CInt(seconds * 1000)) > 0
    }

    /// Sends `bytes` and reads the same number back, writing and reading
    /// together (the echo cannot hold 8 MiB). Nil on EOF, error or deadline.
    static func roundTrip(_ fd: CInt, _ bytes: [UInt8], within seconds: Double) -> [UInt8]? {
        setNonBlocking(fd)
        let deadline = SystemClock.monotonicNs() + UInt64(seconds * 1e9)
        var sent = 0
        var received: [UInt8] = []
        received.reserveCapacity(bytes.count)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while received.count < bytes.count {
            let now = SystemClock.monotonicNs()
            guard now < deadline else { return nil }
            let events = Int16(POLLIN) | (sent < bytes.count ? Int16(POLLOUT) : 0)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            guard poll(&entry, 1, CInt((deadline - now) / 1_000_000) + 1) >= 0 else { continue }
            if entry.revents & Int16(POLLOUT) != 0 {
                let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, CInt(MSG_NOSIGNAL)) }
                if n > 0 { sent += n } else if n < 0 && errno != EAGAIN && errno != EINTR { return nil }
            }
            if entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 {
                    received.append(contentsOf: buffer[..<n])
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    return nil
                }
            }
        }
        return received
    }

    /// Whether the peer closed (EOF or reset) before the deadline; stray bytes are skipped.
    static func waitForClose(_ fd: CInt, within seconds: Double) -> Bool {
        let deadline = SystemClock.monotonicNs() + UInt64(seconds * 1e9)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let now = SystemClock.monotonicNs()
            guard now < deadline else { return false }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, CInt((deadline - now) / 1_000_000) + 1) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, CInt(MSG_DONTWAIT))
            if n == 0 { return true }
            if n < 0 && errno != EAGAIN && errno != EINTR { return true }
        }
    }
}
