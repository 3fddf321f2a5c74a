import PaxosCore
import Simulator

/// A cluster of real replicas driven by hand, for scenarios the simulator
/// reaches only by luck: every message waits in `network` until the script
/// delivers, drops or holds it; links can be cut one way; disks keep what a
/// node emitted as pending until `sync`; nodes crash (losing pending
/// records), are wiped and restart. What every node applied is checked
/// against one canonical value per slot as it happens, so a scenario ends
/// by asserting `violations` is empty and that acknowledged writes are applied.
struct ScriptedCluster {
    struct Node {
        var replica: TestReplica?
        var durable: [Record] = []
        var pending: [Record] = []
        /// Records this incarnation made durable (the core counts per incarnation).
        var durableThisRun: UInt64 = 0
        var incarnation = 0
        var nextSerial: UInt64 = 0
    }

    struct Flight {
        var envelope: Envelope
        /// The receiver's incarnation when it was sent: a restarted node never gets it.
        var incarnation: Int
    }

    let ids: [NodeID]
    let configure: (NodeID, inout CoreConfig) -> Void
    var nodes: [NodeID: Node] = [:]
    var now: UInt64 = 1_000
    /// Messages sent and not yet delivered or dropped, in send order.
    var network: [Flight] = []
    /// One-way cuts [from, to]: a message on a cut link is lost when sent.
    var cut: Set<[NodeID]> = []
    var replies: [RequestID: ClientReply] = [:]
    var events: [(NodeID, CoreEvent)] = []
    /// The value first applied at each slot, by anyone.
    var canonical: [Slot: Value] = [:]
    var violations: [String] = []
    var nextWrite: UInt64 = 1
    var writeOf: [RequestID: UInt64] = [:]

    /// Nodes start as voters with an empty log (`fresh: false`) or as a
    /// brand-new cluster whose empty data directories look like wiped ones.
    init(nodes count: Int, fresh: Bool = false, configure: @escaping (NodeID, inout CoreConfig) -> Void = { _, _ in }) {
        ids = Array(1...count)
        self.configure = configure
        for id in ids {
            var node = Node()
            if !fresh { node.durable = [.joined] }
            nodes[id] = node
            start(id)
        }
    }

    func replica(_ id: NodeID) -> TestReplica { nodes[id]!.replica! }
    func isUp(_ id: NodeID) -> Bool { nodes[id]!.replica != nil }
    var upIDs: [NodeID] { ids.filter(isUp) }

    /// The node that leads with phase 1 done, if exactly one does.
    var leader: NodeID? {
        let leaders = upIDs.filter { replica($0).role == .leader }
        return leaders.count == 1 ? leaders[0] : nil
    }

    // MARK: Stepping

    mutating func step(_ id: NodeID, _ input: Input) {
        guard var r = nodes[id]!.replica else { return }
        let out = r.step(input)
        nodes[id]!.replica = r
        nodes[id]!.pending.append(contentsOf: out.persist)
        for env in out.messages where !cut.contains([env.from, env.to]) {
            network.append(Flight(envelope: env, incarnation: nodes[env.to]!.incarnation))
        }
        for e in out.events { events.append((id, e)) }
        for (slot, value) in out.applied {
            if let first = canonical[slot] {
                if first != value { violations.append("node \(id) applied \(value) at slot \(slot), another node \(first)") }
            } else {
                canonical[slot] = value
            }
        }
        for (rid, reply) in out.replies where replies[rid] == nil { replies[rid] = reply }
    }

    mutating func tick(_ id: NodeID) {
        step(id, .tick(nowMs: now, wallMs: now + 1_700_000_000_000))
    }

    /// Everything `id` emitted so far becomes durable.
    mutating func sync(_ id: NodeID) {
        guard isUp(id), !nodes[id]!.pending.isEmpty else { return }
        nodes[id]!.durable.append(contentsOf: nodes[id]!.pending)
        nodes[id]!.durableThisRun += UInt64(nodes[id]!.pending.count)
        nodes[id]!.pending = []
        step(id, .persisted(count: nodes[id]!.durableThisRun))
    }

    /// Only the first `count` records `id` emitted become durable: a crash
    /// that tears a batch (records are durable in order).
    mutating func syncPrefix(_ id: NodeID, records count: Int) {
        let n = min(count, nodes[id]!.pending.count)
        nodes[id]!.durable.append(contentsOf: nodes[id]!.pending[0..<n])
        nodes[id]!.pending.removeFirst(n)
        nodes[id]!.durableThisRun += UInt64(n)
        step(id, .persisted(count: nodes[id]!.durableThisRun))
    }

    // MARK: The network

    /// Delivers every waiting message that matches, in send order; returns how many.
    @discardableResult
    mutating func deliver(_ matches: (Envelope) -> Bool) -> Int {
        var delivered = 0
        var i = 0
        while i < network.count {
            guard matches(network[i].envelope) else { i += 1; continue }
            let flight = network.remove(at: i)
            let to = flight.envelope.to
            guard nodes[to]!.incarnation == flight.incarnation, isUp(to) else { continue }
            step(to, .receive(from: flight.envelope.from, flight.envelope.message))
            delivered += 1
        }
        return delivered
    }

    /// Loses every waiting message that matches; returns how many.
    @discardableResult
    mutating func drop(_ matches: (Envelope) -> Bool) -> Int {
        let before = network.count
        network.removeAll { matches($0.envelope) }
        return before - network.count
    }

    mutating func cutLink(from: NodeID, to: NodeID) { cut.insert([from, to]) }
    mutating func cutLink(_ a: NodeID, _ b: NodeID) {
        cutLink(from: a, to: b)
        cutLink(from: b, to: a)
    }
    mutating func heal() { cut = [] }

    /// Lets `ms` pass in 10 ms turns: every live node ticks, syncs, and
    /// gets every waiting message except those `held` (they stay waiting).
    mutating func run(ms: UInt64, holding held: (Envelope) -> Bool = { _ in false }, until done: (ScriptedCluster) -> Bool = { _ in false }) {
        let end = now + ms
        while now < end {
            now += 10
            for id in upIDs { tick(id) }
            settleTurn(holding: held)
            if done(self) { return }
        }
    }

    /// Syncs and delivers until nothing deliverable is left (bounded).
    mutating func settleTurn(holding held: (Envelope) -> Bool) {
        for _ in 0..<200 {
            for id in upIDs { sync(id) }
            if deliver({ !held($0) }) == 0 { return }
        }
        preconditionFailure("messages never settle in one turn")
    }

    // MARK: Faults

    /// A crash: records not yet synced are lost, messages to it are lost.
    mutating func crash(_ id: NodeID) {
        nodes[id]!.replica = nil
        nodes[id]!.pending = []
        nodes[id]!.incarnation += 1
    }

    /// A crash, then the data directory is deleted.
    mutating func wipe(_ id: NodeID) {
        crash(id)
        nodes[id]!.durable = []
    }

    mutating func restart(_ id: NodeID) {
        precondition(!isUp(id), "restart of a running node")
        start(id)
    }

    private mutating func start(_ id: NodeID) {
        var config = CoreConfig(id: id, members: ids)
        configure(id, &config)
        var node = nodes[id]!
        node.incarnation += 1
        node.durableThisRun = 0
        node.pending = []
        node.nextSerial = UInt64(node.incarnation) << 32
        node.replica = TestReplica(config: config, stateMachine: SimStateMachine(), recovered: RecoveredState.replay(node.durable))
        nodes[id] = node
    }

    // MARK: Clients

    /// Submits a new write at `id`; its payload is a write number unique in the scenario.
    @discardableResult
    mutating func submitWrite(at id: NodeID) -> RequestID {
        let rid = nextRequest(at: id)
        writeOf[rid] = nextWrite
        step(id, .submit(Request(id: rid, payload: SimStateMachine.encode(nextWrite))))
        nextWrite += 1
        return rid
    }

    /// Submits a member change at `id`, as a client's MEMBER ADD/REMOVE.
    @discardableResult
    mutating func submitChange(_ change: MemberChange, at id: NodeID) -> RequestID {
        let rid = nextRequest(at: id)
        step(id, .submit(Request(id: rid, payload: change.payload)))
        return rid
    }

    /// Submits a linearizable read at `id`; its reply is the number of writes applied.
    @discardableResult
    mutating func submitRead(at id: NodeID) -> RequestID {
        let rid = nextRequest(at: id)
        step(id, .read(rid, payload: []))
        return rid
    }

    private mutating func nextRequest(at id: NodeID) -> RequestID {
        nodes[id]!.nextSerial += 1
        return RequestID(origin: id, serial: nodes[id]!.nextSerial)
    }

    func isAcknowledged(_ rid: RequestID) -> Bool {
        if case .result = replies[rid] { return true }
        return false
    }

    /// The number of writes a read saw, if it was answered.
    func readResult(_ rid: RequestID) -> UInt64? {
        guard case .result(let bytes) = replies[rid] else { return nil }
        return SimStateMachine.decode(bytes)
    }

    /// The slot that holds write `rid`, if any node applied it.
    func slot(of rid: RequestID) -> Slot? {
        canonical.first { $0.value.requests.contains { $0.id == rid } }?.key
    }

    /// Whether every live node applied through `slot`.
    func allApplied(through slot: Slot) -> Bool {
        upIDs.allSatisfy { replica($0).applied >= slot }
    }
}

// MARK: Matching messages

extension Message {
    /// The case name ("prepare", "accept", ...), for scripts that pick messages by kind.
    var kind: String {
        let text = String(describing: self)
        return String(text.prefix { $0 != "(" })
    }
}

extension Envelope {
    func `is`(_ kind: String, from: NodeID? = nil, to: NodeID? = nil) -> Bool {
        message.kind == kind && (from.map { $0 == self.from } ?? true) && (to.map { $0 == self.to } ?? true)
    }
}
