import PaxosCore

/// The vector clock a tracing node sends just before a message, as its own
/// logical message: `0xF0 | count u8 | (node u8, count u64 LE)*`. Every node
/// reads and sets it aside (tracing or not); only the next message on the
/// same connection takes it. A node that does not trace sends none.
public enum PeerTraceStamp {
    /// Never a `PeerMessageTag`.
    public static let tag: UInt8 = 0xF0

    public static func isStamp(_ bytes: [UInt8]) -> Bool { bytes.first == tag }

    public static func encode(_ clock: [(node: NodeID, count: UInt64)]) -> [UInt8] {
        precondition(clock.count <= 255, "a vector clock names at most 255 nodes")
        var w = ByteWriter(capacity: 2 + 9 * clock.count)
        w.u8(tag)
        w.u8(UInt8(clock.count))
        for entry in clock {
            precondition((1...255).contains(entry.node), "node id out of range")
            w.u8(UInt8(entry.node))
            w.u64(entry.count)
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> [NodeID: UInt64] {
        do {
            var r = ByteReader(bytes)
            guard try r.u8() == tag else { throw DecodeError.invalid("not a trace stamp") }
            let n = Int(try r.u8())
            var clock: [NodeID: UInt64] = [:]
            for _ in 0..<n {
                let node = Int(try r.u8())
                let count = try r.u64()
                guard node >= 1, count > 0, clock[node] == nil else { throw DecodeError.invalid("trace stamp entry \(node)=\(count)") }
                clock[node] = count
            }
            try r.expectEnd()
            return clock
        } catch let e as DecodeError {
            throw e
        } catch {
            throw .invalid("\(error)")
        }
    }
}
