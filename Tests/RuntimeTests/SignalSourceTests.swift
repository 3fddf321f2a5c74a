import Glibc
import Posix
import Testing
@testable import Runtime

@Suite("SignalSource")
struct SignalSourceTests {
    /// SIGUSR1, not SIGTERM: if anything went wrong the test runner would
    /// die either way, but SIGUSR1 is never sent to it by anyone else. The
    /// handler is process-wide, so whichever thread the kernel picks runs it.
    @Test("a signal sent to the process reaches the handler on the loop thread")
    func deliversIntoLoop() throws {
        let loop = try EventLoop()
        var received: [CInt] = []
        let source = try SignalSource(signals: [SIGUSR1], loop: loop) { signal in
            received.append(signal)
            loop.stop()
        }
        #expect(kill(getpid(), SIGUSR1) == 0)
        try runLoop(loop)
        source.close()
        #expect(received == [SIGUSR1])
    }

    @Test("ignoring SIGPIPE turns a write to a closed socket into EPIPE")
    func sigpipeIgnored() throws {
        Posix.ignoreSIGPIPE()
        let (a, b) = try Posix.makeSocketPair()
        try Posix.close(b)
        var byte: UInt8 = 0
        #expect(throws: IOError(errnoCode: EPIPE, reason: "write")) {
            _ = try withUnsafeBytes(of: &byte) { try Posix.write(a, $0) }
        }
        try Posix.close(a)
    }
}
