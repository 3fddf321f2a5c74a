/// A tiny RESP server on an event loop on the test's thread: PING, ECHO,
/// SLEEP (never answers), anything else `-ERR`.
import Client
import Glibc
import Posix
import Testing
import Wire
@testable import Runtime

private func serve(_ loop: EventLoop, _ flushQueue: FlushQueue) throws -> (listener: CInt, port: UInt16) {
    let (listener, address) = try Posix.makeLoopbackListener()
    try acceptAll(listener, loop: loop, flushQueue: flushQueue) { connection in
        var parser = RESPCommandParser()
        let encoder = RESPEncoder()
        connection.onInput = { c in
            c.input.withUnsafeReadableBytes { parser.append($0) }
            c.input.consumeAll()
            while case .command(let args)? = parser.next() {
                var out: [UInt8] = []
                switch String(decoding: args[0], as: UTF8.self) {
                case "PING": encoder.appendSimpleString("PONG", to: &out)
                case "ECHO": encoder.appendBulk(args[1], to: &out)
                case "SLEEP": continue
                default: encoder.appendError("ERR unknown command", to: &out)
                }
                c.send(out)
            }
        }
    }
    return (listener, address.port)
}

@Suite("RESPClient")
struct RESPClientTests {
    @Test("calls get their replies, binary-safe; error replies are values; a silent server times out")
    func callsAndTimeout() throws {
        let loop = try EventLoop()
        let flushQueue = FlushQueue()
        loop.beforeSleep = { flushQueue.flushAll() }
        let (listener, port) = try serve(loop, flushQueue)
        let results = Locked<[String]>([])
        let waker = loop.waker
        let binary: [UInt8] = [0, 13, 10, 255, 36]
        let thread = PosixThread {
            defer { waker.wake() }
            do {
                let client = try RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: 0.3)
                let pong = try client.call("PING")
                let echo = try client.call([Array("ECHO".utf8), binary])
                let error = try client.call("NOPE")
                results.withLock { $0 = ["\(pong == .simpleString("PONG"))", "\(echo == .bulk(binary))", "\(error)"] }
                do {
                    _ = try client.call("SLEEP")
                    results.withLock { $0.append("no timeout") }
                } catch {
                    results.withLock { $0.append("\(error)") }
                }
            } catch {
                results.withLock { $0 = ["\(error)"] }
            }
        }
        loop.onWake = { loop.stop() }
        try runLoop(loop)
        thread.join()
        #expect(results.withLock { $0 } == [
            "true", "true", "error(\"ERR unknown command\")", "127.0.0.1:\(port): timed out waiting for a reply",
        ])
        try loop.unregister(listener)
        try Posix.close(listener)
    }

    @Test("connecting to a port nobody listens on fails with connectFailed")
    func connectFailure() throws {
        let (listener, address) = try Posix.makeLoopbackListener()
        try Posix.close(listener)
        #expect {
            _ = try RESPClient(host: "127.0.0.1", port: address.port, timeoutSeconds: 1)
        } throws: { error in
            guard case .connectFailed(_, let io)? = error as? RESPClientError else { return false }
            return io.errnoCode == ECONNREFUSED
        }
    }
}
