import Glibc

/// Bytes read from a socket and not yet consumed (a connection's input, a
/// proxied connection's bytes not yet sent on). Grows when a
/// read needs room, compacts (moves the unread bytes to the front) before
/// growing, and returns to its initial size once drained after a large
/// request, so an idle connection holds little memory (as redis trims
/// `querybuf`).
public struct InputBuffer {
    private var storage: [UInt8]
    /// Invariant: 0 <= readIndex <= writeIndex <= storage.count.
    private var readIndex = 0
    private var writeIndex = 0
    private let initialCapacity: Int

    /// Reads ask the kernel for at least this much room.
    static let minimumReadBytes = 4 * 1024

    public init(initialCapacity: Int = 16 * 1024) {
        precondition(initialCapacity > 0)
        self.initialCapacity = initialCapacity
        storage = [UInt8](repeating: 0, count: initialCapacity)
    }

    public var readableBytes: Int { writeIndex - readIndex }
    public var isEmpty: Bool { readIndex == writeIndex }
    public var capacity: Int { storage.count }

    /// A copy of the unread bytes.
    public var readable: [UInt8] { Array(storage[readIndex..<writeIndex]) }

    /// The unread bytes, valid only inside `body`.
    public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[readIndex..<writeIndex])) }
    }

    /// Marks `count` unread bytes as used.
    public mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableBytes, "consuming more than was read")
        readIndex += count
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
            if storage.count > 4 * initialCapacity {
                storage = [UInt8](repeating: 0, count: initialCapacity)
            }
        }
    }

    public mutating func consumeAll() { consume(readableBytes) }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserveTail(bytes.count)
        storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: writeIndex).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        writeIndex += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// How many bytes the last `read(from:)` offered the kernel: a read
    /// that returned fewer emptied the socket.
    public private(set) var lastReadRoom = 0

    /// One read(2) into free space at the tail; `.processed(0)` is end of file.
    public mutating func read(from fd: CInt) throws(IOError) -> IOResult<Int> {
        reserveTail(Self.minimumReadBytes)
        let start = writeIndex
        lastReadRoom = storage.count - start
        let result = try storage.withMutableBytes { (all) throws(IOError) in
            try Posix.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: all[start...]))
        }
        if case .processed(let n) = result { writeIndex += n }
        return result
    }

    /// Makes room for `count` more bytes after the unread ones.
    private mutating func reserveTail(_ count: Int) {
        if storage.count - writeIndex >= count { return }
        if readIndex > 0 {
            let unread = readableBytes
            storage.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress!
                _ = memmove(base, base.advanced(by: readIndex), unread)  // the regions may overlap
            }
            readIndex = 0
            writeIndex = unread
            if storage.count - writeIndex >= count { return }
        }
        var newCapacity = storage.count * 2
        while newCapacity - writeIndex < count { newCapacity *= 2 }
        var grown = [UInt8](repeating: 0, count: newCapacity)
        let used = writeIndex
        grown.withUnsafeMutableBytes { to in
            storage.withUnsafeBytes { from in _ = memcpy(to.baseAddress!, from.baseAddress!, used) }
        }
        storage = grown
    }
}
