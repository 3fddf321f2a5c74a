import Glibc
import Posix

/// Bytes queued for a socket, written with writev when it is writable. Small
/// appends are copied into 16 KiB chunks (few iovecs, few allocations).
/// `isAboveHighWater` is the backpressure signal: stop reading from a client
/// whose replies pile up, resume once `isBelowLowWater`.
public struct OutputBuffer {
    public let highWaterBytes: Int
    public let lowWaterBytes: Int
    /// Chunks in order; `head` is the first unwritten one.
    private var chunks: [OutputChunk] = []
    private var head = 0
    /// Bytes of `chunks[head]` already written.
    private var headOffset = 0
    /// Invariant: the sum of unwritten bytes over all chunks.
    public private(set) var pendingBytes = 0

    static let chunkBytes = 16 * 1024
    /// At most this many iovecs per writev (IOV_MAX is 1024 on Linux).
    static let maxIOVecs = 64

    public init(highWaterBytes: Int = 4 << 20, lowWaterBytes: Int? = nil) {
        precondition(highWaterBytes > 0)
        self.highWaterBytes = highWaterBytes
        self.lowWaterBytes = lowWaterBytes ?? highWaterBytes / 2
        precondition(self.lowWaterBytes <= highWaterBytes)
    }

    public var isEmpty: Bool { pendingBytes == 0 }
    public var isAboveHighWater: Bool { pendingBytes >= highWaterBytes }
    public var isBelowLowWater: Bool { pendingBytes <= lowWaterBytes }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        var rest = bytes
        if head < chunks.count, let last = chunks.last, last.freeBytes > 0 {
            let taken = last.copyIn(rest)
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
        }
        if !rest.isEmpty {
            let chunk = OutputChunk(capacity: max(Self.chunkBytes, rest.count))
            _ = chunk.copyIn(rest)
            chunks.append(chunk)
        }
        pendingBytes += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Writes as much as the socket takes. Returns true when everything was
    /// written, false when the socket would block with bytes left.
    public mutating func flush(to fd: CInt) throws(IOError) -> Bool {
        while pendingBytes > 0 {
            let count = min(chunks.count - head, Self.maxIOVecs)
            // The iovecs live on the stack: no allocation per flush.
            let outcome = withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { iovecs -> Result<IOResult<Int>, IOError> in
                for i in 0..<count {
                    let chunk = chunks[head + i]
                    let skip = i == 0 ? headOffset : 0
                    iovecs.initializeElement(at: i, to: iovec(iov_base: chunk.base.advanced(by: skip), iov_len: chunk.count - skip))
                }
                do throws(IOError) {
                    return .success(try Posix.writev(fd, UnsafeBufferPointer(iovecs)))
                } catch {
                    return .failure(error)
                }
            }
            guard case .processed(let written) = try outcome.get() else { return false }
            consume(written)
        }
        return true
    }

    /// Drops `count` written bytes from the front.
    private mutating func consume(_ count: Int) {
        precondition(count <= pendingBytes)
        pendingBytes -= count
        var left = count
        while left > 0 {
            let available = chunks[head].count - headOffset
            if left < available {
                headOffset += left
                return
            }
            left -= available
            head += 1
            headOffset = 0
        }
        if pendingBytes == 0 {
            // Keep one chunk for the next reply instead of allocating again.
            let spare = chunks.last
            chunks.removeAll(keepingCapacity: true)
            if let spare, spare.capacity == Self.chunkBytes {
                spare.count = 0
                chunks.append(spare)
                head = 0
                headOffset = 0
                return
            }
            head = 0
        } else if head > 32 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }
}

/// A fixed-size byte array with a stable address, so writev can point into it.
final class OutputChunk {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit { base.deallocate() }

    var freeBytes: Int { capacity - count }

    /// Copies as much of `bytes` as fits; returns how much.
    func copyIn(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = min(freeBytes, bytes.count)
        if n > 0 { base.advanced(by: count).copyMemory(from: bytes.baseAddress!, byteCount: n) }
        count += n
        return n
    }
}
