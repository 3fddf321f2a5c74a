/// Keys' deadlines in time order: a binary min-heap of (deadline, key),
/// ties broken by key bytes, so the order keys expire in is the same on
/// every node (rule 5) however the heap's array happens to be laid out.
/// Changing or dropping a key's deadline leaves its old entry behind; the
/// owner skips entries that no longer match (`dropStale`) and rebuilds the
/// heap when stale entries outnumber live ones.
struct DeadlineHeap: Sendable {
    struct Entry: Sendable {
        var ms: UInt64
        var key: [UInt8]
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }
    var top: Entry? { entries.first }

    mutating func push(_ ms: UInt64, _ key: [UInt8]) {
        entries.append(Entry(ms: ms, key: key))
        siftUp(entries.count - 1)
    }

    mutating func popTop() {
        precondition(!entries.isEmpty, "pop from an empty heap")
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        if !entries.isEmpty { siftDown(0) }
    }

    /// Pops entries at the top that `isLive` rejects, so `top` is live.
    mutating func dropStale(_ isLive: (Entry) -> Bool) {
        while let first = entries.first, !isLive(first) { popTop() }
    }

    /// A heap of exactly `live`'s entries (order of `live` does not matter).
    init(_ live: [Entry] = []) {
        entries = live
        var i = entries.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : bytesPrecede(a.key, b.key)
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.precedes(entries[i], entries[parent]) else { return }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let left = 2 * i + 1
            guard left < entries.count else { return }
            var smallest = left
            if left + 1 < entries.count, Self.precedes(entries[left + 1], entries[left]) { smallest = left + 1 }
            guard Self.precedes(entries[smallest], entries[i]) else { return }
            entries.swapAt(i, smallest)
            i = smallest
        }
    }
}
