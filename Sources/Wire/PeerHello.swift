import PaxosCore

/// The first message on a peer connection, sent by the side that dialed
/// and answered by the other. The receiver refuses the connection unless
/// the protocol version and the cluster name equal its own and, when both
/// sides know their committed configuration at the same slot, the
/// membership hashes of those configurations are equal too (DESIGN rule 8:
/// nodes with different member lists must never count each other toward a
/// majority). Configurations at different slots are one node lagging the
/// other's member changes; the core counts only its own configuration's
/// members, and gives the rest learner traffic.
public struct PeerHello: Hashable, Sendable {
    /// The peer protocol this build speaks.
    public static let currentProtocolVersion: UInt16 = 2
    /// First byte of an encoded hello; no `Message` tag uses it, so a hello
    /// and a message are never mistaken for each other.
    static let tag: UInt8 = 0xF0
    /// Longest cluster name accepted, in UTF-8 bytes.
    public static let maxClusterNameBytes = 255

    public var protocolVersion: UInt16
    public var clusterName: String
    /// The hash of the sender's committed configuration (`membershipHash`).
    public var membershipHash: UInt64
    /// The slot of the change that made that configuration (0: the initial
    /// one); nil when the sender does not know it yet (`paxosd --join`).
    public var configSlot: UInt64?
    public var nodeID: NodeID

    /// A hello; `nodeID` must be 1...255.
    public init(protocolVersion: UInt16 = PeerHello.currentProtocolVersion, clusterName: String, membershipHash: UInt64,
                configSlot: UInt64? = 0, nodeID: NodeID) {
        precondition((1...255).contains(nodeID), "node id out of range")
        self.protocolVersion = protocolVersion
        self.clusterName = clusterName
        self.membershipHash = membershipHash
        self.configSlot = configSlot
        self.nodeID = nodeID
    }

    /// `tag u8 | version u16 LE | name blob | membershipHash u64 | known u8 | configSlot u64 | nodeID u8`.
    public func encoded() -> [UInt8] {
        let name = Array(clusterName.utf8)
        precondition(name.count <= Self.maxClusterNameBytes, "cluster name too long")
        var w = ByteWriter(capacity: 16 + name.count)
        w.u8(Self.tag)
        w.u8(UInt8(truncatingIfNeeded: protocolVersion))
        w.u8(UInt8(truncatingIfNeeded: protocolVersion >> 8))
        w.blob(name)
        w.u64(membershipHash)
        w.u8(configSlot == nil ? 0 : 1)
        w.u64(configSlot ?? 0)
        w.u8(UInt8(nodeID))
        return w.bytes
    }

    /// Decodes a hello from an untrusted peer; throws on anything malformed.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        do {
            var r = ByteReader(bytes)
            let tag = try r.u8()
            guard tag == Self.tag else { throw DecodeError.invalid("not a hello (first byte \(tag))") }
            let version = UInt16(try r.u8()) | UInt16(try r.u8()) << 8
            let name = try r.blob(limit: Self.maxClusterNameBytes)
            guard let clusterName = String(validating: name, as: UTF8.self) else {
                throw DecodeError.invalid("cluster name is not UTF-8")
            }
            let hash = try r.u64()
            let known = try r.u8()
            guard known <= 1 else { throw DecodeError.invalid("configuration flag \(known)") }
            let slot = try r.u64()
            let id = Int(try r.u8())
            guard id >= 1 else { throw DecodeError.invalid("node id 0") }
            try r.expectEnd()
            self.init(protocolVersion: version, clusterName: clusterName, membershipHash: hash,
                      configSlot: known == 1 ? slot : nil, nodeID: id)
        } catch let e as DecodeError {
            throw e
        } catch {
            throw .invalid("\(error)")
        }
    }
}

/// FNV-1a 64 over the members in ascending id order; for each member it
/// hashes the id as one byte, the address's UTF-8 bytes, then a 0 byte
/// (so "1"+"23" and "12"+"3" differ). The same member list in any order gives
/// the same hash on every node and every build.
public func membershipHash(members: [(id: NodeID, peerAddress: String)]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ b: UInt8) {
        h ^= UInt64(b)
        h &*= 0x0000_0100_0000_01B3
    }
    for m in members.sorted(by: { $0.id < $1.id }) {
        precondition((1...255).contains(m.id), "node id out of range")
        mix(UInt8(m.id))
        for b in m.peerAddress.utf8 { mix(b) }
        mix(0)
    }
    return h
}
