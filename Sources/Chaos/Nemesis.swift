import PaxosCore

/// Injects one fault at a time on a seeded schedule: a quiet gap, a fault
/// for a few seconds, the heal. Each fault's effect on the cluster (a
/// leader change, a drop in peers_up, an unresponsive node, cut
/// connections) is observed and logged; a fault with no visible effect is
/// reported as such, never silently counted.
final class Nemesis {
    let cluster: ChaosCluster
    let kinds: [FaultKind]
    let startNs: Int64
    let say: (String) -> Void
    var random: SplitMix64
    private(set) var records: [FaultRecord] = []
    private var queue: [FaultKind] = []
    private var nextShape = 0

    init(cluster: ChaosCluster, kinds: [FaultKind], seed: UInt64, startNs: Int64, say: @escaping (String) -> Void) {
        precondition(!kinds.isEmpty)
        self.cluster = cluster
        self.kinds = kinds
        self.startNs = startNs
        self.say = say
        random = SplitMix64(seed: seed)
        nextShape = Int(random.next() % UInt64(PartitionShape.allCases.count))
    }

    /// Injects faults until `deadlineNs`; every fault is healed when it returns.
    func run(untilNs deadlineNs: Int64) {
        while true {
            let quietMs = 1_000 + Int(random.next() % 2_000)
            let faultMs = 2_000 + Int(random.next() % 4_000)
            guard monotonicNs() + Int64(quietMs + faultMs) * 1_000_000 < deadlineNs else { break }
            sleepMs(quietMs)
            inject(nextKind(), forMs: faultMs)
        }
    }

    /// Every kind once per round, in a seeded order.
    private func nextKind() -> FaultKind {
        if queue.isEmpty {
            queue = kinds
            for i in stride(from: queue.count - 1, to: 0, by: -1) {
                queue.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
        }
        return queue.removeFirst()
    }

    private func inject(_ kind: FaultKind, forMs ms: Int) {
        var record = FaultRecord(number: records.count + 1, kind: kind, shape: nil, summary: "", startNs: monotonicNs())
        let endNs = record.startNs + Int64(ms) * 1_000_000
        switch kind {
        case .kill: kill(&record, untilNs: endNs)
        case .pause: pause(&record, untilNs: endNs)
        case .partition: partition(&record, untilNs: endNs)
        }
        record.healNs = monotonicNs()
        say("fault \(record.number) healed after \(milliseconds(record.healNs! - record.startNs)) ms")
        records.append(record)
    }

    // MARK: Kinds

    private func kill(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let leader = cluster.leader()
        let targets = pickTargets(leader: leader, most: (cluster.size - 1) / 2)
        for id in targets { cluster.kill(id) }
        record.summary = "kill -9 " + describeNodes(targets, leader: leader)
        announce(record)
        record.effect = observe(record, leader: leader, affected: targets, untilNs: endNs)
        waitUntilNs(endNs)
        for id in targets {
            do throws(ChaosError) {
                try cluster.start(id)
            } catch {
                say("cannot restart node \(id): \(error)")
            }
        }
    }

    private func pause(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let leader = cluster.leader()
        let targets = pickTargets(leader: leader, most: 1)
        for id in targets { cluster.pause(id) }
        record.summary = "SIGSTOP " + describeNodes(targets, leader: leader)
        announce(record)
        record.effect = observe(record, leader: leader, affected: targets, untilNs: endNs)
        waitUntilNs(endNs)
        for id in targets { cluster.resume(id) }
    }

    private func partition(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let shapes = PartitionShape.allCases
        var shape = shapes[nextShape % shapes.count]
        nextShape += 1
        let leader = cluster.leader()
        if shape == .isolateLeader && leader == nil { shape = .split }
        record.shape = shape
        if shape == .flap {
            flap(&record, untilNs: endNs)
            return
        }
        let (sideA, sideB, bridge) = sides(shape, leader: leader)
        let cut = LinkSet.between(sideA, sideB)
        for link in cut { cluster.hub.setCut(link, true) }
        let bridgeText = bridge.map { " (node \($0) sees both)" } ?? ""
        record.summary = "\(shape.rawValue) \(describeSet(sideA)) | \(describeSet(sideB))\(bridgeText)"
            + (leader.map { ", leader was \($0)" } ?? "")
        announce(record)
        record.effect = observe(record, leader: leader, affected: sideA, untilNs: endNs,
                                expectedPeers: sideA.count - 1 + (bridge == nil ? 0 : 1))
        waitUntilNs(endNs)
        for link in cut { cluster.hub.setCut(link, false) }
    }

    private func flap(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let ids = cluster.ids
        let a = ids[Int(random.next() % UInt64(ids.count))]
        var b = ids[Int(random.next() % UInt64(ids.count - 1))]
        if b >= a { b += 1 }
        let link = LinkID(a, b)
        let before = cluster.hub.stats(link)
        record.summary = "flap link \(link)"
        announce(record)
        var toggles = 0
        var isCut = false
        while monotonicNs() < endNs {
            isCut.toggle()
            cluster.hub.setCut(link, isCut)
            toggles += 1
            sleepMs(100 + Int(random.next() % 300))
        }
        cluster.hub.setCut(link, false)
        let after = cluster.hub.stats(link)
        let cutConnections = after.closedByCut - before.closedByCut
        let refused = after.refused - before.refused
        let text = "link \(link) cut \((toggles + 1) / 2) times: \(cutConnections) connections cut, \(refused) refused"
        say("fault \(record.number): \(text)")
        record.effect = cutConnections + refused > 0 ? text : nil
    }

    // MARK: Observing effects

    /// Waits (at most until the fault ends, and at least 3 s) for the
    /// leader to change away from a faulted leader, or for a node on the
    /// faulted side to report fewer peers up, or a paused node to stop answering.
    private func observe(_ record: FaultRecord, leader: Int?, affected: [Int], untilNs endNs: Int64,
                         expectedPeers: Int? = nil) -> String? {
        let deadlineNs = max(endNs, monotonicNs() + 3_000_000_000)
        let others = cluster.ids.filter { !affected.contains($0) }
        var effects: [String] = []
        if record.kind == .pause {
            for id in affected where !cluster.probe(id) { effects.append("node \(id) stopped answering") }
        } else if record.kind == .kill {
            // Survivors see the dead node's connection close.
            let survivor = others[Int(random.next() % UInt64(others.count))]
            let limit = cluster.size - 1 - affected.count
            if waitUntilNs(deadlineNs, { (self.cluster.peersUp(survivor) ?? Int.max) <= limit }) {
                effects.append("peers_up on node \(survivor) fell to \(limit)")
            }
        } else if let expectedPeers, let watched = affected.first {
            if waitUntilNs(deadlineNs, { (self.cluster.peersUp(watched) ?? Int.max) <= expectedPeers }) {
                effects.append("peers_up on node \(watched) fell to \(expectedPeers)")
            }
        }
        if let leader, affected.contains(leader) {
            var newLeader: Int?
            if waitUntilNs(deadlineNs, {
                newLeader = self.cluster.leader(among: others)
                return newLeader != nil
            }) {
                effects.append("leader \(leader)→\(newLeader!) after \(milliseconds(monotonicNs() - record.startNs)) ms")
            }
        }
        let text = effects.isEmpty ? nil : effects.joined(separator: "; ")
        say("fault \(record.number): " + (text ?? "NO EFFECT OBSERVED"))
        return text
    }

    // MARK: Choosing

    /// One node (sometimes up to `most`), the leader half the time.
    private func pickTargets(leader: Int?, most: Int) -> [Int] {
        let count = most > 1 && random.next() % 3 == 0 ? most : 1
        var pool = cluster.ids
        var targets: [Int] = []
        if let leader, random.next() % 2 == 0 {
            targets.append(leader)
            pool.removeAll { $0 == leader }
        }
        while targets.count < count {
            let id = pool.remove(at: Int(random.next() % UInt64(pool.count)))
            targets.append(id)
        }
        return targets.sorted()
    }

    /// Side A (the minority or the leader's side), side B, and the bridge node if any.
    private func sides(_ shape: PartitionShape, leader: Int?) -> ([Int], [Int], Int?) {
        var ids = cluster.ids
        for i in stride(from: ids.count - 1, to: 0, by: -1) { ids.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        switch shape {
        case .isolateLeader:
            return ([leader!], cluster.ids.filter { $0 != leader }, nil)
        case .bridge:
            let bridge = ids.removeFirst()
            let half = ids.count / 2
            return (Array(ids[..<half]).sorted(), Array(ids[half...]).sorted(), bridge)
        case .split, .flap:
            let minority = 1 + Int(random.next() % UInt64(max(1, (cluster.size - 1) / 2)))
            return (Array(ids[..<minority]).sorted(), Array(ids[minority...]).sorted(), nil)
        }
    }

    // MARK: Output

    private func announce(_ record: FaultRecord) {
        say("fault \(record.number): \(record.kind.rawValue): \(record.summary)")
    }

    private func describeNodes(_ ids: [Int], leader: Int?) -> String {
        ids.map { $0 == leader ? "node \($0) (leader)" : "node \($0)" }.joined(separator: ", ")
    }

    private func describeSet(_ ids: [Int]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    private func waitUntilNs(_ deadlineNs: Int64) {
        let left = deadlineNs - monotonicNs()
        if left > 0 { sleepMs(Int(left / 1_000_000)) }
    }

    /// Polls `condition` until it holds (true) or the deadline passes (false).
    private func waitUntilNs(_ deadlineNs: Int64, _ condition: () -> Bool) -> Bool {
        while true {
            if condition() { return true }
            if monotonicNs() >= deadlineNs { return false }
            sleepMs(20)
        }
    }
}

/// Milliseconds in a nanosecond span, for messages.
func milliseconds(_ ns: Int64) -> Int64 { ns / 1_000_000 }

enum LinkSet {
    /// Every link with one end in `a` and the other in `b`.
    static func between(_ a: [Int], _ b: [Int]) -> [LinkID] {
        a.flatMap { x in b.map { y in LinkID(x, y) } }.sorted()
    }
}
