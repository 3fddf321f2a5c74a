import Glibc
import Posix
import Testing
@testable import Runtime

@Suite("EventLoop")
struct EventLoopTests {
    @Test("a listener and a client exchange bytes over loopback")
    func loopbackExchange() throws {
        let loop = try EventLoop()
        let flushQueue = FlushQueue()
        loop.beforeSleep = { flushQueue.flushAll() }
        let (listener, address) = try Posix.makeLoopbackListener()
        #expect(address.port != 0 && address.description.hasPrefix("127.0.0.1:"))
        var server: Connection?
        try acceptAll(listener, loop: loop, flushQueue: flushQueue) { connection in
            server = connection
            connection.onInput = { c in
                c.send(Array("echo:".utf8) + c.input.readable)
                c.input.consumeAll()
            }
        }
        let (fd, status) = try Posix.connect(to: address)
        let client = Connection(fd: fd, peer: address, loop: loop, flushQueue: flushQueue,
                                isConnecting: status == .inProgress)
        var received: [UInt8] = []
        var connected = false
        client.onConnect = { _ in connected = true }
        client.onInput = { c in
            received += c.input.readable
            c.input.consumeAll()
            if received.count >= 10 { loop.stop() }
        }
        try client.start()
        client.send(Array("hello".utf8))
        try runLoop(loop)
        #expect(String(decoding: received, as: UTF8.self) == "echo:hello")
        #expect(connected || status == .connected)
        var closeError: IOError?? = .none
        server?.onClose = { _, error in closeError = .some(error) }
        client.close()
        // The server sees end of file and closes itself.
        let deadline = loop.schedule(afterMs: 2_000) { loop.stop() }
        loop.schedule(afterMs: 0, repeatingEveryMs: 5) { if server?.state == .closed { loop.stop() } }
        try loop.run()
        loop.cancel(deadline)
        #expect(server?.state == .closed)
        #expect(closeError == .some(nil))
        try loop.unregister(listener)
        try Posix.close(listener)
    }

    @Test("8 MiB echoed through a slow-draining server: short writes, backpressure, nothing lost")
    func largeTransferWithBackpressure() throws {
        let loop = try EventLoop()
        let flushQueue = FlushQueue()
        loop.beforeSleep = { flushQueue.flushAll() }
        let (listener, address) = try Posix.makeLoopbackListener()
        var server: Connection?
        var serverPaused = false
        try acceptAll(listener, loop: loop, flushQueue: flushQueue, highWaterBytes: 64 * 1024) { connection in
            server = connection
            connection.onInput = { c in
                c.input.withUnsafeReadableBytes { c.send($0) }
                c.input.consumeAll()
                if !c.isReading { serverPaused = true }
            }
        }
        let total = 8 << 20
        var payload = [UInt8](repeating: 0, count: total)
        payload.withUnsafeMutableBufferPointer { p in
            for i in 0..<total { p[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 11) }
        }
        let (fd, status) = try Posix.connect(to: address)
        let client = Connection(fd: fd, peer: address, loop: loop, flushQueue: flushQueue,
                                isConnecting: status == .inProgress, outputHighWaterBytes: 16 << 20)
        var received: [UInt8] = []
        received.reserveCapacity(total)
        client.onInput = { c in
            c.input.withUnsafeReadableBytes { received.append(contentsOf: $0) }
            c.input.consumeAll()
            if received.count >= total { loop.stop() }
        }
        try client.start()
        // The client is paused so the server's replies pile up first.
        client.pauseReading()
        client.send(payload)
        loop.schedule(afterMs: 50) { client.resumeReading() }
        try runLoop(loop, timeoutMs: 20_000)
        #expect(received.count == total)
        #expect(received.withUnsafeBytes { r in payload.withUnsafeBytes { memcmp(r.baseAddress!, $0.baseAddress!, total) } } == 0)
        #expect(serverPaused, "the server should have stopped reading while its output was over the high-water mark")
        client.close()
        server?.close()
        try loop.unregister(listener)
        try Posix.close(listener)
    }

    @Test("timers fire in deadline order, ties in scheduling order; cancelled ones never; repeating ones repeat")
    func timerOrder() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        loop.schedule(afterMs: 30) { fired.append("30") }
        loop.schedule(afterMs: 10) { fired.append("10a") }
        let cancelled = loop.schedule(afterMs: 15) { fired.append("cancelled") }
        loop.schedule(afterMs: 20) { fired.append("20") }
        loop.schedule(afterMs: 10) { fired.append("10b") }
        loop.cancel(cancelled)
        var ticks = 0
        var repeating: TimerID?
        repeating = loop.schedule(afterMs: 1, repeatingEveryMs: 5) {
            ticks += 1
            if ticks == 4 { loop.cancel(repeating!) }
        }
        loop.schedule(afterMs: 60) { loop.stop() }
        let start = SystemClock.monotonicMs()
        try runLoop(loop)
        #expect(fired == ["10a", "10b", "20", "30"])
        #expect(ticks == 4)
        #expect(SystemClock.monotonicMs() - start >= 60)
    }

    @Test("an event for a closed fd whose number was reused in the same batch is dropped")
    func staleEventAfterFdReuse() throws {
        let loop = try EventLoop()
        let (a0, a1) = try Posix.makeSocketPair()
        let (b0, b1) = try Posix.makeSocketPair()
        var handled: [CInt] = []
        var reusedFD: CInt?
        var reusedCalls = 0
        var cleanup: [CInt] = []
        // Whichever handler runs first closes the other fd and registers a
        // new, idle socket under the same number; the other fd's event, already
        // fetched in this batch, must not reach the new handler.
        func onReadable(_ own: CInt, _ other: CInt) {
            handled.append(own)
            guard reusedFD == nil else { return }
            try! loop.unregister(other)
            let (n0, n1) = try! Posix.makeSocketPair()
            #expect(dup2(n0, other) == other)  // closes the old socket; `other` now names the new one
            try! Posix.close(n0)
            try! loop.register(other, interest: .readable) { _ in reusedCalls += 1 }
            reusedFD = other
            cleanup.append(n1)  // kept open so the new socket stays idle, not at EOF
        }
        try loop.register(a0, interest: .readable) { _ in onReadable(a0, b0) }
        try loop.register(b0, interest: .readable) { _ in onReadable(b0, a0) }
        var one: UInt8 = 1
        #expect(write(a1, &one, 1) == 1)
        #expect(write(b1, &one, 1) == 1)
        try loop.runOnce(maxWaitMs: 1_000)
        #expect(handled.count == 1, "only the first handler runs; the other event is stale")
        #expect(reusedCalls == 0)
        #expect(loop.staleEventsDropped == 1)
        // The reused number works normally for new events.
        #expect(write(cleanup[0], &one, 1) == 1)
        try loop.runOnce(maxWaitMs: 1_000)
        #expect(reusedCalls == 1)
        let first = handled[0]
        try loop.unregister(first)
        try loop.unregister(reusedFD!)
        for fd in [a0, a1, b0, b1] + cleanup { try? Posix.close(fd) }
    }

    @Test("wake() from another thread runs onWake on the loop")
    func wakeFromAnotherThread() throws {
        let loop = try EventLoop()
        var woke = 0
        loop.onWake = {
            woke += 1
            loop.stop()
        }
        let waker = loop.waker
        let thread = PosixThread {
            usleep(20_000)
            waker.wake()
        }
        try runLoop(loop)
        thread.join()
        #expect(woke == 1)
    }

    @Test("beforeSleep runs every iteration")
    func beforeSleepRuns() throws {
        let loop = try EventLoop()
        var calls = 0
        loop.beforeSleep = { calls += 1 }
        for _ in 0..<3 { try loop.runOnce(maxWaitMs: 0) }
        #expect(calls == 3)
    }

    @Test("a connect to a closed port reports the error through onClose")
    func connectRefused() throws {
        let loop = try EventLoop()
        let (listener, address) = try Posix.makeLoopbackListener()
        try Posix.close(listener)  // nothing listens on `address` now
        let result: (fd: CInt, status: ConnectStatus)
        do {
            result = try Posix.connect(to: address)
        } catch {
            #expect(error.errnoCode == ECONNREFUSED)
            return
        }
        let client = Connection(fd: result.fd, peer: address, loop: loop, isConnecting: result.status == .inProgress)
        var failure: IOError?
        client.onClose = { _, error in
            failure = error
            loop.stop()
        }
        try client.start()
        try runLoop(loop)
        #expect(failure?.errnoCode == ECONNREFUSED)
        #expect(failure?.description == "connect: Connection refused (errno: 111)")
    }
}
