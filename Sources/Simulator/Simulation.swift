import PaxosCore
import Trace

/// A whole cluster in one process: nodes running the real core against a
/// simulated network, disks and clock, with faults drawn from one seed.
public struct Simulation {
    enum Event {
        case tick(NodeID)
        case deliver(Envelope, incarnation: Int, stamp: VectorClock?)
        case syncDone(NodeID, incarnation: Int)
        case clientNext(Int)
        case crash
        case restart(NodeID)
        /// A burst of quick crashes and restarts of random nodes.
        case storm(untilMs: UInt64)
        case partition
        case heal
        case settle
        case probe
        case memberChange
        case clockJump
    }

    struct Node {
        var replica: Replica<SimStateMachine>?
        var disk = SimDisk()
        var incarnation = 0
        var nextSerial: UInt64 = 0
        var wallOffsetMs: UInt64 = 0
        /// Its disk once held a vote (joined, promise or accept) as it
        /// crashed: a node added through the log then restarts as a member
        /// (its config lists it), even if wiped since, never as a new node.
        var votedDurably = false
    }

    public let options: SimOptions
    var rng: SimRandom
    var now: UInt64 = 0
    var queue = EventQueue<Event>()
    var nodes: [NodeID: Node] = [:]
    let ids: [NodeID]
    var cut: Set<[NodeID]> = []            // directed pairs [from, to] that drop messages
    var lossy: [[NodeID]: Double] = [:]    // directed pairs [from, to] that lose this share of messages
    var contested: NodeID? = nil           // the bridge node of a bridge partition
    var checker: SimChecker
    /// A removal submitted and not yet seen applied (it may never be).
    var pendingRemoval: NodeID? = nil
    var ops: [ClientOp] = []
    var opByRequest: [RequestID: Int] = [:]
    var clientBusy: [Int: Int] = [:]       // client -> op index in flight
    var nextWriteID: UInt64 = 1
    var settling = false
    var probeSucceeded = false
    public internal(set) var counters = SimCounters()
    var tracer: SimTracer
    /// Every protocol event of the run so far, when `options.recordsTrace`.
    public var traceEvents: [TraceEvent] { tracer.events }

    public init(options: SimOptions) {
        self.options = options
        rng = SimRandom(seed: options.seed)
        ids = Array(1...options.nodes)
        tracer = SimTracer(enabled: options.trace, recording: options.recordsTrace)
        checker = SimChecker(membership: Membership(members: options.initialMembers), leaseEvery: options.leaseEvery)
        // Skew from its own stream, so seeds without it replay as before.
        var skewRNG = SimRandom(seed: options.seed ^ 0x5CE3_C10C)
        for id in ids {
            var node = Node()
            node.wallOffsetMs = 1_700_000_000_000 + rng.u64(in: 0...50)
            if options.clockSkewMs > 50 { node.wallOffsetMs += skewRNG.u64(in: 0...options.clockSkewMs) }
            nodes[id] = node
        }
    }

    func makeConfig(_ id: NodeID) -> CoreConfig {
        // A node outside the first configuration joins as a new node until it
        // has voted; after that its config file lists it, as an operator's would.
        let initial = options.initialMembers
        let joining = !initial.contains(id) && !nodes[id]!.votedDurably
        var c = CoreConfig(id: id, members: initial.contains(id) || joining ? initial : initial + [id])
        c.joining = joining
        // As `paxosd --join`: it learns the configuration from a snapshot.
        c.knowsMembers = !joining
        c.heartbeatMs = 50
        c.electionTimeoutMs = 300
        c.requestTimeoutMs = 2_000
        c.snapshotEvery = options.snapshotEvery
        c.maxInFlight = 4
        c.maxBatch = 8
        c.catchUpChunk = 16
        c.bugs = options.bugs
        c.proposesAtEndOfTurn = options.proposesAtEndOfTurn
        return c
    }

    /// Runs faults, then heals and checks liveness and the history.
    public mutating func run() -> Result<SimCounters, Violation> {
        do {
            for id in ids { start(id) }
            for c in 0..<options.clients { queue.push(.clientNext(c), at: rng.u64(in: 0...20)) }
            queue.push(.crash, at: options.crashEveryMs)
            queue.push(.partition, at: options.partitionEveryMs)
            if options.stormAtMs < options.faultMs { queue.push(.storm(untilMs: options.stormAtMs + options.stormMs), at: options.stormAtMs) }
            queue.push(.settle, at: options.faultMs)
            if options.memberChangeEveryMs > 0 { queue.push(.memberChange, at: options.memberChangeEveryMs) }
            if options.clockJumpEveryMs > 0 { queue.push(.clockJump, at: options.clockJumpEveryMs) }
            let deadline = options.faultMs + options.settleMs
            while let (time, event) = queue.pop() {
                precondition(time >= now, "time went backwards")
                now = time
                if now > deadline { throw livenessFailure() }
                try handle(event)
                if settling, isSettled() { break }
            }
            try finalChecks()
            return .success(counters)
        } catch let v as Violation {
            return .failure(v)
        } catch {
            return .failure(Violation(check: .validity, detail: "unexpected error \(error)", timeMs: now))
        }
    }

    mutating func handle(_ event: Event) throws {
        switch event {
        case .tick(let id):
            guard nodes[id]!.replica != nil else { return }
            let wall = now + nodes[id]!.wallOffsetMs
            try step(id, .tick(nowMs: now, wallMs: wall))
            queue.push(.tick(id), at: now + 10 + rng.u64(in: 0...2))
        case .deliver(let env, let incarnation, let stamp):
            guard nodes[env.to]!.incarnation == incarnation, nodes[env.to]!.replica != nil else { return }
            tracer.deliver(env, at: now)
            tracer.received(env, stamp: stamp, at: now)
            try step(env.to, .receive(from: env.from, env.message))
        case .syncDone(let id, let incarnation):
            guard nodes[id]!.incarnation == incarnation, nodes[id]!.replica != nil else { return }
            // A crash during the fdatasync: what it covered is lost.
            if !settling, rng.chance(options.crashPointRate / 3), aliveIDs.count > options.nodes / 2 + 1 {
                crash(id)
                queue.push(.restart(id), at: now + rng.u64(in: 2...20))
                return
            }
            let (count, notable) = nodes[id]!.disk.completeSync()
            try step(id, .persisted(count: count))
            startSync(id)
            // Crash points, with a quick restart: right after a promise or
            // snapshot became durable (and its answer left), where forgetting
            // it would matter most, and (less often) a leader right after its
            // own accepts did. Sometimes the disk is lost there too (rule 9).
            // A follower's accepts count too: one whose `accepted` is still on
            // its way when its disk is lost is how seed 1008194 lost a write.
            let isLeader = nodes[id]!.replica?.role == .leader
            var rate = notable ? options.crashPointRate : options.crashPointRate / 4
            if notable, id == contested { rate = max(rate, options.contestedCrashRate) }
            if !settling, rng.chance(rate), aliveIDs.count > options.nodes / 2 + 1 {
                crash(id)
                // A contested bridge node loses its disk half the time.
                let wipeRate = id == contested ? max(options.wipeAtPromiseRate, 0.5) : options.wipeAtPromiseRate
                if notable || !isLeader, rng.chance(wipeRate) { wipeIfWithinBudget(id) }
                queue.push(.restart(id), at: now + rng.u64(in: 2...20))
            }
        case .clientNext(let c):
            try clientNext(c)
        case .crash:
            guard !settling else { return }
            crashSomeNode()
            queue.push(.crash, at: now + rng.u64(in: options.crashEveryMs / 2...options.crashEveryMs * 3 / 2))
        case .storm(let until):
            guard !settling, now < until else { return }
            let alive = aliveIDs
            if alive.count > options.nodes / 2 + 1 {
                let victim = alive[rng.int(in: 0...(alive.count - 1))]
                crash(victim)
                if rng.chance(options.wipeRate) { wipeIfWithinBudget(victim) }
                queue.push(.restart(victim), at: now + rng.u64(in: 2...40))
            }
            queue.push(.storm(untilMs: until), at: now + rng.u64(in: 15...80))
        case .restart(let id):
            guard nodes[id]!.replica == nil else { return }
            counters.restarts += 1
            tracer.note("n\(id) restarts", at: now)
            tracer.local(id, EventSummary(name: "start", label: "restarts"), at: now)
            start(id)
        case .partition:
            guard !settling else { return }
            makePartition()
            tracer.partitioned(cut.union(lossy.keys), at: now)
            queue.push(.heal, at: now + rng.u64(in: 100...1_200))
            queue.push(.partition, at: now + rng.u64(in: options.partitionEveryMs / 2...options.partitionEveryMs * 3 / 2))
        case .heal:
            if !cut.isEmpty || !lossy.isEmpty { tracer.note("network heals", at: now) }
            healNetwork()
        case .settle:
            try beginSettling()
        case .memberChange:
            guard !settling else { return }
            try submitMemberChange()
            queue.push(.memberChange, at: now + rng.u64(in: options.memberChangeEveryMs / 2...options.memberChangeEveryMs * 3 / 2))
        case .clockJump:
            jumpSomeClock()
            queue.push(.clockJump, at: now + rng.u64(in: options.clockJumpEveryMs / 2...options.clockJumpEveryMs * 3 / 2))
        case .probe:
            guard !probeSucceeded else { return }
            try submitProbe()
            queue.push(.probe, at: now + 500)
        }
    }

    mutating func start(_ id: NodeID) {
        var node = nodes[id]!
        node.incarnation += 1
        node.nextSerial = UInt64(node.incarnation) << 32
        let recovered = node.disk.recover()
        var config = makeConfig(id)
        // As paxosd without --bootstrap: an empty disk knows no configuration
        // until a snapshot brings one (or the fresh-cluster rule: the file's).
        if recovered.isEmpty { config.knowsMembers = false }
        node.replica = Replica(config: config, stateMachine: SimStateMachine(leaseEvery: options.leaseEvery), recovered: recovered)
        nodes[id] = node
        queue.push(.tick(id), at: now + rng.u64(in: 0...10))
    }

    /// Feeds one input to a node and carries out its output.
    mutating func step(_ id: NodeID, _ input: Input) throws {
        var replica = nodes[id]!.replica!
        let out = replica.step(input)
        nodes[id]!.replica = replica
        try check(id, out, replica)
        if !out.persist.isEmpty {
            nodes[id]!.disk.append(out.persist)
            startSync(id)
        }
        for env in out.messages { transmit(env) }
        for (rid, reply) in out.replies { try clientReply(rid, reply) }
        // As paxosd does in beforeSleep: each event is one loop turn here.
        if case .endOfTurn = input { return }
        if options.proposesAtEndOfTurn, nodes[id]?.replica != nil {
            try step(id, .endOfTurn)
        }
    }

    mutating func check(_ id: NodeID, _ out: Output, _ replica: Replica<SimStateMachine>) throws {
        for (slot, value) in out.applied {
            tracer.note("n\(id) applies slot \(slot) \(SimTracer.describe(value))", at: now)
            try checker.applied(node: id, slot: slot, value: value, at: now)
        }
        counters.slotsChosen = Int(checker.lastSlot)
        counters.memberChanges = checker.memberChangesApplied
        counters.leasesExpired = Int(checker.stateAt.last!.expired)
        var stateChanged = !out.applied.isEmpty
        tracer.stepped(id, out, at: now)
        for event in out.events {
            tracer.note("n\(id) \(event)", at: now)
            switch event {
            case .becameLeader: counters.leaderChanges += 1
            case .snapshotTaken: counters.compactions += 1
            case .snapshotInstalled:
                counters.snapshotTransfers += 1
                stateChanged = true
            default: break
            }
        }
        if stateChanged {
            try checker.checkState(node: id, slot: replica.applied, state: replica.stateMachine, at: now)
        }
    }

    /// A node's wall clock steps forward or back (NTP, a VM resumed, an
    /// operator): only batch stamps and so log time may notice, and log
    /// time never goes back.
    mutating func jumpSomeClock() {
        let id = ids[rng.int(in: 0...(ids.count - 1))]
        let step = rng.u64(in: 0...options.clockJumpMs)
        let back = rng.chance(0.5)
        if back { nodes[id]!.wallOffsetMs -= min(step, nodes[id]!.wallOffsetMs - 1_600_000_000_000) } else { nodes[id]!.wallOffsetMs += step }
        counters.clockJumps += 1
        tracer.note("n\(id) clock jumps \(back ? "back" : "forward") \(step) ms", at: now)
        tracer.local(id, EventSummary(name: "clock-jump", label: "wall clock jumps \(back ? "back" : "forward") \(step) ms"), at: now)
    }

    mutating func startSync(_ id: NodeID) {
        guard nodes[id]!.disk.startSync() else { return }
        queue.push(.syncDone(id, incarnation: nodes[id]!.incarnation), at: now + rng.u64(in: 1...6))
    }

    /// The network: loss, duplication, delay and reordering, partitions.
    mutating func transmit(_ env: Envelope) {
        counters.messages += 1
        let stamp = tracer.sent(env, at: now)
        guard !cut.contains([env.from, env.to]) else {
            counters.dropped += 1
            return
        }
        let faulty = !settling
        if faulty, rng.chance(options.lossRate) || rng.chance(lossy[[env.from, env.to]] ?? 0) {
            counters.dropped += 1
            tracer.note("drop \(env.from)->\(env.to) \(SimTracer.describe(env.message))", at: now)
            return
        }
        let incarnation = nodes[env.to]!.incarnation
        var delay = rng.u64(in: 1...options.maxDelayMs)
        if faulty, rng.chance(options.reorderRate) {
            delay += rng.u64(in: 1...options.maxDelayMs * 3)
            counters.reordered += 1
        }
        queue.push(.deliver(env, incarnation: incarnation, stamp: stamp), at: now + delay)
        if faulty, rng.chance(options.duplicateRate) {
            counters.duplicated += 1
            queue.push(.deliver(env, incarnation: incarnation, stamp: stamp), at: now + rng.u64(in: 1...options.maxDelayMs * 2))
        }
    }

    var aliveIDs: [NodeID] { ids.filter { nodes[$0]!.replica != nil } }

    var leaderID: NodeID? {
        ids.first { nodes[$0]!.replica?.role == .leader }
    }

    mutating func crashSomeNode() {
        let alive = aliveIDs
        let majority = options.nodes / 2 + 1
        guard alive.count > majority else { return }
        let victim = (rng.chance(0.5) ? leaderID : nil) ?? alive[rng.int(in: 0...(alive.count - 1))]
        crash(victim)
        if rng.chance(options.wipeRate) { wipeIfWithinBudget(victim) }
        queue.push(.restart(victim), at: now + rng.u64(in: 30...900))
    }

    /// Nodes whose state is lost for now: wiped, and their disk does not yet
    /// prove they vote again (a learner's admission is durable only once
    /// its `.joined` record is).
    /// Members (of the configuration the log has reached) that cannot vote
    /// from their disk; a new node that never voted is not damaged.
    var damagedIDs: [NodeID] {
        Set(checker.membership.members + checker.previousMembers).sorted().filter {
            !nodes[$0]!.disk.recover().mayVote && (options.initialMembers.contains($0) || nodes[$0]!.votedDurably)
        }
    }

    /// Rule 9: the operator wiped a crashed node's data directory; it must
    /// rejoin as a learner. At most a minority may lack their state at once:
    /// losing the state of a majority is a disaster no consensus protocol
    /// survives. Several wipes over a run, and at once, are fair game.
    mutating func wipeIfWithinBudget(_ id: NodeID) {
        precondition(nodes[id]!.replica == nil, "only a crashed node is wiped")
        let others = damagedIDs.filter { $0 != id }
        // Liveness needs a majority of the configuration with intact disks,
        // also once a pending removal applies.
        // The configuration before the last change counts too: a node that
        // has not learned that change yet needs a majority of the old one.
        let members = checker.membership.members
        var size = members.count - (pendingRemoval.map(members.contains) == true ? 1 : 0)
        if !checker.previousMembers.isEmpty { size = min(size, checker.previousMembers.count) }
        guard others.count < (size - 1) / 2 else { return }
        counters.wipes += 1
        nodes[id]!.disk = SimDisk()
        tracer.note("n\(id) data directory wiped", at: now)
        tracer.local(id, EventSummary(name: "wiped", label: "data directory wiped"), at: now)
    }

    mutating func crash(_ id: NodeID) {
        counters.crashes += 1
        tracer.note("n\(id) crashes (loses \(nodes[id]!.disk.pending.count) unsynced records)", at: now)
        tracer.local(id, EventSummary(name: "crash", label: "crashes, losing \(nodes[id]!.disk.pending.count) unsynced records"), at: now)
        nodes[id]!.replica = nil
        nodes[id]!.disk.crash()
        if nodes[id]!.disk.recover().mayVote { nodes[id]!.votedDurably = true }
        nodes[id]!.incarnation += 1
        // Clients waiting on that node lose their connection: outcome unknown.
        for (client, opIndex) in clientBusy.sorted(by: { $0.key < $1.key }) where ops[opIndex].node == id {
            ops[opIndex].outcome = .lost
            ops[opIndex].completedMs = now
            clientBusy[client] = nil
            queue.push(.clientNext(client), at: now + 1)
        }
    }

    mutating func makePartition() {
        contested = nil
        let kind = rng.u64(in: 0...99)
        if kind < 25 {
            // One-way cuts: 1 to 3 directed links lose everything.
            counters.partitions += 1
            counters.oneWayCuts += 1
            cut = []
            for _ in 0..<rng.int(in: 1...3) {
                let (a, b) = randomLink()
                cut.insert([a, b])
            }
            tracer.note("one-way cuts \(Self.describe(links: cut))", at: now)
            return
        }
        if kind < 35 {
            // Asymmetric loss: 1 or 2 directed links lose most of their messages.
            counters.partitions += 1
            counters.oneWayCuts += 1
            lossy = [:]
            for _ in 0..<rng.int(in: 1...2) {
                let (a, b) = randomLink()
                lossy[[a, b]] = Double(rng.int(in: 30...90)) / 100
            }
            tracer.note("lossy links \(Self.describe(links: Set(lossy.keys)))", at: now)
            return
        }
        if kind < 55, ids.count >= 5 {
            // Two sides and one node that sees both (Jepsen's bridge): each
            // side plus the bridge is a majority, so two leaders can live at
            // once and the bridge node is contested; it crashes at its next
            // durable promise now and then, sometimes losing its disk.
            // Half the time the worst one: the leader on one side, the node
            // that outranks it (and so may campaign) on the other.
            var pinned: [NodeID] = []
            if rng.chance(0.5), let leader = leaderID, let top = ids.last(where: { $0 != leader }), top > leader {
                pinned = [leader, top]
            }
            let free = ids.filter { !pinned.contains($0) }
            let bridge = free[rng.int(in: 0...(free.count - 1))]
            var rest = free.filter { $0 != bridge }
            for i in stride(from: rest.count - 1, to: 0, by: -1) { rest.swapAt(i, rng.int(in: 0...i)) }
            var sideA: [NodeID] = [], sideB: [NodeID] = []
            if pinned.count == 2 {
                sideA = [pinned[0]]
                sideB = [pinned[1]]
            }
            for n in rest { if sideA.count <= sideB.count { sideA.append(n) } else { sideB.append(n) } }
            counters.partitions += 1
            cut = []
            for a in sideA { for b in sideB { cut.insert([a, b]); cut.insert([b, a]) } }
            contested = bridge
            tracer.note("bridge partition \(sideA.sorted()) | \(sideB.sorted()) through n\(bridge)", at: now)
            return
        }
        if kind < 70 {
            // A bridge: one link cut, so some node still sees both sides.
            let (a, b) = randomLink()
            counters.partitions += 1
            cut = [[a, b], [b, a]]
            tracer.note("link cut n\(a) <-> n\(b)", at: now)
            return
        }
        var sideA: [NodeID] = []
        if rng.chance(0.4), let leader = leaderID {
            sideA = [leader]
        } else {
            sideA = ids.filter { _ in rng.chance(0.5) }
        }
        guard !sideA.isEmpty, sideA.count < ids.count else { return }
        counters.partitions += 1
        cut = []
        for a in sideA {
            for b in ids where !sideA.contains(b) {
                cut.insert([a, b])
                cut.insert([b, a])
            }
        }
        tracer.note("partition \(sideA) | \(ids.filter { !sideA.contains($0) })", at: now)
    }

    /// Every link back as it was: no cuts, no lossy links, no contested node.
    mutating func healNetwork() {
        tracer.healed(at: now)
        cut = []
        lossy = [:]
        contested = nil
    }

    /// "[n1->n3, n2->n1]", sorted, for the trace.
    static func describe(links: Set<[NodeID]>) -> String {
        "\(links.sorted { $0.lexicographicallyPrecedes($1) }.map { "n\($0[0])->n\($0[1])" })"
    }

    /// A random directed link between two different nodes.
    mutating func randomLink() -> (NodeID, NodeID) {
        let a = ids[rng.int(in: 0...(ids.count - 1))]
        let others = ids.filter { $0 != a }
        return (a, others[rng.int(in: 0...(others.count - 1))])
    }
}
