/// Key hash → sequence number of that key's last change, for
/// `RecentChanges`: open addressing with linear probing and backward-shift
/// deletion, indexed by the key hash's own (well-mixed) bits. A Dictionary
/// here hashed every write again with Swift's Hasher (~8% of a pipelined
/// SET's leader time). Sequence 0 marks an empty slot (real ones start at 1).
/// Grows by doubling so it stays at most half full.
struct LastChangeTable: Sendable {
    private var hashes: [UInt64]
    private var seqs: [UInt64]
    private(set) var count = 0

    init() {
        hashes = [UInt64](repeating: 0, count: 16)
        seqs = [UInt64](repeating: 0, count: 16)
    }

    private var mask: Int { seqs.count - 1 }

    subscript(hash: UInt64) -> UInt64? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while seqs[i] != 0 {
            if hashes[i] == hash { return seqs[i] }
            i = (i + 1) & mask
        }
        return nil
    }

    mutating func set(_ hash: UInt64, _ seq: UInt64) {
        precondition(seq != 0, "sequence 0 marks an empty slot")
        var i = Int(truncatingIfNeeded: hash) & mask
        while seqs[i] != 0 {
            if hashes[i] == hash {
                seqs[i] = seq
                return
            }
            i = (i + 1) & mask
        }
        hashes[i] = hash
        seqs[i] = seq
        count += 1
        if count * 2 > seqs.count { grow() }
    }

    mutating func remove(_ hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while seqs[i] != 0, hashes[i] != hash { i = (i + 1) & mask }
        guard seqs[i] != 0 else { return }
        // Backward shift: pull later entries of the run into the hole unless
        // their home slot lies (cyclically) after the hole.
        var j = i
        while true {
            j = (j + 1) & mask
            guard seqs[j] != 0 else { break }
            let home = Int(truncatingIfNeeded: hashes[j]) & mask
            let stays = i <= j ? (i < home && home <= j) : (i < home || home <= j)
            if stays { continue }
            hashes[i] = hashes[j]
            seqs[i] = seqs[j]
            i = j
        }
        seqs[i] = 0
        count -= 1
    }

    private mutating func grow() {
        let oldHashes = hashes, oldSeqs = seqs
        hashes = [UInt64](repeating: 0, count: oldSeqs.count * 2)
        seqs = [UInt64](repeating: 0, count: oldSeqs.count * 2)
        count = 0
        for i in oldSeqs.indices where oldSeqs[i] != 0 { set(oldHashes[i], oldSeqs[i]) }
    }
}
