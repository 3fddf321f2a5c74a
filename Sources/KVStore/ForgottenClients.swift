/// A client session dropped by expiry or eviction: its client id's `KeyHash`
/// and the log time it was dropped.
struct ForgottenClient: Equatable, Sendable {
    var idHash: UInt64
    var forgottenAtMs: UInt64
}

/// Tombstones of forgotten client sessions, so that a forgotten client
/// retrying its first command (`RID id 1 ...`) gets SESSIONEXPIRED instead of
/// being taken for a new client and applied a second time (issue 9, F6).
///
/// Why a record is needed at all: client ids are opaque and chosen by the
/// clients (kvctl picks a fresh random one per process), so without it a
/// forgotten id and a new one look the same at seq 1. A higher seq on an
/// unknown id is already refused, so seq 1 is the only hole.
///
/// A tombstone keeps 16 bytes whatever the id's length: the id's 64-bit
/// `KeyHash` and the time. Two ids that share a hash only make a genuinely new
/// client get SESSIONEXPIRED (it then picks another id): the safe side.
///
/// Bounded in time and in count: a tombstone goes `ttlMs` of log time after its
/// session was forgotten, or earlier when `countMax` later tombstones push it
/// out, oldest first. The remaining window, stated plainly: a first command
/// retried after its tombstone went (more than `ttlMs` of log time after its
/// session was forgotten, or after `countMax` other sessions were forgotten
/// since) is indistinguishable from a new client's and applies again. Closing
/// it fully would need server-assigned client ids (a registration command, as
/// in the Raft dissertation's §6.3), which the RID contract does not have.
///
/// A FIFO in the order forgotten. `now` never goes backwards (the state
/// machine clamps log time), so it is also in time order, and the snapshot
/// writes it as is: nothing here depends on a Dictionary's iteration order.
struct ForgottenClients {
    let ttlMs: UInt64
    let countMax: Int

    /// The tombstones from `head` on, oldest first.
    /// Invariant: `forgottenAtMs` non-decreasing; `count <= countMax`.
    private var queue: [ForgottenClient] = []
    private var head = 0
    /// How many tombstones from `head` on carry each hash (ids may share a
    /// hash). Only looked up, never iterated.
    /// Invariant: the values are >= 1 and sum to `count`.
    private var tombstonesByHash: [UInt64: Int] = [:]

    init(ttlMs: UInt64, countMax: Int) {
        precondition(ttlMs >= 1, "a tombstone must outlive the forget that makes it")
        precondition(countMax >= 1, "at least one tombstone must fit")
        self.ttlMs = ttlMs
        self.countMax = countMax
    }

    var count: Int { queue.count - head }

    /// Whether some forgotten session had a client id with `id`'s hash.
    func contains(_ id: [UInt8]) -> Bool {
        tombstonesByHash[KeyHash.of(id)] != nil
    }

    /// Remembers that the session of `id` was dropped at `now`; drops the
    /// oldest tombstone when over `countMax`.
    mutating func add(_ id: [UInt8], now: UInt64) {
        append(ForgottenClient(idHash: KeyHash.of(id), forgottenAtMs: now))
        if count > countMax { dropOldest() }
        precondition(count <= countMax, "tombstones over their bound")
    }

    /// Drops every tombstone made `ttlMs` or more before `now`.
    mutating func expire(now: UInt64) {
        while head < queue.count {
            let time = queue[head].forgottenAtMs
            guard now >= time, now - time >= ttlMs else { break }
            dropOldest()
        }
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// The tombstones oldest first, as the snapshot writes them.
    var inOrder: ArraySlice<ForgottenClient> { queue[head...] }

    /// Puts back a tombstone read from a snapshot, in the snapshot's order;
    /// the caller checks the input. `finishRestore` enforces the bounds.
    mutating func restore(_ tombstone: ForgottenClient) {
        append(tombstone)
    }

    /// Applies both bounds as of `now` after `restore` calls. A snapshot from
    /// a node with the same settings is already within them (it expired at
    /// its last apply); one from a node configured otherwise is cut down the
    /// way this node would have cut it.
    mutating func finishRestore(now: UInt64) {
        while count > countMax { dropOldest() }
        expire(now: now)
    }

    private mutating func append(_ tombstone: ForgottenClient) {
        precondition(queue.last.map { $0.forgottenAtMs <= tombstone.forgottenAtMs } ?? true,
                     "tombstone time went backwards")
        queue.append(tombstone)
        tombstonesByHash[tombstone.idHash, default: 0] += 1
    }

    private mutating func dropOldest() {
        precondition(head < queue.count, "no tombstone to drop")
        let hash = queue[head].idHash
        head += 1
        guard let n = tombstonesByHash[hash] else { preconditionFailure("tombstone missing from its hash count") }
        tombstonesByHash[hash] = n > 1 ? n - 1 : nil
    }
}
