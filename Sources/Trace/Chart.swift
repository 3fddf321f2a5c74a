import PaxosCore

/// A message-sequence chart laid out in rows: one row per event shown, in
/// the run's causal order; routine traffic between two shown rows folds
/// into one summary row unless asked for.
public struct Chart: Sendable {
    public enum Row: Sendable {
        /// A send, a receive or a local event (index into `run.events`).
        case event(Int)
        /// Routine messages left out here: name and count, most frequent first.
        case summary([(name: String, count: Int)])
    }

    public let run: TraceRun
    public let rows: [Row]
    /// Row of each shown event.
    public let rowOf: [Int: Int]
    /// Row of every event: its own, or the summary row it folded into.
    let anyRow: [Int]
    public let nodes: [NodeID]
    public let startMs: UInt64
    /// One node's view: sends without a receive are not lost (see `ChartOptions.oneSided`).
    public let oneSided: Bool

    public init(_ full: TraceRun, options: ChartOptions = ChartOptions()) {
        run = options.apply(to: full)
        oneSided = options.oneSided
        nodes = run.nodes
        startMs = run.events.map(\.wallMs).min() ?? 0
        var rows: [Row] = []
        var rowOf: [Int: Int] = [:]
        var anyRow = Array(repeating: 0, count: run.events.count)
        var folded: [String: Int] = [:]
        var foldedEvents: [Int] = []
        func flush() {
            guard !foldedEvents.isEmpty else { return }
            // Only folded receives (their sends were counted earlier): they belong to the next row.
            for i in foldedEvents { anyRow[i] = rows.count }
            foldedEvents = []
            guard !folded.isEmpty else { return }
            rows.append(.summary(folded.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }))
            folded = [:]
        }
        for (i, e) in run.events.enumerated() {
            if !options.allRoutine, e.isRoutine {
                if e.kind != .receive { folded[e.name, default: 0] += 1 }
                foldedEvents.append(i)
                continue
            }
            flush()
            rowOf[i] = rows.count
            anyRow[i] = rows.count
            rows.append(.event(i))
        }
        flush()
        self.rows = rows
        self.rowOf = rowOf
        self.anyRow = anyRow
    }

    /// The messages drawn: (send index?, receive index?) — a lost send has no
    /// receive, a receive whose send is not in the run has no send.
    public var arrows: [(send: Int?, receive: Int?)] {
        var out: [(Int?, Int?)] = []
        for case .event(let i) in rows {
            let e = run.events[i]
            switch e.kind {
            case .receive: out.append((run.sendOf[i], i))
            case .send where !run.received.contains(i): out.append((i, nil))
            default: break
            }
        }
        return out
    }

    /// Each node's elections: from standing to winning, losing or following.
    public var elections: [(node: NodeID, from: Int, to: Int, ballot: Ballot?, won: Bool)] {
        spans(open: ["candidate"], close: ["leader", "stepped-down", "following", "crash"]).map {
            ($0.node, $0.from, $0.to, run.events[$0.fromEvent].ballot, $0.closer == "leader")
        }
    }

    /// Each node's time cut off by a (simulated) partition.
    public var partitions: [(node: NodeID, from: Int, to: Int)] {
        spans(open: ["partitioned"], close: ["healed", "crash"]).map { ($0.node, $0.from, $0.to) }
    }

    /// Each node's time down: from a crash or stop (or its last event) to its restart.
    public var outages: [(node: NodeID, from: Int, to: Int)] {
        var out: [(NodeID, Int, Int)] = []
        var lastRow: [NodeID: Int] = [:]
        var downSince: [NodeID: Int] = [:]
        for (i, e) in run.events.enumerated() {
            let row = anyRow[i]
            if e.name == "crash" || e.name == "stop" { downSince[e.node] = row }
            if e.name == "start", let from = downSince.removeValue(forKey: e.node) ?? lastRow[e.node] {
                out.append((e.node, from, row))
            }
            lastRow[e.node] = row
        }
        for (node, from) in downSince { out.append((node, from, rows.count)) }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Where each lifeline begins: at a node's start when that is its first
    /// event shown (before it, the chart knows nothing of the node), else at the top.
    public var lifelineStart: [NodeID: Int] {
        var first: [NodeID: Int] = [:]
        for (i, e) in run.events.enumerated() where first[e.node] == nil {
            first[e.node] = e.name == "start" ? anyRow[i] : 0
        }
        return first
    }

    private func spans(open: Set<String>, close: Set<String>) -> [(node: NodeID, from: Int, to: Int, fromEvent: Int, closer: String?)] {
        var out: [(NodeID, Int, Int, Int, String?)] = []
        var opened: [NodeID: (row: Int, event: Int)] = [:]
        for (row, r) in rows.enumerated() {
            guard case .event(let i) = r else { continue }
            let e = run.events[i]
            if close.contains(e.name), let o = opened.removeValue(forKey: e.node) {
                out.append((e.node, o.row, row, o.event, e.name))
            }
            if open.contains(e.name), opened[e.node] == nil { opened[e.node] = (row, i) }
        }
        for (node, o) in opened { out.append((node, o.row, rows.count, o.event, nil)) }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }
}
