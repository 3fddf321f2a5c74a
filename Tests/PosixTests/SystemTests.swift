import Glibc
import Testing
@testable import Posix

@Suite("System wrappers")
struct SystemTests {
    @Test("IOError prints as 'reason: strerror (errno: N)'")
    func ioErrorFormat() {
        #expect(IOError(errnoCode: ENOENT, reason: "open data/LOCK").description
                == "open data/LOCK: No such file or directory (errno: 2)")
    }

    @Test("socket addresses: IPv4 and IPv6 literals, names rejected as numeric")
    func socketAddresses() throws {
        #expect(SocketAddress(numericHost: "127.0.0.1", port: 7101)?.description == "127.0.0.1:7101")
        #expect(SocketAddress(numericHost: "::1", port: 6401)?.description == "[::1]:6401")
        #expect(SocketAddress(numericHost: "localhost", port: 1) == nil)
        #expect(try SocketAddress(resolvingHost: "127.0.0.1", port: 9).family == .ipv4)
    }

    @Test("a listener on port 0 reports its real port; IPv6 loopback works where configured")
    func listeners() throws {
        let (fd, address) = try Posix.makeLoopbackListener()
        #expect(address.port > 0)
        try Posix.close(fd)
        if let v6 = try? Posix.makeListener(SocketAddress(numericHost: "::1", port: 0)!) {
            #expect(try Posix.localAddress(v6).description.hasPrefix("[::1]:"))
            try Posix.close(v6)
        }
    }

    @Test("raising RLIMIT_NOFILE never lowers it and reports what it got")
    func openFileLimit() {
        let before = Posix.openFileLimit()
        #expect(Posix.raiseOpenFileLimit(to: 1) == before)
        let got = Posix.raiseOpenFileLimit(to: before + 16)
        #expect(got >= before && got == Posix.openFileLimit())
    }

    @Test("eventfd counts signals and drains to zero")
    func eventFD() throws {
        let fd = try Posix.makeEventFD()
        #expect(try Posix.drainEventFD(fd) == 0)
        try Posix.signalEventFD(fd)
        try Posix.signalEventFD(fd)
        #expect(try Posix.drainEventFD(fd) == 2)
        try Posix.close(fd)
    }

    @Test("the monotonic clock does not go back; the wall clock is after 2024")
    func clocks() {
        let a = SystemClock.monotonicMs()
        let b = SystemClock.monotonicMs()
        #expect(b >= a)
        #expect(SystemClock.wallMs() > 1_704_067_200_000)
    }
}
