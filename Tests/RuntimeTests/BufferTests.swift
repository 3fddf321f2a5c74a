import Glibc
import Posix
import Testing
@testable import Runtime

@Suite("Connection buffers")
struct BufferTests {
    @Test("the input buffer compacts before it grows, and shrinks back once drained")
    func inputBufferGrowsAndCompacts() {
        var buffer = InputBuffer(initialCapacity: 16)
        buffer.append(Array(0..<10))
        buffer.consume(8)
        #expect(buffer.readable == [8, 9])
        buffer.append(Array(10..<20))  // fits after moving the 2 unread bytes to the front
        #expect(buffer.capacity == 16)
        #expect(buffer.readable == Array(8..<20))
        buffer.append(Array(repeating: 7, count: 100))
        #expect(buffer.capacity >= 112)
        #expect(buffer.readableBytes == 112)
        buffer.consumeAll()
        #expect(buffer.isEmpty)
        #expect(buffer.capacity == 16)
    }

    @Test("the input buffer reads from a socket; 0 bytes is end of file")
    func inputBufferReads() throws {
        let (a, b) = try Posix.makeSocketPair()
        var buffer = InputBuffer()
        #expect(try buffer.read(from: a) == .wouldBlock)
        try [UInt8]("abc".utf8).withUnsafeBytes { try Posix.writeAll(b, $0) }
        #expect(try buffer.read(from: a) == .processed(3))
        #expect(buffer.readable == Array("abc".utf8))
        try Posix.close(b)
        #expect(try buffer.read(from: a) == .processed(0))
        try Posix.close(a)
    }

    @Test("the output buffer coalesces small appends, tracks its water marks, and survives short writes")
    func outputBuffer() throws {
        var output = OutputBuffer(highWaterBytes: 100, lowWaterBytes: 10)
        #expect(output.isEmpty && output.isBelowLowWater && !output.isAboveHighWater)
        for i in 0..<10 { output.append([UInt8](repeating: UInt8(i), count: 10)) }
        #expect(output.pendingBytes == 100 && output.isAboveHighWater)
        let big = [UInt8](repeating: 0xAB, count: 3 << 20)
        output.append(big)
        let (a, b) = try Posix.makeSocketPair()
        // The socket takes far less than 3 MiB at once: a short write, then would-block.
        #expect(try output.flush(to: a) == false)
        let left = output.pendingBytes
        #expect(left > 0 && left < 100 + big.count)
        var received: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while received.count < 100 + big.count {
            _ = try output.flush(to: a)
            let n = scratch.withUnsafeMutableBytes { Glibc.read(b, $0.baseAddress, $0.count) }
            if n > 0 { received += scratch[0..<n] }
        }
        #expect(output.isEmpty)
        #expect(Array(received[0..<100]) == (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 10) })
        #expect(received[100...].allSatisfy { $0 == 0xAB })
        try Posix.close(a)
        try Posix.close(b)
    }
}
