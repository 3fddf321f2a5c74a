/// Bytes read from one side of a forwarded connection and not yet sent to
/// the other: appended at the back, consumed from the front.
struct ByteQueue {
    private var bytes: [UInt8] = []
    private var head = 0

    var count: Int { bytes.count - head }
    var isEmpty: Bool { head == bytes.count }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
    }

    /// Calls `body` with the bytes waiting at the front.
    func withPending<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[head...])) }
    }

    mutating func consume(_ n: Int) {
        precondition(n <= count, "consuming more than is queued")
        head += n
        if head == bytes.count {
            // Keep a small buffer for the next chunk; give a big one back.
            bytes.removeAll(keepingCapacity: bytes.count <= 1 << 18)
            head = 0
        } else if head >= 1 << 20 && head * 2 >= bytes.count {
            // Compact now and then so a steady stream does not grow the array forever.
            bytes.removeFirst(head)
            head = 0
        }
    }
}
