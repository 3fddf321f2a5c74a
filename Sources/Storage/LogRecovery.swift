import PaxosCore

/// What a read-only scan of the data directory found. Nothing is changed
/// until the scan has checked every file, so a corrupt directory is left
/// exactly as it was.
struct RecoveryPlan {
    struct Segment {
        let sequence: UInt64
        /// From the segment header; every record's CRC in the segment covers it.
        let salt: UInt64
        /// End of the last good record (at least `SegmentHeader.bytes`): the
        /// segment's logical size, where the writer resumes.
        let validBytes: Int
        /// End of a torn tail after `validBytes` (its last nonzero byte);
        /// `validBytes` when only zeros follow (a clean end). The writer
        /// overwrites the torn bytes with zeros before it writes anything.
        let tornEnd: Int
        let maxSlot: Slot
        /// Records before `validBytes`, the seal not counted.
        let records: Int
        /// Ends with its seal: rotation away from it had begun, so the
        /// writer starts the next segment instead of writing here.
        let isSealed: Bool
    }

    var state = RecoveredState()
    /// Contiguous, oldest first; empty for a new directory.
    var segments: [Segment] = []
    /// The sequence the first segment must have (what the snapshot names, else 1).
    var firstSegment: UInt64 = 1
    var snapshotIndex: Slot?
    /// Leftovers of interrupted snapshots and compactions.
    var obsoletePaths: [String] = []
}

enum LogRecovery {
    static func scan(_ layout: DataDirectoryLayout, fileSystem fs: any FileSystem) throws -> RecoveryPlan {
        var plan = RecoveryPlan()
        let snapshot = try scanSnapshots(layout, fs, into: &plan)
        if let snapshot {
            plan.firstSegment = snapshot.firstSegment
            plan.snapshotIndex = snapshot.index
            plan.state.apply(.snapshot(index: snapshot.index, promised: snapshot.promised, data: snapshot.data))
        }
        var sequences: [UInt64] = []
        for name in try fs.listDirectory(layout.walDirectory) {
            if name.hasSuffix(".wal.tmp") {
                plan.obsoletePaths.append(layout.walDirectory + "/" + name)  // a segment whose creation was cut short
                continue
            }
            guard let seq = DataDirectoryLayout.number(in: name, suffix: ".wal") else { continue }
            if seq < plan.firstSegment {
                plan.obsoletePaths.append(layout.segmentPath(seq))  // compacted, removal not yet durable
            } else {
                sequences.append(seq)
            }
        }
        sequences.sort()
        if snapshot != nil && sequences.isEmpty {
            throw StorageError.corruptLog(file: layout.segmentPath(plan.firstSegment), offset: 0,
                                          reason: "missing segment named by the snapshot")
        }
        for (i, seq) in sequences.enumerated() {
            let expected = plan.firstSegment + UInt64(i)
            guard seq == expected else {
                throw StorageError.corruptLog(file: layout.segmentPath(expected), offset: 0,
                                              reason: "missing segment (found \(layout.segmentPath(seq)) after it)")
            }
            let segment = try scanSegment(layout.segmentPath(seq), sequence: seq, isLast: i == sequences.count - 1,
                                          fs, into: &plan.state)
            plan.segments.append(segment)
        }
        return plan
    }

    /// Verifies the newest snapshot; older ones and temp files become obsolete.
    private static func scanSnapshots(_ layout: DataDirectoryLayout, _ fs: any FileSystem,
                                      into plan: inout RecoveryPlan) throws -> SnapshotFile? {
        var indices: [UInt64] = []
        for name in try fs.listDirectory(layout.snapDirectory) {
            if let index = DataDirectoryLayout.number(in: name, suffix: ".snap") {
                indices.append(index)
            } else if name.hasSuffix(".snap.tmp") {
                plan.obsoletePaths.append(layout.snapDirectory + "/" + name)
            }
        }
        guard let newest = indices.max() else { return nil }
        for index in indices where index != newest { plan.obsoletePaths.append(layout.snapshotPath(index)) }
        let path = layout.snapshotPath(newest)
        let bytes = try fs.readFile(path)
        do {
            let snapshot = try SnapshotFile(decoding: bytes)
            guard snapshot.index == newest else { throw DecodeError.invalid("holds index \(snapshot.index)") }
            return snapshot
        } catch {
            throw StorageError.corruptSnapshot(file: path, reason: "\(error)")
        }
    }

    /// Replays one segment's records into `state`. Segments are preallocated
    /// with zeros, so zeros after the last record are where the writer
    /// stopped. Every segment but the last must end with its seal (then
    /// zeros): the writer syncs the seal before the next segment exists, so
    /// a non-last segment without one lost its tail, records reported
    /// durable among them, and a voter that forgot accepts can break Paxos
    /// safety. The header is never a torn tail: a segment gets its name only
    /// once its header is durable (`SegmentWriter`).
    ///
    /// Damage at offset D (a frame that does not parse) is a torn tail only
    /// in the last segment, and only when no valid frame after it (under the
    /// segment's salt) has a durable end past D. Why that is sound: the sync
    /// thread runs one batch at a time (write it, fdatasync, then the next),
    /// and every frame carries the end of the last batch whose fdatasync had
    /// returned when the frame was written. A power cut during an fdatasync
    /// of overwritten (preallocated) blocks may persist a later sector of
    /// the batch and not an earlier one, so damage or zeros, then a valid
    /// frame F, then more of either is what a torn batch looks like.
    /// - F.durableEnd > D: D was durable before F was written, so damage
    ///   at D is corruption of durable bytes: refused, the files untouched.
    /// - F.durableEnd <= D for every valid F after D: D was not yet known
    ///   durable when any of them was written, so D and all of them belong
    ///   to the batch being synced at the cut (a later batch would carry
    ///   that batch's end, which is past D). That fdatasync never returned,
    ///   so nothing from D on was reported durable: cut at D, dropping them.
    /// What this cannot tell apart (as before for the last record) is a
    /// torn batch from durable bytes of the last synced batch damaged later.
    private static func scanSegment(_ path: String, sequence: UInt64, isLast: Bool, _ fs: any FileSystem,
                                    into state: inout RecoveredState) throws -> RecoveryPlan.Segment {
        let bytes = try fs.readFile(path)
        let header: SegmentHeader
        do {
            header = try SegmentHeader(decoding: bytes)
        } catch {
            throw StorageError.corruptLog(file: path, offset: 0, reason: "\(error)")
        }
        let contentEnd = RecordFrame.contentEnd(bytes, from: SegmentHeader.bytes)
        var offset = SegmentHeader.bytes
        var maxSlot: Slot = 0
        var records = 0
        func corrupt(_ offset: Int, _ reason: String) -> StorageError {
            StorageError.corruptLog(file: path, offset: offset, reason: reason)
        }
        func segment(validBytes: Int, tornEnd: Int, isSealed: Bool) -> RecoveryPlan.Segment {
            RecoveryPlan.Segment(sequence: sequence, salt: header.salt, validBytes: validBytes, tornEnd: tornEnd,
                                 maxSlot: maxSlot, records: records, isSealed: isSealed)
        }
        while offset < contentEnd {
            switch RecordFrame.parse(bytes, at: offset, salt: header.salt) {
            case .frame(let kind, let durableEnd, let payload, let next):
                guard durableEnd <= offset else {
                    throw corrupt(offset, "record claims bytes durable up to \(durableEnd), past its own offset")
                }
                if kind == RecordFrame.kindSeal {
                    let seal: Seal
                    do {
                        seal = try Seal(decoding: bytes[payload])
                    } catch {
                        throw corrupt(offset, "undecodable seal: \(error)")
                    }
                    guard seal == Seal(length: offset, records: records) else {
                        throw corrupt(offset, "seal of \(seal.length) bytes and \(seal.records) records, "
                                      + "but \(offset) bytes and \(records) records precede it")
                    }
                    // The writer never writes after a seal.
                    guard next >= contentEnd else { throw corrupt(next, "bytes after the segment's seal") }
                    return segment(validBytes: next, tornEnd: next, isSealed: true)
                }
                let record: Record
                do {
                    record = try Record(decoding: Array(bytes[payload]))
                } catch {
                    throw corrupt(offset, "undecodable record: \(error)")
                }
                switch record {
                case .accept(let slot, _, _): maxSlot = max(maxSlot, slot)
                case .promise, .joined: break
                case .snapshot: throw corrupt(offset, "snapshot record inside the log")
                }
                state.apply(record)
                records += 1
                offset = next
            case .bad(let reason):
                guard isLast, RecordFrame.frameDurablePast(offset, in: bytes, before: contentEnd, salt: header.salt) == nil else {
                    throw corrupt(offset, reason)
                }
                // A torn batch: it was never reported durable, so it is dropped.
                return segment(validBytes: offset, tornEnd: contentEnd, isSealed: false)
            }
        }
        // Only zeros from `offset` on (a frame's payload may end in zeros itself).
        precondition(offset <= bytes.count, "a frame ran past the end of its segment")
        guard isLast else {
            throw corrupt(offset, "segment ends without its seal though a later segment exists (records lost from its tail)")
        }
        return segment(validBytes: offset, tornEnd: offset, isSealed: false)
    }
}
