import PaxosCore

/// A small API for scripted scenarios in tests: start a quiet cluster, let
/// simulated time pass, crash nodes, and look at who leads.
extension Simulation {
    /// A cluster with no faults and no clients.
    public static func quiet(nodes: Int, seed: UInt64 = 1) -> Simulation {
        var o = SimOptions()
        o.nodes = nodes
        o.seed = seed
        o.lossRate = 0
        o.duplicateRate = 0
        o.reorderRate = 0
        o.maxDelayMs = 3
        o.clients = 0
        o.crashPointRate = 0
        var sim = Simulation(options: o)
        for id in sim.ids { sim.start(id) }
        return sim
    }

    public var nowMs: UInt64 { now }

    /// Processes events until simulated time reaches `ms` or `until` holds.
    public mutating func advance(to ms: UInt64, until: ((Simulation) -> Bool)? = nil) throws {
        while let (time, event) = queue.pop() {
            if time > ms {
                queue.push(event, at: time)
                break
            }
            now = time
            try handle(event)
            if let until, until(self) { return }
        }
        now = max(now, ms)
    }

    /// The node that believes it leads and has finished phase 1, if exactly one does.
    public var leader: NodeID? {
        let leaders = ids.filter { nodes[$0]!.replica?.role == .leader }
        return leaders.count == 1 ? leaders[0] : nil
    }

    public func replica(_ id: NodeID) -> Replica<SimStateMachine>? { nodes[id]!.replica }

    public mutating func crashNode(_ id: NodeID) { crash(id) }

    /// Feeds one input to a node (e.g. `.handOver` before a shutdown).
    public mutating func input(_ input: Input, to id: NodeID) throws { try step(id, input) }

    public mutating func restartNode(_ id: NodeID) {
        counters.restarts += 1
        start(id)
    }

    /// Submits a write at `node`; returns its request id.
    @discardableResult
    public mutating func write(at node: NodeID) throws -> RequestID {
        let writeID = nextWriteID
        nextWriteID += 1
        let opIndex = ops.count
        try submitWrite(writeID, at: node, op: opIndex)
        return ops[opIndex].requestID
    }

    /// How the operation with this request id ended so far.
    public func outcome(of id: RequestID) -> String {
        guard let op = ops.first(where: { $0.requestID == id }) else { return "unknown" }
        switch op.outcome {
        case .pending: return "pending"
        case .ok: return "ok"
        case .noQuorum: return "noquorum"
        case .timeout: return "timeout"
        case .lost: return "lost"
        }
    }
}

extension Simulation {
    /// Cuts the link between two nodes in both directions (a "bridge" when
    /// the others still reach both), on top of any cut already in place.
    public mutating func cutLink(_ a: NodeID, _ b: NodeID) {
        precondition(a != b && ids.contains(a) && ids.contains(b), "a link joins two members")
        counters.partitions += 1
        cut.insert([a, b])
        cut.insert([b, a])
        tracer.note("link cut n\(a) <-> n\(b)", at: now)
        tracer.partitioned([[a, b], [b, a]], at: now)
    }

    /// Restores every cut link.
    public mutating func healLinks() {
        if !cut.isEmpty { tracer.note("network heals", at: now) }
        healNetwork()
    }
}
