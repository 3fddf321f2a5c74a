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
    /// What went wrong while healing (a node that would not restart).
    var problems: [String] = []
    /// Members at the start: member faults keep between this and two more.
    let minimumMembers: Int
    /// Member removals so far: every other one removes the leader.
    var memberRemovals = 0
    /// Testing: the next member fault's change, instead of a seeded one.
    var nextMemberStep: MemberStep?
    private var queue: [FaultKind] = []
    private var nextShape = 0

    /// Testing only: partitions announce themselves but cut nothing, to show
    /// that a fault without effect is caught.
    let cutsAreFake: Bool

    init(cluster: ChaosCluster, kinds: [FaultKind], seed: UInt64, startNs: Int64, cutsAreFake: Bool = false,
         say: @escaping (String) -> Void) {
        precondition(!kinds.isEmpty)
        self.cluster = cluster
        self.cutsAreFake = cutsAreFake
        self.kinds = kinds
        self.startNs = startNs
        self.say = say
        minimumMembers = cluster.size
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

    func inject(_ kind: FaultKind, forMs ms: Int) {
        // startNs is set again at the moment of injection, after the leader and peers_up queries.
        var record = FaultRecord(number: records.count + 1, kind: kind, shape: nil, summary: "", startNs: monotonicNs())
        let endNs = record.startNs + Int64(ms) * 1_000_000
        switch kind {
        case .kill: kill(&record, untilNs: endNs)
        case .pause: pause(&record, untilNs: endNs)
        case .partition: partition(&record, untilNs: endNs)
        case .member: changeMembers(&record, untilNs: endNs)
        }
        record.healNs = monotonicNs()
        say("fault \(record.number) healed after \(milliseconds(record.healNs! - record.startNs)) ms")
        records.append(record)
    }

    // MARK: Kinds

    private func kill(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let leader = cluster.leader()
        let targets = pickTargets(leader: leader, most: (cluster.size - 1) / 2)
        let baseline = peersUpNow()
        record.startNs = monotonicNs()
        for id in targets { cluster.kill(id) }
        record.summary = "kill -9 " + describeNodes(targets, leader: leader)
        announce(record)
        record.effect = observe(record, leader: leader, affected: targets, baseline: baseline, untilNs: endNs)
        sleepUntil(ns: endNs)
        for id in targets {
            do throws(ChaosError) {
                try cluster.start(id)
            } catch {
                problems.append("fault \(record.number): cannot restart node \(id): \(error)")
                say("cannot restart node \(id): \(error)")
            }
        }
    }

    private func pause(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let leader = cluster.leader()
        let targets = pickTargets(leader: leader, most: 1)
        record.startNs = monotonicNs()
        for id in targets { cluster.pause(id) }
        record.summary = "SIGSTOP " + describeNodes(targets, leader: leader)
        announce(record)
        record.effect = observe(record, leader: leader, affected: targets, baseline: [:], untilNs: endNs)
        sleepUntil(ns: endNs)
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
        let baseline = peersUpNow()
        let before = cutCount(cut)
        record.startNs = monotonicNs()
        for link in cut { setCut(link, true) }
        let bridgeText = bridge.map { " (node \($0) sees both)" } ?? ""
        record.summary = "\(shape.rawValue) \(describeSet(sideA)) | \(describeSet(sideB))\(bridgeText)"
            + (leader.map { ", leader was \($0)" } ?? "")
        announce(record)
        let seen = observe(record, leader: leader, affected: sideA, baseline: baseline, untilNs: endNs)
        sleepUntil(ns: endNs)
        // The proof that real TCP traffic was cut: connections the proxy closed or refused.
        let after = cutCount(cut)
        let (closed, refused) = (after.0 - before.0, after.1 - before.1)
        for link in cut { setCut(link, false) }
        let cutText = "\(closed) connections cut, \(refused) refused"
        say("fault \(record.number): " + cutText)
        record.effect = closed + refused > 0 ? [seen, cutText].compactMap { $0 }.joined(separator: "; ") : nil
    }

    private func setCut(_ link: LinkID, _ cut: Bool) {
        if !cutsAreFake { cluster.hub.setCut(link, cut) }
    }

    /// Connections closed by cuts and refused so far on `links`.
    private func cutCount(_ links: [LinkID]) -> (Int, Int) {
        links.reduce((0, 0)) { sum, link in
            let stats = cluster.hub.stats(link)
            return (sum.0 + stats.closedByCut, sum.1 + stats.refused)
        }
    }

    /// peers_up of every node that answers now.
    private func peersUpNow() -> [Int: Int] {
        var result: [Int: Int] = [:]
        for id in cluster.ids { result[id] = cluster.peersUp(id) }
        return result
    }

    private func flap(_ record: inout FaultRecord, untilNs endNs: Int64) {
        // Two distinct members by index: after member changes the ids have gaps.
        let ids = cluster.ids
        let i = Int(random.next() % UInt64(ids.count))
        var j = Int(random.next() % UInt64(ids.count - 1))
        if j >= i { j += 1 }
        let link = LinkID(ids[i], ids[j])
        let before = cluster.hub.stats(link)
        record.summary = "flap link \(link)"
        announce(record)
        var toggles = 0
        var isCut = false
        record.startNs = monotonicNs()
        while monotonicNs() < endNs {
            isCut.toggle()
            setCut(link, isCut)
            toggles += 1
            sleepMs(100 + Int(random.next() % 300))
        }
        setCut(link, false)
        let after = cluster.hub.stats(link)
        let cutConnections = after.closedByCut - before.closedByCut
        let refused = after.refused - before.refused
        let text = "link \(link) cut \((toggles + 1) / 2) times: \(cutConnections) connections cut, \(refused) refused"
        record.effect = cutConnections + refused > 0 ? text : nil
        say("fault \(record.number): \(text)" + (record.effect == nil ? " — NO EFFECT OBSERVED" : ""))
    }

    // MARK: Observing effects

    /// Waits (until the fault ends, and at least 3 s) for what the fault
    /// should show: a killed node refusing connections, a paused one not
    /// answering, a node on the faulted side (or a survivor) reporting fewer
    /// peers up than before the fault, and a new leader when the leader was hit.
    private func observe(_ record: FaultRecord, leader: Int?, affected: [Int], baseline: [Int: Int],
                         untilNs endNs: Int64) -> String? {
        let deadlineNs = max(endNs, monotonicNs() + 3_000_000_000)
        let others = cluster.ids.filter { !affected.contains($0) }
        var effects: [String] = []
        switch record.kind {
        case .kill:
            for id in affected where !cluster.probe(id) { effects.append("node \(id) refuses connections") }
        case .pause:
            for id in affected where !cluster.probe(id) { effects.append("node \(id) stopped answering") }
        case .partition, .member:
            break
        }
        // Killed nodes' peers see them go; a partition's side A sees side B go.
        let watched = record.kind == .kill ? others : affected
        var fell: (id: Int, from: Int, to: Int)?
        if !baseline.isEmpty, waitUntil(deadlineNs: deadlineNs, {
            for id in watched {
                guard let before = baseline[id], let now = self.cluster.peersUp(id), now < before else { continue }
                fell = (id, before, now)
                return true
            }
            return false
        }) {
            effects.append("peers_up on node \(fell!.id) fell from \(fell!.from) to \(fell!.to)")
        }
        if let leader, affected.contains(leader) {
            var newLeader: Int?
            if waitUntil(deadlineNs: deadlineNs, {
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
        var pool = cluster.ids.filter { cluster.isRunning($0) && !cluster.isPaused($0) }
        let count = min(pool.count, most > 1 && random.next() % 3 == 0 ? most : 1)
        var targets: [Int] = []
        if let leader, pool.contains(leader), random.next() % 2 == 0 {
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

    func announce(_ record: FaultRecord) {
        say("fault \(record.number): \(record.kind.rawValue): \(record.summary)")
    }

    func describeNodes(_ ids: [Int], leader: Int?) -> String {
        ids.map { $0 == leader ? "node \($0) (leader)" : "node \($0)" }.joined(separator: ", ")
    }

    private func describeSet(_ ids: [Int]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }
}

/// Milliseconds in a nanosecond span, for messages.
func milliseconds(_ ns: Int64) -> Int64 { ns / 1_000_000 }

enum LinkSet {
    /// Every link with one end in `a` and the other in `b`.
    static func between(_ a: [Int], _ b: [Int]) -> [LinkID] {
        a.flatMap { x in b.map { y in LinkID(x, y) } }.sorted()
    }
}
