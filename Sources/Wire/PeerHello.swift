import PaxosCore

/// The first message on a peer connection, sent by the side that dialed.
/// The receiver refuses the connection unless the protocol version, the
/// cluster name and the membership hash all equal its own and `nodeID` is a
/// member (DESIGN rule 8: nodes with different member lists must never
/// count each other toward a majority).
public struct PeerHello: Hashable, Sendable {
    /// The peer protocol this build speaks.
    public static let currentProtocolVersion: UInt16 = 1
    /// First byte of an encoded hello; no `Message` tag uses it, so a hello
    /// and a message are never mistaken for each other.
    static let tag: UInt8 = 0xF0
    /// Longest cluster name accepted, in UTF-8 bytes.
    public static let maxClusterNameBytes = 255

    public var protocolVersion: UInt16
    public var clusterName: String
    public var membershipHash: UInt64
    public var nodeID: NodeID

    /// A hello; `nodeID` must be 1...255.
    public init(protocolVersion: UInt16 = PeerHello.currentProtocolVersion, clusterName: String, membershipHash: UInt64, nodeID: NodeID) {
        precondition((1...255).contains(nodeID), "node id out of range")
        self.protocolVersion = protocolVersion
        self.clusterName = clusterName
        self.membershipHash = membershipHash
        self.nodeID = nodeID
    }

    /// `tag u8 | version u16 LE | name blob | membershipHash u64 | nodeID u8`.
    public func encoded() -> [UInt8] {
        let name = Array(clusterName.utf8)
        precondition(name.count <= Self.maxClusterNameBytes, "cluster name too long")
        var w = ByteWriter(capacity: 16 + name.count)
        w.u8(Self.tag)
        w.u8(UInt8(truncatingIfNeeded: protocolVersion))
        w.u8(UInt8(truncatingIfNeeded: protocolVersion >> 8))
        w.blob(name)
        w.u64(membershipHash)
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
            let id = Int(try r.u8())
            guard id >= 1 else { throw DecodeError.invalid("node id 0") }
            try r.expectEnd()
            self.init(protocolVersion: version, clusterName: clusterName, membershipHash: hash, nodeID: id)
        } catch let e as DecodeError {
            throw e
        } catch {
            throw .invalid("\(error)")
        }
    }
}

/// FNV-1a 64 over the members in ascending id order; for each member it
/// hashes the id as one byte, the peer address's UTF-8 bytes, then a 0 byte
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
