/// Names a scheduled timer so it can be cancelled.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// Timers by monotonic deadline: a binary min-heap of (deadline, sequence)
/// with lazy cancellation. Equal deadlines fire in scheduling order.
struct TimerQueue {
    private struct Entry {
        var deadlineMs: UInt64
        var sequence: UInt64
        var id: TimerID

        func firesBefore(_ other: Entry) -> Bool {
            deadlineMs != other.deadlineMs ? deadlineMs < other.deadlineMs : sequence < other.sequence
        }
    }

    struct Timer {
        var intervalMs: UInt64?
        var body: () -> Void
    }

    private var heap: [Entry] = []
    /// Live timers; an id in the heap but not here was cancelled.
    private var timers: [TimerID: Timer] = [:]
    private var nextSequence: UInt64 = 0
    private var nextID: UInt64 = 0

    var count: Int { timers.count }

    mutating func schedule(deadlineMs: UInt64, intervalMs: UInt64?, body: @escaping () -> Void) -> TimerID {
        nextID += 1
        let id = TimerID(value: nextID)
        timers[id] = Timer(intervalMs: intervalMs, body: body)
        push(deadlineMs: deadlineMs, id: id)
        return id
    }

    /// Re-arms a repeating timer that just fired, if nobody cancelled it meanwhile.
    mutating func rearm(_ id: TimerID, deadlineMs: UInt64) {
        guard timers[id] != nil else { return }
        push(deadlineMs: deadlineMs, id: id)
    }

    mutating func cancel(_ id: TimerID) {
        timers[id] = nil
    }

    /// The earliest live deadline, dropping cancelled entries on the way.
    mutating func nextDeadlineMs() -> UInt64? {
        while let top = heap.first {
            if timers[top.id] != nil { return top.deadlineMs }
            popTop()
        }
        return nil
    }

    /// Removes and returns the earliest timer due at `nowMs`, if any. A
    /// one-shot timer is forgotten; a repeating one stays live for `rearm`.
    mutating func popDue(nowMs: UInt64) -> (id: TimerID, deadlineMs: UInt64, timer: Timer)? {
        guard let deadline = nextDeadlineMs(), deadline <= nowMs else { return nil }
        let top = heap[0]
        popTop()
        let timer = timers[top.id]!
        if timer.intervalMs == nil { timers[top.id] = nil }
        return (top.id, top.deadlineMs, timer)
    }

    private mutating func push(deadlineMs: UInt64, id: TimerID) {
        nextSequence += 1
        heap.append(Entry(deadlineMs: deadlineMs, sequence: nextSequence, id: id))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].firesBefore(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count && heap[left].firesBefore(heap[first]) { first = left }
            if right < heap.count && heap[right].firesBefore(heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
