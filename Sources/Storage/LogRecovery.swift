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
    /// with zeros, so zeros from the end of the last record to the end of
    /// the file are a clean end, in any segment. Other damage is a torn tail
    /// only in the last segment and only when no valid record (under the
    /// segment's salt) follows it, zeros and all. The header is never a torn
    /// tail: a segment gets its name only once its header is durable
    /// (`SegmentWriter`).
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
        while offset < contentEnd {
            switch RecordFrame.parse(bytes, at: offset, salt: header.salt) {
            case .frame(let payload, let next):
                let record: Record
                do {
                    record = try Record(decoding: Array(bytes[payload]))
                } catch {
                    throw StorageError.corruptLog(file: path, offset: offset, reason: "undecodable record: \(error)")
                }
                switch record {
                case .accept(let slot, _, _): maxSlot = max(maxSlot, slot)
                case .promise, .joined: break
                case .snapshot:
                    throw StorageError.corruptLog(file: path, offset: offset, reason: "snapshot record inside the log")
                }
                state.apply(record)
                offset = next
            case .bad(let reason):
                guard isLast, !RecordFrame.hasValidFrame(bytes, after: offset, before: contentEnd, salt: header.salt) else {
                    throw StorageError.corruptLog(file: path, offset: offset, reason: reason)
                }
                // A torn tail: it was never reported durable, so it is dropped.
                return RecoveryPlan.Segment(sequence: sequence, salt: header.salt, validBytes: offset,
                                            tornEnd: contentEnd, maxSlot: maxSlot)
            }
        }
        // Only zeros from `offset` on (a frame's payload may end in zeros itself).
        precondition(offset <= bytes.count, "a frame ran past the end of its segment")
        return RecoveryPlan.Segment(sequence: sequence, salt: header.salt, validBytes: offset,
                                    tornEnd: offset, maxSlot: maxSlot)
    }
}
