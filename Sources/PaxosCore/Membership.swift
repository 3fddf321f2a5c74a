/// One change of the cluster's members, decided in the log like a client
/// command: it rides in a request whose payload starts with `magic` (no
/// state machine command does), so forwarding, de-duplication and replies
/// are a client request's. The proposer puts it alone in its slot; the
/// configuration it makes governs every later slot.
public struct MemberChange: Hashable, Sendable {
    public enum Kind: UInt8, Sendable { case add = 1, remove = 2 }
    public var kind: Kind
    public var node: NodeID
    /// The runtime's addresses of an added member; opaque to the core.
    public var address: [UInt8]

    public init(kind: Kind, node: NodeID, address: [UInt8] = []) {
        precondition(kind == .add || address.isEmpty, "only an added member has an address")
        self.kind = kind
        self.node = node
        self.address = address
    }

    /// Reserved first bytes of a request payload that is a member change.
    static let magic: [UInt8] = [0xFC, 0x50, 0x58, 0x4D]  // 0xFC "PXM"

    /// The request payload that carries this change.
    public var payload: [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic)
        w.u8(kind.rawValue)
        w.u8(UInt8(node))
        w.blob(address)
        return w.bytes
    }

    /// The change a payload carries; nil for a state machine command.
    public init?(payload: [UInt8]) {
        guard payload.count >= Self.magic.count + 2, payload.starts(with: Self.magic) else { return nil }
        var r = ByteReader(payload, offset: Self.magic.count)
        guard let k = try? r.u8(), let kind = Kind(rawValue: k), let n = try? r.u8(), n > 0,
              let address = try? r.blob(limit: 4_096), (try? r.expectEnd()) != nil else { return nil }
        guard kind == .add || address.isEmpty else { return nil }
        self.init(kind: kind, node: NodeID(n), address: address)
    }

    /// The reply bytes of an applied change: empty for OK, else the error text.
    public static func replyText(_ reply: [UInt8]) -> String? {
        reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }
}

/// The members as of the applied slot, with what the runtime needs to
/// reach them. Part of every snapshot, so it is as durable as the state.
public struct Membership: Hashable, Sendable {
    /// Sorted.
    public private(set) var members: [NodeID]
    /// The runtime's addresses of members added through the log.
    public private(set) var addresses: [NodeID: [UInt8]] = [:]
    /// The slot whose change made this configuration (0: the initial one).
    public private(set) var slot: Slot = 0
    /// Ids once removed. They never come back: a removed node's old
    /// incarnation may hold promises a new one would not know of.
    public private(set) var retired: Set<NodeID> = []

    public init(members: [NodeID], addresses: [NodeID: [UInt8]] = [:]) {
        precondition(!members.isEmpty, "a configuration needs a member")
        precondition(Set(members).count == members.count, "duplicate member id")
        precondition(addresses.keys.allSatisfy(members.contains), "an address of a non-member")
        self.members = members.sorted()
        self.addresses = addresses.filter { !$0.value.isEmpty }
    }

    public var majority: Int { members.count / 2 + 1 }

    /// Why `change` cannot apply to this configuration, or nil when it can.
    public func refusal(_ change: MemberChange) -> String? {
        switch change.kind {
        case .add:
            if members.contains(change.node) { return "ERR node \(change.node) is already a member" }
            if retired.contains(change.node) { return "ERR node \(change.node) was removed before; add it under a new id" }
            if !change.address.isEmpty, let owner = members.first(where: { addresses[$0] == change.address }) {
                return "ERR node \(owner) already has that address"
            }
        case .remove:
            if !members.contains(change.node) { return "ERR node \(change.node) is not a member" }
            if members.count == 1 { return "ERR node \(change.node) is the last member" }
        }
        return nil
    }

    /// This configuration with `change` applied at `slot`; precondition: no refusal.
    public func applying(_ change: MemberChange, at slot: Slot) -> Membership {
        precondition(refusal(change) == nil, "applying a refused member change")
        precondition(slot > self.slot, "member changes apply in slot order")
        var next = self
        switch change.kind {
        case .add:
            next.members = (members + [change.node]).sorted()
            next.addresses[change.node] = change.address
        case .remove:
            next.members.removeAll { $0 == change.node }
            next.addresses[change.node] = nil
            next.retired.insert(change.node)
        }
        next.slot = slot
        return next
    }

    func encode(into w: inout ByteWriter) {
        w.u64(slot)
        w.u32(UInt32(members.count))
        for m in members {
            w.u8(UInt8(m))
            w.blob(addresses[m] ?? [])
        }
        let gone = retired.sorted()
        w.u32(UInt32(gone.count))
        for r in gone { w.u8(UInt8(r)) }
    }

    static func decode(from r: inout ByteReader) throws -> Membership {
        let slot = try r.u64()
        let n = try r.count(minBytesEach: 5)
        guard n > 0 else { throw DecodeError.invalid("a configuration without members") }
        var members: [NodeID] = []
        var addresses: [NodeID: [UInt8]] = [:]
        for _ in 0..<n {
            let m = NodeID(try r.u8())
            members.append(m)
            let address = try r.blob(limit: 4_096)
            if !address.isEmpty { addresses[m] = address }
        }
        guard Set(members).count == members.count, !members.contains(0) else { throw DecodeError.invalid("bad member ids") }
        var retired: Set<NodeID> = []
        for _ in 0..<(try r.count(minBytesEach: 1)) { retired.insert(NodeID(try r.u8())) }
        var m = Membership(members: members)
        m.addresses = addresses
        m.slot = slot
        m.retired = retired
        return m
    }
}

/// What the core snapshots: the configuration, then the state machine's
/// bytes. A snapshot without the prefix (written before member changes
/// existed, or a backup, which holds only the state machine's bytes) keeps
/// the configuration the node already has.
public enum CoreSnapshot {
    static let magic: [UInt8] = Array("PXCORE1\u{0}".utf8)

    /// The configuration a snapshot's bytes carry (nil: none, or it does
    /// not decode). Reads the prefix only, not the state after it.
    public static func membership(in bytes: [UInt8]) -> Membership? {
        guard bytes.starts(with: magic) else { return nil }
        var r = ByteReader(bytes, offset: magic.count)
        return try? Membership.decode(from: &r)
    }

    public static func encode(_ membership: Membership, _ state: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: state.count + 64)
        w.raw(magic)
        membership.encode(into: &w)
        w.blob(state)
        return w.bytes
    }

    /// The configuration (nil without the prefix) and the state machine's bytes.
    static func decode(_ bytes: [UInt8]) throws -> (membership: Membership?, state: [UInt8]) {
        guard bytes.starts(with: magic) else { return (nil, bytes) }
        var r = ByteReader(bytes, offset: magic.count)
        let membership = try Membership.decode(from: &r)
        let state = try r.blob()
        try r.expectEnd()
        return (membership, state)
    }
}
