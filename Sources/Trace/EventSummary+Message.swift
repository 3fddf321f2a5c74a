import PaxosCore

/// What a trace line says about a message: its type, ballot, slots, the
/// digest of what it carries and a label in the seeds' dialogue style.
extension EventSummary {
    public init(_ m: Message) {
        switch m {
        case .status(let s):
            self.init("Status", "Status(applied \(s.applied), promised \(s.promised)\(s.isVoter ? "" : ", learner"))", ballot: s.promised.isZero ? nil : s.promised)
        case .election: self.init("Election", "ELECTION")
        case .alive: self.init("Alive", "ALIVE")
        case .coordinator: self.init("Coordinator", "COORDINATOR")
        case .takeOver: self.init("TakeOver", "TAKE-OVER")
        case .admit(let b): self.init("Admit", "ADMIT(\(b))", ballot: b)
        case .prepare(let b, let from):
            self.init("Prepare", "Prepare(\(b)) from slot \(from)", ballot: b)
        case .promise(let b, let snapshotIndex, let accepted):
            let slots = accepted.isEmpty ? nil : accepted.map(\.slot).min()!...accepted.map(\.slot).max()!
            let what = accepted.isEmpty ? "nothing accepted" : "accepted " + Self.describe(accepted)
            self.init("Promise", "Promise(\(b)) \(what)\(snapshotIndex > 0 ? ", snapshot \(snapshotIndex)" : "")",
                      ballot: b, slots: slots, digest: accepted.isEmpty ? nil : Self.digest(accepted.map(\.value)))
        case .reject(let b, let promised):
            self.init("Reject", "Reject(\(b)): promised \(promised)", ballot: b)
        case .accept(let b, let slot, let value, let commit):
            let d = Self.digest([value])
            self.init("Accept", "Accept(\(b)) slot \(slot) \(Self.describe(value)) #\(d), commit \(commit)",
                      ballot: b, slots: slot...slot, digest: d)
        case .accepted(let b, let slot):
            self.init("Accepted", "Accepted(\(b)) slot \(slot)", ballot: b, slots: slot...slot)
        case .heartbeat(let b, let commit, let seq):
            self.init("Heartbeat", "Heartbeat(\(b)) commit \(commit) #\(seq)", ballot: b)
        case .heartbeatAck(let b, let seq):
            self.init("HeartbeatAck", "HeartbeatAck(\(b)) #\(seq)", ballot: b)
        case .fetch(let from): self.init("Fetch", "Fetch from slot \(from)")
        case .chosen(let entries):
            let slots = entries.isEmpty ? nil : entries.first!.slot...entries.last!.slot
            self.init("Chosen", "Chosen slots \(slots.map(Self.describe) ?? "none")",
                      slots: slots, digest: entries.isEmpty ? nil : Self.digest(entries.map(\.value)))
        case .snapshot(let index, let data):
            self.init("Snapshot", "Snapshot up to slot \(index) (\(data.count) bytes)", slots: index...index)
        case .forward(let r): self.init("Forward", "Forward request \(r.id)")
        case .forwardRejected(let id): self.init("ForwardRejected", "ForwardRejected \(id)")
        case .readIndex(let id): self.init("ReadIndex", "ReadIndex \(id)")
        case .readIndexReply(let id, let index):
            self.init("ReadIndexReply", "ReadIndexReply \(id): \(index.map { "commit \($0)" } ?? "refused")",
                      slots: index.map { $0...$0 })
        }
    }

    init(_ name: String, _ label: String, ballot: Ballot? = nil, slots: ClosedRange<Slot>? = nil, digest: String? = nil) {
        self.init(name: name, label: label, ballot: ballot, slots: slots, digest: digest)
    }

    static func describe(_ slots: ClosedRange<Slot>) -> String {
        slots.count == 1 ? "\(slots.lowerBound)" : "\(slots.lowerBound)-\(slots.upperBound)"
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .noop: return "noop"
        case .batch(_, let requests): return requests.count == 1 ? "1 command" : "\(requests.count) commands"
        }
    }

    static func describe(_ accepted: [SlotEntry]) -> String {
        let shown = accepted.prefix(3).map { "slot \($0.slot) in \($0.ballot)" }.joined(separator: ", ")
        return accepted.count > 3 ? "\(shown) and \(accepted.count - 3) more" : shown
    }

    /// FNV-1a over the values' request ids and payloads: equal values share a digest.
    public static func digest(_ values: [Value]) -> String {
        var h: UInt32 = 0x811C_9DC5
        func mix(_ byte: UInt8) { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        func mix64(_ v: UInt64) { for i in 0..<8 { mix(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        for value in values {
            switch value {
            case .noop: mix(0)
            case .batch(let time, let requests):
                mix(1)
                mix64(time)
                for r in requests {
                    mix64(UInt64(r.id.origin))
                    mix64(r.id.serial)
                    for b in r.payload { mix(b) }
                }
            }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
