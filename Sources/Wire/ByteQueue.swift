/// Bytes received but not yet parsed. Keeps a read position instead of
/// shifting on every consume, and remembers where the last byte search
/// stopped, so a parser fed one byte at a time never rescans (as redis keeps
/// `qb_pos` in its query buffer).
struct ByteQueue: Sendable {
    /// Storage; the unread bytes are `bytes[start...]`.
    private(set) var bytes: [UInt8] = []
    /// Invariant: start <= scanFrom <= bytes.count.
    private(set) var start = 0
    private var scanFrom = 0

    /// Unread bytes.
    var count: Int { bytes.count - start }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        compact()
        bytes.append(contentsOf: chunk)
    }

    mutating func append<S: Sequence>(contentsOf chunk: S) where S.Element == UInt8 {
        compact()
        bytes.append(contentsOf: chunk)
    }

    /// Absolute index of the first `byte` at or after `start`, or nil when not
    /// buffered yet. A later call resumes where this one stopped.
    mutating func find(_ byte: UInt8) -> Int? {
        let from = max(scanFrom, start)
        let end = bytes.count
        let found: Int? = bytes.withUnsafeBufferPointer { p in
            var i = from
            while i < end {
                if p[i] == byte { return i }
                i += 1
            }
            return nil
        }
        scanFrom = found ?? end
        return found
    }

    /// Copies `bytes[from..<to]` (absolute indices).
    func copy(_ from: Int, _ to: Int) -> [UInt8] {
        assert(from >= start && to <= bytes.count && from <= to)
        return Array(bytes[from..<to])
    }

    /// Marks everything before absolute index `index` as read.
    mutating func consume(upTo index: Int) {
        precondition(index >= start && index <= bytes.count, "consume out of range")
        start = index
        scanFrom = index
    }

    /// Drops everything, e.g. after a protocol error.
    mutating func reset() {
        bytes = []
        start = 0
        scanFrom = 0
    }

    /// Reclaims read bytes before more arrive; indices only move here, never mid-parse.
    private mutating func compact() {
        if start == bytes.count {
            // Do not hold a large request's buffer for an idle connection.
            if bytes.capacity > 1 << 16 { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
            start = 0
            scanFrom = 0
        } else if start >= 1 << 12 && start * 2 >= bytes.count {
            bytes.removeSubrange(0..<start)
            scanFrom -= start
            start = 0
        }
    }
}
