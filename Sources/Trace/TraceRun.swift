import PaxosCore

/// Events of one run from any number of trace files, merged into one order
/// that respects causality (a receive after its send, each node's events in
/// its own order) and otherwise follows wall time.
public struct TraceRun: Sendable {
    public struct Key: Hashable, Sendable {
        public var node: NodeID
        public var seq: UInt64
    }

    public private(set) var events: [TraceEvent]
    /// The send each receive names, by index into `events` (when in the run).
    public private(set) var sendOf: [Int: Int] = [:]
    /// Sends that some receive names.
    public private(set) var received: Set<Int> = []

    public var nodes: [NodeID] { Array(Set(events.map(\.node)).union(events.compactMap(\.peer))).sorted() }

    public init(_ unordered: [TraceEvent]) {
        // Each node's events by its own count; a line seen twice (the same file given twice) counts once.
        var byNode: [NodeID: [TraceEvent]] = [:]
        var seen: Set<Key> = []
        for e in unordered where seen.insert(Key(node: e.node, seq: e.seq)).inserted {
            byNode[e.node, default: []].append(e)
        }
        for id in byNode.keys { byNode[id]!.sort { $0.seq < $1.seq } }
        let sends = Set(unordered.filter { $0.kind == .send }.map { Key(node: $0.node, seq: $0.seq) })
        var emitted: Set<Key> = []
        var next = byNode.mapValues { _ in 0 }
        var order: [TraceEvent] = []
        order.reserveCapacity(seen.count)
        let ids = byNode.keys.sorted()
        while true {
            var best: (id: NodeID, wall: UInt64, ready: Bool)? = nil
            for id in ids {
                guard next[id]! < byNode[id]!.count else { continue }
                let e = byNode[id]![next[id]!]
                var ready = true
                if e.kind == .receive, let peer = e.peer, let at = e.sentAt {
                    let k = Key(node: peer, seq: at)
                    ready = !sends.contains(k) || emitted.contains(k)
                }
                // A ready head beats a waiting one; among equals the earlier wall time, then the lower id.
                if best == nil || (ready && !best!.ready) || (ready == best!.ready && e.wallMs < best!.wall) {
                    best = (id, e.wallMs, ready)
                }
            }
            guard let pick = best else { break }
            let e = byNode[pick.id]![next[pick.id]!]
            next[pick.id]! += 1
            emitted.insert(Key(node: e.node, seq: e.seq))
            order.append(e)
        }
        events = order
        index()
    }

    /// Keeps the events `keep` accepts, in order.
    public func filtered(_ keep: (TraceEvent) -> Bool) -> TraceRun {
        var copy = self
        copy.events = events.filter(keep)
        copy.index()
        return copy
    }

    private mutating func index() {
        var sendAt: [Key: Int] = [:]
        sendOf = [:]
        received = []
        for (i, e) in events.enumerated() {
            switch e.kind {
            case .send: sendAt[Key(node: e.node, seq: e.seq)] = i
            case .receive:
                if let peer = e.peer, let at = e.sentAt, let s = sendAt[Key(node: peer, seq: at)] {
                    sendOf[i] = s
                    received.insert(s)
                }
            case .local: break
            }
        }
    }
}
