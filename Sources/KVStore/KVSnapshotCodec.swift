import PaxosCore

// Snapshot layout, all integers little-endian:
//   magic "PKVS", u32 version (2), u64 clockMs,
//   u64 key count, then per key: blob key, blob value, in (KeyHash, key) order;
//   u32 session count, then per session: blob client id, u64 lastSeq,
//   u64 lastUsedMs, blob reply, in client-id byte order;
//   u32 tombstone count, then per forgotten session: u64 KeyHash of the
//   client id, u64 forgottenAtMs, oldest first (the order they were made);
//   u64 deadline count, then per key with a deadline: blob key, u64
//   deadline (log time, ms, after clockMs), in the map's (KeyHash, key) order;
//   u64 change seq, u64 change horizon, u32 count, then per remembered key
//   change (for WATCH): u64 KeyHash of the key, u64 seq, oldest first
//   (version 4 held the key itself, a blob, instead of its hash).
// Every order is canonical (the tombstones' is the deterministic order of
// forgetting, never a Dictionary's), so equal states give identical bytes on
// every node, and restore rejects input that is out of order or has duplicate
// keys or sessions. Version 3 is version 4 without the changes (it restores
// with none remembered, so an EXEC watching from before fails safe). Version 2 is version 3 without deadlines (it restores
// with none); version 1 is version 2 without the tombstone section; it
// still restores, with no tombstones. Caveat for an upgrade: a node restoring
// a version-1 snapshot lacks the tombstones of sessions dropped before it,
// which a node that replayed those slots with this code holds, so until
// those tombstones expire a seq-1 retry from such a client could be refused
// by one and applied by the other. Upgrading from a snapshot at a common
// index (or with no seq-1 retries in flight) avoids it.
extension KVStateMachine {
    static let snapshotMagic: [UInt8] = Array("PKVS".utf8)
    static let snapshotVersion: UInt32 = 5
    /// The last version that remembered changed keys by their bytes.
    static let snapshotVersionWithChangedKeys: UInt32 = 4
    /// The last version without remembered changes.
    static let snapshotVersionWithoutChanges: UInt32 = 3
    /// The last version without deadlines.
    static let snapshotVersionWithoutDeadlines: UInt32 = 2
    /// The last version without tombstones.
    static let snapshotVersionWithoutTombstones: UInt32 = 1

    /// The whole state (map, sessions, log clock) as deterministic bytes.
    public func snapshot() -> [UInt8] {
        let size = 64 + 16 * sessions.forgotten.count + 16 * changes.count + 8 * map.count + map.payloadBytes + 16 * expires.count
        var w = ByteWriter(capacity: size)
        w.raw(Self.snapshotMagic)
        w.u32(Self.snapshotVersion)
        w.u64(clockMs)
        w.u64(UInt64(map.count))
        map.forEachBytes { key, value in
            w.blob(key)
            w.blob(value)
        }
        let sorted = sessions.sortedByID()
        w.u32(UInt32(sorted.count))
        for (id, session) in sorted {
            w.blob(id)
            w.u64(session.lastSeq)
            w.u64(session.lastUsedMs)
            w.blob(session.reply)
        }
        let forgotten = sessions.forgotten.inOrder
        w.u32(UInt32(forgotten.count))  // fits: the bound is kept under UInt32.max
        for tombstone in forgotten {
            w.u64(tombstone.idHash)
            w.u64(tombstone.forgottenAtMs)
        }
        w.u64(UInt64(expires.count))
        if !expires.isEmpty {
            map.forEach { entry in
                guard let ms = expires[entry.key] else { return }
                w.blob(entry.key)
                w.u64(ms)
            }
        }
        w.u64(changes.seq)
        w.u64(changes.horizon)
        w.u32(UInt32(changes.count))
        for change in changes.inOrder {
            w.u64(change.keyHash)
            w.u64(change.seq)
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
        guard (Self.snapshotVersionWithoutTombstones...Self.snapshotVersion).contains(version) else {
            throw DecodeError.invalid("unknown snapshot version \(version)")
        }
        var restored = KVStateMachine(sessionTTLms: sessionTTLms, maxSessions: maxSessions, maxValueBytes: maxValueBytes)
        restored.notifyFlags = notifyFlags  // node-local settings, not state
        restored.announcesChanges = announcesChanges
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

        if version > Self.snapshotVersionWithoutTombstones {
            let tombstoneCount = try r.count(minBytesEach: 16)
            var lastTime: UInt64 = 0
            for _ in 0..<tombstoneCount {
                let tombstone = ForgottenClient(idHash: try r.u64(), forgottenAtMs: try r.u64())
                guard tombstone.forgottenAtMs >= lastTime else { throw DecodeError.invalid("snapshot tombstones out of order") }
                guard tombstone.forgottenAtMs <= restored.clockMs else { throw DecodeError.invalid("tombstone made after the snapshot's clock") }
                restored.sessions.restoreForgotten(tombstone)
                lastTime = tombstone.forgottenAtMs
            }
        }
        if version > Self.snapshotVersionWithoutDeadlines { try restored.restoreDeadlines(from: &r) }
        if version > Self.snapshotVersionWithoutChanges {
            let seq = try r.u64()
            let horizon = try r.u64()
            let n = try r.count(minBytesEach: version == Self.snapshotVersionWithChangedKeys ? 12 : 16)
            var list: [RecentChanges.Change] = []
            list.reserveCapacity(n)
            for _ in 0..<n {
                let keyHash = version == Self.snapshotVersionWithChangedKeys ? KeyHash.of(try r.blob()) : try r.u64()
                list.append(RecentChanges.Change(seq: try r.u64(), keyHash: keyHash))
            }
            restored.changes = try RecentChanges(capacity: changes.capacity, seq: seq, horizon: horizon, changes: list)
        }
        try r.expectEnd()
        restored.sessions.finishRestore(now: restored.clockMs)
        self = restored
    }
}

extension KVStateMachine {
    /// The deadline section: keys that exist, in map order, each after the clock.
    fileprivate mutating func restoreDeadlines(from r: inout ByteReader) throws {
        let count = try r.u64()
        guard count <= UInt64(map.count), count <= UInt64(r.remaining / 12) else {
            throw DecodeError.invalid("deadline count \(count) exceeds the keys")
        }
        var last: (hash: UInt64, key: [UInt8])?
        var entries: [DeadlineHeap.Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            let key = try r.blob()
            let ms = try r.u64()
            guard map.contains(key) else { throw DecodeError.invalid("a deadline for a missing key") }
            guard ms > clockMs else { throw DecodeError.invalid("a key past its deadline at the snapshot's clock") }
            let place = (hash: KeyHash.of(key), key: key)
            if let last, !(last.hash < place.hash || (last.hash == place.hash && bytesPrecede(last.key, place.key))) {
                throw DecodeError.invalid("snapshot deadlines out of order or duplicated")
            }
            last = place
            expires[key] = ms
            entries.append(DeadlineHeap.Entry(ms: ms, key: key))
        }
        deadlines = DeadlineHeap(entries)
    }
}
