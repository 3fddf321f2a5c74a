import PaxosCore

/// Prints a run as one line per event in simulated-time order, so a failing
/// seed reads like a message diagram.
struct SimTracer {
    let enabled: Bool

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
