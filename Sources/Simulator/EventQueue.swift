/// A min-heap of timed events; ties break by insertion order so runs are deterministic.
struct EventQueue<Event> {
    private var heap: [(time: UInt64, seq: UInt64, event: Event)] = []
    private var nextSeq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func push(_ event: Event, at time: UInt64) {
        heap.append((time, nextSeq, event))
        nextSeq += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: UInt64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, Self.less(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.less(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return (top.time, top.event)
    }

    private static func less(_ a: (time: UInt64, seq: UInt64, event: Event), _ b: (time: UInt64, seq: UInt64, event: Event)) -> Bool {
        a.time != b.time ? a.time < b.time : a.seq < b.seq
    }
}
