import PaxosCore

// Snapshot layout, all integers little-endian:
//   magic "PKVS", u32 version (1), u64 clockMs,
//   u64 key count, then per key: blob key, blob value, in (KeyHash, key) order;
//   u32 session count, then per session: blob client id, u64 lastSeq,
//   u64 lastUsedMs, blob reply, in client-id byte order.
// Both orders are canonical, so equal states give identical bytes on every
// node, and restore rejects input that is out of order or has duplicates.
extension KVStateMachine {
    static let snapshotMagic: [UInt8] = Array("PKVS".utf8)
    static let snapshotVersion: UInt32 = 1

    /// The whole state (map, sessions, log clock) as deterministic bytes.
    public func snapshot() -> [UInt8] {
        var size = 32
        map.forEach { size += 8 + $0.key.count + $0.value.count }
        var w = ByteWriter(capacity: size)
        w.raw(Self.snapshotMagic)
        w.u32(Self.snapshotVersion)
        w.u64(clockMs)
        w.u64(UInt64(map.count))
        map.forEach { entry in
            w.blob(entry.key)
            w.blob(entry.value)
        }
        let sorted = sessions.sortedByID()
        w.u32(UInt32(sorted.count))
        for (id, session) in sorted {
            w.blob(id)
            w.u64(session.lastSeq)
            w.u64(session.lastUsedMs)
            w.blob(session.reply)
        }
        return w.bytes
    }

    /// Replaces the state with a snapshot's; throws `DecodeError` on bad
    /// input and then leaves the state as it was. Session settings stay this node's.
    public mutating func restore(from snapshot: [UInt8]) throws {
        var r = ByteReader(snapshot)
        for byte in Self.snapshotMagic where try r.u8() != byte {
            throw DecodeError.invalid("not a PaxosKV snapshot")
        }
        let version = try r.u32()
        guard version == Self.snapshotVersion else { throw DecodeError.invalid("unknown snapshot version \(version)") }
        var restored = KVStateMachine(sessionTTLms: sessionTTLms, maxSessions: maxSessions)
        restored.clockMs = try r.u64()

        let keyCount = try r.u64()
        guard keyCount <= UInt64(r.remaining / 8) else { throw DecodeError.invalid("key count \(keyCount) exceeds input") }
        restored.map = HashOrderedMap(capacity: Int(keyCount))
        var last: (hash: UInt64, key: [UInt8])?
        for _ in 0..<keyCount {
            let key = try r.blob()
            let value = try r.blob()
            guard restored.map.appendInOrder(key: key, value: value, last: &last) else {
                throw DecodeError.invalid("snapshot keys out of order or duplicated")
            }
        }

        let sessionCount = try r.count(minBytesEach: 24)
        var lastID: [UInt8]?
        for _ in 0..<sessionCount {
            let id = try r.blob()
            let session = ClientSession(lastSeq: try r.u64(), reply: [], lastUsedMs: try r.u64())
            let reply = try r.blob()
            if let lastID, !bytesPrecede(lastID, id) {
                throw DecodeError.invalid("snapshot sessions out of order or duplicated")
            }
            guard session.lastSeq >= 1 else { throw DecodeError.invalid("session with seq 0") }
            guard session.lastUsedMs <= restored.clockMs else { throw DecodeError.invalid("session used after the snapshot's clock") }
            _ = try KVReply(decoding: reply)  // a stored reply must be replayable
            restored.sessions.restore(id: id, session: ClientSession(lastSeq: session.lastSeq, reply: reply, lastUsedMs: session.lastUsedMs))
            lastID = id
        }
        try r.expectEnd()
        restored.sessions.finishRestore()
        self = restored
    }
}
