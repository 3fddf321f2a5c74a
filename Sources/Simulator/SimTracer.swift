import PaxosCore
import Trace

/// Prints a run as one line per event in simulated-time order, so a failing
/// seed reads like a message diagram; and, when asked, records every
/// protocol event with vector clocks (`paxos-sim --trace-json`), simulated
/// time standing for both wall and monotonic time.
struct SimTracer {
    let enabled: Bool
    private var recorders: [NodeID: TraceRecorder]?
    private(set) var events: [TraceEvent] = []
    /// Nodes with a cut or lossy link, shaded until the network heals.
    private var cutOff: Set<NodeID> = []

    init(enabled: Bool, recording: Bool) {
        self.enabled = enabled
        recorders = recording ? [:] : nil
    }

    /// A message handed to the network; its stamp travels with it.
    mutating func sent(_ env: Envelope, at time: UInt64) -> VectorClock? {
        guard recorders != nil else { return nil }
        var r = recorders![env.from] ?? TraceRecorder(node: env.from)
        let (event, stamp) = r.send(env.message, to: env.to, wallMs: time, monoMs: time)
        recorders![env.from] = r
        events.append(event)
        return stamp
    }

    mutating func received(_ env: Envelope, stamp: VectorClock?, at time: UInt64) {
        guard recorders != nil else { return }
        var r = recorders![env.to] ?? TraceRecorder(node: env.to)
        events.append(r.receive(env.message, from: env.from, stamp: stamp, wallMs: time, monoMs: time))
        recorders![env.to] = r
    }

    mutating func local(_ node: NodeID, _ summary: EventSummary?, at time: UInt64) {
        guard recorders != nil, let summary else { return }
        var r = recorders![node] ?? TraceRecorder(node: node)
        events.append(r.local(summary, wallMs: time, monoMs: time))
        recorders![node] = r
    }

    /// What one step of a node's core did that a chart shows.
    mutating func stepped(_ node: NodeID, _ out: Output, at time: UInt64) {
        guard recorders != nil else { return }
        local(node, EventSummary.chosen(out.applied), at: time)
        for event in out.events { local(node, EventSummary(event), at: time) }
    }

    /// The links in `links` ([from, to]) now lose messages.
    mutating func partitioned(_ links: Set<[NodeID]>, at time: UInt64) {
        guard recorders != nil else { return }
        var affected: [NodeID: Set<NodeID>] = [:]
        for l in links {
            affected[l[0], default: []].insert(l[1])
            affected[l[1], default: []].insert(l[0])
        }
        for node in affected.keys.sorted() {
            let others = affected[node]!.sorted().map { "n\($0)" }.joined(separator: ", ")
            local(node, EventSummary(name: "partitioned", label: "links to \(others) cut or lossy"), at: time)
            cutOff.insert(node)
        }
    }

    mutating func healed(at time: UInt64) {
        for node in cutOff.sorted() { local(node, EventSummary(name: "healed", label: "network heals"), at: time) }
        cutOff = []
    }

    func note(_ text: @autoclosure () -> String, at time: UInt64) {
        guard enabled else { return }
        print("t=\(pad(time)) \(text())")
    }

    func deliver(_ env: Envelope, at time: UInt64) {
        guard enabled else { return }
        print("t=\(pad(time)) n\(env.from) -> n\(env.to) \(Self.describe(env.message))")
    }

    private func pad(_ t: UInt64) -> String {
        let s = String(t)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .noop: return "noop"
        case .batch(_, let requests):
            return "[" + requests.map { "w\(SimStateMachine.decode($0.payload))" }.joined(separator: ",") + "]"
        }
    }

    static func describe(_ m: Message) -> String {
        switch m {
        case .status(let s): return "status applied=\(s.applied) promised=\(s.promised) voter=\(s.isVoter)"
        case .takeOver: return "TAKE-OVER"
        case .admit(let b): return "admit b=\(b)"
        case .election: return "ELECTION"
        case .alive: return "ALIVE"
        case .coordinator: return "COORDINATOR"
        case .prepare(let b, let from): return "prepare b=\(b) from=\(from)"
        case .promise(let b, let snap, let acc): return "promise b=\(b) snapshot=\(snap) accepted=\(acc.map { "\($0.slot)@\($0.ballot)" })"
        case .reject(let b, let p): return "reject b=\(b) promised=\(p)"
        case .accept(let b, let slot, let v, let c): return "accept b=\(b) slot=\(slot) \(describe(v)) commit=\(c)"
        case .accepted(let b, let slot): return "accepted b=\(b) slot=\(slot)"
        case .heartbeat(let b, let c, let seq): return "heartbeat b=\(b) commit=\(c) seq=\(seq)"
        case .heartbeatAck(let b, let seq): return "heartbeat-ack b=\(b) seq=\(seq)"
        case .fetch(let from): return "fetch from=\(from)"
        case .chosen(let e): return "chosen slots \(e.first?.slot ?? 0)...\(e.last?.slot ?? 0)"
        case .snapshot(let i, _): return "snapshot index=\(i)"
        case .forward(let r): return "forward \(r.id) w\(SimStateMachine.decode(r.payload))"
        case .forwardRejected(let id): return "forward-rejected \(id)"
        case .readIndex(let id): return "read-index \(id)"
        case .readIndexReply(let id, let i): return "read-index-reply \(id) index=\(i.map(String.init) ?? "refused")"
        }
    }
}
